// Diagnoses in flight: bounded in number, tracked so SIGTERM can wait for them, and abortable together
// when the grace period runs out. No Bolt here: the handlers hand their work to this.

export class Draining extends Error {
  constructor() {
    super('the bot is shutting down');
    this.name = 'Draining';
  }
}

export class Work {
  #active = 0;
  #queue: (() => void)[] = [];
  #running = new Set<Promise<unknown>>();
  #abort = new AbortController();
  #draining = false;

  constructor(private readonly maxConcurrent: number) {}

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#running.size;
  }

  /** Runs fn when a slot is free. Rejects with Draining once shutdown began (callers say so to the user). */
  run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#draining) return Promise.reject(new Draining());
    return this.track((async () => {
      if (this.#active >= this.maxConcurrent) await new Promise<void>((resolve) => this.#queue.push(resolve));
      this.#active += 1;
      try {
        if (this.#abort.signal.aborted) throw new Draining();
        return await fn(this.#abort.signal);
      } finally {
        this.#active -= 1;
        this.#queue.shift()?.();
      }
    })());
  }

  /**
   * Tracks a whole handler (diagnosis, then posting the answer) so shutdown waits for the answer to be
   * delivered, not only computed. Not bounded: the diagnosis inside it is, through run().
   */
  track<T>(job: Promise<T>): Promise<T> {
    this.#running.add(job);
    const forget = () => this.#running.delete(job);
    job.then(forget, forget);
    return job;
  }

  /** Stops taking work; waits up to graceMs for what runs, then aborts the rest and waits for it to unwind. */
  async drain(graceMs: number): Promise<{ finished: number; abandoned: number }> {
    this.#draining = true;
    const total = this.#running.size;
    if (total === 0) return { finished: 0, abandoned: 0 };
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
    const left = this.#running.size;
    if (timedOut) {
      this.#abort.abort(new Draining());
      // Waiting jobs are released so they see the abort and end.
      for (const release of this.#queue.splice(0)) release();
      // The engine honours the signal; a bounded wait keeps a stuck job from holding the exit forever.
      await Promise.race([Promise.allSettled([...this.#running]), new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    return { finished: total - left, abandoned: left };
  }
}
