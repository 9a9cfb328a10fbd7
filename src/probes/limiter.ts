// A counting semaphore for sockets in flight, shared by every diagnosis in the process. A burst of requests
// (a busy Slack channel, a script calling the CLI engine in a loop) then waits for a slot instead of opening
// thousands of file descriptors at once; past a bounded queue it is refused with a clear error code.
// Waiting is cancelled by the caller's AbortSignal, so time spent in the queue counts against its deadline.

/** Sockets in flight across the process when nobody says otherwise: far below a default `ulimit -n` of 1024. */
export const DEFAULT_SOCKET_LIMIT = 256;
/** Waiters allowed behind a full limiter; more than this are refused at once rather than piling up. */
export const DEFAULT_SOCKET_QUEUE = 8192;

import { SocketLimitError } from '../errors.js';

/** Gives the slot back; calling it more than once is harmless. */
export type Release = () => void;

export interface SocketLimiter {
  readonly limit: number;
  /** Slots held right now. */
  readonly active: number;
  /** Callers waiting for a slot right now. */
  readonly waiting: number;
  /** Most slots ever held at once (for tests and load numbers). */
  readonly peak: number;
  /** Resolves with a release once a slot is free; rejects with signal.reason on abort, or SocketLimitError. */
  acquire(signal?: AbortSignal): Promise<Release>;
  /**
   * A slot now, or null when none is free (or others wait: they go first). No promise: the probes' hot path
   * (a port look, a closed-port diagnosis) takes its slots this way and waits through acquire() only when full.
   */
  tryAcquire?(): Release | null;
}

interface Waiter {
  grant: () => void;
}

export function createSocketLimiter(limit = DEFAULT_SOCKET_LIMIT, maxWaiting = DEFAULT_SOCKET_QUEUE): SocketLimiter {
  const size = Math.max(1, Math.floor(Number.isFinite(limit) ? limit : DEFAULT_SOCKET_LIMIT));
  const queueMax = Math.max(0, Math.floor(Number.isFinite(maxWaiting) ? maxWaiting : DEFAULT_SOCKET_QUEUE));
  let active = 0;
  let peak = 0;
  // A Set keeps insertion order (FIFO) and lets an aborted waiter leave from the middle in O(1).
  const queue = new Set<Waiter>();

  const take = (): Release => {
    active++;
    if (active > peak) peak = active;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      // Hand the slot straight to the oldest waiter, so a steady stream of new callers cannot starve it.
      const next = queue.values().next();
      if (!next.done) {
        queue.delete(next.value);
        next.value.grant();
      }
    };
  };

  return {
    limit: size,
    get active() { return active; },
    get waiting() { return queue.size; },
    get peak() { return peak; },
    tryAcquire(): Release | null {
      return active < size && queue.size === 0 ? take() : null;
    },
    acquire(signal?: AbortSignal): Promise<Release> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active < size && queue.size === 0) return Promise.resolve(take());
      if (queue.size >= queueMax) return Promise.reject(new SocketLimitError(size, queue.size));
      return new Promise<Release>((resolve, reject) => {
        const onAbort = () => {
          queue.delete(waiter);
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(take());
          },
        };
        queue.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** The one limiter every default connect shares unless ProbeDeps.socketLimiter names another. */
export const globalSocketLimiter: SocketLimiter = createSocketLimiter();
