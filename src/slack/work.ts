// Diagnoses in flight: bounded in number, tracked so SIGTERM can wait for them, and abortable together
// when the grace period runs out. No Bolt here: the handlers hand their work to this.

import { setMaxListeners } from 'node:events';
import { Abandoned, Busy, DeadlineExceeded, Draining } from '../errors.js';

export interface WorkLimits {
  /** Diagnoses running at once. */
  maxConcurrent: number;
  /** Diagnoses waiting for a slot; one more is refused with Busy. */
  maxQueued?: number;
  /** Hard cap on one diagnosis, from the moment it gets a slot; the engine's own deadline should come first. */
  deadlineMs?: number;
}

/**
 * A place in line promised at admission, before the handler acks and posts anything; run() takes it. A handler
 * that never gets to run() (an error on the way) leaves it behind: it lapses after TICKET_LAPSE_MS, so it can
 * never shrink the line for good.
 */
export interface Ticket {
  readonly at: number;
}

const TICKET_LAPSE_MS = 10_000;

/**
 * Acks first: work after an ack waits until no other ack has gone out for ACK_QUIET_MS (a burst is still
 * arriving), but never longer than ACK_WAIT_MS (a steady stream must not starve it). Measured in
 * `npm run bench` rows 1 and 2: a burst of 200 commands otherwise spends most of its CPU on the first
 * commands' posts and probes while the last ones wait for their acks. 15 ms was too short for Socket Mode,
 * where envelopes of one burst arrived up to ~30 ms apart (ack p99 126–420 ms; at 40 ms, 33–57 ms).
 */
const ACK_QUIET_MS = 40;
const ACK_WAIT_MS = 1000;

export class Work {
  #active = 0;
  #tickets = new Set<Ticket>();
  #lastAck = 0;
  #afterAcks: { release: () => void; until: number }[] = [];
  #ackTimer: NodeJS.Timeout | null = null;
  #queue: ((handed: boolean) => void)[] = [];
  #running = new Set<Promise<unknown>>();
  #abort = new AbortController();
  #draining = false;
  /** Diagnoses that ended on their own, and those the shutdown aborted, since drain() began. */
  #finishedInDrain = 0;
  #abandoned = 0;
  #onIdle = new Set<() => void>();
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  readonly deadlineMs: number;

  constructor(limits: number | WorkLimits) {
    const l = typeof limits === 'number' ? { maxConcurrent: limits } : limits;
    this.maxConcurrent = l.maxConcurrent;
    this.maxQueued = l.maxQueued ?? 1000;
    this.deadlineMs = l.deadlineMs ?? 60_000;
    // Every running diagnosis listens for the shutdown here (one listener each, removed when it ends), so more
    // than Node's default of 10 is the normal case, not a leak.
    setMaxListeners(l.maxConcurrent + 10, this.#abort.signal);
  }

  /** Diagnoses holding a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Diagnoses waiting for a slot now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Places promised at admission and not yet taken by run(). */
  get reserved(): number {
    this.#lapse();
    return this.#tickets.size;
  }

  /**
   * True when one more diagnosis would be refused with Busy: the running ones, the waiting line and the places
   * already promised (a burst admits no more than fits, so nobody is told "busy" after the bot answered).
   */
  get full(): boolean {
    return this.#active + this.#queue.length + this.reserved >= this.maxConcurrent + this.maxQueued;
  }

  /** Promises a place for a diagnosis about to run; null when there is none (full). Pass it to run(). */
  reserve(): Ticket | null {
    if (this.#draining || this.full) return null;
    const ticket = { at: Date.now() };
    this.#tickets.add(ticket);
    return ticket;
  }

  /** Gives back a place reserve() promised, for a request that will not run after all. */
  release(ticket: Ticket): void {
    this.#tickets.delete(ticket);
  }

  /** Called right after an ack is sent. */
  acked(): void {
    this.#lastAck = Date.now();
  }

  /** Resolves when the acks of a burst have gone out (see ACK_QUIET_MS), or after ACK_WAIT_MS at most. */
  afterAcks(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastAck >= ACK_QUIET_MS && this.#afterAcks.length === 0) return Promise.resolve();
    return new Promise((release) => {
      this.#afterAcks.push({ release, until: now + ACK_WAIT_MS });
      this.#checkAcks();
    });
  }

  #checkAcks(): void {
    if (this.#ackTimer) return;
    const now = Date.now();
    const quietAt = this.#lastAck + ACK_QUIET_MS;
    const waiting: { release: () => void; until: number }[] = [];
    for (const w of this.#afterAcks) {
      if (now >= quietAt || now >= w.until) w.release();
      else waiting.push(w);
    }
    this.#afterAcks = waiting;
    if (waiting.length === 0) return;
    const next = Math.min(quietAt, ...waiting.map((w) => w.until));
    this.#ackTimer = setTimeout(() => {
      this.#ackTimer = null;
      this.#checkAcks();
    }, Math.max(1, next - now));
  }

  #lapse(): void {
    if (this.#tickets.size === 0) return;
    const old = Date.now() - TICKET_LAPSE_MS;
    for (const t of this.#tickets) if (t.at < old) this.#tickets.delete(t);
  }

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#running.size;
  }

  /**
   * Runs fn when a slot is free, with its own signal that aborts at shutdown or at the hard deadline.
   * Rejects with Draining once shutdown began, with Busy when the waiting line is full (never queues
   * without bound), and with DeadlineExceeded when fn outlives deadlineMs (callers say so to the user).
   */
  run<T>(fn: (signal: AbortSignal) => Promise<T>, ticket?: Ticket | null): Promise<T> {
    // A promised place is taken whatever happens next.
    const promised = ticket != null && this.#tickets.delete(ticket);
    if (this.#draining) return Promise.reject(new Draining());
    if (!promised && this.full) return Promise.reject(new Busy(this.#active, this.#queue.length));
    return this.track((async () => {
      // A finishing job hands its slot straight to the next waiter (handed = true), so a newcomer arriving in
      // between cannot take it too and push the count past maxConcurrent.
      const handed = this.#active >= this.maxConcurrent ? await new Promise<boolean>((resolve) => this.#queue.push(resolve)) : false;
      if (!handed) this.#active += 1;
      const job = new AbortController();
      let abandoned = false;
      const onShutdown = () => {
        abandoned = true;
        job.abort(this.#abort.signal.reason);
      };
      this.#abort.signal.addEventListener('abort', onShutdown, { once: true });
      let timer: NodeJS.Timeout | undefined;
      try {
        if (this.#abort.signal.aborted) {
          abandoned = true;
          throw new Draining();
        }
        const running = fn(job.signal);
        // Past the deadline the caller gets its answer now; a late rejection of fn is then nobody's to handle.
        running.catch(() => undefined);
        const deadline = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            const err = new DeadlineExceeded(this.deadlineMs);
            job.abort(err);
            reject(err);
          }, this.deadlineMs);
        });
        const result = await Promise.race([running, deadline]);
        // The engine answers even when aborted (a refusal is evidence, not an exception): after a shutdown
        // abort that answer rests on probes cut short, so it is not one.
        if (abandoned) throw new Abandoned();
        return result;
      } catch (err) {
        if (abandoned && !(err instanceof DeadlineExceeded)) throw err instanceof Abandoned ? err : new Abandoned();
        throw err;
      } finally {
        clearTimeout(timer);
        this.#abort.signal.removeEventListener('abort', onShutdown);
        if (this.#draining) {
          if (abandoned) this.#abandoned += 1;
          else this.#finishedInDrain += 1;
        }
        const next = this.#queue.shift();
        if (next) next(true);
        else this.#active -= 1;
      }
    })());
  }

  /**
   * Tracks a whole handler (diagnosis, then posting the answer) so shutdown waits for the answer to be
   * delivered, not only computed. Not bounded: the diagnosis inside it is, through run().
   */
  track<T>(job: Promise<T>): Promise<T> {
    this.#running.add(job);
    const forget = () => {
      this.#running.delete(job);
      if (this.#running.size === 0) for (const fn of this.#onIdle) fn();
    };
    job.then(forget, forget);
    return job;
  }

  /** Calls fn each time the last tracked job ends (nothing runs any more); returns a way to stop. */
  onIdle(fn: () => void): () => void {
    this.#onIdle.add(fn);
    return () => this.#onIdle.delete(fn);
  }

  /**
   * Stops taking work; waits up to graceMs for what runs, then aborts the rest and waits for it to unwind.
   * Reports diagnoses (not handlers): how many ended on their own during the drain, and how many were abandoned.
   */
  async drain(graceMs: number): Promise<{ finished: number; abandoned: number }> {
    this.#draining = true;
    if (this.#running.size === 0) return { finished: 0, abandoned: 0 };
    let timer: NodeJS.Timeout | undefined;
    // A handler tracked here may start its diagnosis after the snapshot; waiting until the set is empty
    // (bounded by the grace timer) covers that.
    const settled = (async () => {
      while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    })();
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.#abort.abort(new Draining());
      // Waiting jobs are released so they see the abort and end.
      for (const release of this.#queue.splice(0)) release(false);
      // The engine honours the signal; a bounded wait keeps a stuck job from holding the exit forever.
      await Promise.race([Promise.allSettled([...this.#running]), new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    return { finished: this.#finishedInDrain, abandoned: this.#abandoned };
  }
}
