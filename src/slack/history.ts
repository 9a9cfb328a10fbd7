// What the bot remembers of its conversations, in the store (store/store.ts) so every replica sees it and a
// restart forgets nothing: each person's last diagnoses for their App Home tab, and the Slack deliveries
// already answered (a retried event, a payload handed to a second connection, a mention that also arrives as a
// message). A store that cannot be reached costs the history (the tab shows none) but never an answer; the
// deliveries then fall back to this process's own memory.
import type { HomeEntry } from '../render/slack/home.js';
import type { Store } from '../store/store.js';

/** Diagnoses kept per person, and for how long. */
const KEEP = 5;
const HISTORY_TTL_MS = 30 * 24 * 3600 * 1000;
/** Slack retries an event for about an hour at most (three tries, the last some minutes later): a day is ample. */
const DELIVERY_TTL_MS = 24 * 3600 * 1000;

export class History {
  constructor(
    private readonly store: Pick<Store, 'addHistory' | 'recentHistory'>,
    private readonly onDown: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers one diagnosis for the person; a failure is reported, never thrown (history is a convenience). */
  add(user: string, entry: HomeEntry): Promise<void> {
    return this.store.addHistory(user, entry, KEEP, HISTORY_TTL_MS, this.now()).catch(this.onDown);
  }

  /** Newest first; empty when the store cannot be reached. */
  async recent(user: string): Promise<HomeEntry[]> {
    try {
      return (await this.store.recentHistory(user, KEEP, this.now())).filter(isEntry);
    } catch (err) {
      this.onDown(err);
      return [];
    }
  }
}

/** A stored entry read back: only the fields the Home tab shows, each a short string (a stale record is skipped). */
function isEntry(e: unknown): e is HomeEntry {
  const r = e as Partial<HomeEntry> | null;
  const text = (v: unknown) => typeof v === 'string' && v.length <= 1000;
  return r !== null && typeof r === 'object' && text(r.at) && text(r.what) && text(r.verdict) && (r.channel === null || text(r.channel));
}

/** Remembers what was answered, so a retried or doubled delivery gets one reply, across replicas. */
export class Deliveries {
  #local = new Seen();

  constructor(
    private readonly store: Pick<Store, 'firstDelivery'>,
    private readonly onDown: (err: unknown) => void,
    private readonly now: () => number = Date.now,
    /** Several processes share the store (Redis): a delivery may have gone to another one. */
    private readonly shared = true,
  ) {}

  /**
   * The same, for a command or a click, checked before its ack: with a store of one process (SQLite) this process's
   * memory already knows every delivery, so the ack does not wait for a synchronous write (bench rows 1, 2 and 9).
   */
  firstBeforeAck(key: string): Promise<boolean> {
    return this.shared ? this.first(key) : Promise.resolve(this.#local.first(key));
  }

  /**
   * The same, answered at once from this process's memory, when that memory knows every delivery (a store of one
   * process); null when the store is shared and would have to be asked.
   */
  firstHere(key: string): boolean | null {
    return this.shared ? null : this.#local.first(key);
  }

  /** True the first time a key is offered (to any replica sharing the store). */
  async first(key: string): Promise<boolean> {
    // This process first: a doubled delivery here costs no round trip, and it still works with the store away.
    if (!this.#local.first(key)) return false;
    try {
      return await this.store.firstDelivery(key, DELIVERY_TTL_MS, this.now());
    } catch (err) {
      this.onDown(err);
      return true;
    }
  }
}

/** A bounded set of keys seen by this process. */
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
