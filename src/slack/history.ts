// The last few diagnoses each person asked for, for their App Home tab. Memory only and per instance:
// it is a convenience, not a record (the structured log is the record).
import type { HomeEntry } from '../render/slack/home.js';

export class History {
  #byUser = new Map<string, HomeEntry[]>();

  constructor(private readonly perUser = 5, private readonly maxUsers = 5000) {}

  /** People remembered (never more than maxUsers). */
  get size(): number {
    return this.#byUser.size;
  }

  add(user: string, entry: HomeEntry): void {
    const list = this.#byUser.get(user) ?? [];
    list.unshift(entry);
    list.length = Math.min(list.length, this.perUser);
    // Re-inserting keeps Map order = recency, so the oldest user is the first key.
    this.#byUser.delete(user);
    this.#byUser.set(user, list);
    if (this.#byUser.size > this.maxUsers) this.#byUser.delete(this.#byUser.keys().next().value!);
  }

  recent(user: string): HomeEntry[] {
    return this.#byUser.get(user) ?? [];
  }
}

/** Remembers what was answered, so a retried or doubled event (message + app_mention) gets one reply. */
export class Seen {
  #keys = new Set<string>();
  constructor(private readonly max = 2000) {}

  get size(): number {
    return this.#keys.size;
  }

  /** True the first time a key is offered. */
  first(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.max) this.#keys.delete(this.#keys.values().next().value!);
    return true;
  }
}
