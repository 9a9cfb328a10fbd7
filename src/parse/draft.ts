// The draft that the parser's passes fill in, and the context they read it against.
//
// parse() finds the root error (scan.ts, root.ts), starts a Draft from what that one line says, and hands the
// draft to each pass in passes/index.ts in turn. A pass reads the paste through the Context and changes the
// draft; when the last pass is done, toFacts() copies the draft into the Facts that leave the parser.
import type { Endpoint, ErrorKind, Facts, Os, Runtime, Service } from '../domain/types.js';
import { type Candidate, type ClientRule, contextCandidates, detectClient } from './context.js';
import { Text } from './needs.js';
import type { Hit } from './scan.js';

/** Lines either side of the root error that are read for context. */
export const WINDOW = 300;

/**
 * What the parser believes so far about the failed connection. It starts as the root line's hit; passes fill
 * the gaps from the rest of the paste and correct what the root line alone got wrong.
 */
export interface Draft {
  /** What failed. Only one pass changes it: refused on a unix socket becomes unix_socket. */
  kind: Exclude<ErrorKind, 'none'>;

  // ---- the endpoint that failed
  host: string | null;
  port: number | null;
  /** The port was not written with the host: it comes from a scheme or a service's default. */
  portInferred: boolean;
  /** Every address literal tried for this endpoint (the host's own first when it is one). */
  addresses: string[];
  unixSocket: string | null;
  scheme: string | null;
  /** true: TLS was in use; false: plain for sure (http://); null: unknown. */
  tls: boolean | null;

  // ---- what stood between the client and the endpoint
  /** The proxy the connection went through; when set, host/port are the proxy's. */
  proxy: Endpoint | null;
  /** Where the request was going when a proxy or gateway is the one that failed. */
  destination: Endpoint | null;

  // ---- who was talking to what (set by the pass that identifies the client)
  client: string | null;
  runtime: Runtime | null;
  service: Service | null;

  // ---- how it failed (set by the last pass)
  errno: string | null;
  os: Os | null;

  /** Short tags the rules read (proxy, in-container, tls-cert, server-starting, …); no duplicates. */
  hints: string[];
  /** Sentences for a person: where a guess came from, which of several errors was taken. */
  notes: string[];

  /** The other line whose endpoint was borrowed because the root line named none. */
  borrowed: Hit | null;
}

/** What passes read: the paste as the parser saw it, and the root error in it. Passes never change it. */
export interface Context {
  /** The paste after normalising and redaction. */
  clean: string;
  lines: string[];
  /** Every line some row matched, in line order. */
  hits: Hit[];
  /** The hits that decide a kind. */
  kindHits: Hit[];
  root: Hit;
  /** Other hits of the same error: no kind of their own, or the root's kind. */
  related: Hit[];
  /** The root line, trimmed and cut to 300 characters. */
  matched: string;
  /** The text within WINDOW lines of the root error; far-away text (another paste, a long log) says little. */
  near: string;
  /** The same text, for the many regexes tested on it (needs.ts): nearText.test(re) is re.test(near). */
  nearText: Text;
  /** The first line of `near`. */
  from: number;
  /** The client that the text near the error names, if any (its wording, imports, commands). */
  clientRule: ClientRule | null;
  /** Targets written near the error (code, commands, config, URLs); read on first use only. */
  candidates(): Candidate[];
}

/** One decision of the parser. It changes the draft in place; see passes/index.ts for why. */
export type Pass = (draft: Draft, ctx: Context) => void;

export function newContext(clean: string, lines: string[], hits: Hit[], kindHits: Hit[], root: Hit): Context {
  const from = Math.max(0, root.line - WINDOW);
  const near = lines.slice(from, root.line + WINDOW).join('\n');
  const nearText = new Text(near);
  let cands: Candidate[] | null = null;
  return {
    clean,
    lines,
    hits,
    kindHits,
    root,
    related: hits.filter((h) => h !== root && (h.kind === null || h.kind === root.kind)),
    matched: lines[root.line]!.trim().slice(0, 300),
    near,
    nearText,
    from,
    clientRule: detectClient(nearText),
    candidates: () => (cands ??= contextCandidates(lines.slice(from, root.line + WINDOW)).map((c) => ({ ...c, line: c.line + from }))),
  };
}

/** The draft as the root line alone gives it. */
export function newDraft(root: Hit & { kind: Exclude<ErrorKind, 'none'> }): Draft {
  return {
    kind: root.kind,
    host: root.host,
    port: root.port,
    portInferred: root.portInferred,
    addresses: [...root.addresses],
    unixSocket: root.unixSocket,
    scheme: root.scheme,
    tls: root.tls,
    proxy: root.proxy,
    destination: root.destination,
    client: null,
    runtime: null,
    service: root.service,
    errno: null,
    os: null,
    hints: [...root.hints],
    notes: [],
    borrowed: null,
  };
}

/** The Facts the draft stands for (fields in the order Facts has always listed them). */
export function toFacts(d: Draft, ctx: Context): Facts {
  return {
    kind: d.kind,
    host: d.host,
    port: d.port,
    portInferred: d.portInferred,
    addresses: d.addresses,
    unixSocket: d.unixSocket,
    runtime: d.runtime,
    client: d.client,
    service: d.service,
    os: d.os,
    proxy: d.proxy,
    destination: d.destination,
    scheme: d.scheme,
    tls: d.tls,
    errno: d.errno,
    hints: d.hints,
    matched: ctx.matched,
    signature: ctx.root.signature,
    notes: d.notes,
  };
}
