// The Store on Redis (node-redis), for several replicas sharing one server. Every method that decides something
// is ONE Lua script, so two replicas calling at once cannot both win. Every key lives under `refused:` and has an
// expiry. Decisions use the callers' clock (`now`, as store.ts asks): each record carries its own end in that
// clock, and the server's TTL only bounds memory. Commands fail fast while the connection is down (no offline
// queue) and each has a timeout; the client keeps reconnecting in the background and tells onState.
// The watch scripts name the keys of other watches inside Lua: fine on one Redis (or one shard), not on a cluster.
import { redactUrl } from './index.js';
import { createHash } from 'node:crypto';
import { ClientClosedError, ClientOfflineError, ConnectionTimeoutError, createClient, ErrorReply, SocketClosedUnexpectedlyError, TimeoutError } from 'redis';
import { StoreUnavailable } from '../errors.js';
import type { CauseCounts, HistoryRecord, IncidentRecord, Lease, Store, TakeVerdict, Vote, WatchRecord, WatchStartVerdict, Window } from './store.js';

/** What openRedis reads of index.ts's OpenOptions (kept here so this file stands alone). */
export interface RedisOptions {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  onState?: (state: 'lost' | 'back', error?: unknown) => void;
}

const PREFIX = 'refused:';
/** A watch's record outlives its end by this much, so a replica that ends it late still finds it. */
const WATCH_GRACE_MS = 60 * 60 * 1000;
/**
 * How long the "ended" marker of a watch whose record was already gone is kept (its end is then unknown): the
 * longest watch config.ts allows (REFUSED_WATCH_MINUTES, at most 24 hours) plus the grace, from the moment it ended
 * by this process's clock (endWatch is given no `now`; this only bounds how long the marker is kept).
 */
const ENDED_UNKNOWN_MS = 24 * 60 * 60 * 1000 + WATCH_GRACE_MS;
/** Reconnect pauses grow from 100 ms and stop growing here. */
const MAX_PAUSE_MS = 5000;

type Script = { lua: string; sha: string };
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

/** Once per key and ttl (by the callers' clock): true for the first offer, false for repeats until it ends. */
const FIRST_DELIVERY = script(`
local till = redis.call('GET', KEYS[1])
if till and tonumber(till) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`);

/**
 * take (ARGV[1] = 'take') or peek: the first full window refuses (and, on take, counts one more refusal there,
 * nothing elsewhere); else every limited window records the hit. Per window a sorted set of at most `limit`
 * accepted hit times and a hash {d = refusals, n = a sequence for unique members}; as SlidingWindow in
 * slack/limits.ts, refusals count only while some hit is still in the window.
 */
const WINDOWS = script(`
local take, now, cutoff, win = ARGV[1] == 'take', tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local n = #KEYS / 2
for i = 1, n do
  local limit, hits, meta = tonumber(ARGV[4 + i]), KEYS[2 * i - 1], KEYS[2 * i]
  if limit > 0 then
    local live = redis.call('ZCOUNT', hits, '(' .. cutoff, '+inf')
    if live >= limit then
      local oldest = redis.call('ZRANGEBYSCORE', hits, '(' .. cutoff, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      local denied = tonumber(redis.call('HGET', meta, 'd') or '0')
      if take then redis.call('HINCRBY', meta, 'd', 1); redis.call('PEXPIRE', meta, win) end
      return {i - 1, live + denied + 1, math.max(0, tonumber(oldest[2]) + win - now)}
    end
  end
end
if not take then return {} end
for i = 1, n do
  local limit, hits, meta = tonumber(ARGV[4 + i]), KEYS[2 * i - 1], KEYS[2 * i]
  if limit > 0 then
    redis.call('ZREMRANGEBYSCORE', hits, '-inf', cutoff)
    if redis.call('ZCARD', hits) == 0 then redis.call('DEL', meta) end
    redis.call('ZADD', hits, ARGV[2], ARGV[2] .. ':' .. redis.call('HINCRBY', meta, 'n', 1))
    local extra = redis.call('ZCARD', hits) - limit
    if extra > 0 then redis.call('ZREMRANGEBYRANK', hits, 0, extra - 1) end
    redis.call('PEXPIRE', hits, win); redis.call('PEXPIRE', meta, win)
  end
end
return {}`);

// Watches: a hash refused:watch:<id> {r = the record as JSON, o = owner, u = user, x = end of the record by the
// callers' clock}, a sorted set refused:watches:leases (id → lease end; 0 = given back) that lists every watch,
// and refused:watches:user:<user> (id → x). Scripts that read an index drop the ids whose record is gone.
// refused:watch-ended:<id> says a watch ended, until its value (the x of the record it replaced, or a bound when the
// record was already gone), when the key expires too.
const WATCH_LIB = `
local P = ARGV[1]
local LEASES = P .. 'watches:leases'
local function rec(id) return P .. 'watch:' .. id end
local function ended(id) return P .. 'watch-ended:' .. id end
local function userset(u) return P .. 'watches:user:' .. u end
local function alive(id, now)
  local x = redis.call('HGET', rec(id), 'x')
  return x ~= false and tonumber(x) > now
end
local function forget(id)
  local u = redis.call('HGET', rec(id), 'u')
  redis.call('DEL', rec(id))
  redis.call('ZREM', LEASES, id)
  if u then redis.call('ZREM', userset(u), id) end
end
local function prune(now)
  local gone = 0
  for _, id in ipairs(redis.call('ZRANGE', LEASES, 0, -1)) do
    if not alive(id, now) then forget(id); gone = gone + 1 end
  end
  return gone
end
local function users(u, now)
  local us = userset(u)
  for _, id in ipairs(redis.call('ZRANGE', us, 0, -1)) do
    if not alive(id, now) then redis.call('ZREM', us, id) end
  end
  return redis.call('ZCARD', us)
end
local function stretch(ttl, ...)
  for _, key in ipairs({...}) do
    if redis.call('PTTL', key) < tonumber(ttl) then redis.call('PEXPIRE', key, ttl) end
  end
end
`;
const watchScript = (body: string) => script(WATCH_LIB + body);

/** Writes a watch's record and its index entries (ARGV as START_WATCH's, from 3 to 9); start and restore share it. */
const PUT_WATCH = `
local function put()
  local id, user, x, ttl = ARGV[3], ARGV[4], ARGV[8], ARGV[9]
  redis.call('HSET', rec(id), 'r', ARGV[5], 'o', ARGV[6], 'u', user, 'x', x)
  redis.call('PEXPIRE', rec(id), ttl)
  redis.call('ZADD', LEASES, ARGV[7], id)
  redis.call('ZADD', userset(user), x, id)
  stretch(ttl, LEASES, userset(user))
end
`;

/** Stores a watch unless the store holds `total` or its user `perUser` live watches; the count and the write are one step. */
const START_WATCH = watchScript(`${PUT_WATCH}
local now = tonumber(ARGV[2])
prune(now)
if redis.call('ZCARD', LEASES) >= tonumber(ARGV[11]) then return 'total' end
if users(ARGV[4], now) >= tonumber(ARGV[10]) then return 'user' end
put()
return 'ok'`);

/**
 * Puts back a watch the store lost (ARGV as START_WATCH's, without the limits), unless a live marker says it ended
 * or another owner has its live record; a live record this owner has gets its lease renewed (1). A record whose
 * end has passed is not written (0).
 */
const RESTORE_WATCH = watchScript(`${PUT_WATCH}
local now, id = tonumber(ARGV[2]), ARGV[3]
local mark = redis.call('GET', ended(id))
if mark and tonumber(mark) > now then return 0 end
if alive(id, now) then
  if redis.call('HGET', rec(id), 'o') ~= ARGV[6] then return 0 end
  redis.call('ZADD', LEASES, ARGV[7], id)
  return 1
end
if tonumber(ARGV[8]) <= now then return 0 end
forget(id)
put()
return 1`);

/** Hands out up to `max` live watches whose lease ended (or was given back); each to exactly one caller. */
const CLAIM_WATCHES = watchScript(`
local now, max, out = tonumber(ARGV[2]), tonumber(ARGV[5]), {}
while #out < max do
  local batch = redis.call('ZRANGEBYSCORE', LEASES, '-inf', ARGV[2], 'LIMIT', 0, max - #out)
  if #batch == 0 then break end
  for _, id in ipairs(batch) do
    if alive(id, now) then
      redis.call('HSET', rec(id), 'o', ARGV[3])
      redis.call('ZADD', LEASES, ARGV[4], id)
      out[#out + 1] = redis.call('HGET', rec(id), 'r')
    else
      forget(id)
    end
  end
end
return out`);

/** Extends the leases this owner still holds; returns those ids. */
const RENEW_WATCHES = watchScript(`
local now, out = tonumber(ARGV[2]), {}
for i = 5, #ARGV do
  local id = ARGV[i]
  if alive(id, now) and redis.call('HGET', rec(id), 'o') == ARGV[3] then
    redis.call('ZADD', LEASES, ARGV[4], id)
    out[#out + 1] = id
  end
end
return out`);

/** Saves a watch (and renews its lease) only while this owner holds it. */
const SAVE_WATCH = watchScript(`
local now, id = tonumber(ARGV[2]), ARGV[5]
if not alive(id, now) or redis.call('HGET', rec(id), 'o') ~= ARGV[3] then return 0 end
redis.call('HSET', rec(id), 'r', ARGV[6], 'x', ARGV[7])
redis.call('PEXPIRE', rec(id), ARGV[8])
redis.call('ZADD', LEASES, ARGV[4], id)
local us = userset(redis.call('HGET', rec(id), 'u'))
redis.call('ZADD', us, ARGV[7], id)
stretch(ARGV[8], LEASES, us)
return 1`);

/** Gives back (lease end 0) the watches this owner holds, and no other. */
const RELEASE_WATCHES = watchScript(`
for i = 3, #ARGV do
  if redis.call('HGET', rec(ARGV[i]), 'o') == ARGV[2] then redis.call('ZADD', LEASES, 0, ARGV[i]) end
end
return 1`);

/**
 * Deletes a watch and its index entries, and leaves its "ended" marker; the record goes to exactly one caller. The
 * marker is left even when the record was gone: that is the Stop pressed while the store had lost the watch (a
 * Redis that came back empty) and its holder still runs it; without the marker the holder's next restoreWatch would
 * bring the stopped watch back. A second end finds the record gone and keeps the marker the first one left.
 */
const END_WATCH = watchScript(`
local id = ARGV[2]
local r, x = unpack(redis.call('HMGET', rec(id), 'r', 'x'))
local till = x or (redis.call('EXISTS', ended(id)) == 0 and ARGV[3])
if till then
  redis.call('SET', ended(id), till)
  redis.call('PEXPIREAT', ended(id), string.format('%d', math.ceil(tonumber(till))))
end
forget(id)
return r`);

/** Live watches of one user (ARGV[3] = 'user') or in all. */
const COUNT_WATCHES = watchScript(`
local now = tonumber(ARGV[2])
if ARGV[3] == 'user' then return users(ARGV[4], now) end
prune(now)
return redis.call('ZCARD', LEASES)`);

/** Deletes the watches whose end (by the callers' clock) has passed; everything else Redis expires itself. */
const SWEEP_WATCHES = watchScript(`return prune(tonumber(ARGV[2]))`);

/** Keeps the newer of two notes about a target; the key ends at the note's `at` + ttl. */
const NOTE_INCIDENT = script(`
local at = redis.call('HGET', KEYS[1], 'at')
if at and tonumber(at) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'r', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`);

/** Newest first, the newest `keep`, and the list lives `ttl` after its last entry. */
const ADD_HISTORY = script(`
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`);

/**
 * One vote per person per message: the earlier vote (if still live) leaves its cause's counts, the new one enters
 * its own, in one step. Vote hash {c, h = 1 helpful | 0, x = end, k = its counts key}; counts hash {f, n, x}.
 */
const VOTE = script(`
local now = tonumber(ARGV[1])
local old = redis.call('HMGET', KEYS[1], 'c', 'h', 'x', 'k')
local replaced = false
if old[1] and tonumber(old[3]) > now then
  replaced = {old[1], old[2]}
  local cx, field = redis.call('HGET', old[4], 'x'), old[2] == '1' and 'f' or 'n'
  if cx and tonumber(cx) > now and tonumber(redis.call('HGET', old[4], field) or '0') > 0 then
    redis.call('HINCRBY', old[4], field, -1)
  end
end
local cx = redis.call('HGET', KEYS[2], 'x')
if not cx or tonumber(cx) <= now then redis.call('DEL', KEYS[2]) end
redis.call('HINCRBY', KEYS[2], ARGV[5] == '1' and 'f' or 'n', 1)
redis.call('HSET', KEYS[2], 'x', ARGV[2]); redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'c', ARGV[4], 'h', ARGV[5], 'x', ARGV[2], 'k', KEYS[2]); redis.call('PEXPIRE', KEYS[1], ARGV[3])
return replaced`);

/** A key part that cannot contain ':' (so `a:b` + `c` never meets `a` + `b:c`); Slack ids stay as they are. */
const part = (s: string) => encodeURIComponent(s);
const key = (...parts: string[]) => PREFIX + parts.map(part).join(':');
/** A ttl Redis accepts (PX 0 or a fraction is an error). */
const ttl = (ms: number) => String(Math.max(1, Math.ceil(ms)));

/** Why a connection could not be made (or was lost), in words a person can act on. */
function plain(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  const code = e?.code ?? (e?.errors?.[0] as { code?: string } | undefined)?.code ?? '';
  const message = e?.message ?? String(err);
  if (/^WRONGPASS/.test(message)) return 'Redis refused the user name or password (WRONGPASS); fix the password in the URL';
  if (/^NOAUTH/.test(message)) return 'Redis asks for a password and none was accepted (NOAUTH); put it in the URL: redis://:password@host:port';
  if (code === 'ECONNREFUSED') return 'the connection was refused: nothing listens there (is Redis running, on that host and port?)';
  if (err instanceof ConnectionTimeoutError || err instanceof TimeoutError) return `Redis did not answer within ${timeoutMs} ms`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name does not resolve';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'its host cannot be reached from here';
  if (code.startsWith('ERR_TLS') || /SSL|TLS|certificate/i.test(message)) return `the TLS handshake failed (${message})`;
  if (err instanceof SocketClosedUnexpectedlyError || code === 'ECONNRESET' || code === 'EPIPE')
    return 'the connection to Redis was closed (did the server stop?)';
  if (err instanceof ClientOfflineError) return 'the connection is down (reconnecting in the background)';
  if (err instanceof ClientClosedError) return 'the store is closed';
  if (err instanceof ErrorReply) return `Redis answered with an error: ${message}`;
  return message || 'an unknown error';
}

type Client = ReturnType<typeof createClient>;

/** The pause before reconnect number `retries`: doubling from 100 ms up to MAX_PAUSE_MS, with some jitter. */
export function reconnectPause(retries: number): number {
  return Math.round(Math.min(MAX_PAUSE_MS, 100 * 2 ** retries) * (0.8 + 0.2 * Math.random()));
}

/** `p`, or `error()` after `ms`; `p` may still settle later, and that is then ignored. */
export function within<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Connects to Redis at `url`; rejects with StoreUnavailable (naming REFUSED_STORE_URL) when it cannot. */
export async function openRedis(url: string, o: RedisOptions = {}): Promise<Store> {
  const where = redactUrl(url);
  const connectTimeoutMs = o.connectTimeoutMs ?? 3000;
  const commandTimeoutMs = o.commandTimeoutMs ?? 1000;
  let started = false;
  let up = false;
  let closing = false;
  const tell = (state: 'lost' | 'back', err?: unknown) => {
    try {
      o.onState?.(state, err);
    } catch {
      // A listener's mistake must not break the connection's bookkeeping.
    }
  };
  let client: Client;
  try {
    client = createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: commandTimeoutMs },
      socket: {
        connectTimeout: connectTimeoutMs,
        // At start, one failure is the answer (false stops the client); later, pauses grow to MAX_PAUSE_MS, with
        // some jitter so replicas do not knock all at once.
        reconnectStrategy: (retries) => (started && !closing ? reconnectPause(retries) : false),
      },
    });
  } catch (err) {
    throw new StoreUnavailable(where, `REFUSED_STORE_URL=${where} cannot be used: ${plain(err, connectTimeoutMs)}`, { cause: err });
  }
  // node-redis emits 'error' on every failed (re)connect: without a listener each one would crash the process.
  client.on('error', (err: unknown) => {
    if (started && up && !closing && !client.isReady) {
      up = false;
      tell('lost', err);
    }
  });
  client.on('ready', () => {
    if (started && !up && !closing) {
      up = true;
      tell('back');
    }
  });
  try {
    // connectTimeout covers the TCP connect; this bounds the handshake (AUTH, HELLO, SELECT) as well.
    await within(client.connect(), connectTimeoutMs, () => new ConnectionTimeoutError());
  } catch (err) {
    closing = true;
    try {
      client.destroy();
    } catch {
      // Already closed by the failed connect.
    }
    throw new StoreUnavailable(where, `REFUSED_STORE_URL=${where}: cannot reach Redis: ${plain(err, connectTimeoutMs)}`, { cause: err });
  }
  started = true;
  up = true;
  return new RedisStore(where, client, commandTimeoutMs, () => {
    closing = true;
  });
}

class RedisStore implements Store {
  readonly kind = 'redis' as const;
  #closed: Promise<void> | null = null;

  constructor(
    readonly where: string,
    private readonly client: Client,
    private readonly timeoutMs: number,
    private readonly onClose: () => void,
  ) {}

  #unavailable(err: unknown): StoreUnavailable {
    return new StoreUnavailable(this.where, `the Redis store at ${this.where} failed: ${plain(err, this.timeoutMs)}`, { cause: err });
  }

  /**
   * One command, bounded by the command timeout. node-redis's own `timeout` only covers the wait to be written: a
   * command already sent to a server that stopped answering (frozen, overloaded) would wait for ever. The late
   * reply, if it ever comes, is dropped.
   */
  #send(args: string[]): Promise<unknown> {
    return within(this.client.sendCommand(args), this.timeoutMs, () => new TimeoutError());
  }

  async #cmd<T>(args: string[]): Promise<T> {
    try {
      return (await this.#send(args)) as T;
    } catch (err) {
      throw this.#unavailable(err);
    }
  }

  /** EVALSHA, and EVAL once when the server does not know the script yet (a restart forgets them). */
  async #run<T>(s: Script, keys: string[], args: (string | number)[]): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    const send = (cmd: string, body: string) => this.#send([cmd, body, ...tail]);
    try {
      try {
        return (await send('EVALSHA', s.sha)) as T;
      } catch (err) {
        if (!(err instanceof ErrorReply && err.message.startsWith('NOSCRIPT'))) throw err;
        return (await send('EVAL', s.lua)) as T;
      }
    } catch (err) {
      throw this.#unavailable(err);
    }
  }

  async firstDelivery(k: string, ttlMs: number, now: number): Promise<boolean> {
    return (await this.#run<number>(FIRST_DELIVERY, [key('delivery', k)], [now, now + ttlMs, ttl(ttlMs)])) === 1;
  }

  take(windows: Window[], windowMs: number, now: number): Promise<TakeVerdict> {
    return this.#windows('take', windows, windowMs, now);
  }
  peek(windows: Window[], windowMs: number, now: number): Promise<TakeVerdict> {
    return this.#windows('peek', windows, windowMs, now);
  }

  async #windows(mode: 'take' | 'peek', windows: Window[], windowMs: number, now: number): Promise<TakeVerdict> {
    if (windows.every((w) => w.limit <= 0)) return { ok: true };
    const keys = windows.flatMap((w) => [key('rl', w.key, 'hits'), key('rl', w.key, 'meta')]);
    const args = [mode, now, now - windowMs, ttl(windowMs), ...windows.map((w) => Math.floor(w.limit))];
    const r = await this.#run<number[]>(WINDOWS, keys, args);
    if (r.length === 0) return { ok: true };
    return { ok: false, index: Number(r[0]), count: Number(r[1]), retryInMs: Number(r[2]) };
  }

  /** A watch as the scripts store it: its JSON, the record's ttl and end (callers' clock), its id as a key part. */
  #watchArgs(w: WatchRecord, now: number): [string, string, number, string] {
    const end = w.endsAt + WATCH_GRACE_MS;
    return [JSON.stringify(w), ttl(end - now), end, part(w.id)];
  }

  async startWatch(w: WatchRecord, lease: Lease, limits: { perUser: number; total: number }): Promise<WatchStartVerdict> {
    const [json, life, end, id] = this.#watchArgs(w, lease.now);
    const args = [PREFIX, lease.now, id, part(w.user), json, lease.owner, leaseEnd(lease), end, life, limits.perUser, limits.total];
    const r = await this.#run<string>(START_WATCH, [], args);
    if (r === 'ok') return { ok: true };
    return r === 'user' ? { ok: false, limit: 'user', max: limits.perUser } : { ok: false, limit: 'total', max: limits.total };
  }

  async claimWatches(lease: Lease, max: number): Promise<WatchRecord[]> {
    const n = Math.floor(max);
    if (n <= 0) return [];
    const got = await this.#run<string[]>(CLAIM_WATCHES, [], [PREFIX, lease.now, lease.owner, leaseEnd(lease), n]);
    return got.map((r) => JSON.parse(r) as WatchRecord);
  }

  async renewWatches(ids: string[], lease: Lease): Promise<string[]> {
    if (ids.length === 0) return [];
    const byPart = new Map(ids.map((id) => [part(id), id]));
    const kept = await this.#run<string[]>(RENEW_WATCHES, [], [PREFIX, lease.now, lease.owner, leaseEnd(lease), ...byPart.keys()]);
    return kept.map((p) => byPart.get(p) ?? p);
  }

  async saveWatch(w: WatchRecord, lease: Lease): Promise<boolean> {
    const [json, life, end, id] = this.#watchArgs(w, lease.now);
    return (await this.#run<number>(SAVE_WATCH, [], [PREFIX, lease.now, lease.owner, leaseEnd(lease), id, json, end, life])) === 1;
  }

  async releaseWatches(ids: string[], owner: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#run(RELEASE_WATCHES, [], [PREFIX, owner, ...ids.map(part)]);
  }

  async endWatch(id: string): Promise<WatchRecord | null> {
    const r = await this.#run<string | null>(END_WATCH, [], [PREFIX, part(id), Date.now() + ENDED_UNKNOWN_MS]);
    return r === null ? null : (JSON.parse(r) as WatchRecord);
  }

  async restoreWatch(w: WatchRecord, lease: Lease): Promise<boolean> {
    const [json, life, end, id] = this.#watchArgs(w, lease.now);
    const args = [PREFIX, lease.now, id, part(w.user), json, lease.owner, leaseEnd(lease), end, life];
    return (await this.#run<number>(RESTORE_WATCH, [], args)) === 1;
  }

  async countWatches(user: string | null, now: number): Promise<number> {
    return Number(await this.#run(COUNT_WATCHES, [], [PREFIX, now, user === null ? 'all' : 'user', part(user ?? '')]));
  }

  async noteIncident(team: string, target: string, rec: IncidentRecord, ttlMs: number): Promise<void> {
    await this.#run(NOTE_INCIDENT, [key('incident', team, target)], [rec.at, JSON.stringify(rec), Math.ceil(rec.at + ttlMs)]);
  }

  async findIncident(team: string, target: string, since: number): Promise<IncidentRecord | null> {
    const [at, r] = await this.#cmd<(string | null)[]>(['HMGET', key('incident', team, target), 'at', 'r']);
    if (!at || !r || Number(at) < since) return null;
    return JSON.parse(r) as IncidentRecord;
  }

  async addHistory(user: string, entry: HistoryRecord, keep: number, ttlMs: number, now: number): Promise<void> {
    const k = key('history', user);
    if (keep < 1) return void (await this.#cmd(['DEL', k]));
    // Each line carries the list's end (by the callers' clock); the newest line's end is the list's.
    await this.#run(ADD_HISTORY, [k], [JSON.stringify({ x: now + ttlMs, e: entry }), Math.floor(keep), ttl(ttlMs)]);
  }

  async recentHistory(user: string, keep: number, now: number): Promise<HistoryRecord[]> {
    if (keep < 1) return [];
    const lines = await this.#cmd<string[]>(['LRANGE', key('history', user), '0', String(Math.floor(keep) - 1)]);
    const items = lines.map((l) => JSON.parse(l) as { x: number; e: HistoryRecord });
    return items.length > 0 && items[0]!.x > now ? items.map((i) => i.e) : [];
  }

  async vote(v: Vote, ttlMs: number, now: number): Promise<{ replaced: Pick<Vote, 'cause' | 'helpful'> | null }> {
    const keys = [key('vote', v.team, v.channel, v.ts, v.user), key('causes', v.team, v.cause)];
    const r = await this.#run<[string, string] | null>(VOTE, keys, [now, now + ttlMs, ttl(ttlMs), v.cause, v.helpful ? '1' : '0']);
    return { replaced: r ? { cause: r[0], helpful: r[1] === '1' } : null };
  }

  async causeCounts(team: string, causes: string[], now: number): Promise<Map<string, CauseCounts>> {
    // One HMGET a cause; node-redis writes them in one go, so this is one round trip.
    const rows = await Promise.all(causes.map((c) => this.#cmd<(string | null)[]>(['HMGET', key('causes', team, c), 'f', 'n', 'x'])));
    const out = new Map<string, CauseCounts>();
    rows.forEach(([f, n, x], i) => {
      const counts = { fixed: Number(f ?? 0), notHelped: Number(n ?? 0) };
      if (x && Number(x) > now && counts.fixed + counts.notHelped > 0) out.set(causes[i]!, counts);
    });
    return out;
  }

  async ping(): Promise<void> {
    await this.#cmd(['PING']);
  }

  async sweep(now: number): Promise<number> {
    return Number(await this.#run(SWEEP_WATCHES, [], [PREFIX, now]));
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.onClose();
      try {
        // A graceful close waits for the replies in flight (as long as a command may); a client that is down has none.
        if (this.client.isReady) await within(this.client.close(), this.timeoutMs, () => new TimeoutError());
      } catch {
        // Closing is best effort; destroy() below ends the socket either way.
      }
      if (this.client.isOpen) this.client.destroy();
    })();
    return this.#closed;
  }
}

/** When a lease given now ends; at least 1 ms, so a claimed watch leaves the claimable range at once. */
const leaseEnd = (lease: Lease) => lease.now + Math.max(1, lease.leaseMs);
