// The probed state of a diagnosis in a few words per endpoint, so a re-check or a watch can say what
// changed ("10.0.0.5:5432 was refused, now open") without keeping the old diagnosis anywhere.
import { hostPort, OUTCOME_WORDS } from '../domain/describe.js';
import type { Diagnosis } from '../domain/types.js';

const MAX_ENTRIES = 16;

export function snapshot(d: Diagnosis): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, Set<string>>();
  for (const e of d.evidence) {
    if (e.type === 'dns' && !e.literal) out[`dns ${e.host}`] = e.error ? `not resolving (${e.error})` : 'resolving';
    if (e.type === 'tcp') {
      const key = hostPort(e.address, e.port);
      const set = seen.get(key) ?? new Set<string>();
      set.add(OUTCOME_WORDS.state[e.outcome]);
      seen.set(key, set);
    }
    if (e.type === 'unix') out[`unix ${e.path}`] = e.outcome;
  }
  for (const [key, outcomes] of seen) out[key] = outcomes.size === 1 ? [...outcomes][0]! : 'flapping';
  const keys = Object.keys(out).slice(0, MAX_ENTRIES);
  return Object.fromEntries(keys.map((k) => [k, out[k]!]));
}

/** Lines for people; empty when nothing changed. */
export function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const [key, now] of Object.entries(after)) {
    const was = before[key];
    if (was === undefined) {
      if (Object.keys(before).length > 0) lines.push(`${key} is new: ${now}`);
    } else if (was !== now) lines.push(`${key} was ${was}, now ${now}`);
  }
  for (const key of Object.keys(before)) if (!(key in after)) lines.push(`${key} (${before[key]}) was not checked this time`);
  return lines;
}
