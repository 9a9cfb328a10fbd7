// "Fixed it" and "Didn't help", kept in the store: one vote per person per message (a second click replaces the
// first), and per-workspace counts per cause, which move the confidence of the causes whose rules fire
// (rules/feedback.ts). Votes and counts are kept for a year after the last vote (every vote refreshes them).
import { CAUSE_IDS } from '../domain/types.js';
import type { CauseCounts, Store, Vote } from '../store/store.js';

const TTL_MS = 365 * 24 * 3600 * 1000;
/**
 * A workspace's counts are read once per this long, not once per diagnosis: a burst of 200 commands made 200 reads of
 * every cause's counts (synchronous with SQLite), and a vote moves an answer a few seconds later just as well. A
 * vote cast here is seen at once (the cache is dropped); one cast on another replica within this long.
 */
const COUNTS_FRESH_MS = 10_000;
const MAX_TEAMS = 1000;

export class Votes {
  #cache = new Map<string, { at: number; counts: Map<string, CauseCounts> }>();

  constructor(
    private readonly store: Pick<Store, 'vote' | 'causeCounts'>,
    private readonly onDown: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a vote; the vote it replaced, or null; throws StoreUnavailable (the person is told it was not kept). */
  async cast(v: Vote): Promise<Pick<Vote, 'cause' | 'helpful'> | null> {
    const r = await this.store.vote(v, TTL_MS, this.now());
    this.#cache.delete(v.team);
    return r.replaced;
  }

  /** The workspace's counts for every cause; empty when the store cannot be reached (nothing moves then). */
  async counts(team: string | null): Promise<Map<string, CauseCounts>> {
    if (team === null) return new Map();
    const now = this.now();
    const kept = this.#cache.get(team);
    if (kept && now - kept.at < COUNTS_FRESH_MS) return kept.counts;
    try {
      const counts = await this.store.causeCounts(team, [...CAUSE_IDS], now);
      if (this.#cache.size >= MAX_TEAMS) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(team, { at: now, counts });
      return counts;
    } catch (err) {
      this.onDown(err);
      return new Map();
    }
  }
}
