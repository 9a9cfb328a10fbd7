// The policy's decisions, table by table: built-in denies in every spelling, loopback by surface, the
// operator's allow and deny lists (CIDRs, names, ports), explicit naming, and the list syntax.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan } from '../../src/plan.js';
import {
  checkHost, checkResolved, checkTarget, DEFAULT_POLICY, defaultPolicy, describePolicy, isLoopback, parseHostList, parsePortList, type Policy,
} from '../../src/policy/index.js';
import { facts } from '../engine/helpers.js';
import { ALWAYS_REFUSED, LOOPBACK, policyOf } from './helpers.js';

const chat = defaultPolicy('chat');
const cli = defaultPolicy('cli');

describe('built-in denies, every spelling, on both surfaces', () => {
  for (const [what, spellings] of ALWAYS_REFUSED) {
    for (const host of spellings) {
      it(`${what}: ${host}`, () => {
        for (const policy of [chat, cli, policyOf({ allowHosts: '0.0.0.0/0, ::/0' })]) {
          const v = checkHost(host, policy);
          assert.equal(v.allowed, false, `${host} allowed`);
        }
      });
    }
  }
  it('the reason names the range in words, and the standard form of an odd spelling', () => {
    const v = checkHost('0xa9fea9fe', chat);
    assert.ok(!v.allowed);
    assert.match(v.reason, /^0xa9fea9fe \(169\.254\.169\.254\) is a cloud metadata endpoint/);
    const v6 = checkHost('::a9fe:a9fe', chat);
    assert.ok(!v6.allowed);
    assert.match(v6.reason, /^::a9fe:a9fe carries 169\.254\.169\.254 \(IPv4-compatible\), a cloud metadata endpoint/);
  });
});

describe('loopback: refused in chat, probed from the command line', () => {
  for (const host of LOOPBACK) {
    it(host, () => {
      const v = checkHost(host, chat);
      assert.ok(!v.allowed, `${host} allowed in chat`);
      assert.match(v.reason, /own loopback/);
      assert.equal(checkHost(host, cli).allowed, true, `${host} refused on the command line`);
      assert.equal(isLoopback(host), true);
    });
  }
  it('REFUSED_ALLOW_LOOPBACK=true lets chat probe it; a pasted localhost is still the reporter\'s machine', () => {
    const allowed: Policy = { allowLoopback: true, contact: null };
    assert.equal(checkHost('127.1', allowed).allowed, true);
    const pasted = plan(facts({ host: '0x7f000001', port: 5432 }), { surface: 'chat', policy: allowed });
    assert.equal(pasted.skipped[0]?.reason, 'local-target');
  });
  it('not loopback: 128.0.0.1, localhost.example, ::2', () => {
    for (const host of ['128.0.0.1', 'localhost.example', '::2', '126.255.255.255']) assert.equal(isLoopback(host), false, host);
  });
});

describe('out of the box everything else is allowed', () => {
  for (const host of ['10.0.0.5', '10.1', '192.168.1.1', '172.16.0.1', '100.64.0.1', '8.8.8.8', '2001:db8::1', 'fd12:3456::1', 'db.internal', 'DB.INTERNAL.', 'pypi.org']) {
    it(host, () => {
      assert.equal(checkHost(host, chat).allowed, true);
      assert.equal(checkResolved(chat, '10.0.0.5', 5432, host), null);
    });
  }
  it('ports 1–65535, nothing else', () => {
    for (const port of [1, 22, 5432, 65535]) assert.equal(checkTarget('10.0.0.5', port, chat).allowed, true, String(port));
    for (const port of [0, -1, 65536, 1.5, Number.NaN]) assert.equal(checkTarget('10.0.0.5', port, chat).allowed, false, String(port));
  });
  it('whitespace, control characters, slashes and @ are not a host', () => {
    for (const host of ['db internal', 'db\n', 'a/b', 'user@db', 'db%eth0', '']) assert.equal(checkHost(host, chat).allowed, false, JSON.stringify(host));
  });
});

// One operator's policy: probe the office networks and the corp names on a few ports, never the vault.
const office = policyOf({
  allowHosts: '10.0.0.0/8, 2001:db8::/32, *.corp.example, build.example.org',
  denyHosts: '10.9.0.0/16, vault.corp.example, *.secret.corp.example, fd00:dead::/32',
  allowPorts: '80, 443, 5432, 8000-8999',
  denyPorts: '8080',
  contact: '#infra',
});

/** [host as typed, port, what it resolves to (names only), allowed?, reason pattern] */
const OFFICE: [string, number, string[] | null, boolean, RegExp?][] = [
  ['10.1.2.3', 80, null, true],
  ['10.1.2.3', 8443, null, true],
  ['10.1.2.3', 22, null, false, /port 22 is outside the ports/],
  ['10.1.2.3', 8080, null, false, /port 8080 is on this instance's deny list \(8080\)/],
  ['10.9.1.1', 80, null, false, /deny list \(10\.9\.0\.0\/16\)/],
  ['0x0a090101', 80, null, false, /10\.9\.1\.1.*deny list/],
  ['10.589825', 80, null, false, /deny list/],
  ['::ffff:10.9.1.1', 80, null, false, /deny list/],
  ['::ffff:10.1.2.3', 80, null, true],
  ['012.1.2.3', 80, null, true],
  ['192.168.1.1', 80, null, false, /outside the hosts and networks/],
  ['2001:db8::5', 443, null, true],
  ['2001:db9::5', 443, null, false, /outside/],
  ['fd00:dead::1', 443, null, false, /deny list \(fd00:dead::\/32\)/],
  ['db.corp.example', 5432, ['10.1.2.3'], true],
  ['db.corp.example', 5432, ['203.0.113.5'], true],
  ['DB.CORP.EXAMPLE.', 5432, ['203.0.113.5'], true],
  ['db.corp.example', 5432, ['169.254.169.254'], false, /db\.corp\.example resolved to 169\.254\.169\.254, which is a cloud metadata endpoint/],
  ['db.corp.example', 5432, ['::ffff:169.254.169.254'], false, /metadata/],
  ['db.corp.example', 5432, ['10.9.0.1'], false, /resolved to 10\.9\.0\.1, which is on this instance's deny list/],
  ['db.corp.example', 5432, ['127.0.0.1'], false, /own loopback/],
  ['vault.corp.example', 443, ['10.1.2.3'], false, /vault\.corp\.example is on this instance's deny list \(vault\.corp\.example\)/],
  ['VAULT.corp.example.', 443, ['10.1.2.3'], false, /deny list/],
  ['a.b.secret.corp.example', 443, ['10.1.2.3'], false, /deny list \(\*\.secret\.corp\.example\)/],
  ['corp.example', 443, ['203.0.113.5'], false, /outside/],
  ['build.example.org', 443, ['203.0.113.7'], true],
  ['x.build.example.org', 443, ['203.0.113.7'], false, /outside/],
  ['other.example', 443, ['10.2.3.4'], true],
  ['other.example', 443, ['203.0.113.5'], false, /other\.example resolved to 203\.0\.113\.5, which is outside/],
];

describe('an operator\'s allow and deny lists', () => {
  for (const [host, port, resolves, allowed, reason] of OFFICE) {
    it(`${host}:${port}${resolves ? ` → ${resolves.join(', ')}` : ''} is ${allowed ? 'allowed' : 'refused'}`, () => {
      const atPlan = checkTarget(host, port, office);
      const atProbe = atPlan.allowed ? (resolves ?? [host]).map((a) => checkResolved(office, a, port, host)).find((r) => r !== null) ?? null : atPlan.reason;
      if (allowed) {
        assert.equal(atPlan.allowed, true, atPlan.allowed ? '' : atPlan.reason);
        assert.equal(atProbe, null);
      } else {
        assert.notEqual(atProbe, null, 'allowed');
        if (reason) assert.match(atProbe!, reason);
      }
    });
  }
  it('a refusal in the plan names who to ask', () => {
    const p = plan(facts({ kind: 'none', host: '192.168.1.1', port: 80 }), { surface: 'chat', typed: true, policy: office });
    assert.equal(p.skipped[0]!.reason, 'policy');
    assert.match(p.skipped[0]!.detail, /outside .*; ask #infra$/);
  });
  it('the nearby-port look stays within the allowed ports', () => {
    const p = plan(facts({ kind: 'none', host: '10.1.2.3', port: 80, service: 'http' }), { surface: 'chat', typed: true, policy: office });
    assert.equal(p.targets.length, 1);
    assert.ok(p.nearbyPorts.length > 0);
    for (const port of p.nearbyPorts) assert.equal(checkTarget('10.1.2.3', port, office).allowed, true, String(port));
    assert.ok(!p.nearbyPorts.includes(8080) && !p.nearbyPorts.includes(81) && !p.nearbyPorts.includes(3000));
    const only = plan(facts({ kind: 'none', host: '10.1.2.3', port: 5432, service: 'postgres' }), { surface: 'cli', typed: true, policy: policyOf({ allowPorts: '5432' }) });
    assert.deepEqual(only.nearbyPorts, []);
  });
  it('a deny list always wins, even over the same entry in the allow list', () => {
    const both = policyOf({ allowHosts: '10.0.0.0/8, db.corp.example', denyHosts: '10.0.0.0/8, db.corp.example', allowPorts: '22', denyPorts: '22' });
    assert.equal(checkHost('10.1.2.3', both).allowed, false);
    assert.equal(checkHost('db.corp.example', both).allowed, false);
    assert.equal(checkPort22(both), false);
  });
  it('names only: a name outside them is refused before DNS', () => {
    const names = policyOf({ allowHosts: '*.corp.example' });
    assert.equal(checkHost('db.corp.example', names).allowed, true);
    assert.equal(checkHost('pypi.org', names).allowed, false);
    assert.equal(checkHost('10.1.2.3', names).allowed, false);
  });
});

function checkPort22(policy: Policy): boolean {
  return checkTarget('10.1.2.3', 22, policy).allowed;
}

describe('a built-in deny yields only to an allow entry that names it', () => {
  const cases: [string, string, string, boolean][] = [
    // [allow list, surface's policy base, address, allowed?]
    ['169.254.169.254', 'cli', '169.254.169.254', true],
    ['169.254.169.254', 'cli', '0xa9fea9fe', true],
    ['169.254.169.254', 'cli', '169.254.1.1', false],
    ['169.254.0.0/16', 'cli', '169.254.1.1', true],
    ['169.254.0.0/16', 'cli', '169.254.169.254', false],
    ['169.254.0.0/15', 'cli', '169.254.1.1', false],
    ['0.0.0.0/0, ::/0', 'cli', '169.254.169.254', false],
    ['0.0.0.0/0, ::/0', 'cli', '10.1.2.3', true],
    ['0.0.0.0/0, ::/0', 'chat', '127.0.0.1', false],
    ['127.0.0.0/8', 'chat', '127.0.0.1', true],
    ['127.0.0.1', 'chat', '127.1', true],
    ['127.0.0.1', 'chat', '127.0.0.2', false],
    ['::1', 'chat', '[::1]', true],
    ['::1', 'chat', '127.0.0.1', false],
    ['fe80::/10', 'cli', 'fe80::1%eth0', true],
    ['fd00:ec2::254', 'cli', 'fd00:ec2::254', true],
    ['fd00::/8', 'cli', 'fd00:ec2::254', false],
    ['224.0.0.0/4', 'cli', '239.1.2.3', true],
  ];
  for (const [allowHosts, surface, address, allowed] of cases) {
    it(`allow ${allowHosts} (${surface}): ${address} ${allowed ? 'allowed' : 'refused'}`, () => {
      const policy = policyOf({ allowHosts, allowLoopback: surface === 'cli' });
      assert.equal(checkHost(address, policy).allowed, allowed);
      assert.equal(checkResolved(policy, parseOr(address), 80) === null, allowed);
    });
  }
  it('names: the exact name lifts a built-in name; its addresses are still checked', () => {
    const google = policyOf({ allowHosts: 'metadata.google.internal' });
    assert.equal(checkHost('metadata.google.internal', google).allowed, true);
    assert.equal(checkHost('metadata.google.internal', policyOf({ allowHosts: '*.google.internal' })).allowed, false);
    assert.match(checkResolved(google, '169.254.169.254', 80, 'metadata.google.internal')!, /resolved to 169\.254\.169\.254, which is a cloud metadata endpoint/);
    const local = policyOf({ allowHosts: '127.0.0.1/32' });
    assert.equal(checkHost('localhost', local).allowed, true);
    assert.equal(checkResolved(local, '127.0.0.1', 80, 'localhost'), null);
    assert.match(checkResolved(local, '::1', 80, 'localhost')!, /own loopback/);
  });
});

function parseOr(address: string): string {
  return address.replace(/^\[|\]$/g, '');
}

describe('list syntax: every mistake named', () => {
  const bad: [string, RegExp][] = [
    ['10.0.0.1/8', /bits set beyond the \/8 prefix; write 10\.0\.0\.0\/8/],
    ['10.0.0.0/33', /prefix length "33".*0 to 32/],
    ['fd00::/129', /0 to 128/],
    ['10.0.0.0/x', /prefix length "x"/],
    ['db/24', /not a CIDR/],
    ['127.1', /unusual spelling of 127\.0\.0\.1; write 127\.0\.0\.1/],
    ['0xa9fea9fe', /unusual spelling of 169\.254\.169\.254/],
    ['300.1.1.1', /not a valid IP address/],
    ['1:2:3', /not a valid IP address/],
    ['fe80::1%eth0', /zone id/],
    ['*', /every name/],
    ['db-*.corp', /\* that is not at the start/],
    ['-bad-.example', /not a host name/],
    ['bad!.example', /not a host name/],
    ['a..example', /not a host name/],
  ];
  for (const [entry, why] of bad) {
    it(`${JSON.stringify(entry)}`, () => {
      const r = parseHostList(entry);
      assert.ok(r.problems.length >= 1, 'no problem reported');
      assert.match(r.problems.join('\n'), why);
    });
  }
  it('good entries, commas or spaces', () => {
    const r = parseHostList(' 10.0.0.0/8,fd00::/8  db.corp.example, *.corp.example ,::ffff:10.0.0.0/104 192.168.1.1 [2001:db8::1]');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.nets.map((n) => n.text), ['10.0.0.0/8', 'fd00::/8', '10.0.0.0/8', '192.168.1.1/32', '2001:db8::1/128']);
    assert.deepEqual(r.names.map((n) => [n.name, n.wildcard]), [['db.corp.example', false], ['corp.example', true]]);
  });
  it('ports and ranges', () => {
    assert.deepEqual(parsePortList('22, 80 8000-8999').ports, [{ lo: 22, hi: 22 }, { lo: 80, hi: 80 }, { lo: 8000, hi: 8999 }]);
    for (const [entry, why] of [['0', /outside 1–65535/], ['65536', /outside/], ['90-80', /backwards; write 80-90/], ['http', /not a port or range/], ['1-2-3', /not a port/]] as const) {
      assert.match(parsePortList(entry).problems.join('\n'), why, entry);
    }
  });
});

describe('cost', () => {
  it('a check takes microseconds', () => {
    const hosts = ['0xa9fea9fe', '10.1.2.3', 'db.corp.example', '::ffff:169.254.169.254', 'fe80::1%eth0', '2001:db8::5'];
    const n = 20_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const h = hosts[i % hosts.length]!;
      checkTarget(h, 443, office);
      checkResolved(office, '10.1.2.3', 443, h);
    }
    const perCheck = ((performance.now() - started) * 1000) / (2 * n);
    assert.ok(perCheck < 20, `${perCheck.toFixed(2)} µs per check`);
  });
});

describe('in words', () => {
  it('describes the lists and who to ask', () => {
    const words = describePolicy(office).join('\n');
    assert.match(words, /Only these hosts and networks are probed: 10\.0\.0\.0\/8/);
    assert.match(words, /Never probed: 10\.9\.0\.0\/16/);
    assert.match(words, /ask #infra/);
    assert.match(describePolicy(DEFAULT_POLICY).join('\n'), /never probed/);
  });
});
