// What people in one workspace said about a cause ("Fixed it", "Didn't help") moves its confidence there.
//
// The rule's own confidence counts as VOTES_PER_RULE votes of a prior, and the workspace's votes are added to it:
// p' = (k·p + fixed) / (k + fixed + notHelped). A few votes nudge a cause; many votes outweigh the rule. The
// result stays in 0–1 (fixed is never more than all the votes), and a cause nobody voted on keeps its number.
//
// Which causes move: every cause that fired, an operator's included, except a healthy one (reachable-from-here):
// that one is what the probes saw (every address accepted), not a guess, and "Didn't help" on it mostly means
// "nothing to fix from here". Votes moving it would let a workspace's habits turn an open port into a problem,
// or a doubtful open port (TLS spoken where plain was expected) into "all is well", and with it Diagnosis.healthy,
// the CLI's exit code and the message metadata. Other causes may still overtake it, as they already can by rule.
import type { Finding } from '../domain/types.js';
import type { Rule } from './types.js';

/** How many votes the rule's own confidence is worth (k in the formula). */
export const VOTES_PER_RULE = 10;

/** One cause's votes in one workspace. */
export interface FeedbackCounts {
  fixed: number;
  notHelped: number;
}

/** Votes by cause id; a workspace's, from the store. */
export type Feedback = ReadonlyMap<string, FeedbackCounts>;

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * The counts when they are usable (two whole numbers ≥ 0, at least one vote), else null. A bad stored value
 * (NaN, −1, 2.5, Infinity, a string) drops the whole entry rather than half of it: half would skew the cause.
 */
export function usableCounts(counts: unknown): FeedbackCounts | null {
  if (typeof counts !== 'object' || counts === null) return null;
  const { fixed, notHelped } = counts as Partial<Record<keyof FeedbackCounts, unknown>>;
  if (!isCount(fixed) || !isCount(notHelped) || fixed + notHelped === 0) return null;
  return { fixed, notHelped };
}

/** p' = (k·p + fixed) / (k + fixed + notHelped), k = VOTES_PER_RULE. */
export function votedConfidence(confidence: number, counts: FeedbackCounts): number {
  return (VOTES_PER_RULE * confidence + counts.fixed) / (VOTES_PER_RULE + counts.fixed + counts.notHelped);
}

/**
 * Votes move each voted cause to (k·p + fixed) / (k + fixed + notHelped), k = 10, then the causes are re-sorted.
 *
 * Only a cause with at least one usable vote moves (see usableCounts); it gets `feedback` with its counts and the
 * confidence its rule gave (`before`). Healthy causes (their rule says `healthy`, looked up in `rules` by id) never
 * move. The sort is stable: causes with equal confidence keep their order. No usable vote: the same array back.
 */
export function applyFeedback(causes: Finding[], feedback: Feedback | undefined, rules: readonly Pick<Rule, 'id' | 'healthy'>[]): Finding[] {
  if (!feedback || feedback.size === 0) return causes;
  let moved = false;
  const out = causes.map((f) => {
    const counts = usableCounts(feedback.get(String(f.id)));
    if (counts === null || rules.some((r) => r.id === f.id && r.healthy === true)) return f;
    moved = true;
    return { ...f, confidence: votedConfidence(f.confidence, counts), feedback: { ...counts, before: f.confidence } };
  });
  // Array.prototype.sort is stable (ES2019), so ties keep the order the rules gave.
  return moved ? out.sort((a, b) => b.confidence - a.confidence) : causes;
}
