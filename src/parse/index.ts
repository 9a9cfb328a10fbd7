// parse(text) → Facts: what a pasted message says about a failed connection.
// Steps: normalise (Slack markup, ANSI, fences) → redact (so nothing below can see a secret) → lines →
// every signature row against every line → merge the rows that matched one line into a hit → pick the
// root hit (the deepest cause) → fill what the root line lacks from the rest of the paste.
import type { Endpoint, ErrorKind, Facts, Os, Runtime, Service } from '../domain/types.js';
import {
  type Candidate, bestCandidate, contextCandidates, detectClient, detectOs, detectRuntime, looksInContainer, nodeObjectFields, serverStartingLine, STARTING_NOTE,
  nearbyEndpoints, proxyDestination, proxyFromText,
} from './context.js';
import { cleanHost, isIp, isLoopback, isPlaceholder, parsePort, parseUrl } from './endpoint.js';
import { DEFAULT_ERRNO } from './errno.js';
import { normalizeText, toLines } from './normalize.js';
import { redact } from './redact.js';
import { schemeInfo, serviceForPort } from './services.js';
import { SIGNATURES, URL_G, type Extract, type Signature } from './signatures.js';

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

// A scheme says "plain" only for protocols whose TLS variant has its own scheme (http/https,
// redis/rediss, amqp/amqps, ws/wss); postgres:// or mysql:// may still negotiate TLS, so null.
function tlsFor(scheme: string | null, tls: boolean | null): boolean | null {
  if (tls === true) return true;
  if (scheme && /^(?:http|ws|redis|amqp)$/.test(scheme)) return false;
  return null;
}

/** A whole pasted message in, Facts out. Pure, linear, and it never throws. */
export function parse(text: string): Facts {
  try {
    return parseText(typeof text === 'string' ? text : String(text ?? ''));
  } catch {
    // A bug here must not take the bot down: the diagnosis continues with what a typed target gives.
    return { ...emptyFacts(), notes: ['the text could not be read'] };
  }
}

// ---------------------------------------------------------------------------------------------------

interface Hit {
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
/** Lines either side of the root error that are read for context. */
const WINDOW = 300;

// One pass over a line decides whether any row could match it at all: most log lines are noise.
const ANY_PRE = new RegExp(
  [...new Set(SIGNATURES.flatMap((s) => (typeof s.pre === 'string' ? [s.pre] : s.pre)))]
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
);

// Lines that are about the error words rather than an error: a script's search pattern
// (grep -i "port 22: connection refused\|…"), code that compares an error code (if (err.code === 'ECONNRESET')).
const SEARCH_PATTERN = /\b(?:e?grep|findstr|select-string)\s{1,4}(?:-{1,2}[\w-]{1,20}\s{1,4}){0,4}['"]/i;
const CODE_COMPARE = /(?:[!=]==?|\bcase|\bin)\s{0,4}\(?\[?['"`](?:E[A-Z_]{3,24}|UND_ERR_[A-Z_]{1,30})['"`]/;
/** Lines after a code comparison where a bare code or error word belongs to the same code. */
const CODE_REACH = 4;

function scan(lines: string[]): Hit[] {
  const hits: Hit[] = [];
  let depth = 0;
  let codeUntil = -1;
  for (let i = 0; i < lines.length && hits.length < MAX_HITS; i++) {
    const line = lines[i]!;
    if (line.length < 6) continue;
    const lower = line.toLowerCase();
    if (/^\s{0,8}caused by:/.test(lower)) depth++;
    if (!ANY_PRE.test(lower)) continue;
    if (SEARCH_PATTERN.test(line)) continue;
    if (CODE_COMPARE.test(line)) {
      codeUntil = i + CODE_REACH;
      continue;
    }
    const found: Found[] = [];
    for (const sig of SIGNATURES) {
      const pres = typeof sig.pre === 'string' ? [sig.pre] : sig.pre;
      if (!pres.some((p) => lower.includes(p))) continue;
      const target = sig.span ? [line, ...lines.slice(i + 1, i + 1 + sig.span).map((l) => l.trim())].join(' ') : line;
      const m = sig.re.exec(target);
      if (!m) continue;
      const ext = sig.extract ? sig.extract(m, target) : {};
      if (!ext) continue;
      const weight = ext.weight ?? sig.weight;
      // Next to code that tests for an error code, a bare code or error word is that code's string, not an error.
      if (i <= codeUntil && weight < 3 && !ext.host) continue;
      found.push({ sig, ext, weight });
    }
    if (found.length) hits.push(mergeLine(i, found, /^\s{0,8}caused by:/.test(lower) ? depth : 0));
  }
  return hits;
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
  const pick = <K extends keyof Extract>(k: K): Extract[K] | null => {
    const order = decider ? [decider, ...sorted] : sorted;
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

/** The root cause: the heaviest hit; deeper in a "Caused by:" chain wins a tie, then the earliest. */
function pickRoot(hits: Hit[], lines: string[]): Hit {
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

function key(host: string | null, port: number | null): string {
  const h = host && isLoopback(host) ? 'loopback' : host ?? '?';
  return `${h}:${port ?? '?'}`;
}

function show(host: string | null, port: number | null): string {
  if (!host) return port !== null ? `port ${port}` : 'an unnamed endpoint';
  const h = host.includes(':') ? `[${host}]` : host;
  return port !== null ? `${h}:${port}` : h;
}

function parseText(input: string): Facts {
  const clean = redact(normalizeText(input));
  const lines = toLines(clean);
  const hits = scan(lines);
  const kindHits = hits.filter((h) => h.kind);
  if (kindHits.length === 0) return { ...emptyFacts(), notes: ['no connection error found in the text'] };

  const root = pickRoot(kindHits, lines);
  if (root.kind === 'none') {
    // The paste's error is of another sort (a port already taken, a rejected password): no target to probe.
    const matched = lines[root.line]!.trim().slice(0, 300);
    return { ...emptyFacts(), matched, signature: root.signature, notes: [`the error is not a failed connection: ${matched.length > 120 ? `${matched.slice(0, 117)}…` : matched}`] };
  }
  let kind = root.kind!;
  const notes: string[] = [];
  // What surrounds the root error; far-away text (another paste, a long log) says little about it.
  const from = Math.max(0, root.line - WINDOW);
  const near = lines.slice(from, root.line + WINDOW).join('\n');
  const clientRule = detectClient(near);
  let cands: Candidate[] | null = null;
  const candidates = (): Candidate[] => (cands ??= contextCandidates(lines.slice(from, root.line + WINDOW)).map((c) => ({ ...c, line: c.line + from })));

  let host = root.host;
  let port = root.port;
  let portInferred = root.portInferred;
  let scheme = root.scheme;
  let tls = root.tls;
  let unixSocket = root.unixSocket;
  const addresses = [...root.addresses];
  const hints = [...root.hints];
  let proxy = root.proxy;
  let destination = root.destination;
  let service: Service | null = root.service;
  let borrowed: Hit | null = null;

  const related = hits.filter((h) => h !== root && (h.kind === null || h.kind === kind));
  for (const h of related) {
    for (const x of h.hints) if (!hints.includes(x) && /^(?:proxy|kafka-|nginx-|upstream|http-\d|grpc|aggregate)/.test(x)) hints.push(x);
    proxy ??= h.proxy;
    destination ??= h.destination;
  }

  // 1. The root line names no endpoint: another line of the same error may (the pool line of a
  //    requests traceback, the "Is the server running on host" line under libpq's first line).
  if (!host && !unixSocket) {
    let best: Hit | null = null;
    for (const h of related) {
      if (!h.host && !h.unixSocket) continue;
      if (!best) { best = h; continue; }
      const a = (h.port != null ? 0 : 1000) + Math.abs(h.line - root.line);
      const b = (best.port != null ? 0 : 1000) + Math.abs(best.line - root.line);
      if (a < b) best = h;
    }
    if (best) {
      borrowed = best;
      host = best.host;
      port = best.port;
      portInferred = best.portInferred;
      scheme ??= best.scheme;
      tls ??= best.tls;
      unixSocket ??= best.unixSocket;
      for (const a of best.addresses) if (!addresses.includes(a)) addresses.push(a);
      service ??= best.service;
    }
  } else if (host && port === null) {
    // A DNS failure or a wrapper that names only the host: the port may be written with the same host elsewhere.
    const same = hits.find((h) => h.host === host && h.port != null);
    if (same) port = same.port;
  }
  // libpq's "Connection refused" over two lines that name the socket it tried: a socket that refused.
  if (!host && !unixSocket && kind === 'refused') {
    const sock = hits.find((h) => h.unixSocket && h.line > root.line && h.line - root.line <= 3);
    if (sock) unixSocket = sock.unixSocket;
  }
  if (kind === 'unix_socket' && !unixSocket) {
    unixSocket = related.find((h) => h.unixSocket)?.unixSocket ?? /(\/[\w.\/-]{1,200}\.sock)\b/.exec(near)?.[1] ?? null;
  }

  // 2. Still nothing: Node's error object fields, then code, commands, config and URLs in the paste.
  if (!host && !unixSocket) {
    const obj = nodeObjectFields(lines, root.line);
    if (obj.address || obj.hostname) {
      host = obj.hostname ?? obj.address;
      port ??= obj.port;
      if (obj.address && !addresses.includes(obj.address)) addresses.push(obj.address);
    } else if (obj.port !== null) {
      port ??= obj.port;
    }
  }
  // A gateway's own error about its upstream (Envoy's "upstream connect error …") names no upstream; the URL
  // or command in the paste reached the gateway, which answered — it is not the endpoint that failed.
  const gatewayReport = root.signature === 'envoy-upstream' && !root.host;
  if (!host && !unixSocket && !gatewayReport) {
    const guess = service ?? clientRule?.service ?? null;
    // A name lookup that failed was not for an address literal: an IP elsewhere in the paste is another endpoint.
    const c = bestCandidate([...candidates(), ...nearbyEndpoints(lines, root.line)].filter((x) => !(kind === 'dns' && x.host && isIp(x.host))), root.line, guess);
    if (c) {
      host = c.host;
      unixSocket = c.unixSocket;
      if (port === null) {
        port = c.port;
        portInferred = c.port !== null && c.portInferred;
      }
      scheme ??= c.scheme;
      tls ??= c.tls;
      if (host && isIp(host) && !addresses.includes(host)) addresses.push(host);
      for (const a of c.addresses ?? []) if (!addresses.includes(a)) addresses.push(a);
      if (host) notes.push(`the error line names no host; ${show(host, port)} is taken from the ${c.source === 'url' ? 'URL' : c.source} in the paste`);
    }
  }

  // 3. A name beats an address only when the same error pairs them: busybox wget's "Connecting to
  //    h (10.1.2.3:443)" above "can't connect to remote host (10.1.2.3)", curl's "Connected to h (addr)".
  //    A URL or a name elsewhere in the paste does not rename the address the error line shows.
  if (host && isIp(host)) {
    const ip = host;
    const pair = hits.find((h) => h !== root && h.host && !isIp(h.host) && h.addresses.includes(ip)
      && (port === null || h.port === null || h.port === port) && h.line <= root.line && root.line - h.line <= 5);
    if (pair) {
      if (!addresses.includes(ip)) addresses.push(ip);
      host = pair.host;
      if (port === null && pair.port !== null) port = pair.port;
    }
  }

  // 4. The host is known, its port is not: the same host written with a port (or in a URL, whose
  //    scheme implies one) near the error says it.
  // A masked host (dial tcp x.x.x.x:8200) is not looked up again: its port goes with it.
  if (host && port === null && !isPlaceholder(host)) {
    const same = portForHost(lines, root.line, host, hits);
    if (same) {
      port = same.port;
      portInferred = same.inferred;
      scheme ??= same.scheme;
      if (same.scheme) tls ??= schemeInfo(same.scheme)?.tls ?? null;
    } else {
      // The command or code that dialled this host names its port (mysql -h h -P 6033 above the error):
      // the nearest one before the error, else the nearest after it.
      const h0 = host;
      const typed = candidates().filter((c) => c.rank === 1 && c.host === h0 && c.port !== null);
      const before = typed.filter((c) => c.line <= root.line).sort((a, b) => b.line - a.line)[0];
      const after = typed.filter((c) => c.line > root.line).sort((a, b) => a.line - b.line)[0];
      const c = before ?? after;
      if (c) port = c.port;
    }
  }
  // A word typed over the real host before pasting (host='XXX', your-server): the port may be real, the host is not.
  if (host && isPlaceholder(host)) {
    notes.push(`the host in the paste is masked (${host}); only the port is known`);
    host = null;
  }
  if (host && isIp(host) && !addresses.includes(host)) addresses.unshift(host);

  // Every address the client tried for this endpoint (Node's AggregateError, libpq's ::1 then 127.0.0.1).
  for (const h of hits) {
    if (h === root || (h.kind !== null && h.kind !== kind) || h.port !== port || Math.abs(h.line - root.line) > 60) continue;
    const near = h.host && (key(h.host, h.port) === key(host, port) || (host && h.host === host));
    if (!near) continue;
    for (const a of [...h.addresses, ...(h.host && isIp(h.host) ? [h.host] : [])]) if (!addresses.includes(a)) addresses.push(a);
  }

  // Node's error object may carry the port the message left out (getaddrinfo ENOTFOUND api.x … port: 443).
  if (host && port === null) {
    const obj = nodeObjectFields(lines, root.line);
    if (obj.port !== null && (obj.hostname === host || obj.address === host || (!obj.hostname && !obj.address))) port = obj.port;
  }
  // A connection refused on a unix socket (docker-py talking to docker.sock) is a socket problem.
  if (!host && unixSocket && kind === 'refused') kind = 'unix_socket';

  // Client, runtime, service.
  const client = clientRule?.client ?? root.client ?? borrowed?.client ?? kindHits.find((h) => h.client)?.client ?? null;
  const runtime: Runtime | null = clientRule?.runtime ?? root.runtime ?? borrowed?.runtime ?? detectRuntime(near);
  const schemeService = scheme ? schemeInfo(scheme)?.service ?? null : null;
  if (clientRule?.runtime === 'cli' && clientRule.service) service = clientRule.service;
  service ??= clientRule?.service ?? schemeService ?? kindHits.find((h) => h.service)?.service ?? null;
  if (!service && port !== null) service = serviceForPort(port);
  if (service === 'http' && schemeService && schemeService !== 'http') service = schemeService;

  // Port implied by the scheme or the service. A DNS failure takes it only from a scheme or from the
  // tool or driver that failed (ssh → 22, a MySQL driver → 3306), not from a guess by port number.
  // With no host at all (PHP's "SQLSTATE[HY000] [2002] Connection refused"), a service whose default
  // port is nearly always the one used still names the port.
  // A wrapper of the same error a few lines away may name the driver (MySQL's "Communications link failure" above
  // "Connection refused: getsockopt").
  const toldService = root.service ?? borrowed?.service ?? clientRule?.service
    ?? kindHits.find((h) => h !== root && h.kind === kind && h.service && Math.abs(h.line - root.line) <= 6)?.service ?? null;
  // A port the reporter masked ("port 3xx", ":54**") is unknown, not the service's default.
  const maskedPort = /\bport:? ?\d{0,4}[xX*]{1,5}\b|:\d{0,4}[xX*]{2,5}(?![\w*])/.test(lines[root.line] ?? '');
  if (port === null && !unixSocket && !maskedPort) {
    const fromScheme = scheme ? schemeInfo(scheme) : null;
    let implied: number | null = null;
    if (host && kind !== 'dns') implied = fromScheme?.port ?? (service ? defaultPort(service) : null);
    // An SRV name (_mongodb._tcp.cluster0…) is looked up for its records, not dialled on a port.
    else if (host && !host.startsWith('_')) implied = fromScheme?.port ?? (toldService ? defaultPort(toldService) : null);
    else if (!host && kind !== 'tls' && kind !== 'unix_socket' && toldService && HOSTLESS_DEFAULT.has(toldService)) implied = defaultPort(toldService);
    if (implied) {
      port = implied;
      portInferred = true;
    }
  }
  if (portInferred && port !== null) notes.push(`port ${port} inferred from ${scheme ? `${scheme}://` : service ?? 'the service'}`);

  // TLS.
  tls = tlsFor(scheme, tls);
  if (tls === null && /sslmode=(?:require|verify-ca|verify-full)|\bssl=true\b|\btls=true\b/i.test(near)) tls = true;

  // Proxy: the endpoint that refused is the proxy; the real destination goes beside it.
  const configured = proxyFromText(near);
  // The endpoint that failed is itself the proxy: it is the one configured, or its name says so.
  let endpointIsProxy = false;
  if (!hints.includes('proxy') && host && (
    (configured && configured.host === host && (configured.port === port || configured.port === null)) ||
    /(?:^|[.-])(?:proxy|squid)(?:[.-]|$)/i.test(host))) {
    hints.push('proxy');
    endpointIsProxy = true;
  }
  // curl asked for one host and port but failed on another: the other is the proxy it went through.
  // Only when the failing line is curl's own: a gateway's log line under a curl command (traefik's "502 … caused by:
  // dial tcp …") names the upstream the gateway dialled, not a proxy curl went through.
  if (!hints.includes('proxy') && (client === 'curl' || client === 'git') && root.signature?.startsWith('curl-') && host && port !== null) {
    const asked = proxyDestination(near);
    const others = near.match(/^\s{0,4}\$?\s?curl\s/gm)?.length ?? 0;
    if (asked && others === 1 && asked.host !== host && asked.port !== null && asked.port !== port && !(isLoopback(asked.host) && isLoopback(host))) {
      hints.push('proxy');
      proxy = { host, port };
      destination = asked;
    }
  }
  if (hints.includes('proxy')) {
    const dest = destination ?? proxyDestination(near);
    const p = proxy ?? configured ?? (endpointIsProxy ? { host: host!, port } : null);
    if (p) {
      proxy = p;
      if (dest && !(dest.host === p.host && dest.port === p.port)) destination = dest;
      if (host !== p.host || port !== p.port) {
        host = p.host;
        port = p.port;
        portInferred = false;
        addresses.length = 0;
        if (isIp(p.host)) addresses.push(p.host);
      }
      notes.push(`the refused endpoint is the proxy ${show(p.host, p.port)}${destination ? `; the request was going to ${show(destination.host, destination.port)}` : ''}`);
    } else {
      destination = dest ?? (host ? { host, port } : null);
      notes.push('the error came from a proxy whose address the paste does not show; the target is the destination');
    }
  }

  // Hints.
  if (service === 'grpc' && !hints.includes('grpc')) hints.push('grpc');
  if (/administratively prohibited|\badmin(?:istratively)?[ -]prohibited\b/i.test(near) && !hints.includes('admin-prohibited')) hints.push('admin-prohibited');
  if (kind === 'tls' && TLS_CERT.test(near) && !hints.includes('tls-cert')) hints.push('tls-cert');
  // A TLS client met plain bytes (or a plain client met TLS): the classic http:// vs https:// mix-up.
  if (kind === 'tls' && TLS_PLAIN.test(near) && !hints.includes('tls-plain')) hints.push('tls-plain');
  // Both sides spoke TLS and one of them sent an alert: no common version or cipher, SNI, or a client certificate.
  if (kind === 'tls' && !hints.includes('tls-cert') && !hints.includes('tls-plain') && TLS_ALERT.test(near) && !hints.includes('tls-alert')) hints.push('tls-alert');
  // The connection was made; the timeout came while waiting for the answer (a slow or stuck server, not a drop).
  if (kind === 'timeout' && AWAITING_RESPONSE.test(near) && !hints.includes('awaiting-response')) hints.push('awaiting-response');
  if ((client === 'kubectl' || client === 'helm') && host === 'localhost' && port === 8080 && !hints.includes('kubectl-default')) hints.push('kubectl-default');
  if ((/AggregateError/.test(near) || (runtime === 'node' && addresses.length > 1)) && !hints.includes('aggregate')) hints.push('aggregate');
  if (!hints.includes('in-container') && looksInContainer(clean, host)) hints.push('in-container');
  // The proxy itself failed, though its address is not in the text (requests, urllib3 SOCKS pools).
  if (/Cannot connect to proxy|Unable to connect to proxy|\bSOCKS(?:HTTPS?)?ConnectionPool\b/.test(near) && !hints.includes('proxy')) {
    hints.push('proxy');
    // The pool names where the request was going, not the proxy: keep it as the destination.
    if (!proxy && !destination && host) destination = { host, port };
  }
  // The client had no host at all: its setting was empty and the library printed nil / None / undefined.
  if (!host && /\bfor nil port \d|\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED) (?:undefined|null)\b|\bconnecting to (?:None|nil|null|undefined):\d|\bhost[=:] ?['"]?(?:None|nil|null|undefined)['"]?[,;)\s]/.test(near)) {
    hints.push('host-unset');
  }
  // The paste shows the server starting: the client most likely tried before it was ready.
  const starting = kind === 'refused' || kind === 'reset' ? serverStartingLine(clean, service, host) : null;
  if (starting) {
    hints.push('server-starting');
    notes.push(`${STARTING_NOTE}${starting}`);
  }
  const gateway = /\b(502) Bad Gateway\b|\b(503) Service (?:Temporarily )?Unavailable\b/.exec(near);
  if (gateway && kind !== 'dns' && kind !== 'tls') {
    const code = `http-${gateway[1] ?? gateway[2]}`;
    if (!hints.includes(code)) hints.push(code);
    if (!hints.includes('upstream')) hints.push('upstream');
    // The gateway's own log line ("'502 Bad Gateway' caused by: dial tcp 172.22.0.5:80: … refused") names the
    // upstream it dialled: that endpoint is the one behind the proxy.
    if (!destination && !proxy && host && port !== null && GATEWAY_LINE.test(lines[root.line]!)) destination = { host, port };
  }

  // Several errors naming different endpoints: say which one was taken.
  const keys = new Map<string, string>();
  for (const h of kindHits) if (h.host && h.port !== null) keys.set(key(h.host, h.port), show(h.host, h.port));
  if (host) keys.set(key(host, port), show(host, port));
  if (keys.size > 1) {
    notes.unshift(`${keys.size} connection errors in the paste name different endpoints (${[...keys.values()].slice(0, 5).join(', ')}); the root one is ${show(host, port)}`);
  }

  const matched = lines[root.line]!.trim().slice(0, 300);
  // A chain of different errors (a wrapper, its cause, the cause's cause): say which one the verdict rests on.
  const chain = new Set(kindHits.map((h) => h.signature)).size;
  if (keys.size <= 1 && chain > 1) {
    notes.push(`${chain} different errors in the paste; the root one is: ${matched.length > 120 ? `${matched.slice(0, 117)}…` : matched}`);
  }

  const errno = root.errno ?? DEFAULT_ERRNO[kind] ?? null;
  const os = root.os ?? kindHits.find((h) => h.os)?.os ?? detectOs(near);
  return {
    kind,
    host,
    port,
    portInferred,
    addresses,
    unixSocket,
    runtime,
    client,
    service,
    os,
    proxy,
    destination,
    scheme,
    tls,
    errno,
    hints,
    matched,
    signature: root.signature,
    notes,
  };
}

// Certificate verification failures (as opposed to a handshake that never happened).
const TLS_CERT = /x509: |does not match certificate's altnames|certificate signed by unknown authority|self[- ]signed certificate|CERT_HAS_EXPIRED|certificate has expired|certificate verify failed|CERTIFICATE_VERIFY_FAILED|unable to (?:get local issuer certificate|verify the first certificate)|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID|[Hh]ostname mismatch|doesn't match (?:any of the subject alternative names|certificate)|PKIX path building failed|ERR_CERT_[A-Z_]{2,40}|certificate is not valid for/;

const GATEWAY_LINE = /\b50[234]\b[^\n]{0,60}\b(?:Bad Gateway|Service (?:Temporarily )?Unavailable|Gateway Time-?out)\b[^\n]{0,40}\bcaused by\b|\b(?:Bad Gateway|Service Unavailable)\b[^\n]{0,20}caused by/i;
const TLS_PLAIN = /wrong version number|WRONG_VERSION_NUMBER|first record does not look like a TLS handshake|packet length too long|http request to an https server|plain HTTP request was sent to HTTPS port|unknown protocol|record layer failure/i;
const TLS_ALERT = /alert handshake failure|handshake_failure|alert protocol version|PROTOCOL_VERSION|no protocols available|unsupported protocol|no shared cipher|NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|TLSV1_ALERT_[A-Z_]{2,40}|tls: handshake failure|tls: protocol version not supported|certificate required|alert bad certificate/;
const AWAITING_RESPONSE = /awaiting (?:response )?headers|Read timed out|ReadTimeout(?:Error)?\b|read timeout|UND_ERR_(?:HEADERS|BODY)_TIMEOUT|HeadersTimeoutError|ESOCKETTIMEDOUT|timeout awaiting response|SocketTimeoutException: Read timed out|net\/http: timeout awaiting response headers/i;

// Services whose errors name no endpoint yet nearly always mean the default port.
const HOSTLESS_DEFAULT = new Set<Service>(['mysql', 'redis', 'postgres', 'mongodb', 'ssh', 'amqp']);

/** The port written with `host` near the error: host:port, or a URL of that host (its scheme implies one). */
function portForHost(lines: string[], root: number, host: string, hits: Hit[]): { port: number; inferred: boolean; scheme: string | null } | null {
  const hit = hits.find((h) => h.host === host && h.port != null && Math.abs(h.line - root) <= WINDOW);
  if (hit) return { port: hit.port!, inferred: hit.portInferred, scheme: hit.scheme };
  const lo = Math.max(0, root - 15);
  const hi = Math.min(lines.length, root + 16);
  let fromUrl: { port: number; inferred: boolean; scheme: string | null } | null = null;
  for (let i = lo; i < hi; i++) {
    const line = lines[i]!;
    if (!line.toLowerCase().includes(host)) continue;
    URL_G.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    // Links to code hosts are skipped elsewhere; here the URL's host is the failing host itself.
    while ((m = URL_G.exec(line)) !== null && n++ < 8) {
      const u = parseUrl(m[0].replace(/[.:,;)>]+$/, ''));
      if (u && u.host === host && u.port !== null) {
        if (!u.portInferred) return { port: u.port, inferred: false, scheme: u.scheme };
        fromUrl ??= { port: u.port, inferred: true, scheme: u.scheme };
      }
    }
    const esc = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const bare = new RegExp(`(?:^|[\\s'"(\\[=@,/])${esc}:(\\d{1,5})(?![\\d.])`, 'i').exec(line);
    const p = bare ? parsePort(bare[1]) : null;
    if (p !== null && !fromUrl) return { port: p, inferred: false, scheme: null };
  }
  return fromUrl;
}

function defaultPort(service: Service): number | null {
  const map: Partial<Record<Service, number>> = {
    postgres: 5432, mysql: 3306, redis: 6379, mongodb: 27017, kafka: 9092, amqp: 5672, elasticsearch: 9200, ssh: 22,
  };
  // http, grpc, docker and kubernetes-api have no single default worth guessing without a scheme.
  return map[service] ?? null;
}
