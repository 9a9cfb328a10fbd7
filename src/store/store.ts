// What the bot remembers beyond one process: watches, rate-limit hits, Slack deliveries already answered, recent
// incidents, each person's history and the feedback on causes. One interface, two implementations:
//   sqlite.ts  an SQLite file (better-sqlite3), the default: one process, survives restarts;
//   redis.ts   Redis, for several replicas: every operation that decides something is one atomic script.
// test/store/conformance.ts runs one suite against both.
//
// Rules every implementation keeps:
// - Nothing grows without bound: every record has an expiry, and expired records are never returned.
// - No paste text is stored: only Slack ids, redacted targets (button-value.ts CheckRequest), cause ids, verdicts.
// - Times are milliseconds since the epoch, passed in by the caller (`now`), so tests can move the clock; a
//   store never reads the clock to decide something the caller decides.
// - A failure to reach the store rejects with StoreUnavailable (errors.ts); callers choose what to do then.

/** One sliding window to count a hit in: at most `limit` hits per `windowMs` for `key`. limit <= 0: no limit. */
export interface Window {
  key: string;
  limit: number;
}

/**
 * The answer to take(): `index` is the first window that refused; `count` is how many times that key asked in
 * the window, counting this one and earlier refusals ("you asked 9 times"); `retryInMs` is when its oldest
 * counted hit leaves the window.
 */
export type TakeVerdict = { ok: true } | { ok: false; index: number; count: number; retryInMs: number };

/** A watch as stored: everything needed to run it on any replica. */
export interface WatchRecord {
  id: string;
  /** Slack ids. */
  team: string | null;
  user: string;
  channel: string;
  threadTs: string;
  /** The redacted request to run again (button-value.ts CheckRequest, as JSON data). */
  request: unknown;
  /** The target in words, for the messages. */
  what: string;
  /** The state last reported (slack/state.ts snapshot). */
  state: Record<string, string>;
  startedAt: number;
  /** When the watch ends by itself (startedAt + its duration). */
  endsAt: number;
  checks: number;
  /** When the next check is due, and the pause before the one after (the back-off carries over a takeover). */
  nextAt: number;
  intervalMs: number;
}

/** Who holds a watch and until when; a lease not renewed by then may be taken by anyone. */
export interface Lease {
  owner: string;
  leaseMs: number;
  now: number;
}

export type WatchStartVerdict = { ok: true } | { ok: false; limit: 'user' | 'total'; max: number };

/** A diagnosis recently posted about a target, for "the same incident, another reporter". */
export interface IncidentRecord {
  channel: string;
  /** The thread's parent ts, to link it. */
  ts: string;
  /** Who asked, when known (a Slack user id). */
  user: string | null;
  cause: string | null;
  verdict: string;
  at: number;
}

/** One line of a person's App Home history (render/slack/home.ts HomeEntry). */
export interface HistoryRecord {
  at: string;
  what: string;
  verdict: string;
  channel: string | null;
}

export interface Vote {
  team: string;
  channel: string;
  /** The message voted on. */
  ts: string;
  user: string;
  cause: string;
  helpful: boolean;
}

export interface CauseCounts {
  fixed: number;
  notHelped: number;
}

export interface Store {
  /** 'sqlite' or 'redis'. */
  readonly kind: 'sqlite' | 'redis';
  /** Where it is, for logs and messages: the file, or the URL without its password. */
  readonly where: string;

  // --- Slack deliveries -----------------------------------------------------------------------------------
  /** True the first time `key` is offered within `ttlMs`; false for a repeat (a retried or doubled event). */
  firstDelivery(key: string, ttlMs: number, now: number): Promise<boolean>;

  // --- Rate limits -----------------------------------------------------------------------------------------
  /**
   * Counts one hit in every window, atomically, only when every window has room; else records a refusal on the
   * first full window and counts nothing. Several replicas calling this at once admit exactly `limit` per window.
   */
  take(windows: Window[], windowMs: number, now: number): Promise<TakeVerdict>;
  /** The same decision as take() without recording anything. */
  peek(windows: Window[], windowMs: number, now: number): Promise<TakeVerdict>;

  // --- Watches ---------------------------------------------------------------------------------------------
  /**
   * Stores a new watch held by `lease.owner`, unless its user already has `perUser` watches or the store holds
   * `total` (counted over watches not yet ended, whoever holds them). Atomic.
   */
  startWatch(w: WatchRecord, lease: Lease, limits: { perUser: number; total: number }): Promise<WatchStartVerdict>;
  /**
   * Takes up to `max` watches whose lease has expired or was given back, for `lease.owner`; returns them. A
   * watch is never returned to two owners for the same lease period.
   */
  claimWatches(lease: Lease, max: number): Promise<WatchRecord[]>;
  /** Extends the owner's leases on these watches; returns the ids it still holds (not stopped, not taken). */
  renewWatches(ids: string[], lease: Lease): Promise<string[]>;
  /** Saves a watch's progress; false (and nothing saved) when the owner no longer holds it. */
  saveWatch(w: WatchRecord, lease: Lease): Promise<boolean>;
  /** Gives leases back at once (shutdown): another replica may claim them on its next look. */
  releaseWatches(ids: string[], owner: string): Promise<void>;
  /**
   * Ends a watch whoever holds it (Stop, expiry, failure); returns it when this call ended it, null when it was gone.
   * It leaves a marker that the watch ended (kept until the record would have expired, endsAt + grace), so
   * restoreWatch never brings back a watch someone stopped.
   */
  endWatch(id: string): Promise<WatchRecord | null>;
  /**
   * Puts back a watch its holder still runs but the store no longer has (a Redis that came back empty, a file
   * restored from an older copy), held by `lease.owner`: true when it was put back. False, and nothing written,
   * when the store has a record with that id (someone else holds it) or a marker that it ended. No limits are
   * counted: the watch was admitted when it started.
   */
  restoreWatch(w: WatchRecord, lease: Lease): Promise<boolean>;
  /** How many watches are running (not ended), for a user or in all. */
  countWatches(user: string | null, now: number): Promise<number>;

  // --- The same incident, several reporters -----------------------------------------------------------------
  /** Remembers the latest diagnosis posted about `target` in `team`, for `ttlMs`. */
  noteIncident(team: string, target: string, rec: IncidentRecord, ttlMs: number): Promise<void>;
  /** The latest diagnosis about `target` in `team` at or after `since`, or null. */
  findIncident(team: string, target: string, since: number): Promise<IncidentRecord | null>;

  // --- History (App Home) ------------------------------------------------------------------------------------
  /** Adds an entry first in the user's list and keeps the newest `keep`; the list expires `ttlMs` after this. */
  addHistory(user: string, entry: HistoryRecord, keep: number, ttlMs: number, now: number): Promise<void>;
  /** Newest first, at most `keep`. */
  recentHistory(user: string, keep: number, now: number): Promise<HistoryRecord[]>;

  // --- Feedback --------------------------------------------------------------------------------------------
  /**
   * One vote per person per message: a second vote replaces the first, and the workspace's counts per cause move
   * with it (the old vote taken out, the new one put in). Returns the vote it replaced, or null. Atomic.
   */
  vote(v: Vote, ttlMs: number, now: number): Promise<{ replaced: Pick<Vote, 'cause' | 'helpful'> | null }>;
  /** The workspace's counts for these causes (absent causes have none). */
  causeCounts(team: string, causes: string[], now: number): Promise<Map<string, CauseCounts>>;

  // --- Life ------------------------------------------------------------------------------------------------
  /** Resolves when the store answers (a cheap round trip); rejects with StoreUnavailable. */
  ping(): Promise<void>;
  /** Deletes expired records (SQLite; Redis expires keys itself). Returns how many went. */
  sweep(now: number): Promise<number>;
  close(): Promise<void>;
}
