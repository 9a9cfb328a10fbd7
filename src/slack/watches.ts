// Watches: keep checking a target with growing pauses for a bounded time. Bounded per person and in total,
// because each watch costs probes against someone's server. A watch lives in the instance that started it.
import { randomUUID } from 'node:crypto';
import type { WatchLimits } from '../config.js';
import type { DiagnoseRequest } from '../request.js';

export interface Watch {
  id: string;
  user: string;
  /** The workspace the watch was started in (its Stop button is bound to it), when Slack said. */
  team: string | null;
  channel: string;
  threadTs: string;
  request: DiagnoseRequest;
  what: string;
  /** The state last reported (see state.ts). */
  state: Record<string, string>;
  startedAt: number;
  checks: number;
}

export type EndReason = 'expired' | 'stopped' | 'shutdown' | 'failed';

export interface WatchHooks {
  /** One check; resolves false to end the watch. Never called after the watch ended. */
  tick(w: Watch): Promise<boolean>;
  end(w: Watch, reason: EndReason, by: string | null): Promise<void>;
}

export class Watches {
  #live = new Map<string, { watch: Watch; timer: NodeJS.Timeout | null; hooks: WatchHooks }>();

  constructor(readonly limits: WatchLimits, private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.#live.size;
  }

  countFor(user: string): number {
    let n = 0;
    for (const { watch } of this.#live.values()) if (watch.user === user) n += 1;
    return n;
  }

  start(spec: Omit<Watch, 'id' | 'startedAt' | 'checks'>, hooks: WatchHooks): { ok: true; watch: Watch } | { ok: false; reason: string } {
    if (this.#live.size >= this.limits.total) return { ok: false, reason: `this bot already runs ${this.limits.total} watches, its limit; try again when one ends` };
    if (this.countFor(spec.user) >= this.limits.perUser) {
      return { ok: false, reason: `you already run ${this.limits.perUser} watch${this.limits.perUser === 1 ? '' : 'es'}, the limit per person; stop one first` };
    }
    const watch: Watch = { ...spec, id: randomUUID(), startedAt: this.now(), checks: 0 };
    this.#live.set(watch.id, { watch, timer: null, hooks });
    this.#schedule(watch.id, this.limits.firstIntervalMs);
    return { ok: true, watch };
  }

  #schedule(id: string, delay: number): void {
    const entry = this.#live.get(id);
    if (!entry) return;
    const left = entry.watch.startedAt + this.limits.durationMs - this.now();
    entry.timer = setTimeout(() => void this.#fire(id, delay), Math.max(0, Math.min(delay, left)));
  }

  async #fire(id: string, delay: number): Promise<void> {
    const entry = this.#live.get(id);
    if (!entry) return;
    entry.timer = null;
    entry.watch.checks += 1;
    let keepGoing = true;
    try {
      keepGoing = await entry.hooks.tick(entry.watch);
    } catch {
      keepGoing = false;
    }
    // Stopped while the check ran: the stop already said goodbye.
    if (!this.#live.has(id)) return;
    if (!keepGoing) return this.#end(id, 'failed', null);
    if (this.now() - entry.watch.startedAt >= this.limits.durationMs) return this.#end(id, 'expired', null);
    this.#schedule(id, Math.min(delay * this.limits.backoff, this.limits.maxIntervalMs));
  }

  async #end(id: string, reason: EndReason, by: string | null): Promise<void> {
    const entry = this.#live.get(id);
    if (!entry) return;
    this.#live.delete(id);
    if (entry.timer) clearTimeout(entry.timer);
    try {
      await entry.hooks.end(entry.watch, reason, by);
    } catch {
      // Saying goodbye is best effort; the watch has ended either way.
    }
  }

  /** Ends a watch; null when it is not running here (ended, or started by another instance). */
  async stop(id: string, by: string): Promise<Watch | null> {
    const entry = this.#live.get(id);
    if (!entry) return null;
    await this.#end(id, 'stopped', by);
    return entry.watch;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#live.keys()].map((id) => this.#end(id, 'shutdown', null)));
  }
}
