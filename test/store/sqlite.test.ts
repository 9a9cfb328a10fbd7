// What only the SQLite store does: the file and its directory, restarts, a file another process keeps locked,
// files it cannot use, and tables that stay bounded. (test/store/conformance*.ts holds what both stores share.)
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StoreUnavailable } from '../../src/errors.js';
import { RateLimits } from '../../src/slack/limits.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { Store, WatchRecord } from '../../src/store/store.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'refused-sqlite-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh file path under the test's temp directory, in a folder that does not exist yet. */
const freshPath = () => join(dir, `case-${++n}`, 'nested', 'refused.db');

/** Opens a store and closes it when `fn` ends, whatever happens. */
async function withStore<T>(path: string, fn: (s: Store) => Promise<T>, busyTimeoutMs?: number): Promise<T> {
  const s = await openSqlite(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Rows in `table`, read through a connection of its own. */
function rows(path: string, table: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const T0 = 1_700_000_000_000;
const watch = (id: string, over: Partial<WatchRecord> = {}): WatchRecord => ({
  id,
  team: 'T1',
  user: 'U1',
  channel: 'C1',
  threadTs: '1700000000.000100',
  request: { host: 'db.internal', port: 5432 },
  what: 'db.internal:5432',
  state: { tcp: 'refused' },
  startedAt: T0,
  endsAt: T0 + 600_000,
  checks: 0,
  nextAt: T0 + 10_000,
  intervalMs: 10_000,
  ...over,
});
const lease = (owner: string, now: number) => ({ owner, leaseMs: 15_000, now });

async function rejectsUnavailable(p: Promise<unknown>, ...words: (string | RegExp)[]): Promise<StoreUnavailable> {
  const e = await p.then(
    () => assert.fail('expected StoreUnavailable'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof StoreUnavailable, `expected StoreUnavailable, got ${String(e)}`);
  assert.equal(e.code, 'ESTORE');
  for (const w of words) assert.match(e.message, typeof w === 'string' ? new RegExp(w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : w);
  return e;
}

describe('the file', () => {
  test('its directory is created, and the store says where it is', async () => {
    const path = freshPath();
    await withStore(path, async (s) => {
      assert.equal(s.kind, 'sqlite');
      assert.equal(s.where, path);
      await s.ping();
    });
    assert.equal(rows(path, 'watches'), 0);
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    db.close();
  });

  test('a watch survives a restart, with its progress, and another owner takes it once the lease runs out', async () => {
    const path = freshPath();
    await withStore(path, async (s) => {
      assert.deepEqual(await s.startWatch(watch('w1'), lease('old', T0), { perUser: 3, total: 20 }), { ok: true });
      assert.equal(await s.saveWatch(watch('w1', { checks: 4, state: { tcp: 'open' } }), lease('old', T0 + 5_000)), true);
      await s.firstDelivery('E1', 60_000, T0);
    });
    await withStore(path, async (s) => {
      assert.equal(await s.countWatches('U1', T0 + 10_000), 1);
      assert.deepEqual(await s.claimWatches(lease('new', T0 + 10_000), 10), [], 'the lease saved at T0+5s still runs');
      const [w, ...more] = await s.claimWatches(lease('new', T0 + 20_000), 10);
      assert.equal(more.length, 0);
      assert.equal(w?.checks, 4);
      assert.deepEqual(w?.state, { tcp: 'open' });
      assert.equal(await s.saveWatch(watch('w1', { checks: 5 }), lease('old', T0 + 21_000)), false, 'the old owner lost it');
      assert.equal(await s.firstDelivery('E1', 60_000, T0 + 1_000), false, 'a delivery seen before the restart is still a repeat');
    });
  });

  test('two connections on one file see one another: a claimed watch is not claimed again', async () => {
    const path = freshPath();
    await withStore(path, (a) =>
      withStore(path, async (b) => {
        await a.startWatch(watch('w1'), lease('a', T0), { perUser: 3, total: 20 });
        assert.equal((await b.claimWatches(lease('b', T0 + 15_000), 5)).length, 1);
        assert.equal((await a.claimWatches(lease('a', T0 + 15_000), 5)).length, 0);
        assert.deepEqual(await a.renewWatches(['w1'], lease('a', T0 + 16_000)), []);
        assert.deepEqual(await b.renewWatches(['w1'], lease('b', T0 + 16_000)), ['w1']);
      }),
    );
  });
});

describe('a file another connection keeps locked', () => {
  test('a write waits busyTimeoutMs and then rejects with StoreUnavailable; reads go on; it works once the lock goes', async () => {
    const path = freshPath();
    await withStore(
      path,
      async (s) => {
        const holder = new Database(path);
        try {
          holder.exec('BEGIN IMMEDIATE');
          const e = await rejectsUnavailable(s.take([{ key: 'U1', limit: 3 }], 60_000, T0), path, 'locked');
          assert.equal((e.cause as { code?: string }).code, 'SQLITE_BUSY');
          await rejectsUnavailable(s.firstDelivery('E1', 60_000, T0), 'locked');
          // WAL: readers do not wait for the writer.
          assert.deepEqual(await s.peek([{ key: 'U1', limit: 3 }], 60_000, T0), { ok: true });
          assert.equal(await s.countWatches(null, T0), 0);
          holder.exec('COMMIT');
          assert.deepEqual(await s.take([{ key: 'U1', limit: 3 }], 60_000, T0), { ok: true });
        } finally {
          if (holder.inTransaction) holder.exec('ROLLBACK');
          holder.close();
        }
      },
      100,
    );
  });

  test('a lock let go during the wait: the operation goes through after it', async () => {
    const path = freshPath();
    await withStore(
      path,
      async (s) => {
        // better-sqlite3 waits synchronously, so the holder must live on another thread to let go meanwhile.
        const worker = new Worker(
          `const { workerData, parentPort } = require('node:worker_threads');
           const Database = require(workerData.driver);
           const db = new Database(workerData.path);
           db.exec('BEGIN IMMEDIATE');
           db.prepare('INSERT INTO deliveries (key, expires_at) VALUES (?, ?)').run('E1', workerData.until);
           parentPort.postMessage('locked');
           setTimeout(() => { db.exec('COMMIT'); db.close(); parentPort.postMessage('released'); }, 300);`,
          { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, until: T0 + 60_000 } },
        );
        const messages: string[] = [];
        const released = new Promise<void>((resolve, reject) => {
          worker.on('message', (m: string) => {
            messages.push(m);
            if (m === 'released') resolve();
          });
          worker.on('error', reject);
        });
        await new Promise<void>((resolve) => worker.once('message', () => resolve()));
        try {
          // Waited for the worker's transaction, so its row is there: this delivery is a repeat.
          assert.equal(await s.firstDelivery('E1', 60_000, T0), false);
          await released;
          assert.deepEqual(messages, ['locked', 'released']);
        } finally {
          await worker.terminate();
        }
      },
      30_000,
    );
  });
});

describe('files it cannot use', () => {
  test('a file that is not an SQLite database', async () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, 'this is a note someone left here, not a database\n'.repeat(200));
    await rejectsUnavailable(openSqlite(path, {}), 'REFUSED_STORE_URL', path, 'not an SQLite database', 'sqlite:<another file>');
  });

  test('a directory that cannot be created (a file is in the way)', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file, not a directory');
    const path = join(blocker, 'sub', 'refused.db');
    await rejectsUnavailable(openSqlite(path, {}), 'REFUSED_STORE_URL', path, 'directory');
  });

  test('a path that is a directory', async () => {
    const path = join(dir, 'a-directory.db');
    mkdirSync(path);
    await rejectsUnavailable(openSqlite(path, {}), 'REFUSED_STORE_URL', path);
  });

  test('a read-only file', { skip: process.getuid?.() === 0 ? 'root writes to read-only files' : false }, async () => {
    const path = freshPath();
    await withStore(path, async () => {});
    chmodSync(path, 0o444);
    await rejectsUnavailable(openSqlite(path, {}), 'REFUSED_STORE_URL', path, 'write access');
  });

  test('a file written by a newer schema', async () => {
    const path = freshPath();
    await withStore(path, async () => {});
    const db = new Database(path);
    db.pragma('user_version = 7');
    db.close();
    await rejectsUnavailable(openSqlite(path, {}), 'REFUSED_STORE_URL', path, 'newer', 'schema 7');
  });

  test('a closed store rejects with StoreUnavailable, and closing twice is fine', async () => {
    const s = await openSqlite(freshPath(), {});
    await s.close();
    await s.close();
    await rejectsUnavailable(s.ping(), 'closed');
    await rejectsUnavailable(s.countWatches(null, T0), 'closed');
  });
});

describe('nothing grows without bound', () => {
  test('10,000 take() calls on one key leave at most `limit` hit rows and one row of refusals', async () => {
    const path = freshPath();
    await withStore(path, async (s) => {
      let admitted = 0;
      for (let i = 0; i < 10_000; i++) {
        // Time moves 1 ms a call over a 1 s window: every window sees admissions and refusals.
        if ((await s.take([{ key: 'U1', limit: 5 }], 1_000, T0 + i)).ok) admitted++;
      }
      assert.equal(admitted, 50, '5 per 1 s window over 10 s');
      assert.ok(rows(path, 'rate_hits') <= 5, `${rows(path, 'rate_hits')} hit rows`);
      assert.equal(rows(path, 'rate_denials'), 1);
    });
  });

  test('history keeps `keep` rows per user', async () => {
    const path = freshPath();
    await withStore(path, async (s) => {
      for (let i = 0; i < 50; i++) await s.addHistory('U1', { at: `t${i}`, what: 'db:5432', verdict: 'refused', channel: null }, 10, 3_600_000, T0 + i);
      assert.equal(rows(path, 'history'), 10);
      assert.deepEqual(
        (await s.recentHistory('U1', 3, T0 + 50)).map((h) => h.at),
        ['t49', 't48', 't47'],
      );
    });
  });

  test('sweep() deletes every expired row and says how many; live rows stay', async () => {
    const path = freshPath();
    await withStore(path, async (s) => {
      const ttl = 60_000;
      await s.firstDelivery('E1', ttl, T0);
      await s.take([{ key: 'U1', limit: 1 }], ttl, T0);
      await s.take([{ key: 'U1', limit: 1 }], ttl, T0); // refused: one row of refusals
      await s.startWatch(watch('w1', { endsAt: T0 + ttl }), lease('a', T0), { perUser: 3, total: 20 });
      await s.noteIncident('T1', 'db:5432', { channel: 'C1', ts: '1.2', user: 'U1', cause: 'nothing-listening', verdict: 'refused', at: T0 }, ttl);
      await s.addHistory('U1', { at: 'now', what: 'db:5432', verdict: 'refused', channel: 'C1' }, 10, ttl, T0);
      await s.vote({ team: 'T1', channel: 'C1', ts: '1.2', user: 'U1', cause: 'nothing-listening', helpful: true }, ttl, T0);
      const tables = ['deliveries', 'rate_hits', 'rate_denials', 'watches', 'incidents', 'history', 'votes', 'cause_counts'];
      const before = tables.map((t) => rows(path, t));
      assert.deepEqual(before, [1, 1, 1, 1, 1, 1, 1, 1]);

      assert.equal(await s.sweep(T0 + ttl - 1), 0, 'nothing has expired yet');
      // The watch's row lasts an hour past its end, so that a late caller can still end it.
      assert.equal(await s.sweep(T0 + ttl), 7);
      assert.equal(rows(path, 'watches'), 1);
      assert.equal(await s.countWatches(null, T0 + ttl + 3_600_000), 0, 'reads skip it once expired, before any sweep');
      assert.equal(await s.sweep(T0 + ttl + 3_600_000), 1);
      assert.deepEqual(
        tables.map((t) => rows(path, t)),
        [0, 0, 0, 0, 0, 0, 0, 0],
      );
    });
  });
});

describe('rate limits decide as the in-memory RateLimits does', () => {
  test('refusals are counted while any hit is in the window, and forgotten once none is', async () => {
    const memory = new RateLimits({ perUser: 2, perChannel: 0, windowMs: 1_000 });
    await withStore(freshPath(), async (s) => {
      // [time, expected count when refused (0: admitted)]
      const steps: [number, number][] = [
        [0, 0],
        [100, 0],
        [200, 3],
        [300, 4],
        [1_050, 0], // the hit at 0 left the window
        [1_150, 0], // the hit at 100 left; the refusals stay, as the hit at 1050 is still in the window
        [1_200, 5],
        [1_300, 6],
        [3_000, 0], // every hit left: the refusals are forgotten
        [3_001, 0],
        [3_002, 3],
      ];
      for (const [t, count] of steps) {
        const got = await s.take([{ key: 'U1', limit: 2 }], 1_000, T0 + t);
        const want = memory.check('U1', null, T0 + t);
        assert.equal(want.ok ? 0 : want.count, count, `the in-memory limit at ${t}`);
        assert.equal(got.ok ? 0 : got.count, count, `at ${t}`);
      }
    });
  });

  test('the same verdicts, counts and waits over a random run', async () => {
    // A small fixed-seed generator: the run is the same every time.
    let seed = 42;
    const rand = (k: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % k;
    };
    const windowMs = 10_000;
    const memory = new RateLimits({ perUser: 3, perChannel: 5, windowMs });
    await withStore(freshPath(), async (s) => {
      let now = T0;
      for (let i = 0; i < 2_000; i++) {
        now += rand(4) === 0 ? rand(12_000) : rand(800);
        const user = `U${rand(3)}`;
        const channel = `C${rand(2)}`;
        const windows = [
          { key: `user:${user}`, limit: 3 },
          { key: `channel:${channel}`, limit: 5 },
        ];
        const peeked = await s.peek(windows, windowMs, now);
        const expected = memory.check(user, channel, now);
        const got = await s.take(windows, windowMs, now);
        assert.deepEqual(peeked, got, `peek and take agree at step ${i}`);
        if (expected.ok) {
          assert.deepEqual(got, { ok: true }, `step ${i}`);
          continue;
        }
        assert.equal(got.ok, false, `step ${i}`);
        if (got.ok) continue;
        assert.equal(got.index, expected.scope === 'user' ? 0 : 1, `step ${i}`);
        assert.equal(got.count, expected.count, `step ${i}`);
        assert.equal(Math.max(1, Math.ceil(got.retryInMs / 1000)), expected.retryInS, `step ${i}`);
      }
    });
  });
});
