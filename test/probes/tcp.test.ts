import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { TcpEvidence } from '../../src/domain/types.js';
import { defaultDeps, makeContext, probeTcp, runProbes, type ProbeDeps } from '../../src/probes/index.js';
import { FAST, closedPort, listen, makeFacts, makePlan, recordingConnect, settle, stalledConnect, target } from './helpers.js';

const tcpOf = (ev: { type: string }[]) => ev.filter((e): e is TcpEvidence => e.type === 'tcp');

describe('tcp probe', () => {
  it('a closed port is refused, quickly, with its errno', async () => {
    const port = await closedPort('127.0.0.1');
    const ev = await probeTcp(makeContext(FAST), { host: '127.0.0.1', address: '127.0.0.1', family: 4, port, attempt: 0 });
    assert.equal(ev.outcome, 'refused');
    assert.equal(ev.errno, 'ECONNREFUSED');
    assert.ok(ev.ms < 200, `refusal took ${ev.ms} ms`);
  });

  it('a connect that meets itself (TCP simultaneous open on a closed loopback port) is a refusal, not a listener', async () => {
    const port = await closedPort('127.0.0.1');
    const sockets: Socket[] = [];
    const ends: string[] = [];
    // Binding the client to the very port it dials makes Linux hand back a socket connected to itself, the
    // rare accident that otherwise happens when the kernel picks the dialled port as the ephemeral one.
    const selfConnect: ProbeDeps['connect'] = (to) =>
      new Promise((resolve, reject) => {
        const dialled = 'port' in to ? to.port : 0;
        const s = connect({ host: '127.0.0.1', port: dialled, localAddress: '127.0.0.1', localPort: dialled });
        sockets.push(s);
        s.once('connect', () => {
          ends.push(`${s.localPort}->${s.remotePort}`);
          resolve(s);
        });
        s.once('error', reject);
      });
    const ev = await probeTcp(makeContext(FAST, { connect: selfConnect }), { host: '127.0.0.1', address: '127.0.0.1', family: 4, port, attempt: 0 });
    assert.equal(sockets.length, 1);
    assert.deepEqual(ends, [`${port}->${port}`], 'the test made a real self-connect');
    assert.equal(ev.outcome, 'refused');
    assert.equal(ev.errno, 'ECONNREFUSED');
    await settle();
    assert.ok(sockets[0]!.destroyed);
  });

  it('an open port is open, and the socket is destroyed at once', async () => {
    const l = await listen('127.0.0.1');
    const rec = recordingConnect();
    try {
      const ev = await probeTcp(makeContext(FAST, { connect: rec.connect }), { host: 'h', address: '127.0.0.1', family: 4, port: l.port, attempt: 0 });
      assert.equal(ev.outcome, 'open');
      assert.equal(ev.errno, null);
      assert.equal(rec.sockets.length, 1);
      assert.ok(rec.sockets[0]!.destroyed);
    } finally {
      await l.close();
    }
  });

  it('::1 works too', async () => {
    const l = await listen('::1');
    try {
      const ev = await probeTcp(makeContext(FAST), { host: '::1', address: '::1', family: 6, port: l.port, attempt: 0 });
      assert.equal(ev.outcome, 'open');
      assert.equal(ev.family, 6);
    } finally {
      await l.close();
    }
  });

  it('a connect that never answers times out after connectMs and is not repeated', async () => {
    const started = performance.now();
    const run = await runProbes(makePlan([target('127.0.0.1', 9)], { attempts: 3, timeouts: { ...FAST, connectMs: 80 }, nearbyPorts: [] }), makeFacts(), { connect: stalledConnect });
    const list = tcpOf(run.evidence);
    const took = performance.now() - started;
    assert.equal(list.length, 1);
    assert.equal(list[0]!.outcome, 'timeout');
    assert.equal(list[0]!.errno, 'ETIMEDOUT');
    assert.ok(list[0]!.ms >= 75, `ms ${list[0]!.ms}`);
    assert.ok(took < 500, `took ${took}`);
  });

  it('refused and open addresses are repeated attempts - 1 times', async () => {
    const port = await closedPort();
    const run = await runProbes(makePlan([target('127.0.0.1', port)], { attempts: 3, nearbyPorts: [] }), makeFacts());
    const list = tcpOf(run.evidence);
    assert.deepEqual(list.map((e) => [e.attempt, e.outcome]), [[0, 'refused'], [1, 'refused'], [2, 'refused']]);
  });

  it('the repeats go out together once the first try is in, not one after another', async () => {
    let inFlight = 0;
    const seen: number[] = [];
    const connect: ProbeDeps['connect'] = async () => {
      inFlight++;
      seen.push(inFlight);
      await new Promise((r) => setTimeout(r, 15));
      inFlight--;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    const run = await runProbes(makePlan([target('127.0.0.1', 9)], { attempts: 4, nearbyPorts: [] }), makeFacts(), { connect });
    assert.deepEqual(tcpOf(run.evidence).map((e) => [e.attempt, e.outcome]), [[0, 'refused'], [1, 'refused'], [2, 'refused'], [3, 'refused']]);
    // The first try alone, then its three repeats at once.
    assert.deepEqual(seen, [1, 1, 2, 3]);
  });

  it('platform errors map through the one classifier (injected EHOSTUNREACH)', async () => {
    const connect: ProbeDeps['connect'] = async () => {
      throw Object.assign(new Error('connect EHOSTUNREACH 127.0.0.1:9'), { code: 'EHOSTUNREACH' });
    };
    const ev = await probeTcp(makeContext(FAST, { connect }), { host: 'h', address: '127.0.0.1', family: 4, port: 9, attempt: 0 });
    assert.equal(ev.outcome, 'unreachable');
    assert.equal(ev.errno, 'EHOSTUNREACH');
  });
});

describe('runProbes: tcp across addresses', () => {
  it('both families: a server on 127.0.0.1 only → ::1 refused, 127.0.0.1 open', async () => {
    const l = await listen('127.0.0.1');
    try {
      // localhost as Node ≥ 17 sees it on most systems: ::1 first, then 127.0.0.1.
      const lookup: ProbeDeps['lookup'] = async () => [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
      const ev = (await runProbes(makePlan([target('localhost', l.port)], { attempts: 2 }), makeFacts(), { lookup })).evidence;
      const tcp = tcpOf(ev);
      assert.deepEqual(tcp.map((e) => [e.address, e.attempt, e.outcome]), [
        ['::1', 0, 'refused'], ['::1', 1, 'refused'], ['127.0.0.1', 0, 'open'], ['127.0.0.1', 1, 'open'],
      ]);
      assert.equal(tcp[0]!.errno, 'ECONNREFUSED');
      assert.equal(tcp[0]!.family, 6);
    } finally {
      await l.close();
    }
  });

  it('the real system resolver for localhost: every address it gives is connected to', async () => {
    const port = await closedPort('127.0.0.1');
    const found = await defaultDeps().lookup('localhost', new AbortController().signal);
    const ev = (await runProbes(makePlan([target('localhost', port)]), makeFacts())).evidence;
    const tcp = tcpOf(ev);
    assert.deepEqual(tcp.map((e) => e.address), found.map((a) => a.address));
    assert.ok(tcp.length >= 1);
    for (const e of tcp) assert.equal(e.outcome, 'refused');
  });

  it('flapping: a listener that answers one connect and refuses the next is seen as both', async () => {
    const l = await listen('127.0.0.1');
    const real = defaultDeps().connect;
    let calls = 0;
    const connect: ProbeDeps['connect'] = (to, signal) => {
      calls++;
      if (calls % 2 === 0) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      return real(to, signal);
    };
    try {
      // Banner and tls are not asked for (service/tls unknown still gets a banner), so count only tcp.
      const ev = (await runProbes(makePlan([target('127.0.0.1', l.port)], { attempts: 4 }), makeFacts(), { connect })).evidence;
      const outcomes = tcpOf(ev).map((e) => e.outcome);
      // The repeats stop at the first try that differs: the flap is shown, and more tries would only add time.
      assert.deepEqual(outcomes, ['open', 'refused']);
    } finally {
      await l.close();
    }
  });

  it('a drop costs one connect timeout however many addresses there are', async () => {
    const lookup: ProbeDeps['lookup'] = async () => [
      { address: '127.0.0.2', family: 4 }, { address: '127.0.0.3', family: 4 }, { address: '127.0.0.4', family: 4 }, { address: '::1', family: 6 },
    ];
    const plan = makePlan([target('db.internal', 5432)], { attempts: 3, nearbyPorts: [5433], timeouts: { ...FAST, connectMs: 120 } });
    const started = performance.now();
    const ev = (await runProbes(plan, makeFacts(), { lookup, connect: stalledConnect, resolve4: async () => [], resolve6: async () => [] })).evidence;
    const took = performance.now() - started;
    const tcp = tcpOf(ev);
    assert.equal(tcp.length, 4);
    for (const e of tcp) assert.deepEqual([e.outcome, e.errno, e.attempt], ['timeout', 'ETIMEDOUT', 0]);
    assert.ok(took < 400, `took ${took} ms`);
    assert.equal(ev.filter((e) => e.type === 'nearby').length, 0, 'nearby ports are only for refusals');
    await settle();
  });
});
