// Lines → hits. Every row of the signature table is tried on every line that could match (a cheap word filter
// first); the rows that matched one line are merged into one Hit: what that line says, heaviest row first and
// the table order breaking ties.
import type { Endpoint, ErrorKind, Os, Runtime, Service } from '../domain/types.js';
import { isIp, isLoopback } from './endpoint.js';
import { DEFAULT_ERRNO } from './errno.js';
import { WordIndex } from './keywords.js';
import { SIGNATURES, type Extract, type Signature } from './signatures/index.js';

/** What one line says, merged from every row that matched it. */
export interface Hit {
  /** Index of the line in the clean lines. */
  line: number;
  weight: number;
  kind: ErrorKind | null;
  errno: string | null;
  os: Os | null;
  host: string | null;
  port: number | null;
  portInferred: boolean;
  addresses: string[];
  unixSocket: string | null;
  scheme: string | null;
  tls: boolean | null;
  hints: string[];
  proxy: Endpoint | null;
  destination: Endpoint | null;
  client: string | null;
  runtime: Runtime | null;
  service: Service | null;
  signature: string | null;
  /** How deep in a Java "Caused by:" chain this line sits (0 outside one). */
  depth: number;
}

interface Found {
  sig: Signature;
  ext: Extract;
  weight: number;
}

const MAX_HITS = 2000;

// Which rows could match a line: the rows whose `pre` words the lower-cased line holds, found in one pass over
// each line (keywords.ts) instead of row by row. The last group is not a row: "caused by:", which the chain depth
// counts on the lines that hold it.
const ROW_WORDS = SIGNATURES.map((s) => (typeof s.pre === 'string' ? [s.pre] : [...s.pre]));
const CAUSED_BY = ROW_WORDS.length;
// Built at the first scan: the command that only probes a host and port never scans, and building it cost every
// start of it about 3 ms.
let words: WordIndex | null = null;
const CAUSED_BY_LINE = /^\s{0,8}caused by:/;

// Lines that are about the error words rather than an error: a script's search pattern
// (grep -i "port 22: connection refused\|…"), code that compares an error code (if (err.code === 'ECONNRESET')).
const SEARCH_PATTERN = /\b(?:e?grep|findstr|select-string)\s{1,4}(?:-{1,2}[\w-]{1,20}\s{1,4}){0,4}['"]/i;
const CODE_COMPARE = /(?:[!=]==?|\bcase|\bin)\s{0,4}\(?\[?['"`](?:E[A-Z_]{3,24}|UND_ERR_[A-Z_]{1,30})['"`]/;
/** Lines after a code comparison where a bare code or error word belongs to the same code. */
const CODE_REACH = 4;

/** Every line that some row matches, merged into one hit a line, in line order (at most MAX_HITS). */
export function scan(lines: string[]): Hit[] {
  const hits: Hit[] = [];
  // A log repeats its lines (a retry loop): a line read before is merged as it was then.
  const merged = new Map<Found[], Hit>();
  for (const { line, found, depth } of matchLines(lines)) {
    let hit = merged.get(found);
    if (hit === undefined) {
      hit = mergeLine(line, found, depth);
      merged.set(found, hit);
      hits.push(hit);
    } else {
      hits.push({ ...hit, line, depth, addresses: [...hit.addresses], hints: [...hit.hints] });
    }
    if (hits.length >= MAX_HITS) break;
  }
  return hits;
}

/** The ids of the rows that match some line, exactly as scan() matches them (the table's coverage test uses it). */
export function rowIdsMatching(lines: string[]): Set<string> {
  const ids = new Set<string>();
  for (const { found } of matchLines(lines)) for (const f of found) ids.add(f.sig.id);
  return ids;
}

/** Each line that at least one row matches, with those rows and the line's depth in a "Caused by:" chain. */
function* matchLines(lines: string[]): Generator<{ line: number; found: Found[]; depth: number }> {
  words ??= new WordIndex([...ROW_WORDS, ['caused by:']]);
  const groups = words.groupsPerLine(lines);
  // What each line's text gave, for lines no row reads together with the next ones (span).
  const seen = new Map<string, Found[] | 'search' | 'code'>();
  let depth = 0;
  let codeUntil = -1;
  for (let i = 0; i < lines.length; i++) {
    const rows = groups[i];
    if (!rows) continue;
    const line = lines[i]!;
    if (line.length < 6) continue;
    const causedBy = rows[rows.length - 1] === CAUSED_BY && CAUSED_BY_LINE.test(line.toLowerCase());
    if (causedBy) depth++;
    if (rows[0] === CAUSED_BY) continue;
    const alone = !rows.some((r) => r !== CAUSED_BY && SIGNATURES[r]!.span);
    let read = alone ? seen.get(line) : undefined;
    if (read === undefined) {
      read = readLine(lines, i, rows);
      if (alone) seen.set(line, read);
    }
    if (read === 'search') continue;
    if (read === 'code') {
      codeUntil = i + CODE_REACH;
      continue;
    }
    // Next to code that tests for an error code, a bare code or error word is that code's string, not an error.
    const found = i <= codeUntil ? read.filter((f) => f.weight >= 3 || f.ext.host) : read;
    if (found.length) yield { line: i, found, depth: causedBy ? depth : 0 };
  }
}

/** What the rows a line concerns read from it (with the lines after it, for a row that spans them). */
function readLine(lines: string[], i: number, rows: number[]): Found[] | 'search' | 'code' {
  const line = lines[i]!;
  if (SEARCH_PATTERN.test(line)) return 'search';
  if (CODE_COMPARE.test(line)) return 'code';
  const found: Found[] = [];
  for (const r of rows) {
    if (r === CAUSED_BY) break;
    const sig = SIGNATURES[r]!;
    const target = sig.span ? [line, ...lines.slice(i + 1, i + 1 + sig.span).map((l) => l.trim())].join(' ') : line;
    const m = sig.re.exec(target);
    if (!m) continue;
    const ext = sig.extract ? sig.extract(m, target) : {};
    if (!ext) continue;
    found.push({ sig, ext, weight: ext.weight ?? sig.weight });
  }
  return found;
}

function mergeLine(line: number, found: Found[], depth: number): Hit {
  // Heaviest first; the table order breaks ties (specific rows come before generic ones).
  const sorted = [...found].sort((a, b) => b.weight - a.weight);
  const kindOf = (f: Found) => (f.ext.kind !== undefined ? f.ext.kind : f.sig.kind);
  const decider = sorted.find((f) => kindOf(f));
  const kind = decider ? kindOf(decider)! : null;
  const withHost = sorted.filter((f) => f.ext.host);
  // The endpoint: the one the kind-deciding row names; else one with a port, heaviest first.
  // A socket error's line may also print an HTTP authority ("(localhost:80)") that was never dialled.
  const socketError = decider !== undefined && kindOf(decider) === 'unix_socket' && !decider.ext.host;
  const primary = socketError ? undefined
    : (decider?.ext.host ? decider : undefined) ?? withHost.find((f) => f.ext.port != null) ?? withHost[0];
  let host = primary?.ext.host ?? null;
  let port = primary?.ext.port ?? null;
  const addresses: string[] = [];
  for (const f of sorted) for (const a of f.ext.addresses ?? []) if (isIp(a) && !addresses.includes(a)) addresses.push(a);
  if (host && isIp(host)) {
    // "the name as the user wrote it": another row on the same line may carry it (Get "http://localhost…": dial tcp [::1]…).
    const named = withHost.find((f) => f.ext.host && !isIp(f.ext.host) && (f.ext.port == null || f.ext.port === port)
      && isLoopback(host!) === isLoopback(f.ext.host));
    if (named) {
      if (!addresses.includes(host)) addresses.push(host);
      host = named.ext.host!;
    }
  }
  // The port may come from another row that names the same host (a URL whose scheme implies it).
  let portFrom: Found | undefined;
  if (host && port === null) {
    portFrom = withHost.find((f) => f.ext.host === host && f.ext.port != null);
    port = portFrom?.ext.port ?? null;
  }
  // No host on the line at all, but a port ("connect(2) for nil port 80").
  if (!host && !socketError) port = sorted.find((f) => f.ext.port != null)?.ext.port ?? null;
  const order = decider ? [decider, ...sorted] : sorted;
  const pick = <K extends keyof Extract>(k: K): Extract[K] | null => {
    for (const f of order) if (f.ext[k] !== undefined && f.ext[k] !== null) return f.ext[k];
    return null;
  };
  const clientFrom = sorted.find((f) => f.sig.client || f.ext.client);
  const hints: string[] = [];
  for (const f of sorted) for (const h of f.ext.hints ?? []) if (!hints.includes(h)) hints.push(h);
  const endpointFrom = primary ?? decider;
  return {
    line,
    weight: decider ? decider.weight : sorted[0]!.weight,
    kind,
    errno: decider ? decider.ext.errno ?? (kind ? DEFAULT_ERRNO[kind] ?? null : null) : null,
    os: pick('os') ?? null,
    host,
    port,
    portInferred: Boolean(portFrom ? portFrom.ext.portInferred : primary?.ext.portInferred && primary.ext.port === port),
    addresses,
    unixSocket: pick('unixSocket') ?? null,
    scheme: endpointFrom?.ext.scheme ?? pick('scheme') ?? null,
    tls: endpointFrom?.ext.tls ?? null,
    hints,
    proxy: pick('proxy') ?? null,
    destination: pick('destination') ?? null,
    client: clientFrom ? clientFrom.ext.client ?? clientFrom.sig.client : null,
    runtime: (decider?.ext.runtime ?? decider?.sig.runtime) ?? (clientFrom?.ext.runtime ?? clientFrom?.sig.runtime) ?? null,
    service: (decider?.ext.service ?? decider?.sig.service) ?? sorted.map((f) => f.ext.service ?? f.sig.service).find((s) => s) ?? null,
    signature: decider?.sig.id ?? sorted[0]!.sig.id,
    depth,
  };
}
