// Shared plumbing for the probes: the run context (deps, deadline signal, one clock for every timeout, every
// socket opened), the one connect every probe goes through (dial), a bounded wait that always clears its
// timer, and small formatting helpers.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Skipped, Timeouts } from '../domain/types.js';
import { connectSocket, defaultDeps, isDirectConnect, type ConnectTarget, type ProbeDeps } from './deps.js';
import { ProbeTimeoutError } from '../errors.js';
import type { Release } from './limiter.js';
import { monotonicMs } from './builtin.js';

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
  /** The run's one timer: every connect timeout (and the run's deadline) is an entry on it. */
  clock: RunClock;
  /** Connects in flight, each told when the run's signal aborts (one listener on it for all of them). */
  pending: Set<(err: unknown) => void>;
}

/**
 * One setTimeout for a whole run, armed for the earliest entry. A connect adds an entry and cancels it when
 * it settles, which costs an object, not a timer; a port look of a thousand connects keeps one timer.
 * Entries due within a millisecond of each other fire together.
 */
export class RunClock {
  #heap: ClockEntry[] = [];
  #live = 0;
  #timer: NodeJS.Timeout | null = null;
  #armedFor = Infinity;

  /** Runs `fn` once, `ms` from now, unless cancelled first. */
  after(ms: number, fn: () => void): ClockEntry {
    const entry: ClockEntry = { due: monotonicMs() + Math.min(Math.max(0, ms), 2_147_483_647), fn };
    this.#push(entry);
    this.#live++;
    if (entry.due < this.#armedFor) this.#arm(entry.due);
    return entry;
  }

  cancel(entry: ClockEntry): void {
    if (entry.fn === null) return;
    entry.fn = null;
    if (--this.#live === 0) this.close();
  }

  /** Forgets every entry and clears the timer: nothing of the run keeps the process alive. */
  close(): void {
    for (const e of this.#heap) e.fn = null;
    this.#heap = [];
    this.#live = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#armedFor = Infinity;
  }

  #arm(due: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#armedFor = due;
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(due - monotonicMs())));
  }

  #fire(): void {
    this.#timer = null;
    this.#armedFor = Infinity;
    // libuv's clock is read once per loop turn, so a timer may wake a fraction of a millisecond early.
    const now = monotonicMs() + 1;
    const due: (() => void)[] = [];
    while (this.#heap.length > 0 && (this.#heap[0]!.fn === null || this.#heap[0]!.due <= now)) {
      const e = this.#pop()!;
      if (e.fn === null) continue;
      due.push(e.fn);
      e.fn = null;
      this.#live--;
    }
    if (this.#heap.length > 0 && this.#live > 0) this.#arm(this.#heap[0]!.due);
    else if (this.#live === 0) this.#heap = [];
    for (const fn of due) fn();
  }

  #push(e: ClockEntry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.due <= e.due) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  #pop(): ClockEntry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.due < h[l]!.due ? r : l;
      if (h[c]!.due >= last.due) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}

export interface ClockEntry {
  due: number;
  fn: (() => void) | null;
}

let shared: ProbeDeps | undefined;

export function makeContext(timeouts: Timeouts, deps?: Partial<ProbeDeps>, signal?: AbortSignal): ProbeContext {
  // The default deps hold no state of their own (the limiter is the process's), so one set serves every run.
  shared ??= defaultDeps();
  const ctx: ProbeContext = {
    deps: deps ? { ...shared, ...deps } : { ...shared },
    timeouts,
    signal: signal ?? new AbortController().signal,
    sockets: new Set(),
    skipped: [],
    clock: new RunClock(),
    pending: new Set(),
  };
  if (!ctx.signal.aborted) {
    ctx.signal.addEventListener('abort', () => {
      const err = deadlineError();
      for (const cancel of [...ctx.pending]) cancel(err);
    }, { once: true });
  }
  return ctx;
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

/** Told once how a dial ended: the connected socket (tracked by the run), or the error; `started` is when it went out. */
export type DialDone = (err: unknown, socket: Duplex | null, started: number) => void;

const metItself = () => Object.assign(new Error('the connect met itself: nothing listens on that port'), { code: 'ECONNREFUSED' });

/**
 * One connect within `ms`, the way every probe connects: a socket slot first (time in the queue is not the
 * network's), then deps.connect, bounded by an entry on the run's clock and by the run's signal. Calls `done`
 * exactly once, possibly before dial returns. No promise and no AbortSignal of its own for the real connect
 * (a port look makes a thousand of these); an injected connect gets a signal of its own, as its contract says.
 * A connect that succeeds after its time is up is destroyed; so is one that meets itself (see connectedToItself).
 */
export function dial(ctx: ProbeContext, to: ConnectTarget, ms: number, done: DialDone): void {
  if (ctx.signal.aborted) {
    done(deadlineError(), null, ctx.deps.now());
    return;
  }
  const slot = ctx.deps.socketLimiter?.tryAcquire?.() ?? (ctx.deps.socketLimiter ? null : noSlot);
  if (slot) {
    (isDirectConnect(ctx.deps.connect) ? dialDirect : dialInjected)(ctx, to, ms, slot, done);
    return;
  }
  takeSlot(ctx).then(
    (s) => (isDirectConnect(ctx.deps.connect) ? dialDirect : dialInjected)(ctx, to, ms, s, done),
    (err: unknown) => done(err, null, ctx.deps.now()),
  );
}

const noSlot: Release = () => {};

function dialDirect(ctx: ProbeContext, to: ConnectTarget, ms: number, slot: Release, done: DialDone): void {
  if (ctx.signal.aborted) {
    slot();
    done(deadlineError(), null, ctx.deps.now());
    return;
  }
  const started = ctx.deps.now();
  let socket: Socket;
  try {
    socket = connectSocket(to);
  } catch (err) {
    slot();
    done(err, null, started);
    return;
  }
  // The slot is the file descriptor: it goes back when the socket is gone, whoever destroys it.
  socket.once('close', slot);
  let settled = false;
  const end = (err: unknown) => {
    if (settled) return;
    settled = true;
    socket.off('connect', onConnect);
    socket.off('error', end);
    ctx.clock.cancel(timer);
    ctx.pending.delete(end);
    if (err === null && !connectedToItself(socket)) {
      done(null, track(ctx, socket), started);
      return;
    }
    // A late error from a socket we are done with must not become an unhandled 'error' event.
    socket.on('error', ignore);
    socket.destroy();
    done(err ?? metItself(), null, started);
  };
  const onConnect = () => end(null);
  const timer = ctx.clock.after(ms, () => end(new ProbeTimeoutError('ETIMEDOUT', `no answer within ${ms} ms`)));
  socket.once('connect', onConnect);
  socket.once('error', end);
  ctx.pending.add(end);
}

function dialInjected(ctx: ProbeContext, to: ConnectTarget, ms: number, slot: Release, done: DialDone): void {
  const started = ctx.deps.now();
  const ctl = new AbortController();
  let settled = false;
  const settle = (err: unknown, socket: Duplex | null) => {
    settled = true;
    ctx.clock.cancel(timer);
    ctx.pending.delete(fail);
    if (err !== null) ctl.abort(err);
    done(err, socket, started);
  };
  const fail = (err: unknown) => {
    if (!settled) settle(err, null);
  };
  const timer = ctx.clock.after(ms, () => fail(new ProbeTimeoutError('ETIMEDOUT', `no answer within ${ms} ms`)));
  ctx.pending.add(fail);
  let pending: Promise<Duplex>;
  try {
    pending = ctx.deps.connect(to, ctl.signal, slot);
  } catch (err) {
    slot();
    fail(err);
    return;
  }
  pending.then(
    (socket) => {
      // The slot is the file descriptor: back when the socket is gone (giving it back twice is harmless).
      socket.once('close', slot);
      if (socket.destroyed) slot();
      if (settled) {
        release(ctx, socket);
        return;
      }
      if (connectedToItself(socket)) {
        release(ctx, socket);
        fail(metItself());
        return;
      }
      settle(null, track(ctx, socket));
    },
    (err: unknown) => {
      slot();
      fail(err);
    },
  );
}

/**
 * Connects within `ms` (see dial), tracking the socket so the run can always destroy it. `onSlot` is told when
 * the connect went out (once the socket slot was ours), so callers time the connect and not the queue.
 */
export function openSocket(ctx: ProbeContext, to: ConnectTarget, ms: number, onSlot?: (started: number) => void): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    dial(ctx, to, ms, (err, socket, started) => {
      onSlot?.(started);
      if (socket) resolve(socket);
      else reject(err);
    });
  });
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
