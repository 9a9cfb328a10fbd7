import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { BannerEvidence, DnsEvidence, TcpEvidence } from '../../src/domain/types.js';
import { runProbes, type ProbeDeps } from '../../src/probes/index.js';
import { FAST, closedPort, fakeDnsServers, listen, liveHandles, makeFacts, makePlan, recordingConnect, settle, stalledConnect, target } from './helpers.js';

describe('runProbes', () => {
  it('localhost:<closed port> with repeats and ~10 nearby ports is done in a few ms', async () => {
    const port = await closedPort('127.0.0.1');
    const nearbyPorts = Array.from({ length: 10 }, (_, i) => (port + 1 + i) % 65536 || 1);
    const plan = makePlan([target('localhost', port)], { attempts: 3, nearbyPorts });
    (await runProbes(plan, makeFacts())).evidence; // warm up the resolver and the module graph
    const started = performance.now();
    const ev = (await runProbes(plan, makeFacts())).evidence;
    const took = performance.now() - started;
    const tcp = ev.filter((e): e is TcpEvidence => e.type === 'tcp');
    assert.ok(tcp.length >= 3);
    assert.ok(tcp.every((e) => e.outcome === 'refused'));
    assert.ok(ev.filter((e) => e.type === 'nearby').length >= 9);
    // "A few ms" on a normal host; generous here so a loaded CI box or a sandboxed kernel does not flake.
    assert.ok(took < 150, `took ${took} ms`);
    console.log(`# localhost:${port} closed: ${ev.length} evidence in ${took.toFixed(2)} ms`);
  });

  it('evidence order: dns, tcp (target, address, attempt), banner/tls/http, nearby', async () => {
    const open = await listen('127.0.0.1', (s) => s.write('SSH-2.0-test\r\n'));
    const shut = await closedPort();
    const neighbour = await listen('127.0.0.1');
    try {
      const lookup: ProbeDeps['lookup'] = async () => [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
      const plan = makePlan([
        target('ssh.probe.test', open.port),
        target('127.0.0.1', shut, { role: 'destination' }),
      ], { attempts: 2, nearbyPorts: [neighbour.port] });
      const ev = (await runProbes(plan, makeFacts(), { lookup, ...fakeDnsServers({ 'ssh.probe.test': { v4: ['127.0.0.1'], v6: ['::1'] } }) })).evidence;
      const shape = ev.map((e) => {
        if (e.type === 'tcp') return `tcp ${e.address}:${e.port === open.port ? 'open' : 'shut'}#${e.attempt}`;
        if (e.type === 'dns') return `dns ${e.host}`;
        return e.type;
      });
      assert.deepEqual(shape, [
        'dns ssh.probe.test', 'dns 127.0.0.1',
        'tcp ::1:open#0', 'tcp ::1:open#1', 'tcp 127.0.0.1:open#0', 'tcp 127.0.0.1:open#1',
        'tcp 127.0.0.1:shut#0', 'tcp 127.0.0.1:shut#1',
        'banner',
        'nearby',
        'banner', // what answers on the open neighbour (silent here)
      ]);
      assert.equal((ev[0] as DnsEvidence).disagree, false);
      assert.equal((ev[8] as BannerEvidence).protocol, 'ssh');
    } finally {
      await Promise.all([open.close(), neighbour.close()]);
    }
  });

  it('never throws: a name that does not resolve is dns evidence and nothing else', async () => {
    const lookup: ProbeDeps['lookup'] = async (h) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
    };
    const ev = (await runProbes(makePlan([target('db.nowhere.test', 5432)]), makeFacts(), { lookup, ...fakeDnsServers({}) })).evidence;
    assert.equal(ev.length, 1);
    assert.deepEqual([ev[0]!.type, (ev[0] as DnsEvidence).error], ['dns', 'ENOTFOUND']);
  });

  it('the deadline: a stalled connect does not hold runProbes past deadlineMs', async () => {
    const plan = makePlan([target('127.0.0.1', 5432)], { timeouts: { ...FAST, connectMs: 10_000, deadlineMs: 150 } });
    const started = performance.now();
    const ev = (await runProbes(plan, makeFacts(), { connect: stalledConnect })).evidence;
    const took = performance.now() - started;
    assert.ok(took >= 140 && took < 500, `took ${took} ms`);
    const tcp = ev.find((e): e is TcpEvidence => e.type === 'tcp');
    assert.deepEqual([tcp?.outcome, tcp?.errno], ['timeout', 'ABORT_ERR']);
  });

  it('the deadline: a server that accepts and never speaks, with a long bannerMs', async () => {
    const l = await listen('127.0.0.1');
    const rec = recordingConnect();
    const before = liveHandles().length;
    try {
      const plan = makePlan([target('127.0.0.1', l.port, { tls: true })], { timeouts: { ...FAST, bannerMs: 10_000, tlsMs: 10_000, deadlineMs: 200 } });
      const started = performance.now();
      const ev = (await runProbes(plan, makeFacts(), { connect: rec.connect })).evidence;
      const took = performance.now() - started;
      assert.ok(took < 600, `took ${took} ms`);
      assert.deepEqual(ev.map((e) => e.type), ['dns', 'tcp', 'banner', 'tls']);
      assert.equal((ev[2] as BannerEvidence).protocol, 'silent');
      assert.ok(rec.sockets.length >= 2);
      for (const s of rec.sockets) assert.ok(s.destroyed, 'every socket destroyed when runProbes resolves');
    } finally {
      await l.close();
    }
    await settle();
    assert.ok(liveHandles().length <= before, `handles left: ${liveHandles().join(', ')}`);
  });

  it("the caller's AbortSignal stops everything the same way", async () => {
    const ac = new AbortController();
    const plan = makePlan([target('127.0.0.1', 5432)], { timeouts: { ...FAST, connectMs: 10_000, deadlineMs: 10_000 } });
    setTimeout(() => ac.abort(), 50);
    const started = performance.now();
    const ev = (await runProbes(plan, makeFacts(), { connect: stalledConnect }, ac.signal)).evidence;
    assert.ok(performance.now() - started < 400);
    assert.equal((ev.find((e) => e.type === 'tcp') as TcpEvidence).outcome, 'timeout');
    const again = (await runProbes(plan, makeFacts(), { connect: stalledConnect }, ac.signal)).evidence;
    assert.deepEqual(again.map((e) => [e.type, (e as TcpEvidence).outcome ?? null]), [['dns', null], ['tcp', 'timeout']]);
  });

  it('nothing stays open after a run with open, refused and nearby ports', async () => {
    const serverSide: Socket[] = [];
    const l = await listen('127.0.0.1', (s) => {
      serverSide.push(s);
      s.write('+PONG\r\n');
    });
    const shut = await closedPort();
    const rec = recordingConnect();
    try {
      await settle();
      const before = liveHandles().length;
      const plan = makePlan([target('127.0.0.1', l.port, { service: 'redis' }), target('localhost', shut)], { attempts: 3, nearbyPorts: [l.port] });
      const ev = (await runProbes(plan, makeFacts(), { connect: rec.connect })).evidence;
      assert.ok(ev.some((e) => e.type === 'nearby'));
      assert.ok(rec.sockets.length >= 4);
      for (const s of rec.sockets) assert.ok(s.destroyed);
      for (const s of serverSide) s.destroy();
      await settle();
      assert.ok(liveHandles().length <= before, `handles left: ${liveHandles().join(', ')}`);
    } finally {
      await l.close();
    }
  });

  it('the same host:port twice is probed once; the same host shares one dns probe', async () => {
    const shut = await closedPort();
    const ev = (await runProbes(makePlan([target('127.0.0.1', shut), target('127.0.0.1', shut, { role: 'destination' })]), makeFacts())).evidence;
    assert.deepEqual(ev.map((e) => e.type), ['dns', 'tcp']);
  });

  it('a name that resolves to a metadata address is not connected to (a policy skip, not a connect); its loopback sibling is', async () => {
    const shut = await closedPort();
    const asked: string[] = [];
    const real = recordingConnect().connect;
    const connect: ProbeDeps['connect'] = (to, signal) => {
      if ('address' in to) asked.push(to.address);
      // Only loopback is ever really connected to from a test.
      if ('address' in to && to.address !== '127.0.0.1') return Promise.reject(Object.assign(new Error('test refuses'), { code: 'ECONNREFUSED' }));
      return real(to, signal);
    };
    const lookup: ProbeDeps['lookup'] = async () => [{ address: '169.254.169.254', family: 4 }, { address: '127.0.0.1', family: 4 }];
    const run = await runProbes(makePlan([target('rebind.probe.test', shut)], { attempts: 2 }), makeFacts(), { lookup, connect, ...fakeDnsServers({}) });
    const tcp = run.evidence.filter((e): e is TcpEvidence => e.type === 'tcp');
    // The refused address is not evidence of a connect: it comes back as what it is, a policy skip with the reason.
    assert.deepEqual(tcp.map((e) => [e.address, e.outcome, e.errno]), [['127.0.0.1', 'refused', 'ECONNREFUSED'], ['127.0.0.1', 'refused', 'ECONNREFUSED']]);
    assert.equal(run.skipped.length, 1);
    assert.equal(run.skipped[0]!.reason, 'policy');
    assert.match(run.skipped[0]!.detail, /169\.254\.169\.254/);
    assert.ok(!asked.includes('169.254.169.254'));
  });
});
