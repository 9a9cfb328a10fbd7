// Shared plumbing for the probes: the run context (deps, deadline signal, every socket opened), a bounded
// wait that always clears its timer, and small formatting helpers.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Skipped, Timeouts } from '../domain/types.js';
import { defaultDeps, type ConnectTarget, type ProbeDeps } from './deps.js';
import { ProbeTimeoutError } from '../errors.js';
import type { Release } from './limiter.js';

/** A timer or deadline of ours ran out. `code` is what classifySocketError reads. */


interface Destroyable {
  destroy(): unknown;
  readonly destroyed: boolean;
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

const ignore = () => {};

export interface ProbeContext {
  deps: ProbeDeps;
  timeouts: Timeouts;
  /** Aborts when the run's deadline passes or the caller cancels; every probe stops at once. */
  signal: AbortSignal;
  /** Every socket a probe opened; the run destroys whatever is left when it ends. */
  sockets: Set<Destroyable>;
  /** What the probes held back and why (the probe budget); runProbes adds it to the plan's skips. */
  skipped: Skipped[];
}

export function makeContext(timeouts: Timeouts, deps?: Partial<ProbeDeps>, signal?: AbortSignal): ProbeContext {
  return {
    deps: { ...defaultDeps(), ...deps },
    timeouts,
    signal: signal ?? new AbortController().signal,
    sockets: new Set(),
    skipped: [],
  };
}

export function track<T extends Destroyable>(ctx: ProbeContext, socket: T): T {
  ctx.sockets.add(socket);
  return socket;
}

export function release(ctx: ProbeContext, socket: Destroyable | null | undefined): void {
  if (!socket) return;
  // A late error from a socket we are done with must not become an unhandled 'error' event.
  socket.on?.('error', ignore);
  socket.destroy();
  ctx.sockets.delete(socket);
}

export function deadlineError(): ProbeTimeoutError {
  return new ProbeTimeoutError('ABORT_ERR', 'the diagnosis deadline passed (or it was cancelled) before an answer');
}

/**
 * Runs `work` with its own AbortSignal that fires after `ms` (rejecting with `timeoutCode`) or when the run's
 * signal fires (rejecting with ABORT_ERR). Settles as soon as either fires even if `work` ignores its signal;
 * a value that arrives too late is handed to `disposeLate` (so a late socket still gets destroyed).
 */
export function bounded<T>(
  parent: AbortSignal,
  ms: number,
  timeoutCode: string,
  work: (signal: AbortSignal) => Promise<T>,
  disposeLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (parent.aborted) {
      reject(deadlineError());
      return;
    }
    const ctl = new AbortController();
    let settled = false;
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      finish();
      ctl.abort(err);
      reject(err);
    };
    const onParent = () => fail(deadlineError());
    const timer = setTimeout(() => fail(new ProbeTimeoutError(timeoutCode, `no answer within ${ms} ms`)), timerMs(ms));
    parent.addEventListener('abort', onParent, { once: true });
    let pending: Promise<T>;
    try {
      pending = work(ctl.signal);
    } catch (err) {
      fail(err);
      return;
    }
    pending.then(
      (value) => {
        if (settled) {
          disposeLate?.(value);
          return;
        }
        finish();
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        finish();
        reject(err);
      },
    );
  });
}

/**
 * A socket slot from the run's limiter. Waiting for one is bounded by the run's deadline only: time spent in
 * the queue is this machine being busy, not the network being slow, so it must never count as a connect
 * timeout. Rejects with the deadline error when the run ends first, or with SocketLimitError.
 */
export async function takeSlot(ctx: ProbeContext): Promise<Release> {
  const limiter = ctx.deps.socketLimiter;
  if (!limiter) return () => {};
  try {
    return await limiter.acquire(ctx.signal);
  } catch (err) {
    throw ctx.signal.aborted ? deadlineError() : err;
  }
}

/**
 * Connects through deps.connect within `ms`, tracking the socket so the run can always destroy it. The
 * socket slot is taken first; `onSlot` runs once it is, so callers time the connect and not the queue.
 */
export async function openSocket(ctx: ProbeContext, to: ConnectTarget, ms: number, onSlot?: () => void): Promise<Duplex> {
  const slot = await takeSlot(ctx);
  onSlot?.();
  const connect = (signal: AbortSignal) =>
    ctx.deps.connect(to, signal, slot).then(
      (socket) => {
        // The slot is the file descriptor: back when the socket is gone (giving it back twice is harmless).
        socket.once('close', slot);
        if (socket.destroyed) slot();
        if (connectedToItself(socket)) {
          socket.destroy();
          throw Object.assign(new Error('the connect met itself: nothing listens on that port'), { code: 'ECONNREFUSED' });
        }
        return socket;
      },
      (err: unknown) => {
        slot();
        throw err;
      },
    );
  return bounded(ctx.signal, ms, 'ETIMEDOUT', connect, (late) => release(ctx, late)).then((socket) => track(ctx, socket));
}

/**
 * A TCP "self-connect": when nothing listens on a loopback port and the kernel happens to pick that same port
 * as the client's own, the SYN meets itself and the connect succeeds with no server at all (TCP simultaneous
 * open, RFC 9293 §3.5). It proves the opposite of a listener, so it is read as the refusal it stands for.
 */
export function connectedToItself(socket: Duplex): boolean {
  const s = socket as Partial<Pick<Socket, 'localPort' | 'remotePort' | 'localAddress' | 'remoteAddress'>>;
  return s.localPort !== undefined && s.localPort === s.remotePort && s.localAddress !== undefined && s.localAddress === s.remoteAddress;
}

/** setTimeout fires at once for anything above 2^31-1 ms; clamp so a huge configured timeout stays huge. */
export function timerMs(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), 2_147_483_647) : 2_147_483_647;
}

/** Milliseconds with two decimals: a loopback refusal is 0.1 ms, a drop is 2000 ms. */
export function roundMs(ms: number): number {
  return Math.round(Math.max(0, ms) * 100) / 100;
}

/** A short, printable excerpt of bytes: control characters and non-ASCII escaped, bounded in length. */
export function excerpt(bytes: Uint8Array, max = 120): string {
  let out = '';
  for (const b of bytes) {
    let piece: string;
    if (b === 0x0d) piece = '\\r';
    else if (b === 0x0a) piece = '\\n';
    else if (b === 0x09) piece = '\\t';
    else if (b === 0x5c) piece = '\\\\';
    else if (b >= 0x20 && b < 0x7f) piece = String.fromCharCode(b);
    else piece = `\\x${b.toString(16).padStart(2, '0')}`;
    if (out.length + piece.length > max) return `${out}…`;
    out += piece;
  }
  return out;
}
