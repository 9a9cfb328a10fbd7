// IPv6 addresses that a gateway, a tunnel or the kernel turns into an IPv4 connection: every form is read for
// the IPv4 address inside it, and that address is judged as well as the IPv6 one. The forms are built here
// from the IPv4 address (independently of the parser), so a reading bug shows up as a mismatch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { embeddedIPv4s, formatIPv6, parseAddress, parseIPv4 } from '../../src/policy/address.js';
import { checkHost, checkResolved, defaultPolicy, describePolicy, parseNat64List } from '../../src/policy/index.js';
import { policyOf, recorder } from './helpers.js';

const chat = defaultPolicy('chat');
const cli = defaultPolicy('cli');

const v6 = (text: string): bigint => {
  const a = parseAddress(text);
  assert.ok(a && a.ip.family === 6, `${text} is not an IPv6 address`);
  return a.ip.family === 6 ? a.ip.v6 : 0n;
};

/** RFC 6052 §2.2: the IPv4 address inside `prefix` (a /len network), skipping the u-octet (bits 64–71). */
function rfc6052(prefix: string, len: 32 | 40 | 48 | 56 | 64 | 96, v4: number): string {
  const p = v6(prefix);
  const n = BigInt(v4);
  const split = (hiBits: number, hiShift: number, loShift: number) => ((n >> BigInt(32 - hiBits)) << BigInt(hiShift)) | ((n & ((1n << BigInt(32 - hiBits)) - 1n)) << BigInt(loShift));
  const body = {
    32: n << 64n,
    40: split(24, 64, 48),
    48: split(16, 64, 40),
    56: split(8, 64, 32),
    64: n << 24n,
    96: n,
  }[len];
  return formatIPv6(p | body);
}

const hex16 = (v4: number) => [(v4 >>> 16).toString(16), (v4 & 0xffff).toString(16)];

/** Teredo (RFC 4380): 2001:0:<server IPv4>:<flags>:<port ^ 0xffff>:<client IPv4 ^ 0xffffffff>. */
function teredo(server: number, client: number): string {
  const [sh, sl] = hex16(server);
  const [ch, cl] = hex16((client ^ 0xffffffff) >>> 0);
  return `2001:0:${sh}:${sl}:8000:f227:${ch}:${cl}`;
}

const DOC_V4 = parseIPv4('203.0.113.1')!;

/** Every form of `dotted`, named, as the text a person (or a resolver) might hand over. */
function forms(dotted: string): [string, string][] {
  const n = parseIPv4(dotted)!;
  const [h, l] = hex16(n);
  return [
    ['IPv4-mapped', `::ffff:${dotted}`],
    ['IPv4-mapped, hex', `::ffff:${h}:${l}`],
    ['IPv4-compatible', `::${dotted}`],
    ['SIIT (IPv4-translated)', `::ffff:0:${dotted}`],
    ['SIIT, hex', `::ffff:0:${h}:${l}`],
    ['NAT64 well-known prefix', `64:ff9b::${dotted}`],
    ['NAT64 local-use /48', rfc6052('64:ff9b:1::', 48, n)],
    ['NAT64 local-use /56', rfc6052('64:ff9b:1::', 56, n)],
    ['NAT64 local-use /64', rfc6052('64:ff9b:1::', 64, n)],
    ['NAT64 local-use /96', rfc6052('64:ff9b:1::', 96, n)],
    ['NAT64 local-use /96, dotted tail', `64:ff9b:1::${dotted}`],
    ['6to4', `2002:${h}:${l}::1`],
    ['Teredo server', teredo(n, DOC_V4)],
    ['Teredo client', teredo(DOC_V4, n)],
    ['ISATAP', `2001:db8::5efe:${dotted}`],
    ['ISATAP, global', `2001:db8::200:5efe:${h}:${l}`],
  ];
}

/** The forms under an operator's own NAT64 prefixes, one per RFC 6052 length. */
const OPERATOR_PREFIXES = '2001:db8:64::/96, 2001:db8::/32, 2001:db8:100::/40, 2001:db8:200::/48, 2001:db8:300::/56, 2001:db8:400::/64';
function operatorForms(dotted: string): [string, string][] {
  const n = parseIPv4(dotted)!;
  return [
    ['operator NAT64 /96', `2001:db8:64::${dotted}`],
    ['operator NAT64 /32', rfc6052('2001:db8::', 32, n)],
    ['operator NAT64 /40', rfc6052('2001:db8:100::', 40, n)],
    ['operator NAT64 /48', rfc6052('2001:db8:200::', 48, n)],
    ['operator NAT64 /56', rfc6052('2001:db8:300::', 56, n)],
    ['operator NAT64 /64', rfc6052('2001:db8:400::', 64, n)],
  ];
}

const CARRIED: [string, RegExp, boolean][] = [
  // [IPv4 address, what the reason must say, refused on the command line too?]
  ['169.254.169.254', /cloud metadata/, true],
  ['168.63.129.16', /Azure/, true],
  ['127.0.0.1', /own loopback/, false],
];

describe('the embedded IPv4 address of every translation form', () => {
  it('reads the same address the form was built from', () => {
    for (const [dotted] of CARRIED) {
      const n = parseIPv4(dotted)!;
      for (const [form, text] of forms(dotted)) {
        const a = parseAddress(text)!;
        if (a.ip.family === 4) {
          assert.equal(a.ip.v4, n, `${form}: ${text}`);
          continue;
        }
        assert.ok(embeddedIPv4s(a.ip.v6).some((e) => e.v4 === n), `${form}: ${text} → ${JSON.stringify(embeddedIPv4s(a.ip.v6))}`);
      }
      const prefixes = parseNat64List(OPERATOR_PREFIXES);
      assert.deepEqual(prefixes.problems, []);
      for (const [form, text] of operatorForms(dotted)) {
        assert.ok(embeddedIPv4s(v6(text), prefixes.prefixes).some((e) => e.v4 === n), `${form}: ${text}`);
        assert.ok(!embeddedIPv4s(v6(text)).some((e) => e.v4 === n), `${form}: read without the operator's prefix`);
      }
    }
  });
  it('Teredo: the server and the (inverted) client are both read', () => {
    const got = embeddedIPv4s(v6(teredo(parseIPv4('169.254.169.254')!, parseIPv4('168.63.129.16')!))).map((e) => e.v4);
    assert.ok(got.includes(0xa9fea9fe) && got.includes(parseIPv4('168.63.129.16')!), JSON.stringify(got));
  });
  it('ordinary IPv6 carries nothing', () => {
    for (const text of ['2001:db8::1', 'fd12:3456::1', '::1', '::', 'fe80::1', '2001:db8:64::a9fe:a9fe']) {
      assert.deepEqual(embeddedIPv4s(v6(text)), [], text);
    }
  });
});

describe('a translation form of a denied IPv4 address is refused', () => {
  for (const [dotted, why, cliToo] of CARRIED) {
    for (const [form, text] of forms(dotted)) {
      it(`${dotted} as ${form}: ${text}`, () => {
        for (const policy of cliToo ? [chat, cli] : [chat]) {
          const v = checkHost(text, policy);
          assert.ok(!v.allowed, `${text} allowed`);
          assert.match(v.reason, why);
          // The literal's own check and the check of an address a name resolved to agree.
          const r = checkResolved(policy, text, 443, 'sneaky.example');
          assert.ok(r !== null && why.test(r), `resolved: ${r}`);
        }
      });
    }
  }

  it('the reason says what the address carries, in which form, and why that is refused', () => {
    const v = checkHost('64:ff9b:1::a9fe:a9fe', chat);
    assert.ok(!v.allowed);
    assert.match(v.reason, /^64:ff9b:1::a9fe:a9fe carries 169\.254\.169\.254 \(NAT64[^)]*\), a cloud metadata endpoint/);
    const siit = checkHost('::ffff:0:a9fe:a9fe', chat);
    assert.ok(!siit.allowed);
    assert.match(siit.reason, /^::ffff:0:a9fe:a9fe carries 169\.254\.169\.254 \(SIIT[^)]*\), a cloud metadata endpoint/);
    const t = checkHost(teredo(DOC_V4, parseIPv4('168.63.129.16')!), chat);
    assert.ok(!t.allowed);
    assert.match(t.reason, /carries 168\.63\.129\.16 \(Teredo client[^)]*\), .*Azure/);
    assert.match(checkResolved(chat, '64:ff9b::7f00:1', 80, 'sneaky.example')!, /^sneaky\.example resolved to 64:ff9b::7f00:1, which carries 127\.0\.0\.1 \(NAT64[^)]*\), this bot's own loopback/);
  });

  it('an operator deny entry is applied to the carried address too', () => {
    const p = policyOf({ denyHosts: '10.9.0.0/16' });
    const v = checkHost(rfc6052('64:ff9b:1::', 48, parseIPv4('10.9.1.1')!), p);
    assert.ok(!v.allowed);
    assert.match(v.reason, /carries 10\.9\.1\.1 \(NAT64[^)]*\), which is on this instance's deny list \(10\.9\.0\.0\/16\)/);
  });

  it('an allow entry inside the built-in deny still lifts it, for the carried address as for the plain one', () => {
    const p = policyOf({ allowHosts: '169.254.169.254, 64:ff9b::/96' });
    assert.equal(checkHost('64:ff9b::a9fe:a9fe', p).allowed, true);
    assert.equal(checkHost('64:ff9b::a9fe:101', p).allowed, false, 'the rest of link-local stays refused');
    assert.equal(checkHost('64:ff9b::a9fe:a9fe', policyOf({ allowHosts: '0.0.0.0/0, ::/0' })).allowed, false);
  });
});

describe('the operator\'s own NAT64 prefixes', () => {
  const policy = policyOf({ nat64: OPERATOR_PREFIXES });
  for (const [dotted, why, cliToo] of CARRIED) {
    for (const [form, text] of operatorForms(dotted)) {
      it(`${dotted} as ${form}: ${text}`, () => {
        const v = checkHost(text, policy);
        assert.ok(!v.allowed, `${text} allowed`);
        assert.match(v.reason, why);
        assert.match(v.reason, /this network's NAT64 prefix 2001:db8:/);
        if (cliToo) assert.equal(checkHost(text, chat).allowed, true, 'without the prefix the address is ordinary IPv6');
      });
    }
  }
  it('ordinary addresses under the prefix stay allowed', () => {
    assert.equal(checkHost('2001:db8:64::a00:5', policy).allowed, true);
    assert.equal(checkHost(rfc6052('2001:db8:200::', 48, parseIPv4('10.0.0.5')!), policy).allowed, true);
  });
  it('bad prefixes are named with the fix', () => {
    const bad: [string, RegExp][] = [
      ['2001:db8:64::/80', /prefix length 80.*32, 40, 48, 56, 64 or 96/],
      ['10.0.0.0/8', /IPv4 network; a NAT64 prefix is IPv6/],
      ['2001:db8:64::', /no prefix length; write it as 2001:db8:64::\/96/],
      ['2001:db8:64::1/96', /bits set beyond the \/96 prefix; write 2001:db8:64::\/96/],
      ['nat64.example/96', /not a CIDR/],
      ['2001:db8:0:0:100::/96', /u-octet/],
    ];
    for (const [entry, why] of bad) {
      const r = parseNat64List(entry);
      assert.equal(r.prefixes.length, 0, entry);
      assert.match(r.problems.join('\n'), why, entry);
    }
    assert.deepEqual(parseNat64List(' 2001:db8:64::/96,64:ff9b::/96 ').problems, []);
  });
  it('the Home tab names them', () => {
    assert.match(describePolicy(policy).join('\n'), /NAT64 prefixes of this network: 2001:db8:64::\/96/);
  });
});

describe('cloud platform addresses', () => {
  const cases: [string, RegExp][] = [
    ['168.63.129.16', /Azure/],
    ['0xa83f8110', /Azure/],
    ['fd00:ec2::254', /AWS/],
    ['fd00:ec2::23', /AWS/],
    ['fd00:ec2::123', /AWS/],
    ['fd00:ec2:ffff::1', /AWS/],
    ['fd20:ce::254', /Google/],
    ['fd00:42::42', /Scaleway/],
    ['192.0.0.192', /Oracle/],
    ['100.100.100.200', /Alibaba/],
  ];
  for (const [host, why] of cases) {
    it(`${host} is refused on both surfaces`, () => {
      for (const policy of [chat, cli]) {
        const v = checkHost(host, policy);
        assert.ok(!v.allowed, host);
        assert.match(v.reason, why);
      }
    });
  }
  it('their neighbours are ordinary addresses', () => {
    for (const host of ['168.63.129.17', 'fd00:ec3::254', 'fd20:ce::253', '192.0.0.193']) assert.equal(checkHost(host, chat).allowed, true, host);
  });
});

describe('ordinary IPv6 stays allowed (checked by the policy only; nothing is connected to)', () => {
  const n = parseIPv4('10.0.0.5')!;
  const hosts = [
    '2001:db8::1', '2001:db8:64::a9fe:a9fe', 'fd12:3456::1', '64:ff9b::a00:5', '64:ff9b::cb00:7101',
    rfc6052('64:ff9b:1::', 48, n), rfc6052('64:ff9b:1::', 56, n), rfc6052('64:ff9b:1::', 64, n), rfc6052('64:ff9b:1::', 96, n),
    '2002:cb00:7101::1', teredo(DOC_V4, parseIPv4('198.51.100.7')!), '::ffff:0:a00:5', '2001:db8::5efe:a00:5',
  ];
  for (const host of hosts) {
    it(host, () => {
      assert.equal(checkHost(host, chat).allowed, true, checkHost(host, chat).allowed ? '' : (checkHost(host, chat) as { reason: string }).reason);
      assert.equal(checkResolved(chat, host, 443, 'ordinary.example'), null);
    });
  }
});

describe('through the engine: no socket for a translated denied address', () => {
  for (const [dotted, , cliToo] of CARRIED) {
    it(`${dotted}: every form, typed as a literal and handed back by the one lookup`, async () => {
      const all = forms(dotted).map(([, t]) => t);
      for (const text of all) {
        for (const surface of cliToo ? (['chat', 'cli'] as const) : (['chat'] as const)) {
          const literal = recorder();
          const d = await diagnose({ type: 'target', host: text, port: 443 }, { surface, deps: literal.deps });
          assert.equal(d.causes[0]?.id, 'blocked-by-policy', `${text} (${surface}) literal: ${d.causes[0]?.id}`);
          assert.deepEqual(literal.calls, [], `${text} (${surface}) literal: sockets asked for`);

          const named = recorder({ 'sneaky.example': [text] });
          const e = await diagnose({ type: 'target', host: 'sneaky.example', port: 443 }, { surface, deps: named.deps });
          assert.equal(e.causes[0]?.id, 'blocked-by-policy', `${text} (${surface}) resolved: ${e.causes[0]?.id}`);
          assert.deepEqual(named.calls, [], `${text} (${surface}) resolved: sockets asked for`);
          assert.deepEqual(named.lookups, ['sneaky.example']);
        }
      }
    });
  }

  it('under the operator\'s NAT64 prefix too', async () => {
    const policy = policyOf({ nat64: '2001:db8:64::/96' });
    const r = recorder({ 'sneaky.example': ['2001:db8:64::a9fe:a9fe'] });
    const d = await diagnose({ type: 'target', host: 'sneaky.example', port: 80 }, { surface: 'chat', deps: r.deps, policy });
    assert.equal(d.causes[0]?.id, 'blocked-by-policy');
    assert.deepEqual(r.calls, []);
    assert.match(d.plan.skipped.find((s) => s.reason === 'policy')!.detail, /sneaky\.example resolved to 2001:db8:64::a9fe:a9fe, which carries 169\.254\.169\.254/);
  });

  it('an ordinary IPv6 answer is connected to (through the recorder, which opens nothing)', async () => {
    const r = recorder({ 'ordinary.example': ['2001:db8::1', '64:ff9b::a00:5'] });
    await diagnose({ type: 'target', host: 'ordinary.example', port: 443 }, { surface: 'chat', deps: r.deps });
    assert.ok(r.calls.includes('2001:db8::1:443') && r.calls.includes('64:ff9b::a00:5:443'), JSON.stringify(r.calls));
  });
});
