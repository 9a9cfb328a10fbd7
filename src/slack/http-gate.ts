// The door in front of Bolt in HTTP mode. Bolt's HTTPReceiver reads a whole body (up to 4 MB) before it
// looks at the signature, so unsigned traffic alone could fill the process's memory. Here a request is
// judged in the cheapest order: its headers first (signature and timestamp present, well-formed, within
// five minutes either way; a declared length under the cap), then its body, read with a running count that
// stops at the cap; then the signature over exactly those bytes, the replay memory, and the shape of the
// payload Bolt's router is about to walk. Only then is the body handed to Bolt, already read (Bolt 4 and 5
// take a Buffer in `req.rawBody` as the body and do not touch the stream again), and Bolt checks the
// signature a second time on its own.
// The HTTP server itself gets bounded timeouts, a header count and a connection cap that leaves file
// descriptors for the probes, and under pressure it sheds connections that hold no request.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parse as parseForm } from 'node:querystring';
import type { Log } from './log.js';

/** Largest request body read from Slack. Real payloads are a few KB to a few tens of KB. */
export const SLACK_BODY_LIMIT_BYTES = 64 * 1024;
/** How far a request's timestamp may be from this machine's clock, either way (Slack's own rule). */
export const SIGNATURE_WINDOW_S = 5 * 60;
/** Signatures remembered to refuse replays; each is kept until its timestamp leaves the window. */
export const SEEN_SIGNATURES_MAX = 10_000;

/** Bounds on the HTTP server that serves /healthz, /readyz and, in HTTP mode, Slack's requests. */
export const HTTP_LIMITS = {
  /** Headers must be complete this long after the connection (or the previous request) starts. */
  headersTimeoutMs: 10_000,
  /** A whole request, body included, must arrive within this. */
  requestTimeoutMs: 10_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
  /** How often the two timeouts above are enforced (Node's default is every 30 s). */
  checkIntervalMs: 1_000,
  maxHeadersCount: 64,
  /** Connections open at once, at most (less when the open-file limit is low; see connectionCap). */
  maxConnections: 256,
  /** From this share of the cap on, connections that hold no request are closed to make room. */
  shedAtShare: 0.75,
  /** A connection must have held no request for this long before it may be shed. */
  shedIdleMs: 500,
  /** Descriptors kept for everything that is not a connection to this server: logs, DNS, Slack, timers. */
  reservedFds: 64,
} as const;

export type HttpLimits = { [K in keyof typeof HTTP_LIMITS]: number };

/** Options for createServer that cannot be set afterwards (Node reads them once). */
export function serverOptions(limits: HttpLimits = HTTP_LIMITS): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

/** The soft limit on open files of this process, or null when it is unlimited or cannot be read. */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(read());
    return m && m[1] !== 'unlimited' ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * How many connections the server may hold: the named cap, lowered so that half of what the open-file
 * limit leaves after the probes' sockets and a reserve stays free (an attacker holding every descriptor
 * would otherwise starve the probes and the health checks).
 */
export function connectionCap(fileLimit: number | null, probeSockets: number, limits: HttpLimits = HTTP_LIMITS): number {
  if (fileLimit === null) return limits.maxConnections;
  const room = Math.floor((fileLimit - probeSockets - limits.reservedFds) / 2);
  return Math.max(16, Math.min(limits.maxConnections, room));
}

/**
 * Applies the limits to a server created with serverOptions(): header count, connection cap, and the
 * shedding of connections that hold no request once the server is near its cap. Returns what it did,
 * for the log and for tests.
 */
export function limitServer(server: Server, o: { cap: number; log?: Log; limits?: HttpLimits; nowMs?: () => number }): { cap: number; shed: () => number; dropped: () => number } {
  const limits = o.limits ?? HTTP_LIMITS;
  const now = o.nowMs ?? Date.now;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxHeadersCount = limits.maxHeadersCount;
  server.maxConnections = o.cap;
  const shedAt = Math.max(1, Math.floor(o.cap * limits.shedAtShare));
  // Every open connection, with the time it last became free of requests (null while one is in flight).
  const open = new Map<Socket, number | null>();
  let shed = 0;
  let dropped = 0;
  let lastWarn = -Infinity;
  const warn = () => {
    if (!o.log || now() - lastWarn < 60_000) return;
    lastWarn = now();
    o.log.warn('http_pressure', { open: open.size, cap: o.cap, shedSoFar: shed, droppedSoFar: dropped, hint: 'many connections at once: connections holding no request are closed, new ones beyond the cap refused' });
  };
  server.on('connection', (socket: Socket) => {
    open.set(socket, now());
    socket.once('close', () => open.delete(socket));
    if (open.size < shedAt) return;
    const cutoff = now() - limits.shedIdleMs;
    for (const [s, freeSince] of open) {
      if (open.size < shedAt) break;
      if (freeSince !== null && freeSince <= cutoff) {
        open.delete(s);
        s.destroy();
        shed += 1;
      }
    }
    warn();
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    if (open.has(socket)) open.set(socket, null);
    res.once('close', () => {
      if (open.has(socket)) open.set(socket, now());
    });
  });
  // An upgraded connection (a probe agent's WebSocket at /agents) never sends a 'request': it is busy for as long as
  // it lives, not idle, so it is never shed to make room.
  server.on('upgrade', (req: IncomingMessage) => {
    if (open.has(req.socket)) open.set(req.socket, null);
  });
  server.on('drop', () => {
    dropped += 1;
    warn();
  });
  return { cap: o.cap, shed: () => shed, dropped: () => dropped };
}

/** The signatures seen inside the window: a replay of one is refused. Bounded; entries expire with their timestamp. */
export class SeenSignatures {
  #until = new Map<string, number>();
  constructor(private readonly max = SEEN_SIGNATURES_MAX) {}

  get size(): number {
    return this.#until.size;
  }

  /** True the first time `signature` is offered before `expiresAtMs`; false for a replay. */
  first(signature: string, expiresAtMs: number, nowMs: number): boolean {
    const known = this.#until.get(signature);
    if (known !== undefined && known > nowMs) return false;
    if (this.#until.size >= this.max) this.#sweep(nowMs);
    // Still full after the expired ones went: the oldest entry makes room. Only a flood of genuinely
    // signed requests (from Slack, or whoever holds the secret) can get here.
    if (this.#until.size >= this.max) this.#until.delete(this.#until.keys().next().value!);
    this.#until.delete(signature);
    this.#until.set(signature, expiresAtMs);
    return true;
  }

  #sweep(nowMs: number): void {
    for (const [sig, until] of this.#until) if (until <= nowMs) this.#until.delete(sig);
  }
}

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
// Plain seconds since the epoch, as Slack sends them: no sign, fraction, exponent or padding.
const TIMESTAMP = /^[1-9][0-9]{0,11}$/;

/** Payload types of Slack's interactivity requests that Bolt routes (a form field `payload`). */
const INTERACTIVE_TYPES = new Set(['block_actions', 'block_suggestion', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'interactive_message', 'dialog_submission']);
/** Envelope types of the Events API (a JSON body). */
const EVENT_TYPES = new Set(['url_verification', 'event_callback', 'app_rate_limited']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
const objectOrNull = (v: unknown) => v === null || isObject(v);

/** A payload that passed, with the body as Bolt reads it (the form, the interactivity payload, or the JSON envelope). */
export type PayloadVerdict = { ok: true; kind: 'pass' | 'rate_limited'; body: Record<string, unknown> } | { ok: false; problem: string };

/**
 * Is this body something Bolt's router can walk without throwing? Bolt reads the body as a form only
 * when the content type is exactly application/x-www-form-urlencoded, and as JSON otherwise; the same
 * rule is followed here. The checks are the fields Bolt dereferences before any listener runs.
 */
export function checkPayload(body: Buffer, contentType: string | undefined): PayloadVerdict {
  const text = body.toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseForm(text) as Record<string, unknown>;
    if (form.ssl_check === '1') return { ok: true, kind: 'pass', body: form };
    if (form.payload !== undefined) {
      if (typeof form.payload !== 'string') return { ok: false, problem: 'the form has more than one payload field' };
      let payload: unknown;
      try {
        payload = JSON.parse(form.payload);
      } catch {
        return { ok: false, problem: 'the payload field is not JSON' };
      }
      return checkInteractive(payload);
    }
    if (typeof form.command === 'string' && form.command !== '') return { ok: true, kind: 'pass', body: form };
    return { ok: false, problem: 'the form is neither a slash command nor an interactivity payload' };
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the body is not JSON' };
  }
  if (!isObject(envelope)) return { ok: false, problem: 'the JSON body is not an object' };
  if (typeof envelope.type !== 'string' || !EVENT_TYPES.has(envelope.type)) return { ok: false, problem: 'unknown envelope type' };
  if (envelope.type === 'app_rate_limited') return { ok: true, kind: 'rate_limited', body: envelope };
  if (envelope.type === 'event_callback') {
    const event = envelope.event;
    if (!isObject(event) || typeof event.type !== 'string') return { ok: false, problem: 'event_callback without an event object' };
    if (!optional(envelope.authorizations, (a) => Array.isArray(a) && a.every(isObject))) return { ok: false, problem: 'authorizations is not a list of objects' };
    if (!optional(event.user, (u) => typeof u === 'string' || isObject(u))) return { ok: false, problem: 'event.user has the wrong shape' };
    if (!optional(event.channel, (c) => typeof c === 'string' || isObject(c))) return { ok: false, problem: 'event.channel has the wrong shape' };
    for (const key of ['item', 'subteam'] as const) if (!optional(event[key], isObject)) return { ok: false, problem: `event.${key} is not an object` };
  }
  return { ok: true, kind: 'pass', body: envelope };
}

function checkInteractive(payload: unknown): PayloadVerdict {
  if (!isObject(payload)) return { ok: false, problem: 'the payload is not a JSON object' };
  if (typeof payload.type !== 'string' || !INTERACTIVE_TYPES.has(payload.type)) return { ok: false, problem: 'unknown payload type' };
  if (!isObject(payload.user)) return { ok: false, problem: 'the payload has no user object' };
  if (!optional(payload.team, objectOrNull) || !optional(payload.enterprise, objectOrNull)) return { ok: false, problem: 'team or enterprise has the wrong shape' };
  if (!optional(payload.channel, isObject)) return { ok: false, problem: 'channel is not an object' };
  if (!optional(payload.response_url, (u) => typeof u === 'string')) return { ok: false, problem: 'response_url is not a string' };
  if (!optional(payload.response_urls, (u) => Array.isArray(u) && u.every(isObject))) return { ok: false, problem: 'response_urls is not a list of objects' };
  if ((payload.type === 'view_submission' || payload.type === 'view_closed') && !isObject(payload.view)) return { ok: false, problem: 'a view payload without a view object' };
  const needsActions = payload.type === 'block_actions' || payload.type === 'interactive_message';
  if ((needsActions || payload.actions !== undefined) && !(Array.isArray(payload.actions) && payload.actions.length > 0 && payload.actions.every(isObject))) {
    return { ok: false, problem: 'actions is not a non-empty list of objects' };
  }
  return { ok: true, kind: 'pass', body: payload };
}

/** Answers and hangs up: whatever of the body is still unread is never read into memory. */
export function refuseAndClose(res: ServerResponse, status: number, body: Json | null, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.writableEnded) {
    res.destroy();
    return;
  }
  res.shouldKeepAlive = false;
  res.writeHead(status, { connection: 'close', ...(body ? { 'content-type': 'application/json' } : {}), ...headers });
  res.end(body ? JSON.stringify(body) : undefined);
}

type Read = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean; bytesRead: number };

/** Reads the body, counting; past `limit` it stops reading at once (the rest stays in the kernel and is dropped with the socket). */
function readCapped(req: IncomingMessage, limit: number): Promise<Read> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (r: Read) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.pause();
        chunks.length = 0;
        settle({ ok: false, tooLarge: true, bytesRead: bytes });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle({ ok: true, body: Buffer.concat(chunks, bytes) });
    const onGone = () => settle({ ok: false, tooLarge: false, bytesRead: bytes });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

export interface GateOptions {
  signingSecret: string;
  log: Log;
  nowMs?: () => number;
  bodyLimit?: number;
  seen?: SeenSignatures;
}

/** A request that passed the gate: its body is read (`rawBody`) and parsed as Bolt would parse it (`body`). */
export type GatedRequest = IncomingMessage & { rawBody: Buffer; body: Record<string, unknown> };

const header = (req: IncomingMessage, name: string): string | null => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
};

/**
 * Builds the gate. Call it with each request for the Slack endpoint and what to do with a request that
 * passes; everything else it answers itself (401, 413, 400, 405, or an empty 200 for a replay).
 */
export function slackGate(o: GateOptions): (req: IncomingMessage, res: ServerResponse, pass: (req: GatedRequest, res: ServerResponse) => void) => void {
  const now = o.nowMs ?? Date.now;
  const limit = o.bodyLimit ?? SLACK_BODY_LIMIT_BYTES;
  const seen = o.seen ?? new SeenSignatures();
  const key = Buffer.from(o.signingSecret, 'utf8');
  // Refusals of strangers are counted and summarised once a minute at most: a flood must not become a
  // flood of log lines. Each one is also a debug line.
  let counts: Record<string, number> = {};
  let lastSummary = -Infinity;
  const refused = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, extra: Record<string, unknown> = {}) => {
    refuseAndClose(res, status, { error: reason });
    o.log.debug('http_refused', { status, reason, remote: req.socket.remoteAddress, ...extra });
    counts[reason] = (counts[reason] ?? 0) + 1;
    if (now() - lastSummary >= 60_000) {
      o.log.warn('http_refusals', { counts, hint: 'requests to /slack/events that Slack did not sign, or that break its limits; counted, at most one line a minute' });
      counts = {};
      lastSummary = now();
    }
  };

  const judge = async (req: IncomingMessage, res: ServerResponse, pass: (req: GatedRequest, res: ServerResponse) => void) => {
    if (req.method !== 'POST') return refuseAndClose(res, 405, { error: 'POST only' }, { allow: 'POST' });
    const signature = header(req, 'x-slack-signature');
    const stamp = header(req, 'x-slack-request-timestamp');
    if (signature === null || stamp === null) return refused(req, res, 401, 'no Slack signature');
    if (!SIGNATURE.test(signature)) return refused(req, res, 401, 'malformed signature');
    if (!TIMESTAMP.test(stamp)) return refused(req, res, 401, 'malformed timestamp');
    const ts = Number(stamp);
    const skew = Math.floor(now() / 1000) - ts;
    if (Math.abs(skew) > SIGNATURE_WINDOW_S) return refused(req, res, 401, 'timestamp outside the five-minute window', { skewS: skew });
    const declared = header(req, 'content-length');
    if (declared !== null && Number(declared) > limit) return refused(req, res, 413, 'declared body over the cap', { declared: Number(declared), limit });

    const read = await readCapped(req, limit);
    if (!read.ok) {
      if (read.tooLarge) refused(req, res, 413, 'body over the cap', { bytesRead: read.bytesRead, limit });
      // Otherwise the client went away mid-body: nobody to answer.
      return;
    }
    const mac = createHmac('sha256', key).update(`v0:${stamp}:`).update(read.body).digest();
    if (!timingSafeEqual(mac, Buffer.from(signature.slice(3), 'hex'))) return refused(req, res, 401, 'signature mismatch');

    // Signed: from here on every answer is worth a line of its own.
    if (!seen.first(signature, (ts + SIGNATURE_WINDOW_S) * 1000 + 1000, now())) {
      o.log.warn('http_replay', { remote: req.socket.remoteAddress, ts, retryNum: header(req, 'x-slack-retry-num'), hint: 'a signed request arrived again with the same signature; answered, not processed' });
      return refuseAndClose(res, 200, null);
    }
    const verdict = checkPayload(read.body, header(req, 'content-type') ?? undefined);
    if (!verdict.ok) {
      o.log.warn('http_bad_payload', { problem: verdict.problem, contentType: header(req, 'content-type'), bytes: read.body.length });
      return refuseAndClose(res, 400, { error: 'malformed payload', problem: verdict.problem });
    }
    if (verdict.kind === 'rate_limited') {
      // Slack stopped sending events for a while; it wants a 200 and nothing else. Bolt has no route for it.
      o.log.warn('slack_app_rate_limited', { hint: 'Slack is dropping this app\'s events for up to a minute: more than 30,000 events an hour' });
      return refuseAndClose(res, 200, null);
    }
    const gated = req as GatedRequest;
    gated.rawBody = read.body;
    gated.body = verdict.body;
    pass(gated, res);
  };

  return (req, res, pass) => {
    judge(req, res, pass).catch((err: unknown) => {
      o.log.error('http_gate_failed', { error: err });
      refuseAndClose(res, 500, { error: 'internal' });
    });
  };
}
