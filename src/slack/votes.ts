// "Fixed it" and "Didn't help", kept in the store: one vote per person per message (a second click replaces the
// first), and per-workspace counts per cause, which move the confidence of the causes whose rules fire
// (rules/feedback.ts). Votes and counts are kept for a year after the last vote (every vote refreshes them).
import { CAUSE_IDS } from '../domain/types.js';
import type { CauseCounts, Store, Vote } from '../store/store.js';

const TTL_MS = 365 * 24 * 3600 * 1000;

export class Votes {
  constructor(
    private readonly store: Pick<Store, 'vote' | 'causeCounts'>,
    private readonly onDown: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a vote; the vote it replaced, or null; throws StoreUnavailable (the person is told it was not kept). */
  async cast(v: Vote): Promise<Pick<Vote, 'cause' | 'helpful'> | null> {
    const r = await this.store.vote(v, TTL_MS, this.now());
    return r.replaced;
  }

  /** The workspace's counts for every cause; empty when the store cannot be reached (nothing moves then). */
  async counts(team: string | null): Promise<Map<string, CauseCounts>> {
    if (team === null) return new Map();
    try {
      return await this.store.causeCounts(team, [...CAUSE_IDS], this.now());
    } catch (err) {
      this.onDown(err);
      return new Map();
    }
  }
}
