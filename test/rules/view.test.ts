import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Evidence, Protocol, TcpOutcome } from '../../src/domain/types.js';
import { RULES } from '../../src/rules/index.js';
import { buildView, expectedProtocol, isLoopbackHost, normalizeAddress } from '../../src/rules/view.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { banner, dns, facts, http, nearby, noProbe, probePlan, skipPlan, tcp, tcpAttempts, tls, unix } from './helpers.js';

describe('buildView', () => {
  it('groups attempts per address, with first outcome, all outcomes and flapping', () => {
    const f = facts();
    const v = buildView(f, [
      dns('db.internal', ['10.0.0.5', 'fd00::5']),
      ...tcpAttempts('10.0.0.5', ['open', 'refused', 'open']),
      ...tcpAttempts('fd00::5', ['refused', 'refused', 'refused']),
    ], probePlan(f));
    assert.equal(v.probed, true);
    assert.equal(v.addresses.length, 2);
    const [a, b] = v.addresses;
    assert.deepEqual(a!.outcomes, ['open', 'refused', 'open']);
    assert.equal(a!.first, 'open');
    assert.equal(a!.flapping, true);
    assert.equal(a!.steady, false);
    assert.equal(b!.flapping, false);
    assert.equal(b!.steady, true);
    assert.deepEqual(v.open.map((x) => x.address), ['10.0.0.5']);
    assert.deepEqual(v.refused.map((x) => x.address), ['fd00::5']);
    assert.deepEqual(v.flapping.map((x) => x.address), ['10.0.0.5']);
    assert.equal(v.allRefused, false);
    assert.equal(v.allOpen, false);
    assert.equal(v.anyOpen, true);
    assert.equal(v.dns?.host, 'db.internal');
  });

  it('sorts attempts that arrive out of order', () => {
    const f = facts();
    const v = buildView(f, [tcp('10.0.0.5', 'refused', { attempt: 2 }), tcp('10.0.0.5', 'open', { attempt: 0 }), tcp('10.0.0.5', 'open', { attempt: 1 })], probePlan(f));
    assert.deepEqual(v.addresses[0]!.outcomes, ['open', 'open', 'refused']);
  });

  it('sets the all-* flags only when every attempt agrees', () => {
    const f = facts();
    const v = buildView(f, [...tcpAttempts('10.0.0.5', ['timeout', 'timeout']), tcp('fd00::5', 'timeout')], probePlan(f));
    assert.equal(v.allTimeout, true);
    assert.equal(v.allRefused, false);
    const empty = buildView(f, [], noProbe(f));
    assert.equal(empty.probed, false);
    assert.equal(empty.allRefused, false);
    assert.equal(empty.allOpen, false);
  });

  it('attaches banner and tls to their address, and nearby banners to nearby ports', () => {
    const f = facts({ service: 'postgres' });
    const v = buildView(f, [
      tcp('10.0.0.5', 'refused'),
      tcp('10.0.0.6', 'open'),
      banner('10.0.0.6', 'http'),
      tls('10.0.0.6', { port: 5432 }),
      nearby('10.0.0.5', 5433, 'open'),
      banner('10.0.0.5', 'postgres', { port: 5433 }),
      nearby('10.0.0.5', 5431, 'refused'),
    ], probePlan(f));
    const open = v.addresses.find((a) => a.address === '10.0.0.6')!;
    assert.equal(open.protocol, 'http');
    assert.equal(open.tls?.version, 'TLSv1.3');
    assert.deepEqual(v.nearbyOpen.map((n) => [n.port, n.protocol]), [[5433, 'postgres']]);
    assert.equal(v.nearbyOpen[0]!.bannerLine, '10.0.0.5:5433 answers (postgres)');
    assert.equal(v.nearby.length, 2);
    // Another port on 10.0.0.5 answered: that host is up.
    assert.equal(v.addresses.find((a) => a.address === '10.0.0.5')!.hostUp, true);
    assert.equal(open.hostUp, false);
    assert.equal(v.expected, 'postgres');
  });

  it('keeps targets apart: the primary target first, the destination on its own', () => {
    const f = facts({ host: 'proxy.corp', port: 3128, destination: { host: 'api.corp', port: 443 } });
    const plan = probePlan(f, {
      targets: [
        { host: 'proxy.corp', port: 3128, service: null, tls: null, url: null, role: 'proxy' },
        { host: 'api.corp', port: 443, service: null, tls: true, url: null, role: 'destination' },
      ],
    });
    const v = buildView(f, [tcp('10.0.0.3', 'refused', { host: 'proxy.corp', port: 3128 }), tcp('10.0.0.7', 'open', { host: 'api.corp', port: 443 })], plan);
    assert.equal(v.target?.host, 'proxy.corp');
    assert.deepEqual(v.targets.map((t) => [t.host, t.role, t.addresses.length]), [['proxy.corp', 'proxy', 1], ['api.corp', 'destination', 1]]);
    assert.equal(v.allRefused, true);
  });

  it('counts evidence for a target the plan does not list', () => {
    const f = facts();
    const v = buildView(f, [tcp('10.0.0.5', 'refused')], noProbe(f));
    assert.equal(v.probed, true);
    assert.equal(v.target?.host, 'db.internal');
    assert.equal(v.allRefused, true);
  });

  it('groups skips by reason and keeps http and unix evidence', () => {
    const f = facts({ host: '127.0.0.1' });
    const v = buildView(f, [http('http://x/', 502), unix('/run/x.sock', 'missing')], skipPlan(f, 'local-target', 'local', 'chat'));
    assert.equal(v.skipped['local-target']?.length, 1);
    assert.equal(v.skipped.policy, undefined);
    assert.equal(v.http[0]?.status, 502);
    assert.equal(v.unix?.outcome, 'missing');
    assert.equal(v.loopback, true);
  });
});

describe('view helpers', () => {
  it('isLoopbackHost knows the loopback spellings', () => {
    for (const h of ['localhost', 'LOCALHOST.', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['db.internal', '10.0.0.5', 'fd00::1', '128.0.0.1', null]) assert.equal(isLoopbackHost(h), false, String(h));
  });
  it('normalizeAddress folds IPv4-mapped IPv6 and case', () => {
    assert.equal(normalizeAddress('::FFFF:10.0.0.5'), '10.0.0.5');
    assert.equal(normalizeAddress('[FD00::5]'), 'fd00::5');
  });
  it('expectedProtocol: in-band TLS services keep their greeting, others expect TLS', () => {
    assert.equal(expectedProtocol('postgres', true, 'postgres'), 'postgres');
    assert.equal(expectedProtocol('redis', true, 'rediss'), 'tls');
    assert.equal(expectedProtocol('redis', null, 'redis'), 'redis');
    assert.equal(expectedProtocol(null, null, 'https'), 'tls');
    assert.equal(expectedProtocol(null, false, 'http'), 'http');
    assert.equal(expectedProtocol('grpc', null, null), null);
    assert.equal(expectedProtocol(null, null, null), null);
  });
});

describe('robustness', () => {
  const outcome = fc.constantFrom<TcpOutcome>('open', 'refused', 'timeout', 'unreachable', 'reset', 'error');
  const protocol = fc.constantFrom<Protocol>('http', 'tls', 'ssh', 'redis', 'postgres', 'mysql', 'unknown', 'silent');
  const address = fc.constantFrom('10.0.0.5', '10.0.0.6', 'fd00::5', '127.0.0.1', '::1');
  const evidence: fc.Arbitrary<Evidence> = fc.oneof(
    fc.record({ a: address, o: outcome, attempt: fc.integer({ min: 0, max: 2 }) }).map(({ a, o, attempt }) => tcp(a, o, { attempt })),
    fc.record({ a: address, p: protocol, closed: fc.constantFrom<'reset' | 'eof' | null>('reset', 'eof', null) }).map(({ a, p, closed }) => banner(a, p, { closed })),
    fc.record({ a: address, ok: fc.boolean() }).map(({ a, ok }) => tls(a, { port: 5432, ok, error: ok ? null : 'EPROTO' })),
    fc.record({ a: address, port: fc.integer({ min: 1, max: 65535 }), o: outcome }).map(({ a, port, o }) => nearby(a, port, o)),
    fc.constantFrom<Evidence>(dns('db.internal', ['10.0.0.5']), dns('db.internal', [], { error: 'ENOTFOUND' }), http('http://db.internal/', 503), unix('/run/x.sock', 'refused')),
  );
  const kind = fc.constantFrom('refused', 'timeout', 'unreachable', 'dns', 'reset', 'unix_socket', 'tls', 'none' as const);
  const service = fc.constantFrom(null, 'postgres', 'redis', 'http', 'kafka' as const);
  const hints = fc.subarray(['kubectl-default', 'kafka-broker', 'proxy', 'nginx-upstream', 'in-container', 'admin-prohibited', 'aggregate']);

  it('no predicate throws, and every finding is well-formed and sorted', () => {
    fc.assert(
      fc.property(fc.array(evidence, { maxLength: 12 }), kind, service, hints, fc.boolean(), (ev, k, s, h, withHost) => {
        const f = facts({ kind: k, service: s, hints: h, host: withHost ? 'db.internal' : null, port: withHost ? 5432 : null });
        const c = buildContext(f, ev, probePlan(f));
        for (const rule of RULES) rule.when(c);
        const found = evaluate(RULES, c);
        for (let i = 0; i < found.length; i++) {
          const x = found[i]!;
          assert.ok(x.confidence >= 0 && x.confidence <= 1);
          assert.ok(x.evidence.length > 0);
          if (i > 0) assert.ok(found[i - 1]!.confidence >= x.confidence);
          // A title is a sentence for people: every placeholder in it must have been filled.
          assert.doesNotMatch(x.title, /<[A-Za-z]+>/, `${x.id}: ${x.title}`);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
