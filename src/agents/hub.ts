// The bot's end of the agents' wire (issue 14): agents dial the bot's PORT listener at /agents, the one that
// serves /healthz, and the bot sends them jobs over that connection. The hub authenticates each agent before
// the upgrade (its name, and a token whose hash REFUSED_AGENTS lists), keeps one connection per name (a newer
// one replaces an older one), pings to find dead ones, and turns every job into exactly one VantageResult by its
// deadline: answered, refused (the agent's own policy), offline, timeout or error. Nothing an agent sends can
// crash the bot or hold an answer past the deadline.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Diagnosis } from '../domain/types.js';
import type { CheckRequest } from '../slack/button-value.js';
import type { Log } from '../slack/log.js';
import { idNear, MAX_JOB_DEADLINE_MS, MAX_RESULT_BYTES, parseAgentMessage, readDiagnosis, refusedByPolicy, signJob } from './protocol.js';
import { isAgentName, signingKeyFromHash, tokenMatches } from './token.js';
import type { AgentInfo, VantageResult } from './types.js';

/** Where agents connect, on the bot's PORT listener. */
export const AGENTS_PATH = '/agents';
/** Between pings; an agent that has not answered the last ping by the next one is dropped. */
export const PING_MS = 15_000;
/** Jobs one agent may have waiting at once; more are answered "busy" at once. */
export const MAX_IN_FLIGHT = 16;
/**
 * The largest frame the socket takes at all: past it ws closes the connection (1009). Between MAX_RESULT_BYTES
 * and this, the frame is read only far enough to say which job it answered, and that job is an error.
 */
const MAX_FRAME_BYTES = 2 * MAX_RESULT_BYTES;
/** Refused connections logged one by one per minute; more are counted. */
const REFUSALS_LOGGED = 20;
/** Close codes the hub uses (4000-4999 are for applications, RFC 6455 §7.4.2). */
export const CLOSE_REPLACED = 4001;

export interface AgentHubOptions {
  /** Agent name → hex SHA-256 of its token (config.agents, from REFUSED_AGENTS). */
  agents: ReadonlyMap<string, string>;
  log: Log;
  /** Wall clock, epoch ms: the jobs' time stamps and the agents' "since". */
  now?: () => number;
  pingMs?: number;
  maxInFlight?: number;
  /** A result longer than this is an error (default 512 KB). */
  maxResultBytes?: number;
}

type Finish = (state: VantageResult['state'], diagnosis: Diagnosis | null, detail: string | null) => void;

interface Connection {
  name: string;
  ws: WebSocket;
  from: string | null;
  alive: boolean;
  /** Job id → how to end its wait. */
  pending: Map<string, Finish>;
  /** Set when the hub itself closes it: the jobs it held were already answered with the reason. */
  closing: boolean;
  /** Set when ws closed it for a frame past maxPayload. */
  tooLarge: boolean;
}

interface AgentState {
  key: Buffer;
  conn: Connection | null;
  /** When it connected, or when it was last connected. */
  since: number | null;
  from: string | null;
  version: string | null;
  host: string | null;
}


function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/** Writes a plain HTTP answer on a socket that was asking to upgrade, and closes it. */
function refuseUpgrade(socket: Duplex, status: 401 | 404 | 503, text: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Service Unavailable';
  const body = `${text}\n`;
  const auth = status === 401 ? 'WWW-Authenticate: Bearer realm="refused agents"\r\n' : '';
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n${auth}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  } else {
    socket.destroy();
  }
}

export class AgentHub {
  readonly #log: Log;
  readonly #now: () => number;
  readonly #maxInFlight: number;
  readonly #maxResultBytes: number;
  readonly #agents = new Map<string, AgentState>();
  readonly #wss: WebSocketServer;
  readonly #pinger: NodeJS.Timeout;
  #closed = false;
  #onPresence: ((name: string) => void) | null = null;
  readonly #refusals = { since: Number.NEGATIVE_INFINITY, logged: 0, dropped: 0 };

  constructor(options: AgentHubOptions) {
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
    this.#maxResultBytes = options.maxResultBytes ?? MAX_RESULT_BYTES;
    for (const [name, hash] of options.agents) {
      this.#agents.set(name, { key: signingKeyFromHash(hash), conn: null, since: null, from: null, version: null, host: null });
    }
    this.#wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: Math.max(MAX_FRAME_BYTES, this.#maxResultBytes + 1024) });
    this.#pinger = setInterval(() => this.#ping(), options.pingMs ?? PING_MS);
    this.#pinger.unref();
  }

  /**
   * For the HTTP server's 'upgrade' event. Returns false when the request is not for /agents (someone else may
   * take it); otherwise it answers: 401 before any upgrade for an unknown name or a wrong token, else the
   * WebSocket.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return false;
    }
    if (path !== AGENTS_PATH) return false;
    // A client that goes away while it is answered must not become an unhandled 'error'.
    socket.on('error', () => undefined);
    const from = req.socket.remoteAddress ?? null;
    if (this.#closed) {
      refuseUpgrade(socket, 503, 'the bot is shutting down');
      return true;
    }
    const rawName = header(req, 'x-refused-agent')?.trim() ?? '';
    const auth = header(req, 'authorization') ?? '';
    const token = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] ?? null;
    const state = isAgentName(rawName) ? this.#agents.get(rawName) : undefined;
    let reason: string | null = null;
    if (rawName === '') reason = 'no agent name (header x-refused-agent)';
    else if (!state) reason = 'unknown agent name: not in REFUSED_AGENTS';
    else if (token === null) reason = 'no token (no authorization header with a Bearer token)';
    // The stored hash is compared with the token's hash in constant time; the token itself is never logged.
    else if (!tokenMatches(token, this.#agentHash(rawName))) reason = 'wrong token (its hash is not the one REFUSED_AGENTS lists for this name)';
    if (reason !== null || !state) {
      this.#logRefusal({ name: rawName.slice(0, 40), from, reason: reason ?? 'unknown agent name' });
      refuseUpgrade(socket, 401, 'agent refused: check its name and token against REFUSED_AGENTS on the bot');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(rawName, state, ws, from));
    return true;
  }

  /**
   * Sends the request to each named agent and waits, at most `deadlineMs`, for its answer: one result per name,
   * in the order asked. An agent that is not connected is 'offline' at once; one whose connection closes mid-job
   * is 'timeout' at once; `signal` ends every wait early ('error', cancelled).
   */
  ask(names: readonly string[], request: CheckRequest, deadlineMs: number, signal?: AbortSignal): Promise<VantageResult[]> {
    return Promise.all(names.map((name) => this.#askOne(name, request, deadlineMs, signal)));
  }

  /** Every agent REFUSED_AGENTS names, connected or not, in that order. */
  list(): AgentInfo[] {
    return [...this.#agents].map(([name, s]) => ({
      name,
      connected: s.conn !== null,
      since: s.since === null ? null : new Date(s.since).toISOString(),
      from: s.from,
      version: s.version,
      host: s.host,
    }));
  }

  /** The names REFUSED_AGENTS lists. */
  names(): string[] {
    return [...this.#agents.keys()];
  }

  /** The names of the agents connected now. */
  connected(): string[] {
    return [...this.#agents].filter(([, s]) => s.conn !== null).map(([name]) => name);
  }

  /**
   * One listener told the name of an agent that connected, said hello or went (read list() for its state now): the
   * relay (relay.ts) tells the other replicas where each agent is. null removes it.
   */
  onPresence(listener: ((name: string) => void) | null): void {
    this.#onPresence = listener;
  }

  #tellPresence(name: string): void {
    try {
      this.#onPresence?.(name);
    } catch (err) {
      this.#log.warn('agent_presence_listener_failed', { name, error: err });
    }
  }

  /** Ends every connection and wait ('error': the bot is shutting down); later upgrades get 503. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pinger);
    for (const s of this.#agents.values()) {
      const conn = s.conn;
      if (!conn) continue;
      this.#end(conn, 'error', 'the bot is shutting down');
      conn.closing = true;
      conn.ws.close(1001, 'the bot is shutting down');
      // A peer that does not answer the close frame is not waited for.
      setTimeout(() => conn.ws.terminate(), 2000).unref();
    }
    this.#wss.close();
  }

  /** One line per refusal, up to REFUSALS_LOGGED a minute; past that a count, so a flood cannot fill the log. */
  #logRefusal(fields: { name: string; from: string | null; reason: string }): void {
    const w = this.#refusals;
    const t = this.#now();
    if (t - w.since >= 60_000) {
      if (w.dropped > 0)
        this.#log.warn('agent_refused_more', {
          count: w.dropped,
          detail: 'more agent connections were refused in the last minute than were logged one by one',
        });
      Object.assign(w, { since: t, logged: 0, dropped: 0 });
    }
    if (w.logged < REFUSALS_LOGGED) {
      w.logged += 1;
      this.#log.warn('agent_refused', fields);
    } else {
      w.dropped += 1;
    }
  }

  #agentHash(name: string): string {
    return this.#agents.get(name)!.key.toString('hex');
  }

  #attach(name: string, state: AgentState, ws: WebSocket, from: string | null): void {
    if (this.#closed) {
      ws.close(1001, 'the bot is shutting down');
      return;
    }
    const old = state.conn;
    if (old) {
      this.#log.info('agent_replaced', { name, from: old.from, by: from, detail: 'a newer connection with the same name replaces the older one' });
      this.#end(old, 'timeout', 'the agent connected again before it answered, and its earlier connection was closed');
      old.closing = true;
      old.ws.close(CLOSE_REPLACED, 'replaced by a newer connection of the same agent');
    }
    const conn: Connection = { name, ws, from, alive: true, pending: new Map(), closing: false, tooLarge: false };
    Object.assign(state, { conn, since: this.#now(), from, version: null, host: null });
    this.#log.info('agent_connected', { name, from });
    this.#tellPresence(name);
    ws.on('message', (data, isBinary) => this.#onMessage(conn, state, data, isBinary));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') conn.tooLarge = true;
      this.#log.warn('agent_socket_error', { name, from, error: err });
    });
    ws.on('close', (code, why) => this.#onClose(conn, state, code, why.toString('utf8').slice(0, 200)));
  }

  #onClose(conn: Connection, state: AgentState, code: number, why: string): void {
    if (state.conn === conn) {
      state.conn = null;
      state.since = this.#now();
      this.#tellPresence(conn.name);
    }
    if (!conn.closing) this.#log.info('agent_disconnected', { name: conn.name, from: conn.from, code, reason: why || null });
    if (conn.tooLarge || code === 1009) {
      this.#end(
        conn,
        'error',
        `the agent sent a message larger than the bot reads (${Math.round(this.#wss.options.maxPayload! / 1024)} KB); its connection was closed`,
      );
      return;
    }
    this.#end(conn, 'timeout', `the agent's connection closed before it answered (code ${code}${why ? `: ${why}` : ''})`);
  }

  #onMessage(conn: Connection, state: AgentState, data: RawData, isBinary: boolean): void {
    conn.alive = true;
    const name = conn.name;
    if (isBinary) {
      this.#log.warn('agent_bad_message', { name, problem: 'a binary frame; the protocol is JSON text' });
      return;
    }
    const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (bytes > this.#maxResultBytes) {
      const detail = `the agent's answer is ${Math.round(bytes / 1024)} KB, more than the ${Math.round(this.#maxResultBytes / 1024)} KB the bot reads`;
      this.#log.warn('agent_bad_message', { name, problem: detail });
      const id = idNear(text);
      if (id !== null) conn.pending.get(id)?.('error', null, detail);
      return;
    }
    const parsed = parseAgentMessage(text);
    if (!parsed.ok) {
      this.#log.warn('agent_bad_message', { name, problem: parsed.problem });
      const id = idNear(text);
      if (id !== null) conn.pending.get(id)?.('error', null, `the agent sent something that is not a result (${parsed.problem})`);
      return;
    }
    const msg = parsed.message;
    if (msg.type === 'hello') {
      if (msg.name !== name)
        this.#log.warn('agent_name_mismatch', {
          name,
          says: msg.name,
          detail: 'the agent calls itself by another name than it connected with; the connection name counts',
        });
      state.version = msg.version;
      state.host = msg.host;
      this.#log.info('agent_hello', { name, version: msg.version, host: msg.host });
      this.#tellPresence(name);
      return;
    }
    const finish = conn.pending.get(msg.id);
    if (!finish) {
      this.#log.debug('agent_late_result', { name, id: msg.id, detail: 'no job waits for this id (answered after its deadline, or never sent)' });
      return;
    }
    if (msg.error !== undefined) {
      finish('error', null, `the agent could not run the job: ${msg.error}`);
      return;
    }
    const d = readDiagnosis(msg.diagnosis);
    if (!d.ok) {
      this.#log.warn('agent_bad_message', { name, id: msg.id, problem: `not a diagnosis: ${d.problem}` });
      finish('error', null, `the agent's answer is not a diagnosis this bot can read (${d.problem})`);
      return;
    }
    if (refusedByPolicy(d.diagnosis)) {
      const why = d.diagnosis.plan.skipped.find((s) => s.reason === 'policy')?.detail ?? null;
      finish('refused', d.diagnosis, why);
      return;
    }
    finish('answered', d.diagnosis, null);
  }

  async #askOne(name: string, request: CheckRequest, deadlineMs: number, signal: AbortSignal | undefined): Promise<VantageResult> {
    const started = performance.now();
    const result = (state: VantageResult['state'], diagnosis: Diagnosis | null, detail: string | null): VantageResult => ({
      name,
      kind: 'agent',
      state,
      diagnosis,
      detail,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
    const state = this.#agents.get(name);
    if (!state) return result('error', null, `no agent is named "${name.slice(0, 40)}" in REFUSED_AGENTS`);
    const conn = state.conn;
    if (!conn || conn.ws.readyState !== WebSocket.OPEN) {
      const seen = state.since === null ? 'not connected since the bot started' : `not connected (last seen ${new Date(state.since).toISOString()})`;
      return result('offline', null, seen);
    }
    if (this.#closed) return result('error', null, 'the bot is shutting down');
    if (signal?.aborted) return result('error', null, 'cancelled before the job was sent');
    if (conn.pending.size >= this.#maxInFlight) return result('error', null, `busy: ${this.#maxInFlight} jobs are already waiting for this agent`);
    const wait = Math.min(Math.max(Math.round(deadlineMs), 1), MAX_JOB_DEADLINE_MS);
    const id = randomUUID();
    return new Promise<VantageResult>((resolve) => {
      let done = false;
      const finish: Finish = (s, diagnosis, detail) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        conn.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        resolve(result(s, diagnosis, detail));
      };
      const timer = setTimeout(() => finish('timeout', null, `no answer within ${wait} ms`), wait);
      const onAbort = () => finish('error', null, 'cancelled before the agent answered');
      signal?.addEventListener('abort', onAbort, { once: true });
      conn.pending.set(id, finish);
      conn.ws.send(signJob({ id, t: this.#now(), request, deadlineMs: wait }, state.key), (err) => {
        if (err) finish('error', null, `the job could not be sent: ${err.message}`);
      });
    });
  }

  /** Ends every wait on `conn` with the same state and reason. */
  #end(conn: Connection, state: VantageResult['state'], detail: string): void {
    for (const finish of [...conn.pending.values()]) finish(state, null, detail);
  }

  #ping(): void {
    for (const s of this.#agents.values()) {
      const conn = s.conn;
      if (!conn) continue;
      if (!conn.alive) {
        this.#log.warn('agent_unresponsive', { name: conn.name, from: conn.from, detail: 'no pong since the last ping; the connection is dropped' });
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }
}
