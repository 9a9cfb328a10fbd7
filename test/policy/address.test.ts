// Every spelling of an address reduces to one standard form; names stay names.
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { embeddedIPv4, embeddedIPv4s, formatIPv6, ipFamily, parseAddress, parseIPv4 } from '../../src/policy/address.js';
import { literalAddress } from '../../src/probes/dns.js';

const SAME: [string, string][] = [
  ['169.254.169.254', '169.254.169.254'],
  ['2852039166', '169.254.169.254'],
  ['0xa9fea9fe', '169.254.169.254'],
  ['0XA9FEA9FE', '169.254.169.254'],
  ['0251.0376.0251.0376', '169.254.169.254'],
  ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
  ['169.254.43518', '169.254.169.254'],
  ['169.16689662', '169.254.169.254'],
  ['169.254.169.254.', '169.254.169.254'],
  [' 169.254.169.254 ', '169.254.169.254'],
  ['[169.254.169.254]', '169.254.169.254'],
  ['127.1', '127.0.0.1'],
  ['127.0.1', '127.0.0.1'],
  ['0', '0.0.0.0'],
  ['0x', '0.0.0.0'],
  ['4294967295', '255.255.255.255'],
  ['::ffff:169.254.169.254', '169.254.169.254'],
  ['::ffff:a9fe:a9fe', '169.254.169.254'],
  ['[::FFFF:A9FE:A9FE]', '169.254.169.254'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254'],
  ['::a9fe:a9fe', '::a9fe:a9fe'],
  ['::169.254.169.254', '::a9fe:a9fe'],
  ['FD00:EC2:0:0:0:0:0:254', 'fd00:ec2::254'],
  ['[fd00:ec2::254]', 'fd00:ec2::254'],
  ['fe80::1%eth0', 'fe80::1%eth0'],
  ['[FE80::1%eth0]', 'fe80::1%eth0'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['::', '::'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
];

const NOT_ADDRESSES = [
  'localhost', 'db.internal', 'example.com', '1.2.3.4.5', '256.1.1.1', '1.256.1.1', '1.2.65536', '4294967296', '08.1.1.1', '0x1g',
  '1..2', '.1.2.3', '', '[]', '::ffff:127.1', '1:2:3:4:5:6:7:8:9', '12345::', 'fe80::1%', '0xa9fea9fe0', '0xfffffffff',
];

describe('address spellings', () => {
  for (const [written, standard] of SAME) {
    it(`${JSON.stringify(written)} is ${standard}`, () => {
      assert.equal(parseAddress(written)?.text, standard);
    });
  }
  for (const name of NOT_ADDRESSES) {
    it(`${JSON.stringify(name)} is not an address`, () => {
      assert.equal(parseAddress(name), null);
    });
  }
  it('inet_aton: the last part fills the remaining bytes, earlier parts are one byte each', () => {
    assert.equal(parseIPv4('1.2.3'), 0x01020003);
    assert.equal(parseIPv4('1.65535'), 0x0100ffff);
    assert.equal(parseIPv4('1.16777216'), null);
    assert.equal(parseIPv4('256.1'), null);
    assert.equal(parseIPv4('0377.0377.0377.0377'), 0xffffffff);
  });
  it('embedded IPv4: compatible, SIIT, NAT64, 6to4, Teredo and ISATAP carry one; ::1 and ordinary addresses do not', () => {
    const v6 = (s: string) => { const a = parseAddress(s)!; assert.equal(a.ip.family, 6); return a.ip.family === 6 ? a.ip.v6 : 0n; };
    const read = (s: string) => embeddedIPv4s(v6(s)).map((e) => e.v4);
    assert.equal(embeddedIPv4(v6('::a9fe:a9fe')), 0xa9fea9fe);
    assert.equal(embeddedIPv4(v6('64:ff9b::a9fe:a9fe')), 0xa9fea9fe);
    assert.equal(embeddedIPv4(v6('2002:a9fe:a9fe::1')), 0xa9fea9fe);
    assert.deepEqual(read('::ffff:0:a9fe:a9fe'), [0xa9fea9fe]);
    assert.ok(read('64:ff9b:1::a9fe:a9fe').includes(0xa9fea9fe));
    assert.deepEqual(read('2001:0:a9fe:a9fe::ffff:ffff'), [0xa9fea9fe, 0]);
    assert.deepEqual(read('2001:db8::5efe:a9fe:a9fe'), [0xa9fea9fe]);
    assert.equal(embeddedIPv4(v6('::1')), null);
    assert.equal(embeddedIPv4(v6('2001:db8::1')), null);
  });
  it('RFC 5952 text: the longest zero run is compressed, a single zero group is not', () => {
    assert.equal(formatIPv6(0n), '::');
    assert.equal(formatIPv6(1n), '::1');
    assert.equal(formatIPv6(0x20010db8000000010001000100010001n), '2001:db8:0:1:1:1:1:1');
  });
  it('the DNS probe treats every address spelling as a literal, in standard form, and never resolves it', () => {
    assert.deepEqual(literalAddress('0x7f000001'), { address: '127.0.0.1', family: 4 });
    assert.deepEqual(literalAddress('[::1]'), { address: '::1', family: 6 });
    assert.deepEqual(literalAddress('::ffff:127.0.0.1'), { address: '127.0.0.1', family: 4 });
    assert.equal(literalAddress('localhost'), null);
  });
  it('parseAddress answers the same each time and its answer cannot be changed by a caller (it is shared)', () => {
    const a = parseAddress('127.1')!;
    assert.equal(parseAddress('127.1'), a);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.ip));
    assert.throws(() => {
      (a as { text: string }).text = '10.0.0.1';
    }, TypeError);
    assert.equal(parseAddress('127.1')?.text, '127.0.0.1');
  });
});

describe('ipFamily: node:net isIP without its IPv6 expression', () => {
  const TABLE = [
    '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1::2:3:4:5:6:7', '1::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9', '1:2:3:4:5::1.2.3.4', '1:2:3:4:5:6::1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4',
    '1.2.3.4::', '::1.2.3.4', '::ffff:1.2.3.4', '::01.2.3.4', '::1.2.3.04', '::1.2.3.256', 'fe80::1%eth0', 'fe80::1%',
    '::1%a:b.c-d', '::1%a b', ':::', '1:::2', '::1::', '00000::', '0000::', 'FFFF::fffF', '::g', '[::1]', '::1 ', ':1', '1:',
    '', '1', '1.2.3.4', '01.2.3.4', '1.2.3.256', '255.255.255.255', '1.2.3', '1.2.3.4.5', '0x7f.1', 'localhost',
  ];
  it('agrees with isIP on every shape in the table', () => {
    for (const text of TABLE) assert.equal(ipFamily(text), isIP(text), JSON.stringify(text));
  });
  it('agrees with isIP on generated near-addresses', () => {
    const piece = fc.constantFrom('0', '1', 'a', 'F', 'ffff', '0db8', '12345', 'g', '', '1.2.3.4', '10.0.0.01', '256.1.1.1');
    const text = fc.tuple(fc.array(piece, { maxLength: 10 }), fc.nat(11), fc.boolean(), fc.constantFrom('', '%eth0', '%', '%a.b:c', '% x'))
      .map(([parts, at, gap, zone]) => {
        const body = parts.join(':');
        const cut = Math.min(at, body.length);
        return (gap ? `${body.slice(0, cut)}::${body.slice(cut)}` : body) + zone;
      });
    fc.assert(fc.property(text, (t) => ipFamily(t) === isIP(t)), { numRuns: 20_000 });
    fc.assert(fc.property(fc.string({ maxLength: 24 }), (t) => ipFamily(t) === isIP(t)), { numRuns: 5_000 });
  });
});
