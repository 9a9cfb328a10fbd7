// The Store in one SQLite file (better-sqlite3): the default, for one process, and it survives restarts.
// better-sqlite3 is synchronous, so each method does its work at once inside an `async` shell (the interface
// is async for Redis). Every method that decides something is one transaction, BEGIN IMMEDIATE where it
// writes, so two processes sharing the file cannot both win; a file another process keeps locked is waited
// for `busyTimeoutMs` and then the call rejects with StoreUnavailable.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailable } from '../errors.js';
import type { CauseCounts, HistoryRecord, IncidentRecord, Lease, Store, TakeVerdict, Vote, WatchRecord, WatchStartVerdict, Window } from './store.js';

/** The schema this code writes (PRAGMA user_version). A change to a table bumps it and adds a migration step. */
const SCHEMA_VERSION = 1;

/** A watch's row outlives its end by this much, so the caller that ends it late still finds it. */
const WATCH_GRACE_MS = 60 * 60 * 1000;
/**
 * How long the "ended" marker of a watch whose row was already gone is kept (its end is then unknown): the longest
 * watch config.ts allows (REFUSED_WATCH_MINUTES, at most 24 hours) plus the grace, from the moment it ended.
 */
const ENDED_UNKNOWN_MS = 24 * 60 * 60 * 1000 + WATCH_GRACE_MS;

// Every table has expires_at (ms since the epoch): reads skip rows at or past it, sweep() deletes them.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rate_hits (key TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS rate_hits_key ON rate_hits (key, at);
CREATE TABLE IF NOT EXISTS rate_denials (key TEXT PRIMARY KEY, denied INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS watches (
  id TEXT PRIMARY KEY, user TEXT NOT NULL, owner TEXT, lease_until INTEGER NOT NULL,
  ends_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS watches_user ON watches (user);
CREATE INDEX IF NOT EXISTS watches_lease ON watches (lease_until);
-- A watch that ended (endWatch), kept until its row would have expired, so restoreWatch never brings it back.
-- Added without a schema bump: no release has written version 1 yet, and CREATE TABLE IF NOT EXISTS adds it to a
-- file made before it. Once a release is out, a new table bumps SCHEMA_VERSION like any other change.
CREATE TABLE IF NOT EXISTS ended_watches (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS incidents (
  team TEXT NOT NULL, target TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY (team, target));
CREATE TABLE IF NOT EXISTS history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, expires_at INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_user ON history (user, seq);
CREATE TABLE IF NOT EXISTS votes (
  team TEXT NOT NULL, channel TEXT NOT NULL, ts TEXT NOT NULL, user TEXT NOT NULL,
  cause TEXT NOT NULL, helpful INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (team, channel, ts, user));
CREATE TABLE IF NOT EXISTS cause_counts (
  team TEXT NOT NULL, cause TEXT NOT NULL, fixed INTEGER NOT NULL, not_helped INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, PRIMARY KEY (team, cause));
`;
const TABLES = ['deliveries', 'rate_hits', 'rate_denials', 'watches', 'ended_watches', 'incidents', 'history', 'votes', 'cause_counts'];

/**
 * Opens (creating it and its directory when missing) the SQLite store at `path`. The options are index.ts's
 * OpenOptions; only busyTimeoutMs (default 2000 ms) matters here.
 */
export async function openSqlite(path: string, o: { busyTimeoutMs?: number } = {}): Promise<Store> {
  const busyTimeoutMs = o.busyTimeoutMs ?? 2000;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw new StoreUnavailable(
      path,
      `REFUSED_STORE_URL: cannot create the directory of ${path} (${plainOs(e)}); create it, or set REFUSED_STORE_URL=sqlite:<a file in a writable directory>`,
      { cause: e },
    );
  }
  let db: Database.Database | undefined;
  try {
    const conn = new Database(path, { timeout: busyTimeoutMs });
    db = conn;
    // WAL: readers never wait for the writer, and a crash mid-write leaves the file whole.
    conn.pragma('journal_mode = WAL');
    // In WAL mode NORMAL still never corrupts the file; a power cut may lose the last few commits (a rate-limit
    // hit, a delivery key), which is cheap, and each commit skips an fsync.
    conn.pragma('synchronous = NORMAL');
    const version = conn.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      conn.close();
      throw new StoreUnavailable(
        path,
        `REFUSED_STORE_URL: ${path} was written by a newer refused (schema ${version}; this one knows ${SCHEMA_VERSION}); run the newer version, or set REFUSED_STORE_URL=sqlite:<another file>`,
      );
    }
    // Setting user_version always writes, so a file that cannot be written is found here, not at the first vote.
    conn
      .transaction(() => {
        conn.exec(SCHEMA);
        conn.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
    return new SqliteStore(conn, path);
  } catch (e) {
    if (db?.open) db.close();
    if (e instanceof StoreUnavailable) throw e;
    throw new StoreUnavailable(path, openWords(path, e), { cause: e });
  }
}

function openWords(path: string, e: unknown): string {
  const code = (e as { code?: string }).code ?? '';
  const elsewhere = 'or set REFUSED_STORE_URL=sqlite:<another file>';
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return `REFUSED_STORE_URL: ${path} is not an SQLite database (or is damaged); move it away, ${elsewhere}`;
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return `REFUSED_STORE_URL: ${path} cannot be opened for writing (${plainSqlite(e)}); give the bot write access to the file and its directory, ${elsewhere}`;
  }
  if (code.startsWith('SQLITE_BUSY')) return `REFUSED_STORE_URL: ${path} stayed locked by another process; stop it, ${elsewhere}`;
  return `REFUSED_STORE_URL: ${path} cannot be used (${plainSqlite(e)}); ${elsewhere}`;
}

function plainOs(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way of a directory';
  if (code === 'EROFS') return 'read-only file system';
  return e instanceof Error ? e.message : String(e);
}

/** An SQLite failure in words a person can act on. */
function plainSqlite(e: unknown, busyTimeoutMs?: number): string {
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof TypeError && /not open/.test(message)) return 'the store is closed';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `the store file stayed locked by another process${busyTimeoutMs === undefined ? '' : ` for ${busyTimeoutMs} ms`}`;
  }
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code.startsWith('SQLITE_READONLY')) return 'the store file can no longer be written';
  if (code.startsWith('SQLITE_IOERR')) return `the disk reported an error (${message})`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'the store file is damaged';
  return `SQLite: ${message}`;
}

/** Statements prepared once: the hot ones (take, firstDelivery) then cost one step each. */
function prepare(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    delivery: p(`INSERT INTO deliveries (key, expires_at) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE deliveries.expires_at <= ?`),
    liveHits: p('SELECT count(*) AS n, min(at) AS oldest, max(at) AS newest FROM rate_hits WHERE key = ? AND at > ?'),
    denied: p('SELECT denied FROM rate_denials WHERE key = ? AND expires_at > ?'),
    deny: p(`INSERT INTO rate_denials (key, denied, expires_at) VALUES (?, 1, ?)
      ON CONFLICT (key) DO UPDATE SET denied = CASE WHEN expires_at > ? THEN denied + 1 ELSE 1 END, expires_at = excluded.expires_at`),
    dropDenials: p('DELETE FROM rate_denials WHERE key = ?'),
    stretchDenials: p('UPDATE rate_denials SET expires_at = ? WHERE key = ?'),
    dropOldHits: p('DELETE FROM rate_hits WHERE key = ? AND at <= ?'),
    hit: p('INSERT INTO rate_hits (key, at, expires_at) VALUES (?, ?, ?)'),
    trimHits: p(`DELETE FROM rate_hits WHERE key = ? AND rowid NOT IN
      (SELECT rowid FROM rate_hits WHERE key = ? ORDER BY at DESC, rowid DESC LIMIT ?)`),
    countAll: p('SELECT count(*) AS n FROM watches WHERE expires_at > ?'),
    countUser: p('SELECT count(*) AS n FROM watches WHERE user = ? AND expires_at > ?'),
    insertWatch: p(`INSERT OR REPLACE INTO watches (id, user, owner, lease_until, ends_at, expires_at, record)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    claimable: p(`SELECT id, record FROM watches WHERE (owner IS NULL OR lease_until <= ?) AND expires_at > ?
      ORDER BY lease_until, id LIMIT ?`),
    lease: p('UPDATE watches SET owner = ?, lease_until = ? WHERE id = ?'),
    renew: p('UPDATE watches SET lease_until = ? WHERE id = ? AND owner = ? AND expires_at > ?'),
    save: p(`UPDATE watches SET user = ?, lease_until = ?, ends_at = ?, expires_at = ?, record = ?
      WHERE id = ? AND owner = ? AND expires_at > ?`),
    release: p('UPDATE watches SET lease_until = 0 WHERE id = ? AND owner = ?'),
    getWatch: p('SELECT record, expires_at FROM watches WHERE id = ?'),
    liveWatch: p('SELECT owner FROM watches WHERE id = ? AND expires_at > ?'),
    deleteWatch: p('DELETE FROM watches WHERE id = ?'),
    // A second end never shortens the marker the first one left.
    markEnded: p(`INSERT INTO ended_watches (id, expires_at) VALUES (?, ?)
      ON CONFLICT (id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`),
    endedLive: p('SELECT 1 AS yes FROM ended_watches WHERE id = ? AND expires_at > ?'),
    noteIncident: p(`INSERT INTO incidents (team, target, at, expires_at, record) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (team, target) DO UPDATE SET at = excluded.at, expires_at = excluded.expires_at, record = excluded.record
      WHERE excluded.at >= incidents.at OR incidents.expires_at <= excluded.at`),
    findIncident: p('SELECT record FROM incidents WHERE team = ? AND target = ? AND at >= ? AND expires_at > ?'),
    addHistory: p('INSERT INTO history (user, expires_at, record) VALUES (?, ?, ?)'),
    stretchHistory: p('UPDATE history SET expires_at = ? WHERE user = ?'),
    trimHistory: p(`DELETE FROM history WHERE user = ? AND seq NOT IN
      (SELECT seq FROM history WHERE user = ? ORDER BY seq DESC LIMIT ?)`),
    recentHistory: p('SELECT record FROM history WHERE user = ? AND expires_at > ? ORDER BY seq DESC LIMIT ?'),
    oldVote: p('SELECT cause, helpful FROM votes WHERE team = ? AND channel = ? AND ts = ? AND user = ? AND expires_at > ?'),
    putVote: p(`INSERT OR REPLACE INTO votes (team, channel, ts, user, cause, helpful, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    uncount: p(`UPDATE cause_counts SET fixed = max(0, fixed - ?), not_helped = max(0, not_helped - ?)
      WHERE team = ? AND cause = ? AND expires_at > ?`),
    dropZeroCounts: p('DELETE FROM cause_counts WHERE team = ? AND cause = ? AND fixed = 0 AND not_helped = 0'),
    count: p(`INSERT INTO cause_counts (team, cause, fixed, not_helped, expires_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (team, cause) DO UPDATE SET
        fixed = excluded.fixed + CASE WHEN expires_at > ? THEN fixed ELSE 0 END,
        not_helped = excluded.not_helped + CASE WHEN expires_at > ? THEN not_helped ELSE 0 END,
        expires_at = excluded.expires_at`),
    causeCounts: p('SELECT fixed, not_helped FROM cause_counts WHERE team = ? AND cause = ? AND expires_at > ?'),
    ping: p('SELECT 1'),
  };
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #busyTimeoutMs: number;
  readonly #q: ReturnType<typeof prepare>;

  constructor(
    db: Database.Database,
    readonly where: string,
  ) {
    this.#db = db;
    this.#busyTimeoutMs = db.pragma('busy_timeout', { simple: true }) as number;
    this.#q = prepare(db);
  }

  /** Runs `fn` (in an IMMEDIATE transaction when `write`), turning any SQLite failure into StoreUnavailable. */
  #run<T>(fn: () => T, write = false): T {
    try {
      if (!write) return fn();
      return this.#db.transaction(fn).immediate();
    } catch (e) {
      throw new StoreUnavailable(this.where, `the SQLite store at ${this.where} failed: ${plainSqlite(e, this.#busyTimeoutMs)}`, { cause: e });
    }
  }

  async firstDelivery(key: string, ttlMs: number, now: number): Promise<boolean> {
    // One statement: a live key blocks the insert, an expired one is overwritten (a new delivery after all).
    return this.#run(() => this.#q.delivery.run(key, now + ttlMs, now).changes === 1);
  }

  async take(windows: Window[], windowMs: number, now: number): Promise<TakeVerdict> {
    const q = this.#q;
    return this.#run(() => {
      const verdict = this.#decide(windows, windowMs, now);
      if (!verdict.ok) {
        // The refusal is counted on the window that refused, and lasts as long as that key's newest hit.
        const key = windows[verdict.index]!.key;
        q.deny.run(key, this.#hits(key, windowMs, now).newest! + windowMs, now);
        return verdict;
      }
      for (const w of windows) {
        if (w.limit <= 0) continue;
        // As the in-memory SlidingWindow: refusals count only while some hit is still in the window.
        if (this.#hits(w.key, windowMs, now).n === 0) q.dropDenials.run(w.key);
        else q.stretchDenials.run(now + windowMs, w.key);
        q.dropOldHits.run(w.key, now - windowMs);
        q.hit.run(w.key, now, now + windowMs);
        // Never more than `limit` rows per key: an older hit can no longer decide anything.
        q.trimHits.run(w.key, w.key, w.limit);
      }
      return verdict;
    }, true);
  }

  async peek(windows: Window[], windowMs: number, now: number): Promise<TakeVerdict> {
    return this.#run(() => this.#decide(windows, windowMs, now));
  }

  /** The first window without room, as take() and peek() report it; reads only. */
  #decide(windows: Window[], windowMs: number, now: number): TakeVerdict {
    for (const [index, w] of windows.entries()) {
      if (w.limit <= 0) continue;
      const { n, oldest } = this.#hits(w.key, windowMs, now);
      if (n < w.limit) continue;
      const denied = (this.#q.denied.get(w.key, now) as { denied: number } | undefined)?.denied ?? 0;
      return { ok: false, index, count: n + denied + 1, retryInMs: Math.max(0, oldest! + windowMs - now) };
    }
    return { ok: true };
  }

  /** The key's hits still in the window (later than now - windowMs, as SlidingWindow counts them). */
  #hits(key: string, windowMs: number, now: number): { n: number; oldest: number | null; newest: number | null } {
    return this.#q.liveHits.get(key, now - windowMs) as { n: number; oldest: number | null; newest: number | null };
  }

  async startWatch(w: WatchRecord, lease: Lease, limits: { perUser: number; total: number }): Promise<WatchStartVerdict> {
    const q = this.#q;
    return this.#run(() => {
      const now = lease.now;
      if ((q.countUser.get(w.user, now) as { n: number }).n >= limits.perUser) return { ok: false, limit: 'user', max: limits.perUser } as const;
      if ((q.countAll.get(now) as { n: number }).n >= limits.total) return { ok: false, limit: 'total', max: limits.total } as const;
      // Ids are random UUIDs: a row with the same id can only be this watch's own leftover.
      q.insertWatch.run(w.id, w.user, lease.owner, now + lease.leaseMs, w.endsAt, w.endsAt + WATCH_GRACE_MS, JSON.stringify(w));
      return { ok: true } as const;
    }, true);
  }

  async claimWatches(lease: Lease, max: number): Promise<WatchRecord[]> {
    const q = this.#q;
    if (max <= 0) return [];
    return this.#run(() => {
      // Watches past endsAt are taken too: the new owner is the one that ends them and says so in the thread.
      const rows = q.claimable.all(lease.now, lease.now, max) as { id: string; record: string }[];
      for (const r of rows) q.lease.run(lease.owner, lease.now + lease.leaseMs, r.id);
      return rows.map((r) => JSON.parse(r.record) as WatchRecord);
    }, true);
  }

  // renewWatches and saveWatch ask only that the caller still be the owner. A lease that lapsed but that no one
  // claimed yet is still the owner's (claimWatches changes the owner in the same transaction that hands the
  // watch on), so a replica that was slow for a moment keeps its watches and no watch ever has two runners.
  async renewWatches(ids: string[], lease: Lease): Promise<string[]> {
    const q = this.#q;
    return this.#run(() => ids.filter((id) => q.renew.run(lease.now + lease.leaseMs, id, lease.owner, lease.now).changes === 1), true);
  }

  /** Saving progress also renews the lease: the owner is evidently alive. */
  async saveWatch(w: WatchRecord, lease: Lease): Promise<boolean> {
    const { now, owner, leaseMs } = lease;
    return this.#run(
      () => this.#q.save.run(w.user, now + leaseMs, w.endsAt, w.endsAt + WATCH_GRACE_MS, JSON.stringify(w), w.id, owner, now).changes === 1,
      true,
    );
  }

  async releaseWatches(ids: string[], owner: string): Promise<void> {
    const q = this.#q;
    this.#run(() => {
      for (const id of ids) q.release.run(id, owner);
    }, true);
  }

  /**
   * Has no clock (the interface gives none), so it ends any row still there; sweep() removes the expired ones. The
   * "ended" marker goes in with the delete, lasting as long as the row would have. It is left even when no row was
   * there: that is the Stop pressed while the store had lost the watch (a file restored from an older copy) and its
   * holder still runs it; without the marker the holder's next restoreWatch would bring the stopped watch back. The
   * end of a row that is gone is unknown, so that marker lasts ENDED_UNKNOWN_MS by the wall clock: the only clock
   * here, and it only bounds how long a marker is kept.
   */
  async endWatch(id: string): Promise<WatchRecord | null> {
    const q = this.#q;
    return this.#run(() => {
      const row = q.getWatch.get(id) as { record: string; expires_at: number } | undefined;
      q.markEnded.run(id, row ? row.expires_at : Date.now() + ENDED_UNKNOWN_MS);
      if (!row) return null;
      q.deleteWatch.run(id);
      return JSON.parse(row.record) as WatchRecord;
    }, true);
  }

  /**
   * Puts back a watch the store lost, held by `lease.owner`, as startWatch would (no limits counted), unless it
   * ended (a live marker) or another owner has its row. A live row this owner holds already is left as it is and
   * only its lease renewed, and the answer is true: the store holds the watch for the caller either way, and a
   * holder that asked twice (its check and its renewal both found the watch missing) keeps running it instead of
   * letting it go. A watch whose row would already have expired is not written (false).
   */
  async restoreWatch(w: WatchRecord, lease: Lease): Promise<boolean> {
    const q = this.#q;
    const { now, owner, leaseMs } = lease;
    return this.#run(() => {
      if (q.endedLive.get(w.id, now)) return false;
      const live = q.liveWatch.get(w.id, now) as { owner: string | null } | undefined;
      if (live) return live.owner === owner && q.renew.run(now + leaseMs, w.id, owner, now).changes === 1;
      const expiresAt = w.endsAt + WATCH_GRACE_MS;
      if (expiresAt <= now) return false;
      // An expired row not swept yet is replaced: reads already treat it as gone.
      q.insertWatch.run(w.id, w.user, owner, now + leaseMs, w.endsAt, expiresAt, JSON.stringify(w));
      return true;
    }, true);
  }

  async countWatches(user: string | null, now: number): Promise<number> {
    const row = this.#run(() => (user === null ? this.#q.countAll.get(now) : this.#q.countUser.get(user, now)) as { n: number });
    return row.n;
  }

  /** The newest diagnosis wins: an older one noted late (a slow replica) does not hide it. */
  async noteIncident(team: string, target: string, rec: IncidentRecord, ttlMs: number): Promise<void> {
    this.#run(() => this.#q.noteIncident.run(team, target, rec.at, rec.at + ttlMs, JSON.stringify(rec)));
  }

  /** `since` is the only clock this call has: a row that expired before it is skipped. */
  async findIncident(team: string, target: string, since: number): Promise<IncidentRecord | null> {
    return this.#run(() => {
      const row = this.#q.findIncident.get(team, target, since, since) as { record: string } | undefined;
      return row ? (JSON.parse(row.record) as IncidentRecord) : null;
    });
  }

  async addHistory(user: string, entry: HistoryRecord, keep: number, ttlMs: number, now: number): Promise<void> {
    const q = this.#q;
    this.#run(() => {
      q.addHistory.run(user, now + ttlMs, JSON.stringify(entry));
      // The whole list lives ttlMs after its newest entry, as one Redis key with one expiry would.
      q.stretchHistory.run(now + ttlMs, user);
      q.trimHistory.run(user, user, Math.max(0, keep));
    }, true);
  }

  async recentHistory(user: string, keep: number, now: number): Promise<HistoryRecord[]> {
    return this.#run(() => (this.#q.recentHistory.all(user, now, Math.max(0, keep)) as { record: string }[]).map((r) => JSON.parse(r.record) as HistoryRecord));
  }

  async vote(v: Vote, ttlMs: number, now: number): Promise<{ replaced: Pick<Vote, 'cause' | 'helpful'> | null }> {
    const q = this.#q;
    const until = now + ttlMs;
    return this.#run(() => {
      const old = q.oldVote.get(v.team, v.channel, v.ts, v.user, now) as { cause: string; helpful: number } | undefined;
      if (old) {
        q.uncount.run(old.helpful ? 1 : 0, old.helpful ? 0 : 1, v.team, old.cause, now);
        // A cause no one counts any more leaves no row behind (causeCounts() then reports it absent).
        q.dropZeroCounts.run(v.team, old.cause);
      }
      q.putVote.run(v.team, v.channel, v.ts, v.user, v.cause, v.helpful ? 1 : 0, until);
      q.count.run(v.team, v.cause, v.helpful ? 1 : 0, v.helpful ? 0 : 1, until, now, now);
      return { replaced: old ? { cause: old.cause, helpful: old.helpful === 1 } : null };
    }, true);
  }

  async causeCounts(team: string, causes: string[], now: number): Promise<Map<string, CauseCounts>> {
    return this.#run(() => {
      const out = new Map<string, CauseCounts>();
      for (const cause of new Set(causes)) {
        const row = this.#q.causeCounts.get(team, cause, now) as { fixed: number; not_helped: number } | undefined;
        if (row) out.set(cause, { fixed: row.fixed, notHelped: row.not_helped });
      }
      return out;
    });
  }

  async ping(): Promise<void> {
    this.#run(() => this.#q.ping.get());
  }

  async sweep(now: number): Promise<number> {
    const db = this.#db;
    return this.#run(() => TABLES.reduce((n, t) => n + db.prepare(`DELETE FROM ${t} WHERE expires_at <= ?`).run(now).changes, 0), true);
  }

  async close(): Promise<void> {
    // better-sqlite3's close() is itself a no-op on a closed database.
    if (this.#db.open) this.#db.close();
  }
}
