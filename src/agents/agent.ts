// The agent (issue 14): `refused agent` runs in another network — an office, a VPC, a cluster — and dials out to
// the bot's /agents WebSocket; it never listens on a port. It runs the jobs the bot signs with the same engine,
// under its own probe policy, which is the last word on what it touches here. It reconnects with growing pauses
// and, when it cannot connect, says why in our own words: the bot refusing its token, or what our own engine
// finds on the way to the bot (or to the proxy it goes through).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { hostname as osHostname } from 'node:os';
import { type Dispatcher, EnvHttpProxyAgent, WebSocket } from 'undici';
import { diagnose } from '../diagnose.js';
import { sleep } from '../sleep.js';
import type { Diagnosis, Timeouts } from '../domain/types.js';
import { UsageError } from '../errors.js';
import { redact } from '../parse/redact.js';
import type { Policy } from '../policy/index.js';
import { ProbeBudget } from '../probes/budget.js';
import type { ProbeDeps } from '../probes/deps.js';
import { cliEngine, type Engine } from '../reach-slack.js';
import { toDiagnoseRequest } from '../slack/button-value.js';
import { createLog, type Fields, type Level, type Log } from '../slack/log.js';
import { type Job, MAX_RESULT_BYTES, ReplayGuard, resultMessage, verifyJob, hello } from './protocol.js';
import { isAgentName, signingKeyFromToken } from './token.js';

/** The first pause after a failed connection; each further failure doubles it, up to MAX_PAUSE_MS. */
export const FIRST_PAUSE_MS = 1000;
export const MAX_PAUSE_MS = 60_000;
/** A connection that stayed up this long resets the pause to the first one. */
const STEADY_MS = 10_000;
/** Nothing from the bot (no ping, no job) for this long: the connection is dead and is dropped. */
export const SILENCE_MS = 45_000;
/** Jobs this agent runs at once; more are answered "busy". */
export const MAX_JOBS = 16;

export interface AgentOptions {
  /** As REFUSED_AGENTS on the bot names it. */
  name: string;
  /** ws:// or wss:// URL of the bot's /agents (http and https are read as ws and wss). */
  url: string;
  token: string;
  /** What this agent may probe: the last word, whatever the bot asks. */
  policy: Policy;
  log: Log;
  /** Aborting it stops the agent: the connection is closed and running jobs are abandoned. */
  signal: AbortSignal;
  /** Told to the bot on hello. */
  version?: string;
  /** Told to the bot on hello; this machine's name by default. */
  host?: string;
  /** The engine's timeouts; a job's deadline caps the whole diagnosis either way. */
  timeouts?: Partial<Timeouts>;
  maxJobs?: number;
  /** Wall clock, epoch ms: checks the jobs' time stamps. */
  now?: () => number;
  /** Explains a failed connection by diagnosing the endpoint; our own engine by default. */
  explain?: Engine;
  /** The pauses between attempts (tests shorten them). */
  backoff?: { firstMs?: number; maxMs?: number };
  silenceMs?: number;
  /** How to reach the bot: EnvHttpProxyAgent by default, so HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply. */
  dispatcher?: Dispatcher;
  /** For the probes: the socket limiter and the probe budget shared by this agent's jobs. */
  deps?: Partial<ProbeDeps>;
  /** Proxy variables for the explanation (which proxy the connection goes through); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Reads --url: ws:// or wss:// (http and https become ws and wss); a URL with no path gets /agents. */
export function agentUrl(text: string): URL {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw new UsageError(`--url "${text}" is not a URL; give the bot's address, e.g. wss://refused.example.com/agents`);
  }
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new UsageError(`--url must start with ws:// or wss://, not ${u.protocol}//`);
  if (u.username || u.password) throw new UsageError('--url must not carry a user or password; the token goes in --token or REFUSED_AGENT_TOKEN');
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/agents';
  u.hash = '';
  return u;
}

/** The proxy the connection to `url` goes through, as undici's EnvHttpProxyAgent chooses it; null when none. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): { url: string; variable: string } | null {
  const pick = (...names: string[]) => {
    for (const n of names) if (env[n]?.trim()) return { url: env[n]!.trim(), variable: n };
    return null;
  };
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const proxy = secure ? pick('https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY') : pick('http_proxy', 'HTTP_PROXY');
  if (!proxy) return null;
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').trim();
  if (noProxy === '*') return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port || (secure ? 443 : 80));
  for (const raw of noProxy.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(.*?)(?::(\d+))?$/.exec(raw.toLowerCase())!;
    const entry = m[1]!.replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
    if (m[2] && Number(m[2]) !== port) continue;
    if (entry === host || (entry.startsWith('.') && (host.endsWith(entry) || host === entry.slice(1)))) return null;
  }
  return proxy;
}

/** A URL without its user and password, for a log line. */
function bare(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return redact(url);
  }
}

/** What one connection attempt came to. */
interface Attempt {
  /** The WebSocket opened (the bot accepted the agent). */
  opened: boolean;
  /** How long it stayed open. */
  upMs: number;
  /** The HTTP status the bot answered the upgrade with, when it answered one other than 101. */
  status: number | null;
  code: number;
  reason: string;
  /** The agent dropped it itself: nothing heard from the bot for too long. */
  silent: boolean;
}

/**
 * A dispatcher that notes the status of the answer to the upgrade: undici's WebSocket reports a refused
 * handshake only as "non-101 status code", and a 401 must say "your token" rather than "the network".
 */
function noteStatus(base: Dispatcher, seen: { status: number | null }): Dispatcher {
  return base.compose((dispatch) => (opts, handler) => {
    const watched = new Proxy(handler, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop === 'onHeaders') {
          return (status: number, ...rest: unknown[]) => {
            seen.status = status;
            return value.call(target, status, ...rest);
          };
        }
        if (prop === 'onResponseStart') {
          return (controller: unknown, status: number, ...rest: unknown[]) => {
            seen.status = status;
            return value.call(target, controller, status, ...rest);
          };
        }
        return value.bind(target);
      },
    });
    return dispatch(opts, watched);
  });
}

/** A pause in words: "0.8 s", "12 s". */
function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}


/** Runs until `signal` aborts: connects, runs jobs, reconnects. Throws only for options that cannot work. */
export async function runAgent(o: AgentOptions): Promise<void> {
  if (!isAgentName(o.name))
    throw new UsageError(`"${o.name}" is not an agent name: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit`);
  if (o.token.trim() === '') throw new UsageError('no token: give --token or set REFUSED_AGENT_TOKEN (made by `refused agent-token <name>`)');
  const url = agentUrl(o.url);
  const log = o.log;
  const env = o.env ?? process.env;
  const now = o.now ?? Date.now;
  const key = signingKeyFromToken(o.token.trim());
  const guard = new ReplayGuard();
  const base = o.dispatcher ?? new EnvHttpProxyAgent();
  const explain = o.explain ?? cliEngine;
  const firstMs = o.backoff?.firstMs ?? FIRST_PAUSE_MS;
  const maxMs = o.backoff?.maxMs ?? MAX_PAUSE_MS;
  const silenceMs = o.silenceMs ?? SILENCE_MS;
  const maxJobs = o.maxJobs ?? MAX_JOBS;
  const deps: Partial<ProbeDeps> = { probeBudget: new ProbeBudget(), ...o.deps };
  const proxy = proxyFor(url, env);
  const where = url.toString();
  const running = new Set<AbortController>();
  /** Causes already told in full: a repeat is one short line. */
  const told = new Set<string>();

  log.info('agent_starting', {
    message: `agent ${o.name} dialling ${where}${proxy ? ` through the proxy ${bare(proxy.url)} (${proxy.variable})` : ''}`,
    name: o.name,
    url: where,
    proxy: proxy ? bare(proxy.url) : null,
  });

  const runJob = async (ws: WebSocket, job: Job): Promise<void> => {
    const send = (text: string) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    };
    if (running.size >= maxJobs) {
      log.warn('agent_job_busy', { message: `job ${job.id} refused: ${maxJobs} jobs already running`, id: job.id });
      send(resultMessage(job.id, { error: `busy: this agent runs ${maxJobs} jobs at once` }));
      return;
    }
    const target = job.request.f.host ? `${job.request.f.host}${job.request.f.port ? `:${job.request.f.port}` : ''}` : (job.request.url ?? 'no host');
    const started = performance.now();
    const ac = new AbortController();
    running.add(ac);
    const timer = setTimeout(() => ac.abort(), job.deadlineMs);
    // The answer must travel back before the bot stops waiting: the engine gets most of the deadline.
    const engineMs = Math.max(50, job.deadlineMs - Math.min(1000, Math.round(job.deadlineMs / 5)));
    log.info('agent_job', { message: `job ${job.id}: checking ${target}`, id: job.id, target });
    try {
      const d: Diagnosis = await diagnose(toDiagnoseRequest(job.request), {
        surface: 'chat',
        policy: o.policy,
        hostname: o.name,
        timeouts: { ...o.timeouts, deadlineMs: Math.min(o.timeouts?.deadlineMs ?? engineMs, engineMs) },
        signal: ac.signal,
        deps,
      });
      if (o.signal.aborted) return;
      const text = resultMessage(job.id, { diagnosis: d });
      if (Buffer.byteLength(text) > MAX_RESULT_BYTES) {
        log.warn('agent_job_failed', { message: `job ${job.id}: the diagnosis is too large to send`, id: job.id });
        send(resultMessage(job.id, { error: `the diagnosis is ${Math.round(Buffer.byteLength(text) / 1024)} KB, more than the bot reads` }));
        return;
      }
      send(text);
      const ms = Math.round(performance.now() - started);
      log.info('agent_job_done', {
        message: `job ${job.id}: ${target} → ${d.verdict} (${ms} ms)`,
        id: job.id,
        target,
        verdict: d.verdict,
        cause: d.causes[0]?.id ?? null,
        ms,
      });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      log.warn('agent_job_failed', { message: `job ${job.id}: the diagnosis failed: ${why}`, id: job.id, error: err });
      send(resultMessage(job.id, { error: `the diagnosis failed on the agent: ${why}` }));
    } finally {
      clearTimeout(timer);
      running.delete(ac);
    }
  };

  const onFrame = (ws: WebSocket, data: unknown) => {
    if (typeof data !== 'string') {
      log.warn('agent_job_refused', { message: 'a binary frame from the bot was ignored; jobs are JSON text', reason: 'malformed' });
      return;
    }
    const v = verifyJob(data, key, now(), guard);
    if (!v.ok) {
      log.warn('agent_job_refused', { message: `job ${v.id ?? '(no id)'} refused: ${v.detail}`, id: v.id, reason: v.reason });
      if (v.id !== null && ws.readyState === WebSocket.OPEN) ws.send(resultMessage(v.id, { error: `the agent refused the job (${v.reason}): ${v.detail}` }));
      return;
    }
    void runJob(ws, v.job);
  };

  const connectOnce = (): Promise<Attempt> =>
    new Promise<Attempt>((resolve) => {
      const seen = { status: null as number | null };
      let openedAt: number | null = null;
      let heard = performance.now();
      let settled = false;
      const ws = new WebSocket(where, {
        headers: { authorization: `Bearer ${o.token.trim()}`, 'x-refused-agent': o.name },
        dispatcher: noteStatus(base, seen),
      });
      const onPing = (message: unknown) => {
        if ((message as { websocket?: unknown }).websocket === ws) heard = performance.now();
      };
      subscribe('undici:websocket:ping', onPing);
      const finish = (a: Omit<Attempt, 'opened' | 'upMs' | 'status'>) => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        unsubscribe('undici:websocket:ping', onPing);
        o.signal.removeEventListener('abort', onStop);
        resolve({
          ...a,
          opened: openedAt !== null,
          upMs: openedAt === null ? 0 : performance.now() - openedAt,
          status: openedAt === null ? seen.status : null,
        });
      };
      const onStop = () => {
        for (const ac of running) ac.abort();
        try {
          ws.close(1000, 'agent stopping');
        } catch {
          // already closing
        }
        finish({ code: 1000, reason: 'agent stopping', silent: false });
      };
      o.signal.addEventListener('abort', onStop, { once: true });
      const watchdog = setInterval(
        () => {
          if (openedAt === null || performance.now() - heard < silenceMs) return;
          log.warn('agent_silence', { message: `nothing from the bot for ${Math.round(silenceMs / 1000)} s; dropping the connection and dialling again` });
          try {
            ws.close(1000, 'no ping from the bot');
          } catch {
            // already closing
          }
          finish({ code: 1006, reason: 'no ping from the bot', silent: true });
        },
        Math.max(50, Math.min(5000, Math.round(silenceMs / 3))),
      );
      watchdog.unref();
      ws.addEventListener('open', () => {
        openedAt = performance.now();
        heard = openedAt;
        ws.send(JSON.stringify(hello(o.name, o.version ?? 'unknown', o.host ?? osHostname())));
        log.info('agent_connected', { message: `connected to ${where} as ${o.name}`, url: where });
      });
      ws.addEventListener('message', (ev) => {
        heard = performance.now();
        onFrame(ws, ev.data);
      });
      ws.addEventListener('error', () => undefined);
      ws.addEventListener('close', (ev) => finish({ code: ev.code, reason: ev.reason, silent: false }));
    });

  /** Why the attempt failed, in words, and a key that is the same for the same cause. */
  const why = async (a: Attempt): Promise<{ key: string; text: string; fields: Fields }> => {
    if (a.status === 401) {
      return {
        key: '401',
        text: `the bot refused this agent's token; check that REFUSED_AGENTS on the bot has the line \`refused agent-token ${o.name}\` printed (${o.name}:sha256:…), and that this agent runs with that token`,
        fields: { status: 401 },
      };
    }
    if (a.status !== null) {
      const hint =
        a.status === 404 || a.status === 400 || a.status === 426
          ? `is ${where} the bot's PORT listener (the one serving /healthz) with the path /agents, and is the bot new enough to accept agents?`
          : a.status === 503
            ? 'the bot is shutting down or starting; it will be tried again'
            : a.status === 407
              ? `the proxy ${proxy ? bare(proxy.url) : ''} wants credentials: put them in ${proxy?.variable ?? 'HTTPS_PROXY'} (http://user:password@proxy:port)`
              : 'something between this agent and the bot answered instead of the bot (a proxy, a load balancer); it must pass WebSocket upgrades to /agents';
      return {
        key: `http-${a.status}`,
        text: `the bot's address answered HTTP ${a.status} instead of accepting the agent: ${hint}`,
        fields: { status: a.status },
      };
    }
    // No HTTP answer at all: the network, DNS, TLS or the proxy. Our own engine says which, on the very endpoint
    // this agent dials (the proxy when it goes through one).
    const endpoint = proxy ? bare(proxy.url) : `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}`;
    const label = proxy ? `the proxy ${endpoint} (${proxy.variable})` : `the bot at ${url.host}`;
    try {
      const ac = new AbortController();
      const stop = () => ac.abort();
      o.signal.addEventListener('abort', stop, { once: true });
      const d = await explain({ type: 'url', url: endpoint }, ac.signal).finally(() => o.signal.removeEventListener('abort', stop));
      const top = d.causes[0];
      if (top && !d.healthy) {
        return {
          key: `${top.id}|${top.title}`,
          text: `cannot reach ${label}: ${d.verdict}`,
          fields: { cause: top.id, title: top.title, evidence: top.evidence.slice(0, 4), next: top.steps.slice(0, 2).map((s) => s.text) },
        };
      }
    } catch {
      // no explanation; the plain words below
    }
    return {
      key: `close-${a.code}`,
      text: `the connection to ${label} failed (${a.reason || `code ${a.code}`}), though ${proxy ? 'the proxy' : "the bot's port"} answers from here${url.protocol === 'wss:' ? ': check TLS (the certificate, or wss:// to a plain listener)' : ''}`,
      fields: { code: a.code },
    };
  };

  let pause = firstMs;
  try {
    while (!o.signal.aborted) {
      const a = await connectOnce();
      if (o.signal.aborted) break;
      if (a.opened) {
        if (a.code === 4001) {
          log.error('agent_replaced', {
            message: `another agent named ${o.name} connected to the bot and replaced this one: two agents must not share a name; trying again in ${seconds(maxMs)}`,
            code: a.code,
          });
          pause = maxMs;
        } else {
          if (!a.silent)
            log.warn('agent_disconnected', {
              message: `the bot closed the connection (code ${a.code}${a.reason ? `: ${a.reason}` : ''}); dialling again`,
              code: a.code,
              reason: a.reason || null,
            });
          if (a.upMs >= STEADY_MS) pause = firstMs;
        }
      }
      const wait = Math.min(maxMs, Math.round(pause * (0.8 + Math.random() * 0.4)));
      if (!a.opened) {
        // The explanation and the pause run together: a slow diagnosis does not add to the wait.
        const [w] = await Promise.all([why(a), sleep(wait, o.signal)]);
        if (o.signal.aborted) break;
        const fresh = !told.has(w.key);
        told.add(w.key);
        log.warn('agent_cannot_connect', {
          message: `cannot connect: ${w.text}${fresh ? '' : ' (as before)'}; trying again in ${seconds(wait)}`,
          ...(fresh ? w.fields : { cause: w.fields.cause ?? null }),
          retryInMs: wait,
        });
      } else {
        await sleep(wait, o.signal);
      }
      pause = Math.min(maxMs, pause * 2);
    }
  } finally {
    for (const ac of running) ac.abort();
    if (!o.dispatcher) await (base as EnvHttpProxyAgent).close().catch(() => undefined);
    log.info('agent_stopped', { message: `agent ${o.name} stopped` });
  }
}

/**
 * The agent's log: JSON lines (as the bot logs) or plain lines a person reads in a terminal: the time, the level
 * when it is not info, and the message. Strings pass through the same redaction either way.
 */
export function agentLog(format: 'json' | 'text', write: (line: string) => void, level: Level = 'info', now: () => Date = () => new Date()): Log {
  if (format === 'json') return createLog(level, write, now);
  const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
  const emit =
    (lvl: Level) =>
    (event: string, fields: Fields = {}) => {
      if (rank[lvl] < rank[log.level]) return;
      const message = typeof fields.message === 'string' ? fields.message : event;
      const extra: string[] = [];
      for (const k of ['evidence', 'next'] as const) {
        const v = fields[k];
        if (Array.isArray(v)) for (const line of v) extra.push(`    ${k === 'next' ? 'next: ' : ''}${redact(String(line))}`);
      }
      const time = now().toISOString().slice(11, 19);
      write(`${time} ${lvl === 'info' ? '' : `${lvl}: `}${redact(message)}\n${extra.map((l) => `${l}\n`).join('')}`);
    };
  const log: Log = { level, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
  return log;
}
