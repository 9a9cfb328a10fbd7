// Findings → the one line a person reads first. The top cause's (filled) title, plus what the probe saw
// when something failed: "Nothing is listening on db.internal:5432 (refused on 10.0.0.5 in 0.4 ms)."
import { formatMs, hostPort, OUTCOME_WORDS } from '../domain/describe.js';
import type { Finding, TcpOutcome } from '../domain/types.js';
import type { RuleContext } from './types.js';
import type { AddressView } from './view.js';

const WORDS = OUTCOME_WORDS.verdict;

/** "refused on 10.0.0.5 in 0.4 ms" / "refused on ::1, open on 127.0.0.1" — null when nothing failed. */
export function probeSummary(addresses: readonly AddressView[]): string | null {
  if (addresses.length === 0 || addresses.every((a) => a.first === 'open' && !a.flapping)) return null;
  if (addresses.length === 1) {
    const a = addresses[0]!;
    if (a.flapping) return `${a.address} answered on ${a.outcomes.filter((o) => o === 'open').length} of ${a.outcomes.length} tries`;
    return `${WORDS[a.first]} on ${a.address} ${a.first === 'timeout' ? 'after' : 'in'} ${formatMs(a.ms)}`;
  }
  const groups = new Map<TcpOutcome, string[]>();
  for (const a of addresses) {
    const list = groups.get(a.first);
    if (list) list.push(a.address);
    else groups.set(a.first, [a.address]);
  }
  return [...groups].map(([o, list]) => `${WORDS[o]} on ${list.join(', ')}`).join('; ');
}

export function verdict(findings: readonly Finding[], ctx: RuleContext): string {
  const { facts, view } = ctx;
  const top = findings[0];
  if (!top) {
    if (facts.kind === 'none' && !facts.host && !facts.unixSocket) return 'No connection error found in the text.';
    const what = facts.host ? hostPort(facts.host, facts.port) : facts.unixSocket ?? 'the target';
    if (facts.kind === 'none') return `Nothing to go on for ${what}: no error in the text and nothing probed.`;
    return `No known cause fits this ${facts.kind} error for ${what}.`;
  }
  const title = top.title.replace(/[.\s]+$/, '');
  const summary = probeSummary(view.addresses);
  // The host was masked in the paste: the port is known, the host is not, and only the real one can be checked.
  if (!facts.host && facts.hints.includes('host-masked')) {
    const port = facts.port ?? maskedPort(facts);
    return `${title} (the host is masked in the paste; to check the real one: /refused <host> ${port ?? '<port>'}).`;
  }
  if (summary) return `${title} (${summary}).`;
  if (!view.probed && view.skipped['no-probe']) return `${title} (from the text alone; nothing was probed).`;
  return `${title}.`;
}

/** The port written next to a masked host ("xx.xx.xx.xx:6379"), which the parser keeps in its note only. */
function maskedPort(facts: RuleContext['facts']): number | null {
  const note = facts.notes.find((n) => n.startsWith('the host in the paste is masked ('));
  const m = note ? /only the port is known \((\d{1,5})\)$/.exec(note) : null;
  return m ? Number(m[1]) : null;
}
