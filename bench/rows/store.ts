// Rows 9 to 12: the store (issue 13), in process.
//
// Rows 9 and 10: what one /refused costs in store operations, on SQLite (a file in a fresh temporary directory)
// and on Redis (a real redis-server on loopback, started here and stopped after; one connection, as one replica
// has). One command makes the calls the bot makes, in its order, with its arguments (src/slack/history.ts,
// limits.ts, votes.ts, incidents.ts). Before the ack: firstDelivery (the trigger id) with a store several
// replicas share (Redis); with SQLite, one process's memory knows every delivery and nothing is asked. The
// limits are counted in memory for the ack, and the store's take (the person's and the channel's window) comes
// right after it; then causeCounts (every cause, for the feedback), findIncident and noteIncident, addHistory.
// The issue wants the store off the ack's critical path or well under a millisecond. Timed over 2,000 commands
// one after another (median and p99 per command, and per operation in the JSON) and over bursts of 200 commands
// in flight at once (each command's time from the burst's start, and the burst's time divided by 200).
//
// Rows 11 and 12: how long a watch waits for another replica when its replica goes away. Two Watches
// (src/slack/watches.ts), A and B, on one Redis, each with its own connection, REFUSED_WATCH_LEASE_MS scaled
// down from 15 s to 3 s. B runs its loop; A starts a watch. Row 11: A dies after at least one renewal. Watches
// has no way to stop without giving its leases back, so A's store goes silent instead: from the kill on,
// nothing A asks reaches Redis (its calls never settle), which is what Redis sees of a process killed with
// SIGKILL. Timed from the kill until B's claim returns the watch. Row 12: A.handBack() (what SIGTERM runs),
// timed from the call until B holds it. B claims at its next look (every min(1 s, lease / 3)), so the goals
// are lease + lease / 3 after a kill and about a second after SIGTERM. The runs go at once, each pair on a
// Redis database of its own (so no other run's replica claims its watch), started at different points of B's
// look cycle, and each A killed at a different point of its renewal cycle: together they cover both cycles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchLimits } from '../../src/config.js';
import { CAUSE_IDS } from '../../src/domain/types.js';
import { memoryLog } from '../../src/slack/log.js';
import { Watches, type StartSpec } from '../../src/slack/watches.js';
import { openRedis } from '../../src/store/redis.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { HistoryRecord, IncidentRecord, Lease, Store, WatchRecord, Window } from '../../src/store/store.js';
import { redisServerPath, startRedis, type RedisServer } from '../../test/store/redis-server.js';
import type { BenchContext } from '../lib/context.js';
import { fmtMs, fmtSummary, nowMs, percentile, round, roundSummary, sleep, summarize } from '../lib/measure.js';
import type { Row } from '../lib/table.js';

const SEQUENTIAL = 2000;
const WARMUP = 200;
const BURST = 200;
const ACK_GOAL_MS = 1;
/** Distinct people, channels and targets: every command is admitted (10 per person, 30 per channel a minute). */
const USERS = 1000;
const CHANNELS = 200;
const TARGETS = 50;
// The bot's own arguments (src/config.ts defaults, src/slack/history.ts, votes.ts, incidents.ts).
const PER_USER = 10;
const PER_CHANNEL = 30;
const RATE_WINDOW_MS = 60_000;
const DELIVERY_TTL_MS = 24 * 3600 * 1000;
const HISTORY_KEEP = 5;
const HISTORY_TTL_MS = 30 * 24 * 3600 * 1000;
const INCIDENT_WINDOW_MS = 15 * 60_000;
const TEAM = 'T0BENCH';
const CAUSES = [...CAUSE_IDS];

const INSTALL_REDIS = 'apt-get install --no-install-recommends redis-server';

const OPS = ['firstDelivery', 'take', 'causeCounts', 'findIncident', 'noteIncident', 'addHistory'] as const;
type Op = (typeof OPS)[number];

interface Timed {
  /** When the command started (nowMs). */
  t0: number;
  /** Milliseconds from the command's start to the end of take() (the ack path) and to its last call. */
  ack: number;
  all: number;
  admitted: boolean;
  /** Per operation made, when asked for. */
  ops?: Partial<Record<Op, number>>;
}

/** One /refused's store calls, in the bot's order. `i` picks the trigger id, person, channel and target. */
async function command(store: Store, run: string, i: number, perOp: boolean): Promise<Timed> {
  const shared = store.kind === 'redis';
  const user = `U${i % USERS}`;
  const channel = `C${i % CHANNELS}`;
  const target = `db-${i % TARGETS}.internal:5432`;
  const windows: Window[] = [
    { key: `u:${user}`, limit: PER_USER },
    { key: `c:${channel}`, limit: PER_CHANNEL },
  ];
  const now = Date.now();
  const ops: Partial<Record<Op, number>> | undefined = perOp ? {} : undefined;
  const t0 = nowMs();
  let t = t0;
  const lap = (op: Op) => {
    if (!ops) return;
    const n = nowMs();
    ops[op] = n - t;
    t = n;
  };
  if (shared) {
    await store.firstDelivery(`cmd:${run}.${i}`, DELIVERY_TTL_MS, now);
    lap('firstDelivery');
  }
  const ack = nowMs() - t0;
  const verdict = await store.take(windows, RATE_WINDOW_MS, now);
  lap('take');
  await store.causeCounts(TEAM, CAUSES, now);
  lap('causeCounts');
  await store.findIncident(TEAM, target, now - INCIDENT_WINDOW_MS);
  lap('findIncident');
  const rec: IncidentRecord = {
    channel,
    ts: `${Math.floor(now / 1000)}.${String(i).padStart(6, '0')}`,
    user,
    cause: 'not-listening',
    verdict: `Nothing listens on ${target}.`,
    at: now,
  };
  await store.noteIncident(TEAM, target, rec, INCIDENT_WINDOW_MS);
  lap('noteIncident');
  const entry: HistoryRecord = { at: new Date(now).toISOString().slice(0, 16).replace('T', ' '), what: target, verdict: rec.verdict, channel };
  await store.addHistory(user, entry, HISTORY_KEEP, HISTORY_TTL_MS, now);
  lap('addHistory');
  return { t0, ack, all: nowMs() - t0, admitted: verdict.ok, ...(ops ? { ops } : {}) };
}

interface Cost {
  seq: { ack: number[]; all: number[]; ops: Record<Op, number[]> };
  bursts: { ack: number[]; all: number[]; perCommand: number[] };
  refused: number;
}

async function measureCost(store: Store, runs: number): Promise<Cost> {
  const run = Math.random().toString(36).slice(2, 8);
  let i = 0;
  let refused = 0;
  const count = (t: Timed) => {
    if (!t.admitted) refused++;
    return t;
  };
  for (let k = 0; k < WARMUP; k++) count(await command(store, run, i++, false));
  const seq: Cost['seq'] = { ack: [], all: [], ops: Object.fromEntries(OPS.map((o) => [o, []])) as unknown as Record<Op, number[]> };
  for (let k = 0; k < SEQUENTIAL; k++) {
    const t = count(await command(store, run, i++, true));
    seq.ack.push(t.ack);
    seq.all.push(t.all);
    for (const o of OPS) if (t.ops?.[o] !== undefined) seq.ops[o].push(t.ops[o]);
  }
  const bursts: Cost['bursts'] = { ack: [], all: [], perCommand: [] };
  for (let b = 0; b < runs; b++) {
    const first = i;
    i += BURST;
    const start = nowMs();
    // Each command's times run from the burst's start: the ones at the back wait for the ones in front.
    const done = await Promise.all(
      Array.from({ length: BURST }, (_, k) =>
        command(store, run, first + k, false).then((t) => {
          count(t);
          return { ack: t.t0 - start + t.ack, all: t.t0 - start + t.all };
        }),
      ),
    );
    bursts.perCommand.push((nowMs() - start) / BURST);
    for (const d of done) {
      bursts.ack.push(d.ack);
      bursts.all.push(d.all);
    }
  }
  return { seq, bursts, refused };
}

/** Microseconds below a millisecond ("41 µs"), else the bench's usual milliseconds. */
function us(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  return ms < 1 ? `${Math.round(ms * 1000)} µs` : fmtMs(ms);
}

const p50 = (xs: number[]) => percentile(xs, 0.5);
const p99 = (xs: number[]) => percentile(xs, 0.99);

function costRow(n: number, what: string, c: Cost, extra: Record<string, unknown>): Row {
  const ackMed = p50(c.seq.ack);
  const per = summarize(c.bursts.perCommand);
  const pair = (xs: number[]) => ({ p50: round(p50(xs), 4), p99: round(p99(xs), 4) });
  return {
    n,
    what,
    ours: `${c.seq.ops.firstDelivery.length > 0 ? `ack part ${us(ackMed)} (p99 ${us(p99(c.seq.ack))})` : 'ack part: no call'}; take after the ack ${us(p50(c.seq.ops.take))}; whole command ${us(p50(c.seq.all))} (p99 ${us(p99(c.seq.all))}); ${SEQUENTIAL.toLocaleString('en')} in a row`,
    theirs: `limit ${ACK_GOAL_MS} ms; ${BURST} at once: ${us(per.median)} per command, ack part p50 ${us(p50(c.bursts.ack))}, p99 ${us(p99(c.bursts.ack))}`,
    ratio: `${(ackMed / ACK_GOAL_MS).toFixed(2)}× the limit`,
    goal: `ack part < ${ACK_GOAL_MS} ms (median)`,
    met: ackMed < ACK_GOAL_MS ? 'yes' : 'no',
    data: {
      unit: 'ms',
      sequential: {
        commands: SEQUENTIAL,
        ack: pair(c.seq.ack),
        all: pair(c.seq.all),
        ops: Object.fromEntries(OPS.filter((o) => c.seq.ops[o].length > 0).map((o) => [o, pair(c.seq.ops[o])])),
      },
      burst: { inFlight: BURST, bursts: c.bursts.perCommand.length, perCommand: roundSummary(per), ack: pair(c.bursts.ack), all: pair(c.bursts.all) },
      refusedByLimits: c.refused,
      causes: CAUSES.length,
      ...extra,
    },
  };
}

function missingRedis(n: number, what: string, ctx: BenchContext): Row {
  const note = `redis-server: not installed — ${INSTALL_REDIS}`;
  if (!ctx.notes.includes(note)) ctx.notes.push(note);
  return { n, what, ours: 'redis-server: not installed', theirs: '—', ratio: '—', goal: '—', met: '—', data: { missing: 'redis-server' } };
}

const SQLITE_WHAT = 'store calls of one `/refused`, SQLite (temp file, in process)';
const REDIS_WHAT = 'store calls of one `/refused`, Redis (loopback, one connection)';

export async function storeCostRows(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  if (ctx.wants(9)) {
    const dir = mkdtempSync(join(tmpdir(), 'refused-bench-store-'));
    const store = await openSqlite(join(dir, 'refused.db'));
    try {
      const c = await measureCost(store, ctx.runs);
      if (c.refused > 0) ctx.notes.push(`row 9: the limits refused ${c.refused} commands (each should have been admitted)`);
      rows.push(costRow(9, SQLITE_WHAT, c, { file: 'a new file under the system temporary directory', journal: 'WAL, synchronous=NORMAL' }));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (ctx.wants(10)) {
    if (redisServerPath() === null) rows.push(missingRedis(10, REDIS_WHAT, ctx));
    else {
      const server = await startRedis();
      try {
        const store = await openRedis(server.url);
        try {
          const c = await measureCost(store, ctx.runs);
          if (c.refused > 0) ctx.notes.push(`row 10: the limits refused ${c.refused} commands (each should have been admitted)`);
          rows.push(costRow(10, REDIS_WHAT, c, { server: 'redis-server on 127.0.0.1, nothing saved to disk' }));
        } finally {
          await store.close();
        }
      } finally {
        await server.stop();
      }
    }
  }
  return rows;
}

// --- Watch takeover ------------------------------------------------------------------------------------------

const LEASE_MS = 3000;
/** Watches' claim loop: every min(1 s, lease / 3), at least 50 ms (src/slack/watches.ts). */
const CLAIM_EVERY_MS = Math.min(1000, Math.max(50, Math.floor(LEASE_MS / 3)));
const KILL_GOAL_MS = LEASE_MS + LEASE_MS / 3;
/** "About a second" after SIGTERM: B's next look, plus the claim's own round trip. */
const HANDBACK_GOAL_MS = 1100;

const LIMITS: WatchLimits = {
  durationMs: 10 * 60_000,
  // No check runs during a takeover: the lease is what is measured.
  firstIntervalMs: 60_000,
  maxIntervalMs: 5 * 60_000,
  backoff: 1.5,
  perUser: 3,
  total: 20,
  leaseMs: LEASE_MS,
};

/** Run k's watch is user k's (one watch per person here, the limit is per person). */
const spec = (k: number): StartSpec => ({
  user: `U0BENCH${k}`,
  team: TEAM,
  channel: 'C0BENCH',
  threadTs: '1700000000.000100',
  request: { type: 'target', host: '127.0.0.1', port: 5432 },
  what: '127.0.0.1:5432',
  state: {},
});

const HOOKS = { tick: async () => true, end: async () => undefined };

/** The store with some methods replaced; every other call goes to the store itself (its private fields need it). */
function intercept(store: Store, over: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(over, prop)) return over[prop as keyof Store];
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** A store that can go silent: after kill(), every call is swallowed and never settles (a dead process). */
function killable(store: Store): { store: Store; kill(): void; leases: Map<string, number[]> } {
  let dead = false;
  /** The `now` of every lease Redis granted (start, renewals, saves), per watch id: the last + leaseMs is its end. */
  const leases = new Map<string, number[]>();
  const granted = (ids: string[], lease: Lease) => {
    for (const id of ids)
      leases.set(
        id,
        [...(leases.get(id) ?? []), lease.now].sort((x, y) => x - y),
      );
  };
  const live = intercept(store, {
    startWatch: async (w, lease, limits) => {
      const v = await store.startWatch(w, lease, limits);
      if (v.ok) granted([w.id], lease);
      return v;
    },
    renewWatches: async (ids, lease) => {
      const kept = await store.renewWatches(ids, lease);
      granted(kept, lease);
      return kept;
    },
    saveWatch: async (w, lease) => {
      const ok = await store.saveWatch(w, lease);
      if (ok) granted([w.id], lease);
      return ok;
    },
  });
  const never = () => new Promise<never>(() => undefined);
  const wrapped = new Proxy(live, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (dead ? never() : (v as (...a: unknown[]) => unknown)(...args));
    },
  });
  return { store: wrapped, kill: () => void (dead = true), leases };
}

/** B's store, telling when its claim returns a watch. */
function watching(store: Store): { store: Store; claimed(id: string, timeoutMs: number): Promise<{ mono: number; wall: number } | null> } {
  const waiters = new Map<string, (t: { mono: number; wall: number }) => void>();
  const wrapped = intercept(store, {
    claimWatches: async (lease, max) => {
      const got: WatchRecord[] = await store.claimWatches(lease, max);
      const t = { mono: nowMs(), wall: Date.now() };
      for (const w of got) waiters.get(w.id)?.(t);
      return got;
    },
  });
  return {
    store: wrapped,
    claimed: (id, timeoutMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          resolve(null);
        }, timeoutMs);
        waiters.set(id, (t) => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve(t);
        });
      }),
  };
}

interface Takeover {
  kill: { ms: number; afterLeaseEndMs: number; killedAfterStartMs: number; renewals: number; longestRenewalGapMs: number }[];
  handBack: { ms: number; handedBackAfterStartMs: number }[];
  missed: string[];
  /** Runs asked for, of each kind. */
  runs: number;
}

/** Spread over [0, 1) and unlike k / runs (the golden ratio's steps): decorrelates two phases of one run. */
const spread = (k: number) => (0.5 + k * 0.618_034) % 1;

/** Runs of each kind at most: each run has a Redis database of its own (16 by default: 8 kills, 8 give-backs). */
const MAX_TAKEOVER_RUNS = 8;

async function measureTakeover(url: string, ctx: BenchContext): Promise<Takeover> {
  const runs = Math.min(ctx.runs, MAX_TAKEOVER_RUNS);
  const conns: Store[] = [];
  const bs: Watches[] = [];
  const out: Takeover = { kill: [], handBack: [], missed: [], runs };
  const connect = async (db: number) => {
    const c = await openRedis(`${url}/${db}`);
    conns.push(c);
    return c;
  };
  /**
   * One run's pair on its own database (so no other run's replica claims its watch): B running, then, k / runs of
   * B's look cycle later (the runs meet B's looks at every point of it), A with a watch, on `aConn` (same database).
   */
  const pair = async (db: number, k: number, aConn: Store) => {
    const b = watching(await connect(db));
    const replicaB = new Watches(LIMITS, b.store, memoryLog('warn'), Date.now);
    bs.push(replicaB);
    replicaB.begin(HOOKS);
    await sleep(Math.round((k / runs) * CLAIM_EVERY_MS));
    const a = new Watches(LIMITS, aConn, memoryLog('warn'), Date.now);
    a.begin(HOOKS);
    const r = await a.start(spec(k));
    if (!r.ok) throw new Error(`A could not start a watch: ${r.reason}`);
    return { b, replicaB, a, id: r.watch.id, startedAt: nowMs() };
  };
  /** One run; its failure is a note, and the other runs go on. */
  const guarded = (name: string, run: () => Promise<void>) =>
    run().catch((err: unknown) => void out.missed.push(`${name}: ${err instanceof Error ? err.message : String(err)}`));

  // Row 11: A killed after at least one renewal, at a different point of its renewal cycle in each run.
  const kills = (k: number) => async () => {
    const d = killable(await connect(k));
    const { b, replicaB, a, id, startedAt } = await pair(k, k, d.store);
    await sleep(Math.round(CLAIM_EVERY_MS * (1 + spread(k))));
    const claimed = b.claimed(id, 3 * LEASE_MS);
    const t0 = nowMs();
    d.kill();
    const got = await claimed;
    // Clears A's timers; its give-back goes to the silent store and never arrives.
    void a.handBack();
    const leases = d.leases.get(id) ?? [];
    const gaps = leases.slice(1).map((l, i) => l - leases[i]!);
    if (!got) throw new Error(`B did not take the watch within ${3 * LEASE_MS} ms`);
    out.kill.push({
      ms: got.mono - t0,
      afterLeaseEndMs: got.wall - ((leases.at(-1) ?? Number.NaN) + LEASE_MS),
      killedAfterStartMs: Math.round(t0 - startedAt),
      renewals: leases.length - 1,
      longestRenewalGapMs: gaps.length > 0 ? Math.max(...gaps) : Number.NaN,
    });
    await replicaB.stop(id, 'bench');
  };
  // Row 12: A hands back (what SIGTERM runs) after one renewal.
  const handsBack = (k: number) => async () => {
    const { b, replicaB, a, id, startedAt } = await pair(MAX_TAKEOVER_RUNS + k, k, await connect(MAX_TAKEOVER_RUNS + k));
    await sleep(Math.round(CLAIM_EVERY_MS * 1.2));
    const claimed = b.claimed(id, 3 * LEASE_MS);
    const t0 = nowMs();
    await a.handBack();
    const got = await claimed;
    if (!got) throw new Error(`B did not take the watch within ${3 * LEASE_MS} ms`);
    out.handBack.push({ ms: got.mono - t0, handedBackAfterStartMs: Math.round(t0 - startedAt) });
    await replicaB.stop(id, 'bench');
  };
  try {
    // Every run at once: they share nothing but the server.
    await Promise.all([
      ...Array.from({ length: ctx.wants(11) ? runs : 0 }, (_, k) => guarded(`kill run ${k + 1}`, kills(k))),
      ...Array.from({ length: ctx.wants(12) ? runs : 0 }, (_, k) => guarded(`handBack run ${k + 1}`, handsBack(k))),
    ]);
  } finally {
    for (const b of bs) await b.handBack();
    for (const c of conns) await c.close();
  }
  return out;
}

const KILL_WHAT = `watch takeover after its replica dies (Redis, lease ${LEASE_MS / 1000} s)`;
const HANDBACK_WHAT = 'watch takeover after SIGTERM (handBack, Redis)';

export async function takeoverRows(ctx: BenchContext): Promise<Row[]> {
  if (!ctx.wants(11) && !ctx.wants(12)) return [];
  if (redisServerPath() === null) return [missingRedis(11, KILL_WHAT, ctx), missingRedis(12, HANDBACK_WHAT, ctx)];
  let server: RedisServer | null = null;
  let t: Takeover;
  try {
    server = await startRedis();
    t = await measureTakeover(server.url, ctx);
  } finally {
    await server?.stop();
  }
  for (const m of t.missed) ctx.notes.push(`row ${m.startsWith('kill') ? 11 : 12}: ${m}`);
  const rows: Row[] = [];
  const lease = fmtMs(LEASE_MS);
  if (ctx.wants(11)) {
    const s = summarize(t.kill.map((r) => r.ms));
    const ratio = summarize(t.kill.map((r) => r.ms / LEASE_MS));
    const ok = t.kill.length === t.runs && s.max <= KILL_GOAL_MS;
    rows.push({
      n: 11,
      what: KILL_WHAT,
      ours: `${fmtSummary(s)} from the kill to B holding it`,
      theirs: `lease + lease / 3 = ${fmtMs(KILL_GOAL_MS)}; B looks every ${fmtMs(CLAIM_EVERY_MS)}`,
      ratio: ratio.runs < 2 ? `${ratio.median.toFixed(2)}× lease` : `${ratio.median.toFixed(2)}× lease (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`,
      goal: '≤ lease + ⅓ lease, every run',
      met: t.kill.length === 0 ? 'no' : ok ? 'yes' : 'no',
      data: {
        leaseMs: LEASE_MS,
        claimEveryMs: CLAIM_EVERY_MS,
        takeoverMs: roundSummary(s),
        perLease: roundSummary(ratio),
        runs: t.kill.map((r) => ({
          ms: round(r.ms, 1),
          claimedAfterLeaseEndMs: round(r.afterLeaseEndMs, 1),
          killedAfterStartMs: r.killedAfterStartMs,
          renewals: r.renewals,
          longestRenewalGapMs: r.longestRenewalGapMs,
        })),
        how: "A's store goes silent (nothing reaches Redis); Watches cannot stop without handing back",
      },
    });
  }
  if (ctx.wants(12)) {
    const s = summarize(t.handBack.map((r) => r.ms));
    const ok = t.handBack.length === t.runs && s.max <= HANDBACK_GOAL_MS;
    rows.push({
      n: 12,
      what: HANDBACK_WHAT,
      ours: `${fmtSummary(s)} from handBack() to B holding it`,
      theirs: `B's next look (every ${fmtMs(CLAIM_EVERY_MS)}); the lease is ${lease}`,
      ratio: `${(s.median / LEASE_MS).toFixed(2)}× lease`,
      goal: `≤ ~1 s (${fmtMs(HANDBACK_GOAL_MS)}), every run`,
      met: t.handBack.length === 0 ? 'no' : ok ? 'yes' : 'no',
      data: {
        leaseMs: LEASE_MS,
        claimEveryMs: CLAIM_EVERY_MS,
        takeoverMs: roundSummary(s),
        runs: t.handBack.map((r) => ({ ms: round(r.ms, 1), handedBackAfterStartMs: r.handedBackAfterStartMs })),
      },
    });
  }
  return rows;
}
