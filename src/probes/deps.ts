// The I/O the probes use, passed in so tests can swap any piece (a connect that never answers, a resolver
// that disagrees) without mocking modules. defaultDeps() is the real thing.
import { connect as netConnect, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { DnsAddress, Family } from '../domain/types.js';
import { defaultHttpRequest } from './http-request.js';
import type { ProbeBudget } from './budget.js';
import { globalSocketLimiter, type Release, type SocketLimiter } from './limiter.js';
import { builtin, monotonicMs } from './builtin.js';
import { checkResolved, DEFAULT_POLICY } from '../policy/index.js';
import { ipFamily } from '../policy/address.js';

/** Where a probe connects: an address literal and port (never a name: DNS was done once, up front), or a path. */
export type ConnectTarget = { address: string; family: Family; port: number } | { path: string };

export interface HttpRequestOptions {
  url: string;
  /** The address the DNS probe found; the request goes there, keeping the URL's Host header and SNI. */
  address: string;
  family: Family;
  timeoutMs: number;
  /** How many body bytes may be read before the body is thrown away. */
  maxBodyBytes: number;
  /** Called when the response headers are in, so time-to-headers excludes draining the body. */
  onHeaders?: () => void;
  /** Called when the request goes out, so time-to-headers excludes loading the HTTP client. */
  onStart?: () => void;
}

export interface HttpAnswer {
  status: number;
  server: string | null;
}

export interface ProbeDeps {
  /** The system resolver as clients use it (getaddrinfo, hosts file included): every address, in its order. */
  lookup(host: string, signal: AbortSignal): Promise<DnsAddress[]>;
  /** The DNS servers, asked directly (no hosts file, no search domains). */
  resolve4(host: string, timeoutMs: number, signal: AbortSignal): Promise<string[]>;
  resolve6(host: string, timeoutMs: number, signal: AbortSignal): Promise<string[]>;
  /** Resolves with a connected stream, rejects with the platform error. Should stop when `signal` aborts. */
  connect(to: ConnectTarget, signal: AbortSignal, slot?: Release): Promise<Duplex>;
  /** node:tls connect; the probe listens for secureConnect / error itself. */
  tlsConnect(options: ConnectionOptions, slot?: Release): TLSSocket;
  /** One HTTP request, headers only. Rejects with the transport error. */
  httpRequest(options: HttpRequestOptions, signal: AbortSignal): Promise<HttpAnswer>;
  /** High-resolution clock in ms. */
  now(): number;
  /**
   * Checked for every address a target resolved to (a literal's too), and every nearby port, before any
   * connect: a name may point at what the plan would never allow as a literal (a cloud metadata address, say).
   * `host` is the target as written, so its allowed-name patterns count. Returns null when allowed, else the
   * reason. The default applies the built-in denies (DEFAULT_POLICY); diagnose() passes the run's own policy.
   */
  checkAddress(address: string, port?: number, host?: string): string | null;
  /**
   * Caps sockets in flight for the default connect and tlsConnect (a slot is held until the socket closes).
   * Absent: the process-wide limiter of limiter.ts. An injected connect / tlsConnect is not limited.
   */
  socketLimiter?: SocketLimiter;
  /**
   * Counts the different ports probed per address across every diagnosis that shares it (the bot makes one
   * for the process). Absent: no budget. The limit is budgetPerHost.
   */
  probeBudget?: ProbeBudget;
  /** Different ports of one address per minute this run may count against probeBudget; 0 or absent: no limit. diagnose() sets it from the policy. */
  budgetPerHost?: number;
}

async function systemLookup(host: string): Promise<DnsAddress[]> {
  // order 'verbatim': the order getaddrinfo gave, which is the order a Node ≥ 17 client tries.
  const found = await builtin.dns().promises.lookup(host, { all: true, order: 'verbatim' });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

function resolver(family: 4 | 6) {
  return async (host: string, timeoutMs: number, signal: AbortSignal): Promise<string[]> => {
    // One try, with the probe's own timeout: a slow DNS server must not hold the diagnosis.
    const r = new (builtin.dns().promises.Resolver)({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
    const cancel = () => r.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      return family === 4 ? await r.resolve4(host) : await r.resolve6(host);
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  };
}

/**
 * The real socket for a connect, made at once: no promise, no signal; the caller listens for 'connect' and
 * 'error' itself. Throws (before any socket exists) for a host that is not an address literal: DNS was done
 * once, up front, and its answers checked, so a name here would mean a second, unchecked lookup.
 */
export function connectSocket(to: ConnectTarget): Socket {
  if ('path' in to) return netConnect({ path: to.path });
  if (ipFamily(to.address) === 0) throw Object.assign(new Error(`not an address literal: ${to.address}`), { code: 'EPOLICY' });
  return netConnect({ host: to.address, port: to.port, family: to.family, noDelay: true });
}

/** Marks the connects defaultDeps makes: the probes may then call connectSocket directly (util.ts, dial). */
const DIRECT = Symbol('refused.directConnect');

/** True for a connect made by defaultDeps (the real one), false for one a test or caller injected. */
export function isDirectConnect(fn: ProbeDeps['connect']): boolean {
  return (fn as { [DIRECT]?: true })[DIRECT] === true;
}

/** A connect that first takes a slot from `limiter` (waiting counts against `signal`) and holds it until close. */
function limitedConnect(limiter: SocketLimiter): ProbeDeps['connect'] {
  const fn = async (to: ConnectTarget, signal: AbortSignal, slot?: Release): Promise<Duplex> => {
    const free = slot ?? (await limiter.acquire(signal));
    if (signal.aborted) {
      free();
      throw signal.reason;
    }
    return connect(to, signal, free);
  };
  return Object.assign(fn, { [DIRECT]: true as const });
}

function connect(to: ConnectTarget, signal: AbortSignal, free: () => void = () => {}): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    try {
      socket = connectSocket(to);
    } catch (err) {
      // Bad arguments throw before any socket exists, so no 'close' will ever give the slot back.
      free();
      reject(err);
      return;
    }
    // The slot is the file descriptor: it goes back when the socket is gone, whoever destroys it.
    socket.once('close', free);
    const cleanup = () => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(signal.reason);
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * tls.connect over a plain socket that only connects once `limiter` gives a slot. The TLSSocket is returned at
 * once (the probe listens on it); destroying it while queued cancels the wait, so the probe's own timer bounds it.
 */
function limitedTlsConnect(limiter: SocketLimiter) {
  return (options: ConnectionOptions, slot?: Release): TLSSocket => {
    const { host, port } = options;
    if (typeof host === 'string' && ipFamily(host) === 0) throw Object.assign(new Error(`not an address literal: ${host}`), { code: 'EPOLICY' });
    if (options.socket || typeof host !== 'string' || typeof port !== 'number') return builtin.tls().connect(options);
    const raw = new Socket();
    const tlsSocket = builtin.tls().connect({ ...options, socket: raw });
    const cancel = new AbortController();
    let free: (() => void) | null = null;
    tlsSocket.once('close', () => {
      cancel.abort();
      free?.();
    });
    (slot ? Promise.resolve(slot) : limiter.acquire(cancel.signal)).then(
      (release) => {
        free = release;
        if (tlsSocket.destroyed || raw.destroyed) return release();
        raw.once('close', release);
        raw.connect({ host, port, noDelay: true });
      },
      (err: unknown) => {
        if (!tlsSocket.destroyed) tlsSocket.destroy(err instanceof Error ? err : new Error(String(err)));
      },
    );
    return tlsSocket;
  };
}

export function defaultDeps(options: { socketLimiter?: SocketLimiter } = {}): ProbeDeps {
  const limiter = options.socketLimiter ?? globalSocketLimiter;
  return {
    lookup: systemLookup,
    resolve4: resolver(4),
    resolve6: resolver(6),
    connect: limitedConnect(limiter),
    tlsConnect: limitedTlsConnect(limiter),
    socketLimiter: limiter,
    httpRequest: defaultHttpRequest,
    now: monotonicMs,
    checkAddress: (address, port, host) => checkResolved(DEFAULT_POLICY, address, port, host),
  };
}
