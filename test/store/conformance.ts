// The one suite every Store must pass (issue 13), as hono runs one suite over every runtime: conformance.test.ts
// calls conformance() once for SQLite and once for Redis. The tests read store.ts's doc comments as the contract.
//
// Habits:
// - Every test opens a fresh store (or fresh keys on a shared one) and never sees another test's records.
// - The clock is the `now` a test passes; a test moves it forward and never sleeps. It starts at the real time so
//   that a store which also hands expiries to its server (Redis PEXPIREAT) does not drop the records at once.
// - A window, a lease or a ttl is checked on both sides of its end where the contract names the end.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { StoreUnavailable } from '../../src/errors.js';
import type { CauseCounts, HistoryRecord, IncidentRecord, Lease, Store, TakeVerdict, Vote, WatchRecord } from '../../src/store/store.js';

export interface OpenedStore {
  /** A store on empty data. */
  store: Store;
  /** Another instance on the same data: after the first is closed, a restart; while it is open, a second replica. */
  another(): Promise<Store>;
  /** Removes what open() made (a temporary directory, the keys). Every store is closed before this runs. */
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** A reason to skip the whole suite (the server is missing), or false. */
  skip?: string | false;
  /** Two instances may share the data at once (Redis replicas, two handles on one SQLite file): run those tests. */
  replicas?: boolean;
  /** Tests known to fail, by name, with the reason: marked todo so the run says so without failing. */
  todo?: Record<string, string>;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Far enough past every record a test writes that any grace period an implementation adds has passed too. */
const LONG_AFTER = 30 * DAY;

/** A key nobody else uses: tests on a shared server never meet. */
const fresh = (what: string) => `${what}-${randomUUID()}`;

/** The test clock starts now (whole milliseconds) and only ever moves forward by what a test adds. */
const clock = () => Date.now();

function watchRecord(now: number, over: Partial<WatchRecord> = {}): WatchRecord {
  return {
    id: fresh('w'),
    team: 'T0CONF',
    user: fresh('U'),
    channel: 'C0CONF',
    threadTs: '1700000000.000100',
    // Any JSON data: nested objects, arrays, null, booleans and numbers must come back as they went in.
    request: { f: { kind: 'tcp', host: 'db.internal', port: 5432, addresses: ['10.0.0.5', 'fd00::5'], hints: [] }, url: null, typed: true },
    what: 'db.internal:5432',
    state: { 'tcp 10.0.0.5:5432': 'refused', dns: 'ok' },
    startedAt: now,
    endsAt: now + HOUR,
    checks: 0,
    nextAt: now + 30 * SECOND,
    intervalMs: 30 * SECOND,
    ...over,
  };
}

function incident(at: number, over: Partial<IncidentRecord> = {}): IncidentRecord {
  return { channel: 'C0CONF', ts: '1700000000.000200', user: 'U0ASKER', cause: 'nothing-listening', verdict: 'refused', at, ...over };
}

function entry(n: number): HistoryRecord {
  return { at: `2026-01-0${n}T10:00:00.000Z`, what: `db${n}.internal:5432`, verdict: 'refused', channel: n % 2 === 0 ? null : 'C0CONF' };
}

/** Counts for a cause, with a cause the map does not have read as none. */
const countsOf = (m: Map<string, CauseCounts>, cause: string): CauseCounts => m.get(cause) ?? { fixed: 0, notHelped: 0 };

const ids = (ws: WatchRecord[]) => ws.map((w) => w.id).sort();

function refused(v: TakeVerdict): { index: number; count: number; retryInMs: number } {
  assert.equal(v.ok, false, `expected a refusal, got ${JSON.stringify(v)}`);
  if (v.ok) throw new Error('unreachable');
  return { index: v.index, count: v.count, retryInMs: v.retryInMs };
}

export function conformance(name: string, open: () => Promise<OpenedStore>, o: ConformanceOptions = {}): void {
  /**
   * `another` opens a second instance on the store's data. `lost` is the store after it lost its data (a Redis that
   * came back empty, a file restored from an empty copy): open() called again, so for Redis the same server emptied
   * (every instance then sees it empty), for SQLite a new file; use only the store it returns after calling it.
   */
  type Body = (store: Store, another: () => Promise<Store>, lost: () => Promise<Store>) => Promise<void>;

  /** One behaviour: `body` runs on a fresh store; every instance it opened is closed afterwards, whatever happened. */
  function rule(title: string, body: Body): void {
    const todo = o.todo?.[title];
    // The bound is for a store that hangs instead of answering (a closed client, a lost server), not a timing.
    it(title, { timeout: 60_000, ...(todo ? { todo } : {}) }, async () => {
      const h = await open();
      const opened = [h.store];
      const cleanups = [h.cleanup];
      try {
        await body(
          h.store,
          async () => {
            const s = await h.another();
            opened.push(s);
            return s;
          },
          async () => {
            const again = await open();
            opened.push(again.store);
            cleanups.push(again.cleanup);
            return again.store;
          },
        );
      } finally {
        for (const s of opened) await s.close().catch(() => undefined);
        for (const c of cleanups) await c();
      }
    });
  }
  const replicaRule = (title: string, body: Body) => (o.replicas ? rule(title, body) : undefined);

  describe(`Store conformance: ${name}`, { skip: o.skip ?? false }, () => {
    describe('Slack deliveries', () => {
      rule('firstDelivery is true the first time a key is offered', async (store) => {
        const now = clock();
        assert.equal(await store.firstDelivery(fresh('ev'), MINUTE, now), true);
      });

      rule('firstDelivery is false for a repeat within the ttl', async (store) => {
        const now = clock();
        const key = fresh('ev');
        assert.equal(await store.firstDelivery(key, MINUTE, now), true);
        assert.equal(await store.firstDelivery(key, MINUTE, now), false);
        assert.equal(await store.firstDelivery(key, MINUTE, now + MINUTE - 1), false);
      });

      rule('firstDelivery is true again once the ttl has passed', async (store) => {
        const now = clock();
        const key = fresh('ev');
        assert.equal(await store.firstDelivery(key, MINUTE, now), true);
        assert.equal(await store.firstDelivery(key, MINUTE, now + MINUTE + 1), true);
        assert.equal(await store.firstDelivery(key, MINUTE, now + MINUTE + 2), false);
      });

      rule('firstDelivery keeps keys apart', async (store) => {
        const now = clock();
        assert.equal(await store.firstDelivery(fresh('ev'), MINUTE, now), true);
        assert.equal(await store.firstDelivery(fresh('ev'), MINUTE, now), true);
      });

      rule('firstDelivery: of 20 offers of one key at once, exactly one is first', async (store) => {
        const now = clock();
        const key = fresh('ev');
        const answers = await Promise.all(Array.from({ length: 20 }, () => store.firstDelivery(key, MINUTE, now)));
        assert.equal(answers.filter(Boolean).length, 1);
      });

      replicaRule('firstDelivery: two replicas offered the same event answer it once', async (a, another) => {
        const b = await another();
        const now = clock();
        const key = fresh('ev');
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).firstDelivery(key, MINUTE, now)));
        assert.equal(answers.filter(Boolean).length, 1);
      });
    });

    describe('rate limits', () => {
      const W = MINUTE;

      rule('take admits exactly `limit` hits in a window, then refuses', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 3 }];
        for (let i = 0; i < 3; i++) assert.deepEqual(await store.take(win, W, now + i), { ok: true }, `hit ${i + 1}`);
        refused(await store.take(win, W, now + 3));
      });

      rule('a refusal names the first full window by its index', async (store) => {
        const now = clock();
        const roomy = { key: fresh('user'), limit: 10 };
        const full1 = { key: fresh('channel'), limit: 1 };
        const full2 = { key: fresh('team'), limit: 1 };
        assert.deepEqual(await store.take([full1, full2], W, now), { ok: true });
        assert.equal(refused(await store.take([roomy, full1, full2], W, now)).index, 1);
        assert.equal(refused(await store.take([full2, roomy], W, now)).index, 0);
      });

      rule('a refusal counts this ask and the earlier refusals in the window', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 3 }];
        for (let i = 0; i < 3; i++) await store.take(win, W, now);
        assert.equal(refused(await store.take(win, W, now + 1)).count, 4);
        assert.equal(refused(await store.take(win, W, now + 2)).count, 5);
        assert.equal(refused(await store.take(win, W, now + 3)).count, 6);
      });

      rule('retryInMs is when the oldest counted hit leaves the window', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 3 }];
        for (const dt of [0, 100, 200]) assert.equal((await store.take(win, W, now + dt)).ok, true);
        assert.equal(refused(await store.take(win, W, now + 300)).retryInMs, W - 300);
        assert.equal(refused(await store.take(win, W, now + 5000)).retryInMs, W - 5000);
      });

      rule('a hit still counts 1 ms before windowMs has passed and no longer at windowMs', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 1 }];
        assert.equal((await store.take(win, W, now)).ok, true);
        assert.equal(refused(await store.take(win, W, now + W - 1)).retryInMs, 1);
        assert.deepEqual(await store.take(win, W, now + W), { ok: true });
      });

      rule('the window slides: the room comes back one hit at a time', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 2 }];
        assert.equal((await store.take(win, W, now)).ok, true);
        assert.equal((await store.take(win, W, now + 10 * SECOND)).ok, true);
        // The first hit has left, the second has not: room for one.
        assert.equal((await store.take(win, W, now + W)).ok, true);
        assert.equal(refused(await store.take(win, W, now + W + 1)).retryInMs, 10 * SECOND - 1);
      });

      rule('take with one full window records nothing in the others (their room is not used up)', async (store) => {
        const now = clock();
        const first = { key: fresh('user'), limit: 2 };
        const second = { key: fresh('channel'), limit: 1 };
        assert.equal((await store.take([second], W, now)).ok, true);
        for (let i = 0; i < 3; i++) assert.equal(refused(await store.take([first, second], W, now)).index, 1);
        assert.deepEqual(await store.take([first], W, now), { ok: true });
        assert.deepEqual(await store.take([first], W, now), { ok: true });
        // The refusals went to the second window only: this is the first window's first refusal.
        assert.equal(refused(await store.take([first], W, now)).count, 3);
      });

      rule('limit 0 (or below) means no limit', async (store) => {
        const now = clock();
        const unlimited = { key: fresh('user'), limit: 0 };
        const negative = { key: fresh('channel'), limit: -1 };
        assert.deepEqual(await store.take([], W, now), { ok: true }, 'no window at all');
        for (let i = 0; i < 25; i++) assert.deepEqual(await store.take([unlimited, negative], W, now), { ok: true }, `hit ${i + 1}`);
        // An unlimited window does not stop a limited one from refusing, and its index still counts.
        const limited = { key: fresh('team'), limit: 1 };
        assert.equal((await store.take([unlimited, limited], W, now)).ok, true);
        assert.equal(refused(await store.take([unlimited, limited], W, now)).index, 1);
      });

      rule('windows are kept apart by key', async (store) => {
        const now = clock();
        const a = [{ key: fresh('user'), limit: 1 }];
        const b = [{ key: fresh('user'), limit: 1 }];
        assert.equal((await store.take(a, W, now)).ok, true);
        assert.equal((await store.take(b, W, now)).ok, true);
      });

      rule('peek answers as take would and records nothing', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 2 }];
        for (let i = 0; i < 5; i++) assert.deepEqual(await store.peek(win, W, now), { ok: true });
        assert.equal((await store.take(win, W, now)).ok, true);
        assert.equal((await store.take(win, W, now)).ok, true);
        refused(await store.take(win, W, now + 1));
        const p1 = await store.peek(win, W, now + 2);
        const p2 = await store.peek(win, W, now + 2);
        assert.deepEqual(p2, p1, 'a second peek sees what the first saw');
        assert.deepEqual(await store.take(win, W, now + 2), p1, 'take decides what peek said');
        assert.deepEqual(refused(p1), { index: 0, count: 4, retryInMs: W - 2 });
      });

      rule('50 concurrent takes with limit 3 admit exactly 3', async (store) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 3 }];
        const verdicts = await Promise.all(Array.from({ length: 50 }, () => store.take(win, W, now)));
        assert.equal(verdicts.filter((v) => v.ok).length, 3);
        const counts = verdicts.flatMap((v) => (v.ok ? [] : [v.count])).sort((x, y) => x - y);
        assert.deepEqual(
          counts,
          Array.from({ length: 47 }, (_, i) => i + 4),
          'each refusal counted once',
        );
      });

      replicaRule('two replicas: 50 concurrent takes with limit 3 admit exactly 3', async (a, another) => {
        const b = await another();
        const now = clock();
        const win = [{ key: fresh('user'), limit: 3 }];
        const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).take(win, W, now)));
        assert.equal(verdicts.filter((v) => v.ok).length, 3);
        // And both replicas see the same full window afterwards.
        assert.equal(refused(await a.peek(win, W, now)).count, 51);
        assert.equal(refused(await b.peek(win, W, now)).count, 51);
      });
    });

    describe('watches', () => {
      const LEASE = 30 * SECOND;
      const lease = (owner: string, now: number): Lease => ({ owner, leaseMs: LEASE, now });
      const LIMITS = { perUser: 10, total: 100 };

      rule('startWatch refuses a user who has perUser watches, naming the limit and its max', async (store) => {
        const now = clock();
        const user = fresh('U');
        const limits = { perUser: 2, total: 100 };
        for (let i = 0; i < 2; i++) assert.deepEqual(await store.startWatch(watchRecord(now, { user }), lease('a', now), limits), { ok: true });
        assert.deepEqual(await store.startWatch(watchRecord(now, { user }), lease('a', now), limits), { ok: false, limit: 'user', max: 2 });
        assert.deepEqual(await store.startWatch(watchRecord(now), lease('a', now), limits), { ok: true }, 'another user still may');
        assert.equal(await store.countWatches(user, now), 2, 'the refused watch was not stored');
      });

      rule('startWatch refuses once the store holds `total` watches, whoever holds them', async (store) => {
        const now = clock();
        const limits = { perUser: 10, total: 3 };
        for (const owner of ['a', 'b', 'c']) assert.deepEqual(await store.startWatch(watchRecord(now), lease(owner, now), limits), { ok: true });
        assert.deepEqual(await store.startWatch(watchRecord(now), lease('d', now), limits), { ok: false, limit: 'total', max: 3 });
        assert.equal(await store.countWatches(null, now), 3);
      });

      rule('startWatch counts only watches not ended', async (store) => {
        const now = clock();
        const user = fresh('U');
        const limits = { perUser: 1, total: 1 };
        const first = watchRecord(now, { user });
        assert.deepEqual(await store.startWatch(first, lease('a', now), limits), { ok: true });
        assert.notEqual(await store.endWatch(first.id), null);
        assert.deepEqual(await store.startWatch(watchRecord(now, { user }), lease('a', now), limits), { ok: true });
      });

      rule('startWatch keeps the limits when many start at once', async (store) => {
        const now = clock();
        const user = fresh('U');
        const verdicts = await Promise.all(
          Array.from({ length: 12 }, () => store.startWatch(watchRecord(now, { user }), lease('a', now), { perUser: 3, total: 100 })),
        );
        assert.equal(verdicts.filter((v) => v.ok).length, 3);
        assert.equal(await store.countWatches(user, now), 3);
      });

      replicaRule('two replicas starting watches at once keep both limits', async (a, another) => {
        const b = await another();
        const now = clock();
        const user = fresh('U');
        const limits = { perUser: 3, total: 5 };
        const started = await Promise.all(
          Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).startWatch(watchRecord(now, i < 8 ? { user } : {}), lease(`r${i % 2}`, now), limits)),
        );
        assert.equal(started.filter((v) => v.ok).length, 5);
        assert.equal(await a.countWatches(null, now), 5);
        assert.ok((await b.countWatches(user, now)) <= 3);
      });

      rule('countWatches counts per user and in all', async (store) => {
        const now = clock();
        const [u1, u2] = [fresh('U'), fresh('U')];
        for (const user of [u1, u1, u2]) await store.startWatch(watchRecord(now, { user }), lease('a', now), LIMITS);
        assert.equal(await store.countWatches(u1, now), 2);
        assert.equal(await store.countWatches(u2, now), 1);
        assert.equal(await store.countWatches(fresh('U'), now), 0);
        assert.equal(await store.countWatches(null, now), 3);
      });

      rule('a watch started with a live lease is not claimable by anyone, its owner included', async (store) => {
        const now = clock();
        await store.startWatch(watchRecord(now), lease('a', now), LIMITS);
        assert.deepEqual(await store.claimWatches(lease('b', now), 10), []);
        assert.deepEqual(await store.claimWatches(lease('b', now + LEASE - 1), 10), []);
        assert.deepEqual(await store.claimWatches(lease('a', now + LEASE - 1), 10), []);
      });

      rule('a lease ends at now + leaseMs: then another owner claims the watch, with the record as stored', async (store) => {
        const now = clock();
        const w = watchRecord(now, { team: null });
        await store.startWatch(w, lease('a', now), LIMITS);
        assert.deepEqual(await store.claimWatches(lease('b', now + LEASE), 10), [w]);
      });

      rule('a lapsed lease nobody claimed is still its owner’s to renew and save', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const late = now + LEASE + 5 * SECOND;
        assert.deepEqual(await store.renewWatches([w.id], lease('a', late)), [w.id]);
        assert.equal(await store.saveWatch({ ...w, checks: 1 }, lease('a', late)), true);
        assert.deepEqual(await store.claimWatches(lease('b', late + 1), 10), [], 'renewed from `late`');
      });

      rule('after a takeover the first owner renews nothing and cannot save', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const t = now + LEASE + 1;
        assert.deepEqual(ids(await store.claimWatches(lease('b', t), 10)), [w.id]);
        assert.deepEqual(await store.renewWatches([w.id], lease('a', t + 1)), []);
        assert.equal(await store.saveWatch({ ...w, checks: 99, state: { dns: 'changed by a' } }, lease('a', t + 1)), false);
        assert.deepEqual(await store.renewWatches([w.id], lease('b', t + 1)), [w.id], 'the new owner holds it');
        assert.deepEqual(await store.endWatch(w.id), w, "the old owner's save changed nothing");
      });

      rule('renewWatches extends the lease: nobody claims it while renewed', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        assert.deepEqual(await store.renewWatches([w.id], lease('a', now + LEASE / 2)), [w.id]);
        assert.deepEqual(await store.claimWatches(lease('b', now + LEASE + 1), 10), []);
        assert.deepEqual(ids(await store.claimWatches(lease('b', now + LEASE / 2 + LEASE + 1), 10)), [w.id]);
      });

      rule('renewWatches lists only the ids the owner still holds', async (store) => {
        const now = clock();
        const [held, ended, others] = [watchRecord(now), watchRecord(now), watchRecord(now)];
        await store.startWatch(held, lease('a', now), LIMITS);
        await store.startWatch(ended, lease('a', now), LIMITS);
        await store.startWatch(others, lease('b', now), LIMITS);
        await store.endWatch(ended.id);
        const got = await store.renewWatches([held.id, ended.id, others.id, fresh('w')], lease('a', now + 1));
        assert.deepEqual(got, [held.id]);
      });

      rule('two owners claiming at once never get the same watch', async (store) => {
        const now = clock();
        const all: WatchRecord[] = [];
        for (let i = 0; i < 10; i++) {
          const w = watchRecord(now);
          all.push(w);
          await store.startWatch(w, lease('gone', now), LIMITS);
        }
        const t = now + LEASE + 1;
        const got = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((owner) => store.claimWatches(lease(owner, t), 3)));
        for (const g of got) assert.ok(g.length <= 3, `a claim of at most 3 returned ${g.length}`);
        const union = got.flatMap(ids).sort();
        assert.deepEqual(union, ids(all), 'every watch claimed exactly once');
        assert.deepEqual(await store.claimWatches(lease('f', t), 10), [], 'nothing left while those leases live');
      });

      replicaRule('two replicas claiming at once never get the same watch', async (a, another) => {
        const b = await another();
        const now = clock();
        const all: WatchRecord[] = [];
        for (let i = 0; i < 10; i++) {
          const w = watchRecord(now);
          all.push(w);
          await a.startWatch(w, lease('gone', now), LIMITS);
        }
        const t = now + LEASE + 1;
        const got = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimWatches(lease(`owner${i}`, t), 4)));
        assert.deepEqual(got.flatMap(ids).sort(), ids(all), 'every watch claimed exactly once');
      });

      rule('claimWatches hands out at most `max`', async (store) => {
        const now = clock();
        for (let i = 0; i < 5; i++) await store.startWatch(watchRecord(now), lease('gone', now), LIMITS);
        const t = now + LEASE + 1;
        assert.equal((await store.claimWatches(lease('a', t), 2)).length, 2);
        assert.equal((await store.claimWatches(lease('b', t), 10)).length, 3);
      });

      rule('releaseWatches makes a watch claimable at once', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        await store.releaseWatches([w.id], 'a');
        assert.deepEqual(ids(await store.claimWatches(lease('b', now), 10)), [w.id]);
      });

      rule('releaseWatches by someone who does not hold the watch gives nothing back', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        await store.releaseWatches([w.id], 'b');
        assert.deepEqual(await store.claimWatches(lease('c', now), 10), []);
      });

      rule('saveWatch round-trips state, checks, nextAt and intervalMs', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const saved: WatchRecord = {
          ...w,
          state: { 'tcp 10.0.0.5:5432': 'open', dns: 'ok', 'tls 10.0.0.5': 'ok' },
          checks: 7,
          nextAt: now + 5 * MINUTE,
          intervalMs: 2 * MINUTE,
        };
        assert.equal(await store.saveWatch(saved, lease('a', now + 1)), true);
        await store.releaseWatches([w.id], 'a');
        assert.deepEqual(await store.claimWatches(lease('b', now + 2), 10), [saved]);
        assert.deepEqual(await store.endWatch(w.id), saved);
      });

      rule('endWatch returns the record once, then null', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        assert.deepEqual(await store.endWatch(w.id), w);
        assert.equal(await store.endWatch(w.id), null);
        assert.equal(await store.endWatch(fresh('w')), null, 'a watch that never was');
      });

      rule('endWatch works whoever holds the watch, and twice at once ends it once', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const got = await Promise.all(Array.from({ length: 5 }, () => store.endWatch(w.id)));
        assert.equal(got.filter((r) => r !== null).length, 1);
      });

      rule('an ended watch is neither claimable, nor renewable, nor savable, nor counted', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        await store.endWatch(w.id);
        assert.equal(await store.countWatches(w.user, now), 0);
        assert.equal(await store.countWatches(null, now), 0);
        assert.deepEqual(await store.renewWatches([w.id], lease('a', now + 1)), []);
        assert.equal(await store.saveWatch({ ...w, checks: 1 }, lease('a', now + 1)), false);
        assert.deepEqual(await store.claimWatches(lease('b', now + LEASE + 1), 10), []);
        assert.equal(await store.countWatches(null, now + 1), 0, 'the failed save did not bring it back');
      });

      rule('a watch long past its endsAt is gone', async (store) => {
        const now = clock();
        const w = watchRecord(now, { endsAt: now + HOUR });
        await store.startWatch(w, lease('a', now), LIMITS);
        const later = w.endsAt + LONG_AFTER;
        assert.equal(await store.countWatches(w.user, later), 0);
        assert.equal(await store.countWatches(null, later), 0);
        assert.deepEqual(await store.claimWatches(lease('b', later), 10), []);
        assert.deepEqual(await store.startWatch(watchRecord(later, { user: w.user }), lease('b', later), { perUser: 1, total: 1 }), { ok: true });
      });

      rule('watches survive closing and opening the store again', async (store, another) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        await store.close();
        const again = await another();
        assert.equal(await again.countWatches(w.user, now + 1), 1);
        assert.deepEqual(await again.claimWatches(lease('a', now + 1), 10), [], 'the lease outlived the restart');
        assert.deepEqual(await again.claimWatches(lease('b', now + LEASE + 1), 10), [w]);
      });
    });

    describe('watches the store lost (restoreWatch)', () => {
      const LEASE = 30 * SECOND;
      const lease = (owner: string, now: number): Lease => ({ owner, leaseMs: LEASE, now });
      const LIMITS = { perUser: 10, total: 100 };

      rule('restoreWatch puts back a running watch the store lost, held by its holder as if it had started there', async (store, _another, lost) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const empty = await lost();
        assert.equal(await empty.countWatches(null, now), 0, 'the store lost it');
        const t = now + 10 * SECOND;
        assert.equal(await empty.restoreWatch(w, lease('a', t)), true);
        assert.equal(await empty.countWatches(w.user, t), 1);
        assert.equal(await empty.countWatches(null, t), 1);
        assert.deepEqual(await empty.renewWatches([w.id], lease('a', t + 1)), [w.id]);
        assert.deepEqual(await empty.claimWatches(lease('b', t + 1), 10), [], 'the holder’s lease is live');
        const saved = { ...w, checks: 1, state: { 'tcp 10.0.0.5:5432': 'open', dns: 'ok' } };
        assert.equal(await empty.saveWatch(saved, lease('a', t + 2)), true);
        assert.deepEqual(await empty.claimWatches(lease('b', t + 2 + LEASE - 1), 10), []);
        assert.deepEqual(await empty.claimWatches(lease('b', t + 2 + LEASE), 10), [saved], 'claimable once its lease ends, as any watch');
      });

      rule('restoreWatch does not bring back a watch that ended', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        assert.deepEqual(await store.endWatch(w.id), w);
        assert.equal(await store.restoreWatch(w, lease('a', now + 1)), false);
        assert.equal(await store.countWatches(w.user, now + 1), 0);
        assert.deepEqual(await store.claimWatches(lease('b', now + LEASE + 1), 10), []);
        assert.equal(await store.endWatch(w.id), null, 'nothing was written');
      });

      rule('restoreWatch does not bring back a watch stopped while the store had lost it', async (store, _another, lost) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const empty = await lost();
        // Stop pressed on another replica: the store has no record to end, and still remembers the end.
        assert.equal(await empty.endWatch(w.id), null);
        assert.equal(await empty.restoreWatch(w, lease('a', now + 1)), false);
        assert.equal(await empty.countWatches(null, now + 1), 0);
        assert.deepEqual(await empty.claimWatches(lease('b', now + LEASE + 1), 10), []);
      });

      rule('restoreWatch leaves a watch another owner holds to that owner, its lease lapsed or not', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('b', now), LIMITS);
        const stale = { ...w, checks: 5, state: { dns: 'stale copy' } };
        assert.equal(await store.restoreWatch(stale, lease('a', now + 1)), false);
        // A lapsed lease nobody claimed is still b's (as renewWatches and saveWatch say).
        assert.equal(await store.restoreWatch(stale, lease('a', now + LEASE + 1)), false);
        assert.deepEqual(await store.renewWatches([w.id], lease('a', now + LEASE + 2)), []);
        assert.deepEqual(await store.renewWatches([w.id], lease('b', now + LEASE + 2)), [w.id], 'b still holds it');
        assert.equal(await store.countWatches(null, now + LEASE + 2), 1);
        assert.deepEqual(await store.endWatch(w.id), w, 'nothing of the stale copy was written');
      });

      rule('restoreWatch by the owner that already holds the record renews its lease and writes nothing else', async (store, _another, lost) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const empty = await lost();
        assert.equal(await empty.restoreWatch(w, lease('a', now + 1)), true);
        // The holder's check and its renewal both found the watch missing: the second ask finds it held by the holder.
        const t = now + LEASE / 2;
        assert.equal(await empty.restoreWatch({ ...w, checks: 9 }, lease('a', t)), true);
        assert.equal(await empty.countWatches(null, t), 1);
        assert.deepEqual(await empty.claimWatches(lease('b', now + 1 + LEASE), 10), [], 'the lease runs from the second ask');
        assert.deepEqual(await empty.claimWatches(lease('b', t + LEASE), 10), [w], 'the record as first put back');
      });

      rule('restoreWatch: two holders putting back one lost watch at once, one gets it', async (store, _another, lost) => {
        const now = clock();
        const w = watchRecord(now);
        await store.startWatch(w, lease('a', now), LIMITS);
        const empty = await lost();
        const owners = Array.from({ length: 10 }, (_, i) => (i % 2 ? 'a' : 'b'));
        const got = await Promise.all(owners.map((owner) => empty.restoreWatch(w, lease(owner, now + 1))));
        const winners = new Set(owners.filter((_, i) => got[i]));
        assert.equal(winners.size, 1, `restored for ${[...winners].join(', ') || 'nobody'}`);
        const [winner] = [...winners];
        assert.equal(got.filter(Boolean).length, 5, 'every ask of the winner is true, every ask of the other false');
        assert.deepEqual(await empty.renewWatches([w.id], lease(winner!, now + 2)), [w.id]);
        assert.equal(await empty.countWatches(null, now + 2), 1);
      });

      rule('restoreWatch writes nothing for a watch whose record would already have expired', async (store, _another, lost) => {
        const now = clock();
        const w = watchRecord(now, { endsAt: now + HOUR });
        await store.startWatch(w, lease('a', now), LIMITS);
        const empty = await lost();
        const later = w.endsAt + LONG_AFTER;
        assert.equal(await empty.restoreWatch(w, lease('a', later)), false);
        assert.equal(await empty.countWatches(null, later), 0);
        assert.deepEqual(await empty.claimWatches(lease('b', later + LEASE), 10), []);
      });

      rule('the ended marker lasts while the watch could still run, and goes once its record would have expired', async (store) => {
        const now = clock();
        const ended = watchRecord(now, { endsAt: now + HOUR });
        await store.startWatch(ended, lease('a', now), LIMITS);
        await store.endWatch(ended.id);
        // Ended while the store had no record of it: its end is unknown to the store.
        const unknown = watchRecord(now, { endsAt: now + HOUR });
        assert.equal(await store.endWatch(unknown.id), null);
        for (const w of [ended, unknown]) assert.equal(await store.restoreWatch(w, lease('a', w.endsAt - 1)), false, 'the last moment it could run');
        const later = now + LONG_AFTER;
        const went = await store.sweep(later);
        assert.ok(Number.isInteger(went) && went >= 0, `sweep returned ${went}`);
        // Nothing says these ids ended any more: the same ids with a later end are taken as lost watches.
        for (const w of [ended, unknown]) assert.equal(await store.restoreWatch({ ...w, endsAt: later + HOUR }, lease('a', later)), true, w.id);
        assert.equal(await store.countWatches(null, later), 2);
      });
    });

    describe('incidents', () => {
      const TTL = 10 * MINUTE;

      rule('findIncident returns the latest note about a target in the team', async (store) => {
        const now = clock();
        const [team, target] = [fresh('T'), fresh('db.internal:5432')];
        await store.noteIncident(team, target, incident(now, { ts: '1.1', cause: 'nothing-listening' }), TTL);
        await store.noteIncident(team, target, incident(now + 1000, { ts: '2.2', cause: 'firewall-reject', user: null }), TTL);
        assert.deepEqual(await store.findIncident(team, target, now), incident(now + 1000, { ts: '2.2', cause: 'firewall-reject', user: null }));
      });

      rule('an older diagnosis noted late (a slow replica) does not hide the newer one', async (store) => {
        const now = clock();
        const [team, target] = [fresh('T'), fresh('db.internal:5432')];
        const newer = incident(now + 1000, { ts: '2.2' });
        await store.noteIncident(team, target, newer, TTL);
        await store.noteIncident(team, target, incident(now, { ts: '1.1' }), TTL);
        assert.deepEqual(await store.findIncident(team, target, now), newer);
      });

      rule('findIncident returns null for a note before `since` and the note at `since`', async (store) => {
        const now = clock();
        const [team, target] = [fresh('T'), fresh('db.internal:5432')];
        const rec = incident(now, { cause: null });
        await store.noteIncident(team, target, rec, TTL);
        assert.deepEqual(await store.findIncident(team, target, now), rec);
        assert.equal(await store.findIncident(team, target, now + 1), null);
      });

      rule('incidents are kept apart by team and by target', async (store) => {
        const now = clock();
        const [team, target] = [fresh('T'), fresh('db.internal:5432')];
        await store.noteIncident(team, target, incident(now), TTL);
        assert.equal(await store.findIncident(fresh('T'), target, now), null);
        assert.equal(await store.findIncident(team, fresh('db.internal:5432'), now), null);
        // Parts that would meet if a store glued them together with ':' stay apart.
        await store.noteIncident(`${team}:a`, 'b:5432', incident(now, { ts: '3.3' }), TTL);
        assert.equal(await store.findIncident(team, 'a:b:5432', now), null);
        assert.equal(await store.findIncident(`${team}:a:b`, '5432', now), null);
      });

      rule('an incident is gone once its ttl has passed (after a sweep)', async (store) => {
        const now = clock();
        const [team, target] = [fresh('T'), fresh('db.internal:5432')];
        // Noted long enough ago that its ttl has run out by any clock, the test's or the server's.
        const at = now - 2 * TTL;
        await store.noteIncident(team, target, incident(at), TTL);
        await store.sweep(now);
        assert.equal(await store.findIncident(team, target, at), null);
      });
    });

    describe('history', () => {
      const TTL = 7 * DAY;

      rule('recentHistory lists a user’s entries newest first', async (store) => {
        const now = clock();
        const user = fresh('U');
        for (let n = 1; n <= 3; n++) await store.addHistory(user, entry(n), 10, TTL, now + n);
        assert.deepEqual(await store.recentHistory(user, 10, now + 4), [entry(3), entry(2), entry(1)]);
      });

      rule('addHistory keeps the newest `keep`; recentHistory returns at most `keep`', async (store) => {
        const now = clock();
        const user = fresh('U');
        for (let n = 1; n <= 5; n++) await store.addHistory(user, entry(n), 3, TTL, now + n);
        assert.deepEqual(await store.recentHistory(user, 10, now + 6), [entry(5), entry(4), entry(3)]);
        assert.deepEqual(await store.recentHistory(user, 2, now + 6), [entry(5), entry(4)]);
      });

      rule('history is per user', async (store) => {
        const now = clock();
        const [u1, u2] = [fresh('U'), fresh('U')];
        await store.addHistory(u1, entry(1), 10, TTL, now);
        await store.addHistory(u2, entry(2), 10, TTL, now);
        assert.deepEqual(await store.recentHistory(u1, 10, now), [entry(1)]);
        assert.deepEqual(await store.recentHistory(u2, 10, now), [entry(2)]);
        assert.deepEqual(await store.recentHistory(fresh('U'), 10, now), []);
      });

      rule('a history list expires ttlMs after its last entry', async (store) => {
        const now = clock();
        const user = fresh('U');
        await store.addHistory(user, entry(1), 10, TTL, now);
        await store.addHistory(user, entry(2), 10, TTL, now + DAY);
        assert.deepEqual(await store.recentHistory(user, 10, now + TTL + 1), [entry(2), entry(1)], 'the second entry kept the list');
        assert.deepEqual(await store.recentHistory(user, 10, now + DAY + TTL - 1), [entry(2), entry(1)]);
        assert.deepEqual(await store.recentHistory(user, 10, now + DAY + TTL + 1), []);
      });
    });

    describe('feedback', () => {
      const TTL = 90 * DAY;
      const vote = (over: Partial<Vote> = {}): Vote => ({
        team: 'T0CONF',
        channel: 'C0CONF',
        ts: '1700000000.000300',
        user: 'U0VOTER',
        cause: 'x',
        helpful: true,
        ...over,
      });

      rule('a first vote replaces nothing and counts', async (store) => {
        const now = clock();
        const [team, cause] = [fresh('T'), fresh('cause')];
        assert.deepEqual(await store.vote(vote({ team, cause, helpful: true }), TTL, now), { replaced: null });
        assert.deepEqual(countsOf(await store.causeCounts(team, [cause], now), cause), { fixed: 1, notHelped: 0 });
      });

      rule('a second vote by the same person on the same message replaces the first and moves the counts', async (store) => {
        const now = clock();
        const [team, cause] = [fresh('T'), fresh('cause')];
        await store.vote(vote({ team, cause, helpful: true }), TTL, now);
        assert.deepEqual(await store.vote(vote({ team, cause, helpful: false }), TTL, now + 1), { replaced: { cause, helpful: true } });
        assert.deepEqual(countsOf(await store.causeCounts(team, [cause], now + 2), cause), { fixed: 0, notHelped: 1 });
      });

      rule('the same vote twice counts once', async (store) => {
        const now = clock();
        const [team, cause] = [fresh('T'), fresh('cause')];
        await store.vote(vote({ team, cause, helpful: false }), TTL, now);
        assert.deepEqual(await store.vote(vote({ team, cause, helpful: false }), TTL, now + 1), { replaced: { cause, helpful: false } });
        assert.deepEqual(countsOf(await store.causeCounts(team, [cause], now + 2), cause), { fixed: 0, notHelped: 1 });
      });

      rule('a replacing vote for another cause moves the count between causes', async (store) => {
        const now = clock();
        const [team, c1, c2] = [fresh('T'), fresh('cause'), fresh('cause')];
        await store.vote(vote({ team, cause: c1 }), TTL, now);
        assert.deepEqual(await store.vote(vote({ team, cause: c2 }), TTL, now + 1), { replaced: { cause: c1, helpful: true } });
        const m = await store.causeCounts(team, [c1, c2], now + 2);
        assert.deepEqual(countsOf(m, c1), { fixed: 0, notHelped: 0 });
        assert.deepEqual(countsOf(m, c2), { fixed: 1, notHelped: 0 });
      });

      rule("another person's vote, or the same person's on another message, adds", async (store) => {
        const now = clock();
        const [team, cause] = [fresh('T'), fresh('cause')];
        await store.vote(vote({ team, cause, user: 'U0ONE' }), TTL, now);
        assert.deepEqual(await store.vote(vote({ team, cause, user: 'U0TWO' }), TTL, now), { replaced: null });
        assert.deepEqual(await store.vote(vote({ team, cause, user: 'U0ONE', ts: '1700000000.000999' }), TTL, now), { replaced: null });
        assert.deepEqual(await store.vote(vote({ team, cause, user: 'U0TWO', channel: 'C0OTHER', helpful: false }), TTL, now), { replaced: null });
        assert.deepEqual(countsOf(await store.causeCounts(team, [cause], now), cause), { fixed: 3, notHelped: 1 });
      });

      rule('workspaces count apart', async (store) => {
        const now = clock();
        const [t1, t2, cause] = [fresh('T'), fresh('T'), fresh('cause')];
        await store.vote(vote({ team: t1, cause }), TTL, now);
        assert.deepEqual(
          await store.vote(vote({ team: t2, cause, helpful: false }), TTL, now),
          { replaced: null },
          'the same person and ts in another workspace',
        );
        assert.deepEqual(countsOf(await store.causeCounts(t1, [cause], now), cause), { fixed: 1, notHelped: 0 });
        assert.deepEqual(countsOf(await store.causeCounts(t2, [cause], now), cause), { fixed: 0, notHelped: 1 });
      });

      rule('causeCounts leaves out causes nobody voted on', async (store) => {
        const now = clock();
        const [team, voted, unknown] = [fresh('T'), fresh('cause'), fresh('cause')];
        await store.vote(vote({ team, cause: voted }), TTL, now);
        const m = await store.causeCounts(team, [voted, unknown], now);
        assert.equal(m.has(unknown), false);
        assert.deepEqual(m.get(voted), { fixed: 1, notHelped: 0 });
        assert.equal((await store.causeCounts(fresh('T'), [voted], now)).size, 0);
      });

      rule('concurrent changes of one vote leave the counts matching the vote that stayed', async (store) => {
        const now = clock();
        const [team, cause] = [fresh('T'), fresh('cause')];
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.vote(vote({ team, cause, helpful: i % 2 === 0 }), TTL, now)));
        const c = countsOf(await store.causeCounts(team, [cause], now), cause);
        assert.equal(c.fixed + c.notHelped, 1, `one vote counted, got ${JSON.stringify(c)}`);
      });
    });

    describe('life', () => {
      rule('kind and where say what the store is', async (store) => {
        assert.ok(store.kind === 'sqlite' || store.kind === 'redis');
        assert.equal(typeof store.where, 'string');
        assert.ok(store.where.length > 0);
      });

      rule('ping resolves on an open store', async (store) => {
        await store.ping();
      });

      rule('rate limits, deliveries, history and votes survive closing and opening the store again', async (store, another) => {
        const now = clock();
        const win = [{ key: fresh('user'), limit: 1 }];
        const [key, user, team, cause] = [fresh('ev'), fresh('U'), fresh('T'), fresh('cause')];
        await store.take(win, MINUTE, now);
        await store.firstDelivery(key, MINUTE, now);
        await store.addHistory(user, entry(1), 10, DAY, now);
        await store.vote({ team, channel: 'C0CONF', ts: '1.1', user: 'U0VOTER', cause, helpful: true }, DAY, now);
        await store.close();
        const again = await another();
        assert.equal((await again.take(win, MINUTE, now + 1)).ok, false);
        assert.equal(await again.firstDelivery(key, MINUTE, now + 1), false);
        assert.deepEqual(await again.recentHistory(user, 10, now + 1), [entry(1)]);
        assert.deepEqual(countsOf(await again.causeCounts(team, [cause], now + 1), cause), { fixed: 1, notHelped: 0 });
      });

      rule('every method rejects with StoreUnavailable after close()', async (store) => {
        const now = clock();
        const w = watchRecord(now);
        const l: Lease = { owner: 'a', leaseMs: MINUTE, now };
        await store.close();
        const calls: Record<string, () => Promise<unknown>> = {
          firstDelivery: () => store.firstDelivery(fresh('ev'), MINUTE, now),
          take: () => store.take([{ key: fresh('user'), limit: 1 }], MINUTE, now),
          peek: () => store.peek([{ key: fresh('user'), limit: 1 }], MINUTE, now),
          startWatch: () => store.startWatch(w, l, { perUser: 1, total: 1 }),
          claimWatches: () => store.claimWatches(l, 1),
          renewWatches: () => store.renewWatches([w.id], l),
          saveWatch: () => store.saveWatch(w, l),
          releaseWatches: () => store.releaseWatches([w.id], 'a'),
          endWatch: () => store.endWatch(w.id),
          restoreWatch: () => store.restoreWatch(w, l),
          countWatches: () => store.countWatches(null, now),
          noteIncident: () => store.noteIncident('T', 'db:5432', incident(now), MINUTE),
          findIncident: () => store.findIncident('T', 'db:5432', now),
          addHistory: () => store.addHistory('U', entry(1), 10, MINUTE, now),
          recentHistory: () => store.recentHistory('U', 10, now),
          vote: () => store.vote({ team: 'T', channel: 'C', ts: '1.1', user: 'U', cause: 'x', helpful: true }, MINUTE, now),
          causeCounts: () => store.causeCounts('T', ['x'], now),
          ping: () => store.ping(),
          sweep: () => store.sweep(now),
        };
        const wrong: string[] = [];
        for (const [method, call] of Object.entries(calls)) {
          let p: Promise<unknown>;
          try {
            p = call();
          } catch (e) {
            wrong.push(`${method} threw at once (${describeError(e)}) instead of rejecting`);
            continue;
          }
          try {
            const v = await p;
            wrong.push(`${method} resolved ${JSON.stringify(v instanceof Map ? [...v] : v)}`);
          } catch (e) {
            if (!(e instanceof StoreUnavailable)) wrong.push(`${method} rejected with ${describeError(e)}`);
          }
        }
        assert.deepEqual(wrong, []);
      });

      rule('sweep returns how many records went and leaves no expired record readable', async (store) => {
        const now = clock();
        const ttl = MINUTE;
        const w = watchRecord(now, { endsAt: now + ttl });
        const [key, user, team, target, cause] = [fresh('ev'), fresh('U'), fresh('T'), fresh('db:5432'), fresh('cause')];
        const win = [{ key: fresh('user'), limit: 1 }];
        await store.firstDelivery(key, ttl, now);
        await store.take(win, ttl, now);
        await store.startWatch(w, { owner: 'a', leaseMs: ttl, now }, { perUser: 5, total: 5 });
        // An incident's ttl runs from its `at`; noted that long ago, it has run out by any clock.
        const at = now - 2 * ttl;
        await store.noteIncident(team, target, incident(at), ttl);
        await store.addHistory(user, entry(1), 10, ttl, now);
        await store.vote({ team, channel: 'C0CONF', ts: '1.1', user: 'U0VOTER', cause, helpful: true }, ttl, now);
        const later = now + LONG_AFTER;
        const went = await store.sweep(later);
        assert.ok(Number.isInteger(went) && went >= 0, `sweep returned ${went}`);
        assert.equal(await store.countWatches(null, later), 0);
        assert.deepEqual(await store.claimWatches({ owner: 'b', leaseMs: ttl, now: later }, 10), []);
        assert.deepEqual(await store.recentHistory(user, 10, later), []);
        assert.deepEqual(await store.peek(win, ttl, later), { ok: true });
        assert.equal(await store.firstDelivery(key, ttl, later), true);
        assert.equal(await store.findIncident(team, target, at), null);
        assert.equal((await store.causeCounts(team, [cause], later)).size, 0, 'the vote and its counts expired');
        assert.equal(await store.sweep(later), 0, 'a second sweep finds nothing left');
        // Last: ending a watch the store no longer has still leaves its "ended" marker, which the store (given no
        // clock by endWatch) bounds by the real clock, not by `later`.
        assert.equal(await store.endWatch(w.id), null);
      });
    });
  });
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
