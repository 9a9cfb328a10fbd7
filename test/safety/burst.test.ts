// 500 diagnoses asked for at once against loopback targets: every one is answered or cleanly refused,
// nothing rejects unhandled, and the file descriptors in use stay bounded. The test prints what it saw.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { diagnose, type DiagnoseRequest } from '../../src/diagnose.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { createSocketLimiter } from '../../src/probes/index.js';
import { Busy } from '../../src/errors.js';
import { Work } from '../../src/slack/work.js';

const BURST = 500;
const timeouts = { connectMs: 1000, dnsMs: 500, bannerMs: 300, tlsMs: 500, httpMs: 500, deadlineMs: 4000 };
const openFds = () => readdirSync('/proc/self/fd').length;

let open: { server: Server; port: number; sockets: Set<Socket> };
let silent: { server: Server; port: number; sockets: Set<Socket> };
let closedPort = 0;

async function listen(onConn: (s: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onConn(s);
  });
  // A deep backlog, so the burst meets the engine's limits rather than the test server's.
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, r));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

before(async () => {
  open = await listen((s) => {
    s.resume();
    s.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  silent = await listen((s) => void s.resume());
  const gone = await listen(() => {});
  closedPort = gone.port;
  await new Promise<void>((r) => gone.server.close(() => r()));
});

after(async () => {
  for (const l of [open, silent]) {
    for (const s of l.sockets) s.destroy();
    await new Promise<void>((r) => l.server.close(() => r()));
  }
});

function requestNo(i: number): DiagnoseRequest {
  switch (i % 4) {
    case 0: return { type: 'target', host: '127.0.0.1', port: closedPort };
    case 1: return { type: 'target', host: '127.0.0.1', port: open.port };
    case 2: return { type: 'url', url: `postgres://app@127.0.0.1:${silent.port}/app` };
    default: return { type: 'paste', text: `Error: connect ECONNREFUSED 127.0.0.1:${closedPort}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)` };
  }
}

/** Samples the descriptor count until stopped; returns the highest it saw. */
function sampleFds(): { stop: () => number } {
  let peak = openFds();
  const t = setInterval(() => (peak = Math.max(peak, openFds())), 5);
  return { stop: () => (clearInterval(t), Math.max(peak, openFds())) };
}

async function settle(baseline: number): Promise<number> {
  for (let i = 0; i < 40 && openFds() > baseline; i++) await new Promise((r) => setTimeout(r, 50));
  return openFds();
}

describe(`a burst of ${BURST} diagnoses`, () => {
  it('straight into the engine: all answered, sockets capped by the limiter, descriptors given back', async (t) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const limiter = createSocketLimiter(64);
    // Warm-up: lazily loaded modules and the first timers count in the baseline, not in the burst.
    await diagnose(requestNo(1), { surface: 'cli', timeouts, deps: { socketLimiter: limiter } });
    const fds0 = openFds();
    const fds = sampleFds();
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: BURST }, (_, i) => diagnose(requestNo(i), { surface: 'cli', timeouts, deps: { socketLimiter: limiter } })));
    const ms = performance.now() - started;
    const peakFds = fds.stop();
    const fdsAfter = await settle(fds0);
    // A slot comes back on the socket's 'close' event, a turn or two after the destroy that ended its diagnosis:
    // wait for that (bounded) rather than read the count in the same tick. A slot that never comes back still fails.
    for (let i = 0; i < 40 && limiter.active > 0; i++) await new Promise((r) => setTimeout(r, 50));
    process.off('unhandledRejection', onUnhandled);

    const answered = results.filter((r): r is PromiseFulfilledResult<Diagnosis> => r.status === 'fulfilled');
    const tops = new Map<string, number>();
    for (const r of answered) tops.set(r.value.causes[0]?.id ?? 'none', (tops.get(r.value.causes[0]?.id ?? 'none') ?? 0) + 1);
    t.diagnostic(`${answered.length}/${BURST} answered in ${Math.round(ms)} ms; socket slots peak ${limiter.peak}/${limiter.limit}; descriptors ${fds0} → peak ${peakFds} → ${fdsAfter}`);
    t.diagnostic(`server-side sockets open: ssh ${open.sockets.size}, silent ${silent.sockets.size}; limiter active ${limiter.active}`);
    t.diagnostic(`top causes: ${[...tops].map(([id, n]) => `${id} ${n}`).join(', ')}`);

    assert.equal(answered.length, BURST, `rejected: ${results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3).join('; ')}`);
    assert.deepEqual(unhandled, []);
    assert.ok(limiter.peak <= 64, `limiter peak ${limiter.peak}`);
    assert.equal(limiter.active, 0, 'every slot was given back');
    // Client sockets are capped at 64; the listeners in this same process hold the other ends.
    assert.ok(peakFds - fds0 <= 2 * 64 + 16, `descriptors rose by ${peakFds - fds0}`);
    assert.ok(fdsAfter <= fds0 + 2, `descriptors ${fds0} → ${fdsAfter} after the burst`);
    // Under load every target is still diagnosed as it is: waiting for a socket slot is not a network outcome.
    const topOf = (k: number) => results.filter((_, i) => i % 4 === k).map((r) => (r.status === 'fulfilled' ? r.value.causes[0]?.id : 'rejected'));
    assert.deepEqual(new Set(topOf(0)), new Set(['not-listening']), 'the closed port');
    assert.deepEqual(new Set(topOf(1)), new Set(['reachable-from-here']), 'the open SSH port');
    assert.deepEqual(new Set(topOf(2)), new Set(['not-responding']), 'the silent port where postgres should answer');
    assert.deepEqual(new Set(topOf(3)), new Set(['not-listening']), 'the pasted refusal');
  });

  it('through the bot\'s work queue: the queue takes what it can, the rest is refused at once as busy', async (t) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const work = new Work({ maxConcurrent: 8, maxQueued: 50, deadlineMs: 10_000 });
    let peakActive = 0;
    const fds0 = openFds();
    const fds = sampleFds();
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: BURST }, (_, i) =>
        work.run(async (signal) => {
          peakActive = Math.max(peakActive, work.active);
          return diagnose(requestNo(i), { surface: 'cli', timeouts, signal });
        }),
      ),
    );
    const ms = performance.now() - started;
    const peakFds = fds.stop();
    const fdsAfter = await settle(fds0);
    process.off('unhandledRejection', onUnhandled);

    const answered = results.filter((r) => r.status === 'fulfilled').length;
    const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof Busy).length;
    const other = results.filter((r) => r.status === 'rejected' && !(r.reason instanceof Busy));
    t.diagnostic(`${answered} answered, ${busy} refused as busy, ${other.length} other in ${Math.round(ms)} ms; peak ${peakActive} running; descriptors ${fds0} → peak ${peakFds} → ${fdsAfter}`);
    assert.equal(other.length, 0, `unexpected: ${other.map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3).join('; ')}`);
    assert.equal(answered + busy, BURST);
    assert.equal(answered, 8 + 50, 'the running slots and the waiting line are used to the full');
    assert.ok(peakActive <= 8, `peak ${peakActive} running`);
    assert.equal(work.active, 0);
    assert.equal(work.queued, 0);
    assert.deepEqual(unhandled, []);
    assert.ok(fdsAfter <= fds0 + 2, `descriptors ${fds0} → ${fdsAfter} after the burst`);
  });
});
