// What only the Redis store does (the shared behaviour is in conformance.ts): a clear StoreUnavailable when Redis
// cannot be reached or refuses the password, failing fast and telling onState when the server goes away and comes
// back, an expiry on every key it writes, and two replicas sharing one rate-limit window. Each test starts its own
// redis-server on a free loopback port and stops it afterwards. Without redis-server the tests that need one are
// skipped, except under CI, where they fail (.ci/run installs it).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { describe, it, test } from 'node:test';
import { createClient } from 'redis';
import { StoreUnavailable } from '../../src/errors.js';
import { openRedis } from '../../src/store/redis.js';
import type { Store, WatchRecord } from '../../src/store/store.js';
import { freePort, ON_CI, type RedisServer, redisAvailable, redisSkip, startRedis } from './redis-server.js';

const MINUTE = 60_000;

if (ON_CI && !redisAvailable()) {
  test('the Redis store tests need redis-server', () => {
    assert.fail('redis-server is missing and CI is set: .ci/run should install redis-server (apt-get install --no-install-recommends redis-server)');
  });
}

/** Awaits a rejection and returns it, failing when the promise resolves instead. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    const v = await p;
    assert.fail(`expected a rejection, got ${JSON.stringify(v)}`);
  } catch (e) {
    assert.ok(e instanceof Error);
    return e;
  }
}

/** Records onState calls and lets a test wait for the first 'lost' and the first 'back'. */
function stateLog() {
  const seen: string[] = [];
  const waiters = new Map<string, () => void>();
  const reached = (s: string) => new Promise<void>((resolve) => (seen.includes(s) ? resolve() : waiters.set(s, resolve)));
  return {
    seen,
    onState: (state: 'lost' | 'back') => {
      seen.push(state);
      waiters.get(state)?.();
    },
    reached,
  };
}

function watch(now: number): WatchRecord {
  return {
    id: randomUUID(),
    team: 'T0TTL',
    user: 'U0TTL',
    channel: 'C0TTL',
    threadTs: '1700000000.000100',
    request: { f: { host: 'db.internal', port: 5432 } },
    what: 'db.internal:5432',
    state: { tcp: 'refused' },
    startedAt: now,
    endsAt: now + 10 * MINUTE,
    checks: 0,
    nextAt: now + 30_000,
    intervalMs: 30_000,
  };
}

describe('Redis store: unreachable at start', () => {
  it('a closed port rejects at once with StoreUnavailable naming REFUSED_STORE_URL, password hidden', async () => {
    const port = await freePort(); // bound, then closed: nothing listens there
    // A long connect timeout: the refusal must be the answer, not the timeout.
    const err = await rejection(openRedis(`redis://:s3cret@127.0.0.1:${port}/0`, { connectTimeoutMs: 60_000 }));
    assert.ok(err instanceof StoreUnavailable, `got ${err}`);
    assert.match(err.message, /REFUSED_STORE_URL/);
    assert.match(err.message, /refused/);
    assert.doesNotMatch(err.message, /did not answer/);
    assert.doesNotMatch(err.message, /s3cret/);
    assert.match(err.where, /\*\*\*@127\.0\.0\.1/);
  });

  it('a server that accepts the connection and never answers gives up after connectTimeoutMs, saying so', async (t) => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      silent.close();
    });
    const { port } = silent.address() as AddressInfo;
    const err = await rejection(openRedis(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 200 }));
    assert.ok(err instanceof StoreUnavailable, `got ${err}`);
    assert.match(err.message, /REFUSED_STORE_URL=redis:\/\/127\.0\.0\.1:\d+: cannot reach Redis: Redis did not answer within 200 ms/);
  });
});

describe('Redis store against a real redis-server', { skip: redisSkip() }, () => {
  it('a wrong password, or none, is refused in plain words', async (t) => {
    const server = await startRedis({ password: 'right-one' });
    t.after(() => server.stop());
    const url = (auth: string) => `redis://${auth}127.0.0.1:${server.port}`;

    const wrong = await rejection(openRedis(url(':wrong-one@')));
    assert.ok(wrong instanceof StoreUnavailable);
    assert.match(wrong.message, /REFUSED_STORE_URL/);
    assert.match(wrong.message, /refused the user name or password \(WRONGPASS\)/);
    assert.doesNotMatch(wrong.message, /wrong-one/);

    const none = await rejection(openRedis(url('')));
    assert.ok(none instanceof StoreUnavailable);
    assert.match(none.message, /NOAUTH/);

    const store = await openRedis(server.url);
    t.after(() => store.close());
    await store.ping();
  });

  it('a lost server makes operations fail fast, tells onState once, and the store works again when it is back', async (t) => {
    let server: RedisServer | null = await startRedis();
    t.after(() => server?.stop());
    const states = stateLog();
    const store = await openRedis(server.url, { onState: states.onState });
    t.after(() => store.close());
    const win = [{ key: `u:${randomUUID()}`, limit: 5 }];
    assert.deepEqual(await store.take(win, MINUTE, Date.now()), { ok: true });

    await server.stop();
    // Whether this call meets the closing socket or the closed one, it rejects rather than waits for the server.
    assert.ok((await rejection(store.take(win, MINUTE, Date.now()))) instanceof StoreUnavailable);
    await states.reached('lost');
    const down = await rejection(store.ping());
    assert.ok(down instanceof StoreUnavailable);
    assert.match(down.message, /connection is down/, 'no offline queue: the command was refused, not kept for later');

    await server.restart();
    await states.reached('back');
    await store.ping();
    // A restarted server is empty and knows no script yet: EVALSHA falls back to EVAL.
    assert.deepEqual(await store.take(win, MINUTE, Date.now()), { ok: true });
    assert.deepEqual(states.seen, ['lost', 'back'], 'one lost, one back, however many reconnects failed between');
    await store.close();
    await store.close();
    const closed = await rejection(store.ping());
    assert.ok(closed instanceof StoreUnavailable);
    await server.stop();
    server = null;
  });

  it('a server that stops answering makes a command fail after commandTimeoutMs instead of hanging', async (t) => {
    const server = await startRedis();
    t.after(() => server.stop());
    const store = await openRedis(server.url, { commandTimeoutMs: 200 });
    t.after(() => store.close());
    server.freeze();
    const err = await rejection(store.take([{ key: 'u:U1', limit: 1 }], MINUTE, Date.now()));
    assert.ok(err instanceof StoreUnavailable);
    assert.match(err.message, /did not answer within 200 ms/);
    server.thaw();
    await store.ping();
  });

  it('every key it writes is under refused: and expires', async (t) => {
    const server = await startRedis();
    t.after(() => server.stop());
    const store = await openRedis(server.url);
    t.after(() => store.close());
    const now = Date.now();
    const lease = { owner: 'replica-a', leaseMs: 30_000, now };
    await store.firstDelivery('ev-1', MINUTE, now);
    await store.take([{ key: 'u:U1', limit: 1 }], MINUTE, now);
    await store.take([{ key: 'u:U1', limit: 1 }], MINUTE, now);
    await store.peek([{ key: 'c:C1', limit: 1 }], MINUTE, now);
    const [kept, ended] = [watch(now), watch(now)];
    await store.startWatch(kept, lease, { perUser: 5, total: 5 });
    await store.startWatch(ended, lease, { perUser: 5, total: 5 });
    await store.renewWatches([kept.id], lease);
    await store.saveWatch({ ...kept, checks: 1 }, lease);
    await store.releaseWatches([kept.id], 'replica-a');
    await store.claimWatches({ ...lease, owner: 'replica-b' }, 5);
    await store.endWatch(ended.id);
    await store.countWatches('U0TTL', now);
    await store.countWatches(null, now);
    await store.noteIncident('T1', 'db.internal:5432', { channel: 'C1', ts: '1.1', user: 'U1', cause: null, verdict: 'refused', at: now }, MINUTE);
    await store.findIncident('T1', 'db.internal:5432', now);
    await store.addHistory('U1', { at: new Date(now).toISOString(), what: 'db:5432', verdict: 'refused', channel: null }, 5, MINUTE, now);
    await store.recentHistory('U1', 5, now);
    await store.vote({ team: 'T1', channel: 'C1', ts: '1.1', user: 'U1', cause: 'x', helpful: true }, MINUTE, now);
    await store.vote({ team: 'T1', channel: 'C1', ts: '1.1', user: 'U1', cause: 'y', helpful: false }, MINUTE, now);
    await store.causeCounts('T1', ['x', 'y'], now);
    await store.sweep(now);
    await store.ping();

    const plain = createClient({ url: server.url });
    plain.on('error', () => undefined);
    await plain.connect();
    t.after(() => plain.close());
    const all: string[] = [];
    for await (const keys of plain.scanIterator({ MATCH: '*', COUNT: 100 })) all.push(...keys);
    const kinds = new Set(all.map((k) => k.split(':')[1]));
    for (const kind of ['delivery', 'rl', 'watch', 'watches', 'incident', 'history', 'vote', 'causes'])
      assert.ok(kinds.has(kind), `a ${kind} key in ${all.join(', ')}`);
    const forever: string[] = [];
    for (const k of all) {
      assert.ok(k.startsWith('refused:'), `${k} is outside refused:`);
      const pttl = await plain.pTTL(k);
      if (!(pttl > 0)) forever.push(`${k} (PTTL ${pttl})`);
    }
    assert.deepEqual(forever, []);
  });

  it('two replicas racing take() with limit 3 over 8 calls admit exactly 3', async (t) => {
    const server = await startRedis();
    t.after(() => server.stop());
    const replicas: Store[] = [await openRedis(server.url), await openRedis(server.url)];
    t.after(() => Promise.all(replicas.map((r) => r.close())));
    const now = Date.now();
    const win = [{ key: `u:${randomUUID()}`, limit: 3 }];
    const verdicts = await Promise.all(Array.from({ length: 8 }, (_, i) => replicas[i % 2]!.take(win, MINUTE, now)));
    assert.equal(verdicts.filter((v) => v.ok).length, 3);
    const counts = verdicts.flatMap((v) => (v.ok ? [] : [v.count])).sort((a, b) => a - b);
    assert.deepEqual(counts, [4, 5, 6, 7, 8], 'each refusal counted once, across both replicas');
  });
});
