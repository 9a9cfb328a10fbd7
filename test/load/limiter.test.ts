// The global socket limiter: a counting semaphore with a bounded FIFO queue, and the default connect /
// tlsConnect wired to it. Real sockets on 127.0.0.1.
import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { createSocketLimiter, defaultDeps, SocketLimitError } from '../../src/probes/index.js';

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function listener(onConn: (s: Socket) => void = () => {}) {
  const accepted: Socket[] = [];
  const server = createNetServer((s) => {
    accepted.push(s);
    s.on('error', () => {});
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((r) => {
      for (const s of accepted) s.destroy();
      server.close(() => r());
    }),
  };
}

async function closedPort(): Promise<number> {
  const l = await listener();
  await l.close();
  return l.port;
}

test('no more than `limit` slots are held; the rest wait in order and get a slot as one is released', async () => {
  const lim = createSocketLimiter(2);
  const r1 = await lim.acquire();
  const r2 = await lim.acquire();
  const order: number[] = [];
  const w3 = lim.acquire().then((r) => { order.push(3); return r; });
  const w4 = lim.acquire().then((r) => { order.push(4); return r; });
  await new Promise((r) => setImmediate(r));
  assert.equal(lim.active, 2);
  assert.equal(lim.waiting, 2);
  assert.deepEqual(order, []);
  r1();
  r1(); // a second call gives nothing back twice
  const r3 = await w3;
  assert.deepEqual(order, [3]);
  assert.equal(lim.active, 2);
  r2();
  const r4 = await w4;
  assert.deepEqual(order, [3, 4]);
  r3();
  r4();
  assert.equal(lim.active, 0);
  assert.equal(lim.waiting, 0);
  assert.equal(lim.peak, 2);
});

test('an abort while waiting rejects with the reason and leaves the queue', async () => {
  const lim = createSocketLimiter(1);
  const held = await lim.acquire();
  const ctl = new AbortController();
  const waiting = lim.acquire(ctl.signal);
  assert.equal(lim.waiting, 1);
  const reason = new Error('deadline');
  ctl.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
  assert.equal(lim.waiting, 0);
  held();
  assert.equal(lim.active, 0);
  // An already aborted signal never takes a slot.
  await assert.rejects(lim.acquire(AbortSignal.abort(reason)), (e) => e === reason);
  assert.equal(lim.active, 0);
});

test('a full queue refuses at once with ESOCKETLIMIT', async () => {
  const lim = createSocketLimiter(1, 2);
  const held = await lim.acquire();
  const a = lim.acquire();
  const b = lim.acquire();
  await assert.rejects(lim.acquire(), (e: unknown) => e instanceof SocketLimitError && e.code === 'ESOCKETLIMIT');
  held();
  (await a)();
  (await b)();
  assert.equal(lim.active, 0);
});

test('default connect holds a slot per open socket, waits when full, and frees it on close and on refusal', async () => {
  const l = await listener();
  const lim = createSocketLimiter(2);
  const deps = defaultDeps({ socketLimiter: lim });
  const to = { address: '127.0.0.1', family: 4 as const, port: l.port };
  const never = new AbortController().signal;
  const s1 = await deps.connect(to, never);
  const s2 = await deps.connect(to, never);
  assert.equal(lim.active, 2);
  let third = false;
  const p3 = deps.connect(to, never).then((s) => { third = true; return s; });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(third, false, 'the third connect waits for a slot');
  assert.equal(lim.waiting, 1);
  s1.destroy();
  const s3 = await p3;
  assert.equal(lim.active, 2);
  // Waiting is cancelled by the caller's signal: nothing leaks when it gives up.
  const ctl = new AbortController();
  const p4 = deps.connect(to, ctl.signal);
  ctl.abort(new Error('gave up'));
  await assert.rejects(p4, /gave up/);
  s2.destroy();
  s3.destroy();
  await until(() => lim.active === 0);
  // A refused connect gives its slot back too.
  const port = await closedPort();
  await assert.rejects(deps.connect({ ...to, port }, never), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');
  await until(() => lim.active === 0);
  assert.equal(lim.waiting, 0);
  assert.ok(lim.peak <= 2);
  await l.close();
});

test('default tlsConnect waits for a slot; destroying it while queued cancels the wait', async () => {
  // A server that answers a ClientHello with garbage: the handshake fails, which is all this test needs.
  const l = await listener((s) => s.once('data', () => s.end('not tls\r\n')));
  const lim = createSocketLimiter(1);
  const deps = defaultDeps({ socketLimiter: lim });
  const held = await lim.acquire();
  const queued = deps.tlsConnect({ host: '127.0.0.1', port: l.port, rejectUnauthorized: false });
  queued.on('error', () => {});
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(lim.waiting, 1);
  queued.destroy();
  await until(() => lim.waiting === 0);
  held();
  assert.equal(lim.active, 0);

  const t = deps.tlsConnect({ host: '127.0.0.1', port: l.port, rejectUnauthorized: false });
  const err = await new Promise<Error>((resolve) => t.once('error', resolve));
  assert.ok(err instanceof Error);
  t.destroy();
  await until(() => lim.active === 0);
  assert.equal(lim.peak, 1);
  await l.close();
});

test('diagnose with a limiter of 1 still answers, never exceeds it, and gives every slot back', async () => {
  const port = await closedPort();
  const lim = createSocketLimiter(1);
  const d = await diagnose({ type: 'target', host: '127.0.0.1', port }, { surface: 'cli', deps: { socketLimiter: lim }, timeouts: { deadlineMs: 3000 } });
  assert.equal(d.causes[0]?.id, 'not-listening');
  assert.ok(d.evidence.some((e) => e.type === 'tcp' && e.outcome === 'refused'));
  assert.equal(lim.peak, 1);
  await until(() => lim.active === 0);
});
