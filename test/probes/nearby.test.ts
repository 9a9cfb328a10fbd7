import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BannerEvidence, NearbyEvidence } from '../../src/domain/types.js';
import { NEARBY_CONCURRENCY } from '../../src/probes/nearby.js';
import { defaultDeps, makeContext, probeNearby, runProbes, type ProbeDeps } from '../../src/probes/index.js';
import { FAST, closedPort, listen, makeFacts, makePlan, target } from './helpers.js';

describe('nearby ports', () => {
  it('one evidence per port, in order, the refused port itself left out', async () => {
    const open = await listen('127.0.0.1');
    const shut = await closedPort();
    try {
      const list = await probeNearby(makeContext(FAST), { address: '127.0.0.1', family: 4, port: shut, ports: [shut, open.port, shut, 0, 70000] });
      assert.deepEqual(list.map((n) => [n.port, n.outcome]), [[open.port, 'open']]);
    } finally {
      await open.close();
    }
  });

  it('never more than 16 connects in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const connect: ProbeDeps['connect'] = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    const ports = Array.from({ length: 40 }, (_, i) => 20000 + i);
    const list = await probeNearby(makeContext(FAST, { connect }), { address: '127.0.0.1', family: 4, port: 1, ports });
    assert.equal(list.length, 40);
    assert.ok(most <= NEARBY_CONCURRENCY, `most in flight: ${most}`);
    assert.ok(list.every((n) => n.outcome === 'refused'));
  });

  it('runProbes: a refused target with the service one port over — nearby evidence and what answers there', async () => {
    const shut = await closedPort();
    const neighbour = await listen('127.0.0.1', (s) => s.once('data', () => s.write('-NOAUTH Authentication required.\r\n')));
    try {
      const plan = makePlan([target('127.0.0.1', shut, { service: 'redis' })], { attempts: 2, nearbyPorts: [neighbour.port, shut + 1000 > 65535 ? 1 : shut + 1000] });
      const ev = (await runProbes(plan, makeFacts())).evidence;
      const nearby = ev.filter((e): e is NearbyEvidence => e.type === 'nearby');
      assert.equal(nearby[0]?.port, neighbour.port);
      assert.equal(nearby[0]?.outcome, 'open');
      const banner = ev.find((e): e is BannerEvidence => e.type === 'banner');
      assert.equal(banner?.port, neighbour.port);
      assert.equal(banner?.protocol, 'redis');
      // Nearby evidence (and its banner) comes last.
      assert.deepEqual(ev.map((e) => e.type), ['dns', 'tcp', 'tcp', 'nearby', 'nearby', 'banner']);
    } finally {
      await neighbour.close();
    }
  });

  it('no nearby look when one address of the target is open', async () => {
    const l = await listen('127.0.0.1');
    try {
      const lookup: ProbeDeps['lookup'] = async () => [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
      const ev = (await runProbes(makePlan([target('localhost', l.port)], { nearbyPorts: [l.port + 1] }), makeFacts(), { lookup, connect: defaultDeps().connect })).evidence;
      assert.equal(ev.filter((e) => e.type === 'nearby').length, 0);
    } finally {
      await l.close();
    }
  });
});
