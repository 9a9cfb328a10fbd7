// The whole engine, with probe deps that record every socket asked for and open none: a refused target
// (in any spelling, or a name resolving into a refused range) gets blocked-by-policy, and no connect happens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { ALWAYS_REFUSED, LOOPBACK, policyOf, recorder } from './helpers.js';

function blocked(d: Diagnosis): void {
  assert.equal(d.causes[0]?.id, 'blocked-by-policy', `top cause ${d.causes[0]?.id}`);
  assert.equal(d.probed, false);
  assert.ok(d.plan.skipped.some((s) => s.reason === 'policy'));
}

describe('refused targets open no socket', () => {
  for (const [what, spellings] of [...ALWAYS_REFUSED, ['loopback (chat)', LOOPBACK] as [string, string[]]]) {
    it(`${what}: ${spellings.length} spellings, chat and command line`, async () => {
      for (const host of spellings) {
        const surfaces = what.startsWith('loopback') ? (['chat'] as const) : (['chat', 'cli'] as const);
        for (const surface of surfaces) {
          // A name in the table resolves to the loopback the chat may not probe, should the plan let it through.
          const r = recorder({ localhost: ['127.0.0.1', '::1'], 'api.localhost': ['127.0.0.1'], 'ip6-localhost': ['::1'] });
          const d = await diagnose({ type: 'target', host, port: 80 }, { surface, deps: r.deps });
          blocked(d);
          assert.deepEqual(r.calls, [], `${host} (${surface}): sockets asked for`);
        }
      }
    });
  }

  it('as a URL too: http://0xa9fea9fe/ and http://[::ffff:a9fe:a9fe]/ send no request', async () => {
    for (const url of ['http://0xa9fea9fe/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/', 'http://169.254.169.254.:80/', 'https://[fd00:ec2::254]/']) {
      const r = recorder();
      const d = await diagnose({ type: 'url', url }, { surface: 'chat', deps: r.deps });
      blocked(d);
      assert.deepEqual(r.calls, [], url);
    }
  });
});

describe('a name that resolves into a refused range', () => {
  const cases: [string, string[], string][] = [
    ['rebind.example', ['169.254.169.254'], 'cloud metadata endpoint'],
    ['rebind.example', ['::ffff:169.254.169.254'], 'cloud metadata endpoint'],
    ['rebind.example', ['fd00:ec2::254'], 'cloud metadata endpoint'],
    ['rebind.example', ['169.254.169.254', 'fe80::1'], 'cloud metadata endpoint'],
    ['rebind.example', ['0.0.0.0'], 'unspecified'],
    ['rebind.example', ['224.0.0.251'], 'multicast'],
    ['rebind.example', ['127.0.0.1', '::1'], 'own loopback'],
  ];
  for (const [host, addresses, why] of cases) {
    it(`${host} → ${addresses.join(', ')}: refused after the one lookup, no connect`, async () => {
      const r = recorder({ [host]: addresses });
      const d = await diagnose({ type: 'target', host, port: 443 }, { surface: 'chat', deps: r.deps, policy: policyOf({ contact: '#infra' }) });
      blocked(d);
      assert.deepEqual(r.calls, []);
      assert.deepEqual(r.lookups, [host], 'resolved exactly once');
      const skip = d.plan.skipped.find((s) => s.reason === 'policy')!;
      assert.match(skip.detail, new RegExp(`${host.replace(/\./g, '\\.')} resolved to .*${why}.*; ask #infra`));
      // The lookup is shown; the refused addresses are a policy skip, not a connect that failed.
      assert.ok(d.evidence.some((e) => e.type === 'dns'));
      assert.equal(d.evidence.filter((e) => e.type === 'tcp').length, 0);
      assert.match(d.causes[0]!.title, /does not allow rebind\.example:443/);
    });
  }

  it('only the allowed addresses of a mixed answer are connected to, as the literals that were checked', async () => {
    const r = recorder({ 'mixed.example': ['169.254.169.254', '10.1.2.3', '::ffff:10.9.0.1', '2001:db8::7'] });
    const policy = policyOf({ denyHosts: '10.9.0.0/16' });
    const d = await diagnose({ type: 'target', host: 'mixed.example', port: 5432 }, { surface: 'chat', deps: r.deps, policy });
    const first = r.calls.filter((c) => !/^(tls|http) /.test(c));
    assert.ok(first.length > 0);
    for (const c of first) assert.match(c, /^(10\.1\.2\.3|2001:db8::7):\d+$/, c);
    assert.ok(first.includes('10.1.2.3:5432') && first.includes('2001:db8::7:5432'));
    assert.ok(d.causes.some((c) => c.id === 'blocked-by-policy'), 'the refused addresses are said');
    assert.ok(d.probed);
  });

  it('an odd spelling is connected to as its standard form (no resolver sees it)', async () => {
    const r = recorder();
    await diagnose({ type: 'target', host: '10.1', port: 5432 }, { surface: 'chat', deps: r.deps });
    assert.equal(r.calls[0], '10.0.0.1:5432');
    assert.deepEqual(r.lookups, []);
  });
});

describe('the operator\'s lists, through the engine', () => {
  const office = policyOf({ allowHosts: '10.0.0.0/8, *.corp.example', denyHosts: '10.9.0.0/16, vault.corp.example', allowPorts: '80, 443, 5432, 5433', denyPorts: '8080', contact: '@oncall' });
  const cases: [string, number, Record<string, string[]>, boolean][] = [
    ['10.1.2.3', 5432, {}, true],
    ['10.1.2.3', 22, {}, false],
    ['10.1.2.3', 8080, {}, false],
    ['10.9.0.1', 443, {}, false],
    ['0xa090001', 443, {}, false],
    ['192.168.1.1', 443, {}, false],
    ['db.corp.example', 5432, { 'db.corp.example': ['203.0.113.9'] }, true],
    ['vault.corp.example', 443, { 'vault.corp.example': ['10.1.2.3'] }, false],
    ['db.corp.example', 5432, { 'db.corp.example': ['10.9.9.9'] }, false],
    ['elsewhere.example', 443, { 'elsewhere.example': ['198.51.100.1'] }, false],
    ['elsewhere.example', 443, { 'elsewhere.example': ['10.3.3.3'] }, true],
  ];
  for (const [host, port, table, allowed] of cases) {
    it(`${host}:${port} ${allowed ? 'is probed' : 'is refused, no socket'}`, async () => {
      const r = recorder(table);
      const d = await diagnose({ type: 'target', host, port }, { surface: 'chat', deps: r.deps, policy: office });
      if (allowed) {
        assert.ok(r.calls.length > 0);
        assert.ok(!d.plan.skipped.some((s) => s.reason === 'policy'));
      } else {
        blocked(d);
        assert.deepEqual(r.calls, []);
        assert.match(d.plan.skipped.find((s) => s.reason === 'policy')!.detail, /; ask @oncall$/);
      }
    });
  }

  it('the nearby-port look never leaves the allowed ports, and stays small', async () => {
    const r = recorder();
    await diagnose({ type: 'target', host: '10.1.2.3', port: 5432 }, { surface: 'chat', deps: r.deps, policy: office });
    const ports = r.calls.map((c) => Number(c.split(':').pop()));
    // 5432 refused: of its neighbours (5433, 5431, 5434) only 5433 is on the allow list.
    assert.deepEqual([...new Set(ports)].sort(), [5432, 5433]);
    const open = recorder();
    await diagnose({ type: 'target', host: '10.1.2.3', port: 80 }, { surface: 'cli', deps: open.deps });
    const nearby = new Set(open.calls.map((c) => c.split(':').pop()).filter((p) => p !== '80'));
    assert.ok(nearby.size > 0 && nearby.size <= 12, `${nearby.size} nearby ports`);
  });

  it('an injected check refuses more, never less', async () => {
    const r = recorder();
    const d = await diagnose({ type: 'target', host: '10.1.2.3', port: 443 }, {
      surface: 'chat', policy: office, deps: { ...r.deps, checkAddress: (a) => (a === '10.1.2.3' ? 'test says no' : null) },
    });
    assert.deepEqual(r.calls, []);
    assert.match(d.plan.skipped.find((s) => s.reason === 'policy')!.detail, /test says no/);
    const r2 = recorder();
    await diagnose({ type: 'target', host: 'db.corp.example', port: 443 }, {
      surface: 'chat', policy: office, deps: { ...r2.deps, lookup: async () => [{ address: '169.254.169.254', family: 4 }], checkAddress: () => null },
    });
    assert.deepEqual(r2.calls, []);
  });
});
