// parse(text) → Facts: what a pasted message says about a failed connection.
//
//   a long paste keeps its start and its end (cut.ts)
//   → normalise (Slack markup, ANSI, fences) → redact (so nothing below can see a secret) → lines
//   → scan: every signature row against every line, the rows that matched one line merged into a hit (scan.ts)
//   → the root hit, the deepest cause (root.ts)
//   → a draft from the root line, which each pass in passes/index.ts fills from the rest of the paste
//   → Facts
import type { ErrorKind, Facts } from '../domain/types.js';
import { newContext, newDraft, toFacts } from './draft.js';
import { cutNote } from './cut.js';
import { cleanHost, isIp, parseUrl } from './endpoint.js';
import { cutInput, NORMALIZE_STEPS, toLines } from './normalize.js';
import { PASSES } from './passes/index.js';
import { REDACT_STEPS, redact } from './redact.js';
import { pickRoot } from './root.js';
import { scan, type Hit } from './scan.js';
import { schemeInfo, serviceForPort, tlsFor } from './services.js';
import { Steps } from './steps.js';

export { cutMarker, cutNote, keepEnds } from './cut.js';
export { redact } from './redact.js';
export { SERVICE_PORTS, schemeInfo, serviceForPort } from './services.js';

export function emptyFacts(): Facts {
  return {
    kind: 'none', host: null, port: null, portInferred: false, addresses: [], unixSocket: null, runtime: null,
    client: null, service: null, os: null, proxy: null, destination: null, scheme: null, tls: null, errno: null,
    hints: [], matched: null, signature: null, notes: [],
  };
}

/** Facts for a typed `host port` target: nothing happened yet, so kind is 'none'. */
export function factsFromEndpoint(host: string, port: number | null): Facts {
  const h = cleanHost(redact(host));
  return {
    ...emptyFacts(),
    host: h || null,
    port,
    addresses: isIp(h) ? [h] : [],
    service: port !== null ? serviceForPort(port) : null,
    hints: ['typed'],
  };
}

/** Facts for a typed URL (postgres://u:p@db/app); null when the text is not a URL. */
export function factsFromUrl(url: string): Facts | null {
  const safe = redact(url.trim());
  const u = parseUrl(safe);
  if (!u || (!u.host && !u.unixSocket)) return null;
  const info = schemeInfo(u.scheme);
  const service = info?.service ?? (u.port !== null ? serviceForPort(u.port) : null);
  const notes = u.portInferred && u.port !== null ? [`port ${u.port} inferred from ${u.scheme}://`] : [];
  return {
    ...emptyFacts(),
    host: u.host,
    port: u.port,
    portInferred: u.portInferred,
    addresses: u.host && isIp(u.host) ? [u.host] : [],
    unixSocket: u.unixSocket,
    service,
    scheme: u.scheme,
    tls: tlsFor(u.scheme, u.tls),
    hints: ['typed'],
    notes,
  };
}

/** A whole pasted message in, Facts out. Pure, linear, and it never throws. */
export function parse(text: string): Facts {
  try {
    return readPaste(typeof text === 'string' ? text : String(text ?? ''));
  } catch {
    // A bug here must not take the bot down: the diagnosis continues with what a typed target gives.
    return { ...emptyFacts(), notes: ['the text could not be read'] };
  }
}

// Normalising and redacting, as normalizeText() then redact() would, in one pass over the lines (steps.ts).
const CLEAN = new Steps([...NORMALIZE_STEPS, ...REDACT_STEPS]);

function readPaste(input: string): Facts {
  const kept = cutInput(input);
  const facts = readText(kept);
  // A long paste was read at its start and its end only: say what was left out.
  const cut = cutNote(kept);
  return cut ? { ...facts, notes: [...facts.notes, cut] } : facts;
}

function readText(kept: string): Facts {
  const clean = CLEAN.run(kept);
  const lines = toLines(clean);
  const hits = scan(lines);
  const kindHits = hits.filter((h) => h.kind);
  if (kindHits.length === 0) return { ...emptyFacts(), notes: ['no connection error found in the text'] };
  const root = pickRoot(kindHits, lines);
  if (!isConnectionError(root)) return notAConnectionError(root, lines);
  const ctx = newContext(clean, lines, hits, kindHits, root);
  const draft = newDraft(root);
  for (const pass of PASSES) pass(draft, ctx);
  return toFacts(draft, ctx);
}

function isConnectionError(root: Hit): root is Hit & { kind: Exclude<ErrorKind, 'none'> } {
  return root.kind !== null && root.kind !== 'none';
}

/** The paste's error is of another sort (a port already taken, a rejected password): no target to probe. */
function notAConnectionError(root: Hit, lines: string[]): Facts {
  const matched = lines[root.line]!.trim().slice(0, 300);
  const shown = matched.length > 120 ? `${matched.slice(0, 117)}…` : matched;
  return { ...emptyFacts(), matched, signature: root.signature, notes: [`the error is not a failed connection: ${shown}`] };
}
