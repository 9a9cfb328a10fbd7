// Which hit is the error the paste is about: the heaviest one, deeper in a Java "Caused by:" chain on a tie.
import { isPlaceholder } from './endpoint.js';
import type { Hit } from './scan.js';

/** The root cause: the heaviest hit; deeper in a "Caused by:" chain wins a tie, then the earliest. */
export function pickRoot(hits: Hit[], lines: string[]): Hit {
  let best = hits[0]!;
  for (const h of hits) {
    if (h.weight > best.weight || (h.weight === best.weight && h.depth > best.depth)) best = h;
  }
  // The same error pasted twice, once masked (an issue title with 172.16.**.**) and once as printed: the printed one.
  if (best.host && isPlaceholder(best.host)) {
    const b = best;
    const real = hits.find((h) => h !== b && h.kind === b.kind && h.signature === b.signature && h.weight === b.weight
      && h.host && !isPlaceholder(h.host));
    if (real) best = real;
  }
  // "Failed to connect by socket, retrying over TCP/IP": the attempt after the retry is the verdict.
  for (let i = best.line + 1; i < Math.min(lines.length, best.line + 6); i++) {
    if (!RETRY_OTHER_WAY.test(lines[i]!)) continue;
    const next = hits.find((h) => h.line > i && h.line <= i + 6 && h.kind && h.kind !== 'none' && h.weight >= best.weight - 1);
    if (next) return next;
  }
  return best;
}

const RETRY_OTHER_WAY = /\bretrying (?:over|via|with|using) (?:TCP|TCP\/IP|IPv4|IPv6|tcp)\b|\bfalling back to (?:TCP|IPv4|IPv6)\b/i;
