// Watches: keep checking a target with growing pauses for a bounded time, and post in the thread when its state
// changes. A watch lives in the store (store/store.ts), not in a process: the replica that holds its lease runs
// it, renews the lease every third of REFUSED_WATCH_LEASE_MS, and saves its progress after every check. A replica
// that dies stops renewing, and another claims the watch when the lease runs out; SIGTERM gives leases back at
// once (handBack). Stop ends the watch in the store from any replica; the holder notices at its next renewal or
// check and lets it go without a word. Bounded per person and in total, across replicas, by the store.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { WatchLimits } from '../config.js';
import { StoreUnavailable } from '../errors.js';
import type { Lease, Store, WatchRecord } from '../store/store.js';
import type { Log } from './log.js';

export type Watch = WatchRecord;

export type EndReason = 'expired' | 'stopped' | 'failed';

export interface WatchHooks {
  /** One check; resolves false to end the watch. Never called after the watch ended. */
  tick(w: Watch): Promise<boolean>;
  /** Says goodbye in the thread (the watch has already left the store). */
  end(w: Watch, reason: EndReason, by: string | null): Promise<void>;
}

export type StartSpec = Pick<Watch, 'user' | 'team' | 'channel' | 'threadTs' | 'request' | 'what' | 'state'>;

/** How often a replica looks for watches nobody holds (released at SIGTERM, or whose holder died). */
const CLAIM_EVERY_MS = 1000;

interface Held {
  watch: Watch;
  timer: NodeJS.Timeout | null;
}

export class Watches {
  /** This replica's name in the store's leases: unique per process, readable in logs. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #held = new Map<string, Held>();
  #hooks: WatchHooks | null = null;
  #loop: NodeJS.Timeout | null = null;
  #lastRenew = 0;
  #looking = false;
  #storeDown = false;

  constructor(
    readonly limits: WatchLimits,
    private readonly store: Store,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  /** Watches this replica runs now. */
  get size(): number {
    return this.#held.size;
  }

  #lease(): Lease {
    return { owner: this.owner, leaseMs: this.limits.leaseMs, now: this.now() };
  }

  /** Starts running: claims what nobody holds now, then keeps renewing and claiming. */
  begin(hooks: WatchHooks): void {
    this.#hooks = hooks;
    if (this.#loop) return;
    const every = Math.min(CLAIM_EVERY_MS, Math.max(50, Math.floor(this.limits.leaseMs / 3)));
    this.#loop = setInterval(() => void this.#look(), every);
    this.#loop.unref();
    void this.#look();
  }

  /** Starts a watch held here; refused past the limits (counted in the store, over every replica). */
  async start(spec: StartSpec): Promise<{ ok: true; watch: Watch } | { ok: false; reason: string }> {
    const now = this.now();
    const watch: Watch = {
      ...spec,
      id: randomUUID(),
      startedAt: now,
      endsAt: now + this.limits.durationMs,
      checks: 0,
      nextAt: now + this.limits.firstIntervalMs,
      intervalMs: this.limits.firstIntervalMs,
    };
    let verdict: Awaited<ReturnType<Store['startWatch']>>;
    try {
      verdict = await this.store.startWatch(watch, this.#lease(), { perUser: this.limits.perUser, total: this.limits.total });
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) throw err;
      this.log.warn('store_unavailable', { op: 'startWatch', error: err });
      return { ok: false, reason: 'I cannot reach my store right now, so the watch could not be kept; try again in a minute' };
    }
    if (!verdict.ok) {
      const reason =
        verdict.limit === 'total'
          ? `this bot already runs ${verdict.max} watches, its limit; try again when one ends`
          : `you already run ${verdict.max} watch${verdict.max === 1 ? '' : 'es'}, the limit per person; stop one first`;
      return { ok: false, reason };
    }
    this.#hold(watch);
    return { ok: true, watch };
  }

  #hold(watch: Watch): void {
    const held: Held = { watch, timer: null };
    this.#held.set(watch.id, held);
    this.#schedule(held);
  }

  #schedule(held: Held): void {
    const w = held.watch;
    const at = Math.min(w.nextAt, w.endsAt);
    held.timer = setTimeout(() => void this.#fire(w.id), Math.max(0, at - this.now()));
  }

  /** Lets a watch go here (it ended elsewhere, was taken, or this replica hands it back). */
  #drop(id: string): Held | undefined {
    const held = this.#held.get(id);
    if (!held) return undefined;
    this.#held.delete(id);
    if (held.timer) clearTimeout(held.timer);
    return held;
  }

  /** Lets a watch go without a word in its thread (it ended elsewhere, or another replica holds it now). */
  #letGo(id: string): void {
    if (this.#drop(id)) this.log.info('watch_let_go', { id, owner: this.owner });
  }

  async #fire(id: string): Promise<void> {
    const held = this.#held.get(id);
    if (!held || !this.#hooks) return;
    held.timer = null;
    const w = held.watch;
    if (this.now() >= w.endsAt) {
      await this.#end(id, 'expired', null);
      return;
    }
    // Never two checks at once: the lease is renewed first, and a watch this replica no longer holds is let go.
    if (!(await this.#stillHeld(id))) {
      this.#letGo(id);
      return;
    }
    w.checks += 1;
    let keepGoing = true;
    try {
      keepGoing = await this.#hooks.tick(w);
    } catch {
      keepGoing = false;
    }
    // Stopped or handed back while the check ran: whoever ended it said what there was to say.
    if (this.#held.get(id) !== held) return;
    if (!keepGoing) {
      await this.#end(id, 'failed', null);
      return;
    }
    w.intervalMs = Math.min(Math.round(w.intervalMs * this.limits.backoff), this.limits.maxIntervalMs);
    w.nextAt = this.now() + w.intervalMs;
    if (!(await this.#save(w))) {
      this.#letGo(id);
      return;
    }
    if (this.#held.get(id) === held) this.#schedule(held);
  }

  /** True when this replica still holds the watch; true too when the store cannot say (keep running). */
  async #stillHeld(id: string): Promise<boolean> {
    try {
      const kept = await this.store.renewWatches([id], this.#lease());
      this.#up();
      return kept.includes(id) || (await this.#restore(id));
    } catch (err) {
      this.#down(err);
      return true;
    }
  }

  /** Saves progress; false when the watch is no longer ours. A store that is down keeps it running here. */
  async #save(w: Watch): Promise<boolean> {
    try {
      const ok = await this.store.saveWatch(w, this.#lease());
      this.#up();
      return ok || (await this.#restore(w.id));
    } catch (err) {
      this.#down(err);
      return true;
    }
  }

  /**
   * A watch held here that the store does not list as ours: taken by another replica, ended (Stop), or lost by the
   * store (a Redis that came back empty). Only the last is put back; the store tells them apart (restoreWatch).
   */
  async #restore(id: string): Promise<boolean> {
    const held = this.#held.get(id);
    if (!held) return false;
    const back = await this.store.restoreWatch(held.watch, this.#lease());
    if (back) this.log.warn('watch_restored', { id, owner: this.owner, target: held.watch.what, hint: 'the store had lost this running watch (emptied or restored from an older copy); it is saved again' });
    return back;
  }

  async #end(id: string, reason: EndReason, by: string | null): Promise<Watch | null> {
    const held = this.#drop(id);
    let ended: Watch | null;
    try {
      ended = await this.store.endWatch(id);
    } catch (err) {
      this.#down(err);
      // The store will forget it by itself (every record expires); this replica stops now either way.
      ended = held?.watch ?? null;
    }
    const w = ended ? { ...ended, checks: Math.max(ended.checks, held?.watch.checks ?? 0) } : null;
    if (w && this.#hooks) {
      try {
        await this.#hooks.end(w, reason, by);
      } catch {
        // Saying goodbye is best effort; the watch has ended either way.
      }
    }
    return w;
  }

  /** Ends a watch from any replica; null when it is not running (it ended, or never existed). */
  async stop(id: string, by: string): Promise<Watch | null> {
    return this.#end(id, 'stopped', by);
  }

  /** Renews what this replica holds and claims what nobody holds. One look at a time. */
  async #look(): Promise<void> {
    if (this.#looking || !this.#hooks) return;
    this.#looking = true;
    try {
      const now = this.now();
      if (now - this.#lastRenew >= this.limits.leaseMs / 3 && this.#held.size > 0) {
        const ids = [...this.#held.keys()];
        const kept = new Set(await this.store.renewWatches(ids, this.#lease()));
        this.#lastRenew = now;
        for (const id of ids) {
          if (!kept.has(id) && !(await this.#restore(id))) this.#letGo(id);
        }
      }
      const room = Math.max(0, this.limits.total - this.#held.size);
      if (room > 0) {
        const claimed = await this.store.claimWatches(this.#lease(), room);
        // Handed back (SIGTERM) while this claim was on its way: what it took goes straight back too.
        if (this.#loop === null) {
          if (claimed.length > 0) await this.store.releaseWatches(claimed.map((w) => w.id), this.owner);
          return;
        }
        for (const w of claimed) {
          if (this.#held.has(w.id)) continue;
          this.log.info('watch_taken_over', { id: w.id, owner: this.owner, target: w.what, checks: w.checks, endsInS: Math.round((w.endsAt - now) / 1000) });
          this.#hold(w);
        }
      }
      this.#up();
    } catch (err) {
      this.#down(err);
    } finally {
      this.#looking = false;
    }
  }

  #down(err: unknown): void {
    if (!(err instanceof StoreUnavailable)) {
      this.log.warn('watch_store_failed', { error: err });
      return;
    }
    if (this.#storeDown) return;
    this.#storeDown = true;
    this.log.warn('store_unavailable', { op: 'watches', held: this.#held.size, error: err, hint: 'watches keep running here and are saved again when the store is back' });
  }

  #up(): void {
    if (!this.#storeDown) return;
    this.#storeDown = false;
    this.log.info('store_back', { op: 'watches', held: this.#held.size });
    // Progress made while the store was away is saved now; a watch taken meanwhile is let go.
    for (const held of [...this.#held.values()]) {
      void this.#save(held.watch).then((ok) => {
        if (!ok) this.#letGo(held.watch.id);
      });
    }
  }

  /** SIGTERM: stop checking and give every lease back at once, so another replica (or the next start) resumes. */
  async handBack(): Promise<number> {
    if (this.#loop) clearInterval(this.#loop);
    this.#loop = null;
    const ids = [...this.#held.keys()];
    for (const id of ids) this.#drop(id);
    if (ids.length === 0) return 0;
    try {
      await this.store.releaseWatches(ids, this.owner);
      this.log.info('watches_handed_back', { count: ids.length, owner: this.owner });
    } catch (err) {
      // Not given back: they are taken over when the leases run out instead.
      this.log.warn('store_unavailable', { op: 'releaseWatches', count: ids.length, error: err, hint: `another replica takes them over within ${this.limits.leaseMs} ms` });
    }
    return ids.length;
  }
}
