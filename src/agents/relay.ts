// Jobs between replicas (issue 14). With several replicas on one Redis store, an agent dials whichever replica its
// load balancer picks, and a diagnosis runs on whichever replica Slack hands the event to. The relay joins the two:
//
//   presence   each replica writes refused:agent:<name> = "<replica id> <what list() shows>" for every agent
//              connected to it, with a 30 s expiry refreshed every 10 s, and deletes it (if still its own) when
//              the agent goes or the replica stops. A replica that dies leaves it to expire.
//   a job      ask() sends an agent connected here to the local hub; for one connected elsewhere it PUBLISHes
//              { job } on refused:relay:<that replica>; that replica runs it through its own hub (which signs
//              it for the agent as usual) and PUBLISHes the VantageResult on refused:relay-result:<asker>.
//
// Every wait ends by the asker's deadline. A result is read as strictly as the hub reads an agent's (readDiagnosis,
// sizes bounded). Redis down never throws: agents connected here still answer, the others are 'offline' with
// "store unreachable". Pub/sub keeps nothing for a replica that is not listening, so a job is never run late; and
// a PUBLISH that reaches no one (the replica stopped) is answered at once instead of at the deadline.
//
// Two connections: a subscribed one can run no other command. Neither queues commands while Redis is away.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ClientOfflineError, createClient } from 'redis';
import { z } from 'zod';
import type { Diagnosis } from '../domain/types.js';
import { readCheckRequest, type CheckRequest } from '../slack/button-value.js';
import type { Log } from '../slack/log.js';
import type { AgentHub } from './hub.js';
import { reconnectPause, within as withinMs } from '../store/redis.js';
import { idNear, MAX_JOB_BYTES, MAX_JOB_DEADLINE_MS, MAX_RESULT_BYTES, readDiagnosis } from './protocol.js';
import { AGENT_NAME } from './token.js';
import type { AgentInfo, VantageResult } from './types.js';

/** How long a replica's word that an agent is connected to it lasts without being said again. */
export const PRESENCE_TTL_MS = 30_000;
/** How often each replica says it again (and re-reads where the others' agents are, for list()). */
export const PRESENCE_REFRESH_MS = 10_000;
/** Jobs this replica may have waiting on other replicas at once; more are answered 'error' (busy) at once. */
export const MAX_RELAYED = 256;
/** A relayed result: an agent's diagnosis (bounded as the hub bounds it) and a small envelope. */
export const MAX_RELAY_RESULT_BYTES = MAX_RESULT_BYTES + 16 * 1024;
/** How much sooner than the asker the remote replica gives up, so its own 'timeout' (with its words) arrives in time. */
const MARGIN_MS = 500;
const PREFIX = 'refused:';

const REPLICA_ID = /^[A-Za-z0-9_.-]{1,80}$/;
const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATES = ['answered', 'offline', 'timeout', 'refused', 'error'] as const;

export const presenceKey = (name: string): string => `${PREFIX}agent:${name}`;
export const jobChannel = (replica: string): string => `${PREFIX}relay:${replica}`;
export const resultChannel = (replica: string): string => `${PREFIX}relay-result:${replica}`;

const jobSchema = z.object({
  type: z.literal('job'),
  id: z.string().regex(JOB_ID),
  from: z.string().regex(REPLICA_ID),
  name: z.string().regex(AGENT_NAME),
  deadlineMs: z.number().int().min(1).max(MAX_JOB_DEADLINE_MS),
  request: z.unknown(),
});
const resultSchema = z.object({
  type: z.literal('result'),
  id: z.string().regex(JOB_ID),
  by: z.string().regex(REPLICA_ID),
  state: z.enum(STATES),
  detail: z.string().max(2000).nullable(),
  diagnosis: z.unknown(),
});
/** What a presence value says of the agent, after the replica id. */
const presenceSchema = z.object({
  since: z.string().max(40).nullable(),
  from: z.string().max(100).nullable(),
  version: z.string().max(40).nullable(),
  host: z.string().max(255).nullable(),
});
type Presence = { replica: string; info: z.infer<typeof presenceSchema> };

/** Presence: written again only when absent or still this replica's (a newer connection elsewhere wins). */
const REFRESH = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1] + 1) ~= ARGV[1] .. ' ' then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;
/** Deletes the presence only when it is still this replica's. */
const RELEASE = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface AgentRelayOptions {
  hub: AgentHub;
  /** The Redis the store uses (config.store.url). */
  url: string;
  log: Log;
  /** This replica's id on the relay; a fresh random one by default. */
  replicaId?: string;
  presenceTtlMs?: number;
  refreshMs?: number;
  /** One Redis command, at most. */
  commandTimeoutMs?: number;
  /** How long start() waits for Redis before going on without it (it keeps trying in the background). */
  connectTimeoutMs?: number;
}

interface Waiting {
  replica: string;
  finish: (state: VantageResult['state'], diagnosis: Diagnosis | null, detail: string | null) => void;
}

/** `p`, or a rejection after `ms` (store/redis.ts within); a late settlement of `p` is ignored. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return withinMs(p, ms, () => new Error(`Redis did not answer within ${ms} ms`));
}

function words(err: unknown): string {
  if (err instanceof ClientOfflineError) return 'the connection to Redis is down';
  const m = err instanceof Error ? err.message : String(err);
  return m.slice(0, 200) || 'an unknown error';
}


function readPresence(value: unknown): Presence | null {
  if (typeof value !== 'string' || value.length > 4096) return null;
  const space = value.indexOf(' ');
  if (space < 1) return null;
  const replica = value.slice(0, space);
  if (!REPLICA_ID.test(replica)) return null;
  try {
    const info = presenceSchema.safeParse(JSON.parse(value.slice(space + 1)));
    return info.success ? { replica, info: info.data } : null;
  } catch {
    return null;
  }
}

/** A connection that queues nothing while Redis is away and keeps reconnecting, with growing pauses, until `stopped`. */
function redisClient(url: string, connectTimeoutMs: number, stopped: () => boolean) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Some jitter, so replicas do not all knock at once when Redis comes back.
      reconnectStrategy: (retries) => (stopped() ? false : reconnectPause(retries)),
    },
  });
}

type Client = ReturnType<typeof redisClient>;

/**
 * The agents of every replica, through Redis: the same names/list/ask as AgentHub (it wraps this replica's hub),
 * so the bot's deps take either.
 */
export class AgentRelay {
  readonly id: string;
  readonly #hub: AgentHub;
  readonly #log: Log;
  readonly #ttlMs: number;
  readonly #refreshMs: number;
  readonly #timeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #cmd: Client;
  readonly #sub: Client;
  #subscribed = false;
  #closed = false;
  #lost = false;
  #ticker: NodeJS.Timeout | null = null;
  /** Jobs this replica sent to others, by job id. */
  readonly #waiting = new Map<string, Waiting>();
  /** Jobs others sent here that are running: job id → the asker's replica id. */
  readonly #running = new Map<string, string>();
  /** Where the agents connected elsewhere are, as last read (for list()). */
  #elsewhere = new Map<string, Presence>();
  #closing: Promise<void> | null = null;

  constructor(o: AgentRelayOptions) {
    this.id = o.replicaId ?? randomUUID();
    if (!REPLICA_ID.test(this.id)) throw new Error(`relay replica id "${this.id.slice(0, 80)}" may hold only letters, digits, '.', '_' and '-'`);
    this.#hub = o.hub;
    this.#log = o.log;
    this.#ttlMs = o.presenceTtlMs ?? PRESENCE_TTL_MS;
    this.#refreshMs = o.refreshMs ?? PRESENCE_REFRESH_MS;
    this.#timeoutMs = o.commandTimeoutMs ?? 1000;
    this.#connectTimeoutMs = o.connectTimeoutMs ?? 3000;
    this.#cmd = redisClient(o.url, this.#connectTimeoutMs, () => this.#closed);
    this.#sub = redisClient(o.url, this.#connectTimeoutMs, () => this.#closed);
    // node-redis emits 'error' on every failed (re)connect: without a listener each one would crash the process.
    for (const c of [this.#cmd, this.#sub]) {
      c.on('error', (err: unknown) => this.#down(err));
      c.on('ready', () => this.#ready());
    }
    // A result can no longer arrive once the subscriber is gone: the jobs waiting for one end now.
    this.#sub.on('error', () => this.#endWaiting('timeout', 'no answer through the relay: the connection to the store dropped before it came'));
  }

  /**
   * Connects both connections and subscribes; resolves once that is done or after the connect timeout, whichever
   * comes first, and never rejects: without Redis the relay keeps trying in the background and the local hub answers.
   */
  async start(): Promise<void> {
    this.#hub.onPresence((name) => this.#presenceChanged(name));
    for (const c of [this.#cmd, this.#sub]) c.connect().catch(() => undefined);
    this.#ticker = setInterval(() => void this.#tick(), this.#refreshMs);
    this.#ticker.unref();
    const deadline = performance.now() + this.#connectTimeoutMs;
    while (!this.reachable && !this.#closed && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.reachable)
      this.#log.warn('relay_store_unreachable', { replica: this.id, detail: 'agents connected to other replicas show as offline until Redis answers' });
    else this.#log.info('relay_started', { replica: this.id });
  }

  /** Whether jobs can go to other replicas and their answers come back now. */
  get reachable(): boolean {
    return !this.#closed && this.#cmd.isReady && this.#sub.isReady && this.#subscribed;
  }

  /** The names REFUSED_AGENTS lists (every replica reads the same). */
  names(): string[] {
    return this.#hub.names();
  }

  /** As AgentHub.list(), with the agents connected to other replicas (as last read) shown connected. */
  list(): AgentInfo[] {
    return this.#hub.list().map((a) => {
      const p = a.connected ? undefined : this.#elsewhere.get(a.name);
      return p ? { name: a.name, connected: true, ...p.info } : a;
    });
  }

  /** The names connected here or to another replica (as last read). */
  connected(): string[] {
    return this.list()
      .filter((a) => a.connected)
      .map((a) => a.name);
  }

  /**
   * As AgentHub.ask(), for agents connected to any replica: one result per name, in the order asked, each by
   * `deadlineMs` at the latest.
   */
  async ask(names: readonly string[], request: CheckRequest, deadlineMs: number, signal?: AbortSignal): Promise<VantageResult[]> {
    const started = performance.now();
    const wait = Math.min(Math.max(Math.round(deadlineMs), 1), MAX_JOB_DEADLINE_MS);
    const here = new Set(this.#hub.connected());
    const known = new Set(this.#hub.names());
    // An unknown name, and one connected here, are the hub's to answer.
    const local = (name: string) => this.#hub.ask([name], request, wait, signal).then((r) => r[0]!);
    const remote = [...new Set(names.filter((n) => known.has(n) && !here.has(n)))];
    const asks = new Map<string, Promise<VantageResult>>();
    for (const n of names) if (!remote.includes(n) && !asks.has(n)) asks.set(n, local(n));
    if (remote.length > 0) {
      const result = (name: string, state: VantageResult['state'], detail: string): VantageResult => ({
        name,
        kind: 'agent',
        state,
        diagnosis: null,
        detail,
        ms: Math.round((performance.now() - started) * 100) / 100,
      });
      let where: Map<string, Presence | null> | null = null;
      let why = 'the relay is not connected to Redis';
      if (this.reachable) {
        try {
          where = await this.#locate(remote, Math.min(this.#timeoutMs, wait));
        } catch (err) {
          why = words(err);
        }
      }
      for (const name of remote) {
        if (!where) {
          asks.set(name, Promise.resolve(result(name, 'offline', `store unreachable: cannot tell whether it is connected to another replica (${why})`)));
          continue;
        }
        const p = where.get(name) ?? null;
        if (p === null) asks.set(name, Promise.resolve(result(name, 'offline', 'not connected to any replica')));
        // Presence still names this replica: the agent left a moment ago; the hub says since when.
        else if (p.replica === this.id) asks.set(name, local(name));
        else asks.set(name, this.#relay(name, p.replica, request, wait - (performance.now() - started), started, signal));
      }
    }
    return Promise.all(names.map((n) => asks.get(n)!));
  }

  /** Stops relaying: tells askers of jobs running here, answers this replica's own waits, releases presence, disconnects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const wasUp = this.reachable;
      this.#closed = true;
      this.#hub.onPresence(null);
      if (this.#ticker) clearInterval(this.#ticker);
      this.#endWaiting('error', 'the bot is shutting down');
      if (wasUp) {
        const told = [...this.#running].map(([id, asker]) =>
          this.#publish(
            resultChannel(asker),
            JSON.stringify({
              type: 'result',
              id,
              by: this.id,
              state: 'error',
              detail: 'the replica the agent is connected to is shutting down',
              diagnosis: null,
            }),
          ),
        );
        this.#running.clear();
        const released = this.#hub.names().map((name) => this.#send(['EVAL', RELEASE, '1', presenceKey(name), this.id]));
        await Promise.allSettled([...told, ...released]);
      }
      this.#disconnect();
      this.#log.info('relay_stopped', { replica: this.id });
    })();
    return this.#closing;
  }

  /**
   * Drops both connections at once and writes nothing, as a crash would: the presence it wrote stays until it
   * expires, and askers of jobs running here hear nothing. For a process that must exit now (and for tests).
   */
  destroy(): void {
    this.#closed = true;
    this.#closing ??= Promise.resolve();
    this.#hub.onPresence(null);
    if (this.#ticker) clearInterval(this.#ticker);
    this.#endWaiting('error', 'the bot is shutting down');
    this.#running.clear();
    this.#disconnect();
  }

  #disconnect(): void {
    for (const c of [this.#cmd, this.#sub]) {
      try {
        if (c.isOpen) c.destroy();
      } catch {
        // Already closed.
      }
    }
  }

  #down(err: unknown): void {
    if (this.#closed || this.#lost || (this.#cmd.isReady && this.#sub.isReady)) return;
    this.#lost = true;
    this.#elsewhere = new Map();
    this.#log.warn('relay_store_lost', { replica: this.id, error: err, detail: 'agents connected to other replicas show as offline until Redis is back' });
  }

  #ready(): void {
    if (this.#closed) return;
    if (this.#sub.isReady && !this.#subscribed) void this.#subscribe();
    if (this.#lost && this.#cmd.isReady && this.#sub.isReady) {
      this.#lost = false;
      this.#log.info('relay_store_back', { replica: this.id });
    }
    // Say where this replica's agents are at once (a Redis that came back may have come back empty).
    if (this.#cmd.isReady) void this.#tick();
  }

  async #subscribe(): Promise<void> {
    try {
      // node-redis subscribes again by itself after a reconnect; only the first subscription is ours to make.
      await within(
        this.#sub.subscribe([jobChannel(this.id), resultChannel(this.id)], (message: string, channel: string) => {
          if (channel === jobChannel(this.id)) void this.#onJob(message);
          else this.#onResult(message);
        }),
        this.#timeoutMs,
      );
      this.#subscribed = true;
    } catch (err) {
      this.#log.warn('relay_subscribe_failed', { replica: this.id, error: err, detail: 'tried again when the connection is next ready' });
    }
  }

  /** One command, bounded by the command timeout (node-redis's own timeout does not cover a server that stopped answering). */
  #send(args: string[]): Promise<unknown> {
    return within(this.#cmd.sendCommand(args), this.#timeoutMs);
  }

  #publish(channel: string, message: string): Promise<number> {
    return this.#send(['PUBLISH', channel, message]).then(Number);
  }

  /** Where each named agent is connected, by its presence; null for none. Throws when Redis cannot answer. */
  async #locate(names: string[], timeoutMs: number): Promise<Map<string, Presence | null>> {
    const values = (await within(this.#cmd.sendCommand(['MGET', ...names.map(presenceKey)]), timeoutMs)) as unknown[];
    const out = new Map<string, Presence | null>();
    names.forEach((name, i) => {
      const p = readPresence(values?.[i]);
      out.set(name, p);
      if (p && p.replica !== this.id) this.#elsewhere.set(name, p);
      else this.#elsewhere.delete(name);
    });
    return out;
  }

  #presenceValue(a: AgentInfo): string {
    return `${this.id} ${JSON.stringify({ since: a.since, from: a.from, version: a.version, host: a.host })}`;
  }

  /** The hub says an agent connected, said hello or went: write or delete its presence now. */
  #presenceChanged(name: string): void {
    if (this.#closed) return;
    const a = this.#hub.list().find((x) => x.name === name);
    if (!a) return;
    // A newer connection here wins over an older one elsewhere: a plain SET. Going: delete only our own.
    const cmd = a.connected
      ? ['SET', presenceKey(name), this.#presenceValue(a), 'PX', String(this.#ttlMs)]
      : ['EVAL', RELEASE, '1', presenceKey(name), this.id];
    if (a.connected) this.#elsewhere.delete(name);
    this.#send(cmd).catch((err: unknown) => this.#log.debug('relay_presence_failed', { name, error: err, detail: 'written again on the next refresh' }));
  }

  /** Says again where this replica's agents are, and reads where the others' are. */
  async #tick(): Promise<void> {
    if (this.#closed || !this.#cmd.isReady) return;
    try {
      const mine = this.#hub.list().filter((a) => a.connected);
      await Promise.all(mine.map((a) => this.#send(['EVAL', REFRESH, '1', presenceKey(a.name), this.id, this.#presenceValue(a), String(this.#ttlMs)])));
      const names = this.#hub.names();
      if (names.length > 0) await this.#locate(names, this.#timeoutMs);
    } catch (err) {
      this.#log.debug('relay_refresh_failed', { replica: this.id, error: err });
    }
  }

  /** Sends one job to the replica the agent is connected to and waits for its answer, at most `remainingMs`. */
  #relay(name: string, replica: string, request: CheckRequest, remainingMs: number, started: number, signal: AbortSignal | undefined): Promise<VantageResult> {
    const wait = Math.max(1, Math.round(remainingMs));
    return new Promise<VantageResult>((resolve) => {
      let done = false;
      const id = randomUUID();
      const finish: Waiting['finish'] = (state, diagnosis, detail) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.#waiting.delete(id);
        signal?.removeEventListener('abort', onAbort);
        resolve({ name, kind: 'agent', state, diagnosis, detail, ms: Math.round((performance.now() - started) * 100) / 100 });
      };
      const timer = setTimeout(() => finish('timeout', null, 'no answer through the relay'), wait);
      const onAbort = () => finish('error', null, 'cancelled before the agent answered');
      if (signal?.aborted) return finish('error', null, 'cancelled before the job was sent');
      if (this.#waiting.size >= MAX_RELAYED) return finish('error', null, `busy: ${MAX_RELAYED} jobs already wait on other replicas`);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(id, { replica, finish });
      // The other replica gives up a little sooner, so that its 'timeout' (saying what it saw) arrives in time.
      const theirs = Math.max(1, wait - Math.min(MARGIN_MS, Math.round(wait / 10)));
      const job = JSON.stringify({ type: 'job', id, from: this.id, name, deadlineMs: theirs, request });
      if (job.length > MAX_JOB_BYTES) return finish('error', null, 'the job is too large to relay');
      this.#publish(jobChannel(replica), job).then(
        (listeners) => {
          if (listeners === 0)
            finish(
              'offline',
              null,
              `connected to another replica (${replica}), which no longer listens on the relay (stopped, or lost the store); the agent has not connected again yet`,
            );
        },
        (err: unknown) => finish('offline', null, `store unreachable: the job could not be sent to the replica the agent is connected to (${words(err)})`),
      );
    });
  }

  /** A job from another replica: run it on the agent connected here and publish what came of it. */
  async #onJob(text: string): Promise<void> {
    if (this.#closed) return;
    if (text.length > MAX_JOB_BYTES) {
      this.#log.warn('relay_bad_message', {
        replica: this.id,
        problem: `a job of ${Math.round(text.length / 1024)} KB, more than the ${MAX_JOB_BYTES / 1024} KB a job may be`,
      });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#log.warn('relay_bad_message', { replica: this.id, problem: 'a job that is not JSON' });
      return;
    }
    const parsed = jobSchema.safeParse(json);
    const request = parsed.success ? readCheckRequest(parsed.data.request) : null;
    if (!parsed.success || request === null) {
      const problem = parsed.success ? 'its request is not a check request' : (parsed.error.issues[0]?.message ?? 'unreadable');
      this.#log.warn('relay_bad_message', { replica: this.id, problem: `a job this replica cannot read: ${problem}` });
      // An asker that can be named is told at once rather than left to its deadline.
      const j = json as { id?: unknown; from?: unknown };
      if (typeof j?.id === 'string' && JOB_ID.test(j.id) && typeof j.from === 'string' && REPLICA_ID.test(j.from))
        await this.#answer(j.from, j.id, {
          state: 'error',
          diagnosis: null,
          detail: `the replica the agent is connected to could not read the job (${problem})`,
        });
      return;
    }
    const job = parsed.data;
    this.#log.debug('relay_job', { replica: this.id, id: job.id, name: job.name, from: job.from });
    this.#running.set(job.id, job.from);
    const [r] = await this.#hub.ask([job.name], request, job.deadlineMs);
    // close() already told the asker.
    if (!this.#running.delete(job.id)) return;
    await this.#answer(job.from, job.id, r!);
  }

  async #answer(asker: string, id: string, r: Pick<VantageResult, 'state' | 'diagnosis' | 'detail'>): Promise<void> {
    let message = JSON.stringify({ type: 'result', id, by: this.id, state: r.state, detail: r.detail, diagnosis: r.diagnosis });
    if (message.length > MAX_RELAY_RESULT_BYTES)
      message = JSON.stringify({
        type: 'result',
        id,
        by: this.id,
        state: 'error',
        detail: `the agent's answer is ${Math.round(message.length / 1024)} KB, more than the relay carries`,
        diagnosis: null,
      });
    try {
      await this.#publish(resultChannel(asker), message);
    } catch (err) {
      this.#log.warn('relay_answer_failed', { replica: this.id, id, asker, error: err, detail: 'the asker says no answer came, at its deadline' });
    }
  }

  /** A result from the replica a job went to. */
  #onResult(text: string): void {
    if (text.length > MAX_RELAY_RESULT_BYTES) {
      const detail = `the relayed answer is ${Math.round(text.length / 1024)} KB, more than the ${Math.round(MAX_RELAY_RESULT_BYTES / 1024)} KB the bot reads`;
      this.#log.warn('relay_bad_message', { replica: this.id, problem: detail });
      const id = idNear(text);
      if (id !== null) this.#waiting.get(id)?.finish('error', null, detail);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#log.warn('relay_bad_message', { replica: this.id, problem: 'a result that is not JSON' });
      const id = idNear(text);
      if (id !== null) this.#waiting.get(id)?.finish('error', null, 'the relayed answer is not JSON');
      return;
    }
    const parsed = resultSchema.safeParse(json);
    if (!parsed.success) {
      const problem = parsed.error.issues[0];
      const what = problem ? `${problem.path.join('.') || 'result'}: ${problem.message}` : 'unreadable';
      this.#log.warn('relay_bad_message', { replica: this.id, problem: what });
      const id = idNear(text);
      if (id !== null) this.#waiting.get(id)?.finish('error', null, `the relayed answer is not a result (${what})`);
      return;
    }
    const m = parsed.data;
    const w = this.#waiting.get(m.id);
    if (!w) {
      this.#log.debug('relay_late_result', { replica: this.id, id: m.id, detail: 'no job waits for this id (answered after its deadline, or never sent)' });
      return;
    }
    if (m.by !== w.replica) {
      this.#log.warn('relay_bad_message', { replica: this.id, id: m.id, problem: `answered by ${m.by}, sent to ${w.replica}` });
      return;
    }
    if (m.state !== 'answered' && m.state !== 'refused') {
      w.finish(m.state, null, m.detail);
      return;
    }
    const d = readDiagnosis(m.diagnosis);
    if (!d.ok) {
      this.#log.warn('relay_bad_message', { replica: this.id, id: m.id, problem: `not a diagnosis: ${d.problem}` });
      w.finish('error', null, `the relayed answer is not a diagnosis this bot can read (${d.problem})`);
      return;
    }
    w.finish(m.state, d.diagnosis, m.detail);
  }

  #endWaiting(state: VantageResult['state'], detail: string): void {
    for (const w of [...this.#waiting.values()]) w.finish(state, null, detail);
  }
}
