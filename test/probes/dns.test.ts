import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asksDnsServers, probeDns } from '../../src/probes/dns.js';
import { makeContext, type ProbeDeps } from '../../src/probes/index.js';
import { FAST, fakeDnsServers } from './helpers.js';

const neverAsk: Pick<ProbeDeps, 'resolve4' | 'resolve6'> = {
  resolve4: async () => assert.fail('the DNS servers must not be asked'),
  resolve6: async () => assert.fail('the DNS servers must not be asked'),
};

describe('dns probe', () => {
  it('an address literal needs no lookup', async () => {
    const lookup: ProbeDeps['lookup'] = async () => assert.fail('no lookup for a literal');
    const v4 = await probeDns(makeContext(FAST, { lookup, ...neverAsk }), '127.0.0.1');
    assert.deepEqual(v4, { type: 'dns', host: '127.0.0.1', addresses: [{ address: '127.0.0.1', family: 4 }], error: null, dnsServers: null, disagree: false, literal: true, ms: 0 });
    const v6 = await probeDns(makeContext(FAST, { lookup, ...neverAsk }), '::1');
    assert.deepEqual(v6.addresses, [{ address: '::1', family: 6 }]);
    assert.equal(v6.literal, true);
  });

  it('localhost through the real system resolver, without asking DNS servers', async () => {
    const ev = await probeDns(makeContext(FAST, neverAsk), 'localhost');
    assert.equal(ev.error, null);
    assert.equal(ev.literal, false);
    assert.equal(ev.dnsServers, null);
    assert.ok(ev.addresses.length >= 1);
    for (const a of ev.addresses) assert.ok(a.address === '::1' || a.address.startsWith('127.'), a.address);
  });

  it('keeps the resolver order verbatim and drops repeats', async () => {
    const lookup: ProbeDeps['lookup'] = async () => [
      { address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 },
    ];
    const ev = await probeDns(makeContext(FAST, { lookup, ...neverAsk }), 'localhost');
    assert.deepEqual(ev.addresses.map((a) => a.address), ['::1', '127.0.0.1']);
  });

  it('a failed lookup is evidence, not an exception', async () => {
    const lookup: ProbeDeps['lookup'] = async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const ev = await probeDns(makeContext(FAST, { lookup, ...fakeDnsServers({}) }), 'db.nowhere.test');
    assert.equal(ev.error, 'ENOTFOUND');
    assert.deepEqual(ev.addresses, []);
    assert.deepEqual(ev.dnsServers, []);
    assert.equal(ev.disagree, false);
  });

  it('a lookup that hangs gives ETIMEOUT after dnsMs', async () => {
    const lookup: ProbeDeps['lookup'] = () => new Promise(() => {});
    const started = performance.now();
    const ev = await probeDns(makeContext({ ...FAST, dnsMs: 60 }, { lookup, ...fakeDnsServers({}) }), 'slow.example.test');
    assert.equal(ev.error, 'ETIMEOUT');
    assert.ok(performance.now() - started < 400);
  });

  it('a hosts-file override: the system says 127.0.0.1, the DNS servers say otherwise → disagree', async () => {
    const lookup: ProbeDeps['lookup'] = async () => [{ address: '127.0.0.1', family: 4 }];
    const servers = fakeDnsServers({ 'api.corp.test': { v4: ['10.1.2.3'], v6: ['fd00::3'] } });
    const ev = await probeDns(makeContext(FAST, { lookup, ...servers }), 'api.corp.test');
    assert.equal(ev.disagree, true);
    assert.deepEqual(ev.dnsServers, [{ address: '10.1.2.3', family: 4 }, { address: 'fd00::3', family: 6 }]);
  });

  it('the same set in another order agrees', async () => {
    const lookup: ProbeDeps['lookup'] = async () => [{ address: 'fd00::3', family: 6 }, { address: '10.1.2.3', family: 4 }];
    const servers = fakeDnsServers({ 'api.corp.test': { v4: ['10.1.2.3'], v6: ['fd00::3'] } });
    const ev = await probeDns(makeContext(FAST, { lookup, ...servers }), 'api.corp.test');
    assert.equal(ev.disagree, false);
  });

  it('DNS servers that do not answer: dnsServers null, no disagreement claimed', async () => {
    const lookup: ProbeDeps['lookup'] = async () => [{ address: '127.0.0.1', family: 4 }];
    const down = async () => {
      throw Object.assign(new Error('queryA ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    const ev = await probeDns(makeContext(FAST, { lookup, resolve4: down, resolve6: down }), 'api.corp.test');
    assert.equal(ev.dnsServers, null);
    assert.equal(ev.disagree, false);
  });

  it('a DNS server that hangs is bounded by dnsMs too', async () => {
    const lookup: ProbeDeps['lookup'] = async () => [{ address: '127.0.0.1', family: 4 }];
    const hang = () => new Promise<string[]>(() => {});
    const started = performance.now();
    const ev = await probeDns(makeContext({ ...FAST, dnsMs: 60 }, { lookup, resolve4: hang, resolve6: hang }), 'api.corp.test');
    assert.equal(ev.dnsServers, null);
    assert.ok(performance.now() - started < 400);
  });

  it('which names go to the DNS servers', () => {
    assert.equal(asksDnsServers('localhost'), false);
    assert.equal(asksDnsServers('app.localhost'), false);
    assert.equal(asksDnsServers('db'), false);
    assert.equal(asksDnsServers('db.corp.test'), true);
  });
});
