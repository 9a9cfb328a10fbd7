// The table of error signatures. One row per message shape, labelled with the runtime and client that
// print it. A row's regex is tested against one clean line (or the line joined with `span` following
// lines) that is at most MAX_LINE characters long; every quantifier is bounded, so a row costs O(line).
// `pre` is a lower-case word the line must contain before the regex runs at all (a cheap filter).
//
// weight says how much a row decides the kind:
//   3 — the OS error itself (errno numbers, "connect: connection refused", libpq's "failed: …")
//   2 — a message that names the failure but not the errno ("Connection to node -1 could not be …")
//   1 — a wrapper or a pointer that mostly carries an endpoint ("Failed to connect to h:p")
//   0 — endpoint only, never the kind
import type { Endpoint, ErrorKind, Os, Runtime, Service } from '../domain/types.js';
import { cleanHost, isIp, isPlaceholder, parsePort, parseUrl, plausibleHost, splitHostPort } from './endpoint.js';
import { schemeInfo } from './services.js';
import { DEFAULT_ERRNO, errnoFromNodeNumber, errnoFromNumber, kindFromErrnoName, kindFromText } from './errno.js';

export interface Extract {
  kind?: ErrorKind | null;
  errno?: string | null;
  os?: Os | null;
  host?: string | null;
  port?: number | null;
  portInferred?: boolean;
  addresses?: string[];
  unixSocket?: string | null;
  scheme?: string | null;
  tls?: boolean | null;
  hints?: string[];
  proxy?: Endpoint | null;
  destination?: Endpoint | null;
  client?: string | null;
  runtime?: Runtime | null;
  service?: Service | null;
  /** Overrides the row's weight for this match (a bare errno code decides less than "connect ECONNREFUSED h:p"). */
  weight?: number;
}

export interface Signature {
  id: string;
  runtime: Runtime | null;
  client: string | null;
  service?: Service;
  /** Kind when the extractor does not decide; null: this row carries an endpoint, not a verdict. */
  kind: ErrorKind | null;
  weight: number;
  pre: string | string[];
  re: RegExp;
  /** Join this many following lines before matching (libpq splits one message over three lines). */
  span?: number;
  /** Return null to reject the match (e.g. ENOENT that is not about a socket). */
  extract?: (m: RegExpExecArray, line: string) => Extract | null;
}

// ---------------------------------------------------------------------------------------------------
// Helpers the extractors share.

/** host/port/address from a token such as "127.0.0.1:5432", "::1:5432", "localhost/127.0.0.1:8080". */
function ep(token: string | undefined, lastIsPort = true): Extract {
  if (!token) return {};
  const hp = splitHostPort(token, lastIsPort);
  if (!hp) {
    // A host typed over before pasting: say so (the parse then reports no host) rather than look elsewhere.
    const masked = /^\[?([^\s\]:]{1,60})\]?(?::\S{0,8})?$/.exec(token.trim());
    return masked && isPlaceholder(masked[1]!) ? { host: masked[1]! } : {};
  }
  return { host: hp.host, port: hp.port, addresses: hp.address ? [hp.address] : [] };
}

/** An endpoint written as a URL. */
function url(raw: string | undefined): Extract {
  if (!raw) return {};
  const u = parseUrl(raw.replace(/[)"'.,;:]+$/, ''));
  if (!u) return {};
  if (u.unixSocket) return { unixSocket: u.unixSocket, scheme: u.scheme };
  return {
    host: u.host, port: u.port, portInferred: u.portInferred, scheme: u.scheme, tls: u.tls,
    addresses: u.host && isIp(u.host) ? [u.host] : [],
  };
}

// The last host:port-looking token in a piece of text (Java and .NET put it at the end of the message).
const HOSTPORT_G = /(?:^|[\s'"(\[=@,/])((?:[A-Za-z0-9_.-]{1,253}\/)?(?:\[[0-9a-fA-F:.%\w]{2,60}\]|[A-Za-z0-9_.-]{1,253}|[0-9a-fA-F:]{2,45}):\d{1,5})(?=$|[\s'")\],;.]|:\s)/g;
export function endpointIn(text: string): Extract {
  let best: Extract = {};
  HOSTPORT_G.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = HOSTPORT_G.exec(text)) !== null && n++ < 20) {
    // CamelCase single words are class names with a line number (log4j's "FeedPoller:88"), not hosts.
    if (/^[A-Za-z_$]*[a-z][A-Z][\w$]*:\d+$/.test(m[1]!) || /^[A-Z][a-z]+:\d+$/.test(m[1]!)) continue;
    // A qualified Java class and line (com.acme.Common.Request:225): a package path ending in a class name.
    if (/^[a-z][\w$]*(?:\.[A-Za-z_$][\w$]*){1,20}\.[A-Z][a-z][\w$]*:\d+$/.test(m[1]!)) continue;
    const e = ep(m[1]);
    // Unbracketed IPv6 with a port glued on is only trusted in Node's compressed form (::1:5432);
    // in "0:0:0:0:0:0:0:1" the last group is part of the address, not a port.
    if (e.host && e.host.includes(':') && !e.host.includes('::')) continue;
    // main.go:41, app.js:10, Client.java:12 — a source file and a line number, not a host and a port.
    if (e.host && SOURCE_FILE.test(e.host)) continue;
    if (e.host && e.port != null) best = e;
  }
  if (best.host) return best;
  // No bare host:port: a URL on the same line names the target (not a link to documentation).
  URL_G.lastIndex = 0;
  n = 0;
  while ((m = URL_G.exec(text)) !== null && n++ < 10) {
    if (isDocUrl(m[0])) continue;
    const u = url(m[0]);
    if (u.host) return u;
  }
  return best;
}

const SOURCE_FILE = /\.(?:go|js|mjs|cjs|ts|tsx|jsx|py|pyx|rb|java|kt|kts|scala|groovy|cs|php|c|cc|cxx|cpp|hpp|h|ex|exs|erl|swift|lua|ya?ml|json|xml|conf|log|txt|html|vue|dart)$/i;

export const URL_G = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s'"<>()\[\]{},;|`]{1,1000}/gi;

/** Links to documentation and code hosts that error messages print; never the target. */
export function isDocUrl(u: string): boolean {
  return /^[a-z]+:\/\/(?:[\w-]+\.)*(?:sqlalche\.me|github\.com|githubusercontent\.com|stackoverflow\.com|nodejs\.org|python\.org|curl\.(?:haxx\.)?se|prisma\.io|pris\.ly|mongodb\.com|docs\.[\w.-]+|aka\.ms|microsoft\.com|kubernetes\.io|docker\.com|sentry\.io|npmjs\.com|pypi\.org|errors\.pydantic\.dev|go\.dev|golang\.org|rust-lang\.org|mozilla\.org|nginx\.org|spring\.io|apache\.org|oracle\.com|php\.net|laravel\.com|redis\.io|postgresql\.org|mysql\.com|learn\.microsoft\.com|www\.w3\.org|schemas\.[\w.-]+|json-schema\.org)(?:[:/]|$)/i.test(u);
}

function schemeKnown(scheme: string): boolean {
  return schemeInfo(scheme) !== null;
}

function byText(text: string | undefined): Extract {
  const k = text ? kindFromText(text) : null;
  return k ? { kind: k.kind, errno: k.errno } : {};
}

function byNumber(n: string | undefined, text?: string): Extract {
  const info = n !== undefined ? errnoFromNumber(Number(n)) : null;
  if (info) return { kind: info.kind, errno: info.errno, os: info.os };
  return byText(text);
}

function merge(...parts: Extract[]): Extract {
  const out: Extract = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p) as [keyof Extract, unknown][]) {
      if (v === undefined || v === null) continue;
      if (k === 'addresses' || k === 'hints') {
        const prev = (out[k] ?? []) as string[];
        (out as Record<string, unknown>)[k] = [...prev, ...(v as string[])];
      } else if ((out as Record<string, unknown>)[k] === undefined || (out as Record<string, unknown>)[k] === null) {
        (out as Record<string, unknown>)[k] = v;
      }
    }
  }
  return out;
}

function unix(path: string, text: string | undefined, fallback = 'ENOENT'): Extract {
  const k = text ? kindFromText(text) : null;
  const errno = k?.errno === 'ECONNREFUSED' ? 'ECONNREFUSED' : k?.errno === 'EACCES' ? 'EACCES' : k?.errno === 'ENOENT' ? 'ENOENT' : fallback;
  return { kind: 'unix_socket', errno, unixSocket: path };
}

// A changelog or test title that talks about handling the error ("Added handling of 'Connection refused'").
// A test title or a passing test's line is about the words too ("Connection refused handling", "✓ retries on connection refused").
// A test's failure message quoting the error words as values: expected 'Name or service not known', got '…'.
const ASSERTED = /\bexpected:? ['"][^'"\n]{1,200}['"],? (?:but )?got:? ['"]/i;

const ABOUT_THE_WORDS = new RegExp([
  `\\b(?:[Hh]andl(?:e|es|ed|ing)|[Tt]est(?:s|ed|ing)?|[Cc]atch(?:es|ing)?|[Ss]upport(?:s|ed|ing)?(?: for)?|[Dd]etect(?:s|ed|ing)?|[Tt]reat(?:s|ed|ing)?|[Rr]escu(?:e|es|ed|ing)|[Ff]ix(?:es|ed|ing)?|[Rr]etr(?:y|ies|ied|ying)|[Ii]gnor(?:e|es|ed|ing)|[Ss]wallow(?:s|ed|ing)?|[Ss]uppress(?:es|ed|ing)?|[Aa]void(?:s|ed|ing)?|[Pp]revent(?:s|ed|ing)?)(?: of| for| the| a| an| on| when| with| from| any| after){0,2} ['"“‘\`]?[Cc]onnection ?[Rr]efused\\b`,
  // A commit note: "Would cause \`ConnectionRefused\` otherwise".
  `\\b(?:[Ww]ould|[Cc]ould|[Mm]ight|[Ww]ill|[Mm]ay) (?:also )?cause (?:an? |the )?['"“‘\`]?[Cc]onnection ?[Rr]efused`,
  // The words as a pattern a script looks for: grep -i "port 22: connection refused\|…".
  `\\b(?:e?grep|rg|findstr|select-string)\\b[^\\n]{0,200}[Cc]onnection ?[Rr]efused`,
  `\\b[Cc]onnection ?[Rr]efused['"”’]? (?:handling|handler|tests?|test case|scenario|case)\\b`,
  // A negated mention: "I don't see the \`connection refused\` error", "no longer get Connection refused".
  `\\b(?:[Dd]on'?t|[Dd]o not|[Dd]idn'?t|[Dd]id not|[Nn]o longer|[Nn]ever|[Cc]an(?:no|'?)t) (?:see|seeing|get|getting|hit|hitting|receive|receiving|observe|reproduce) (?:the |a |any |that |this )?['"“‘\`]?[Cc]onnection ?[Rr]efused`,
  `^\\s{0,8}(?:✓|✔|ok \\d{1,5} -|PASS(?:ED)?\\b)[^\\n]{0,200}[Cc]onnection ?[Rr]efused`,
].join('|'));

const IS_SOCKET_PATH = /^(?:\/|\\\\|\/\/\.\/pipe)/;
const NODE_ERRNO_VERB_G = /\bconnect (?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH) ([^\s'"\]),“”‘’]{1,300})/g;
const NODE_ERRNO_VERB = /\b(connect|read|write|getaddrinfo|queryA{1,4}|querySrv|queryTxt|queryCname|lookup) \[?(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOTFOUND|EAI_AGAIN|ENOENT|EACCES)\]?(?:[ ]([^\s'"\]),“”‘’]{1,300}))?/;

// ---------------------------------------------------------------------------------------------------

export const SIGNATURES: Signature[] = [
  // ============================== Node.js ==============================
  {
    // connect ECONNREFUSED 127.0.0.1:5432 · connect ECONNREFUSED ::1:5432 · getaddrinfo ENOTFOUND db
    // connect ENOENT /tmp/app.sock · read ECONNRESET · AggregateError [ECONNREFUSED]
    id: 'node-errno', runtime: null, client: null, kind: null, weight: 3,
    pre: ['econn', 'enotfound', 'eai_again', 'ehostunreach', 'enetunreach', 'etimedout', 'enoent', 'eacces'],
    re: /\b(connect|read|write|getaddrinfo|queryA{1,4}|querySrv|queryTxt|queryCname|lookup|spawn)?[ ]?\[?(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOTFOUND|EAI_AGAIN|ENOENT|EACCES)\]?(?:[ ]([^\s'"\]),“”‘’]{1,300}))?/,
    extract: (first, line) => {
      // The line may name the code twice ("EAI_AGAIN Request to … failed: getaddrinfo EAI_AGAIN host:443"):
      // the occurrence with a verb in front is the one that carries the endpoint.
      let m = first;
      if (!m[1]) {
        const better = NODE_ERRNO_VERB.exec(line);
        if (better) m = better;
      }
      const verb = m[1];
      const code = m[2]!;
      let token = m[3];
      // Old Node closes the message after the code: { [Error: getaddrinfo ENOTFOUND] code: 'ENOTFOUND', … }.
      if (token && m[0].includes(`${code}]`)) token = undefined;
      // Without a verb, a following word is prose ("EAI_AGAIN Request to …"), not a host, unless it has a port.
      if (!verb && token && !/:\d{1,5}$/.test(token) && !IS_SOCKET_PATH.test(token)) token = undefined;
      // Node's connect/read/write errors always print address:port (or a path); a bare word after one is prose.
      if ((verb === 'connect' || verb === 'read' || verb === 'write') && token) {
        const bare = token.replace(/[?!.,;:]+$/, '');
        if (!/:\d{1,5}$/.test(bare) && !isIp(bare) && !IS_SOCKET_PATH.test(bare)) token = undefined;
      }
      if (verb === 'spawn') return null;
      const runtime: Runtime | null = verb ? 'node' : null;
      if (code === 'ENOENT' || code === 'EACCES') {
        if (!token || !IS_SOCKET_PATH.test(token)) return null;
        return { ...unix(token, code === 'EACCES' ? 'permission denied' : 'no such file'), runtime };
      }
      const kind = kindFromErrnoName(code);
      const hints = /AggregateError/.test(line) ? ['aggregate'] : [];
      if (token && IS_SOCKET_PATH.test(token)) return { ...unix(token, code === 'ECONNREFUSED' ? 'refused' : code), runtime };
      // A bare code ("code: 'ECONNREFUSED'", "[ECONNREFUSED]") decides the kind less firmly than "connect ECONNREFUSED h:p".
      if (!verb && !token) return { kind, errno: code, hints, weight: 2 };
      if (verb === 'getaddrinfo' || verb === 'lookup' || (verb && verb.startsWith('query'))) {
        const e = ep(token, false);
        // Old Node repeats the host with its port: getaddrinfo ENOTFOUND api.x api.x:443
        const again = e.host ? new RegExp(`${token!.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&')}:(\\d{1,5})\\b`).exec(line) : null;
        if (again && e.port == null) e.port = parsePort(again[1]);
        return { kind: 'dns', errno: code, host: e.host ?? null, port: e.port ?? null, runtime, hints };
      }
      const e = ep(token, true);
      // "connect ECONNREFUSED ::1:27017, connect ECONNREFUSED 127.0.0.1:27017" on one line: every address tried.
      for (const more of line.matchAll(NODE_ERRNO_VERB_G)) {
        const o = ep(more[1], true);
        if (o.host && o.port === e.port && isIp(o.host) && !e.addresses?.includes(o.host)) (e.addresses ??= []).push(o.host);
      }
      return merge({ kind, errno: code, runtime, hints }, e);
    },
  },
  {
    // errno: -111 (Node prints libuv's negative, platform-specific numbers)
    id: 'node-errno-number', runtime: 'node', client: null, kind: null, weight: 1, pre: 'errno:',
    re: /^\s*errno: (-\d{1,5}),?\s*$/,
    extract: (m) => {
      const info = errnoFromNodeNumber(Number(m[1]));
      return info ? { kind: info.kind, errno: info.errno, os: info.os } : null;
    },
  },
  {
    // node_redis 2.x/3.x: Redis connection to 127.0.0.1:6379 failed - connect ECONNREFUSED 127.0.0.1:6379
    id: 'node-redis-connection', runtime: 'node', client: 'node-redis', service: 'redis', kind: null, weight: 2, pre: 'redis connection to',
    re: /Redis connection to ([^\s]{1,300}) failed - ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      return merge(k.kind ? k : /ECONN|EHOST|ETIMEDOUT|ENOTFOUND/.test(m[2]!) ? byText(m[2]!.replace(/conenct/, 'connect')) : {}, m[1]!.startsWith('/') ? unix(m[1]!, m[2]) : ep(m[1]));
    },
  },
  {
    // node-fetch: request to http://x/ failed, reason: connect ECONNREFUSED 127.0.0.1:5000
    id: 'node-fetch-request', runtime: 'node', client: 'node-fetch', kind: null, weight: 1, pre: 'request to',
    re: /request to ([a-z][a-z0-9+.-]{1,20}:\/\/\S{1,1000}) failed, reason: (.{1,200})/,
    extract: (m, line) => {
      const target = url(m[1]);
      const refused = ep(/connect E[A-Z]{4,20} ([^\s'"\]),]{1,300})/.exec(line)?.[1]);
      // npm and friends behind a proxy: the request names one host and port, the refusal another.
      if (target.host && refused.host && target.host !== refused.host && refused.port != null && target.port != null && target.port !== refused.port) {
        return merge(byText(m[2]), refused, {
          hints: ['proxy'], proxy: { host: refused.host, port: refused.port }, destination: { host: target.host, port: target.port },
        });
      }
      return merge(byText(m[2]), target);
    },
  },
  {
    // undici: ConnectTimeoutError: Connect Timeout Error (attempted address: api.x:443, timeout: 10000ms)
    id: 'undici-connect-timeout', runtime: 'node', client: 'undici', kind: 'timeout', weight: 3, pre: 'connect timeout error',
    re: /Connect Timeout Error(?: \(attempted addresses?: ([^\s,)]{1,300})(?:, [^\s,)]{1,300}){0,8}, timeout: \d{1,9}\s?ms\))?/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ETIMEDOUT' }),
  },
  {
    // prisma: Can't reach database server at `localhost`:`5432` (backticks are gone after normalising)
    id: 'prisma-p1001', runtime: 'node', client: 'prisma', kind: 'refused', weight: 2, pre: "can't reach database server",
    re: /Can't reach database server at ([^\s]{1,300})/,
    extract: (m) => {
      const e = ep(m[1]);
      if (e.host) return e;
      // A name someone bracketed over (db.[MY_INSTANCE].supabase.co:5432) still says the port.
      const port = /:\s?`?(\d{1,5})`?[.,]?$/.exec(m[1]!);
      return port ? { port: parsePort(port[1]) } : {};
    },
  },
  {
    // mongodb (old node driver): failed to connect to server [localhost:27017] on first connect
    id: 'mongo-node-first-connect', runtime: 'node', client: 'mongodb', service: 'mongodb', kind: null, weight: 1,
    pre: 'failed to connect to server', re: /failed to connect to server \[([^\]\s]{1,300})\]/,
    extract: (m) => ep(m[1]),
  },
  {
    // MongoServerSelectionError's reason lists the servers it tried: 'localhost:27017' => ServerDescription
    id: 'mongo-node-topology', runtime: 'node', client: 'mongodb', service: 'mongodb', kind: null, weight: 0,
    pre: '=>', re: /'([^'\s]{1,300})' => \[?ServerDescription/,
    extract: (m) => ep(m[1]),
  },

  // ============================== Python ==============================
  {
    // [Errno 111] Connection refused · [WinError 10061] … · [Errno -2] Name or service not known
    id: 'py-errno', runtime: 'python', client: null, kind: null, weight: 3, pre: ['errno', 'winerror'],
    re: /\[(Errno|WinError) (-?\d{1,5})\] ?([^'"\]\n]{0,160})/,
    extract: (m, line) => {
      const n = Number(m[2]);
      const text = m[3] ?? '';
      if (n === 2 || n === 13) {
        const sock = /(\/[^\s'"]{1,300}\.sock)\b/.exec(line);
        return sock ? unix(sock[1]!, n === 13 ? 'permission denied' : 'no such file') : null;
      }
      const e = byNumber(m[2], text);
      if (!e.kind) return null;
      if (m[1] === 'WinError') e.os = 'windows';
      const px = /\bproxy ([A-Za-z0-9_.-]{0,253}):(\d{1,5}): \[(?:Errno|WinError)/i.exec(line);
      if (px) {
        const port = parsePort(px[2]);
        const host = px[1] ? ep(`${px[1]}:${px[2]}`).host ?? null : null;
        return { ...e, ...(host ? { host, addresses: isIp(host) ? [host] : [] } : {}), port, hints: ['proxy'], proxy: host ? { host, port } : null };
      }
      return e;
    },
  },
  {
    // urllib3/requests: HTTPConnectionPool(host='localhost', port=8000): Max retries exceeded …
    id: 'urllib3-pool', runtime: 'python', client: 'urllib3', service: 'http', kind: null, weight: 1, pre: 'connectionpool(host=',
    re: /(HTTPS?)ConnectionPool\(host=['"]([^'"]{1,255})['"], ?port=(\d{1,5})\)/,
    extract: (m, line) => {
      const tls = m[1] === 'HTTPS';
      const host = cleanHost(m[2]!);
      const port = parsePort(m[3]);
      const base: Extract = { host, port, scheme: tls ? 'https' : 'http', tls, addresses: isIp(host) ? [host] : [] };
      if (/ProxyError|Cannot connect to proxy|Unable to connect to proxy|Tunnel connection failed/i.test(line)) {
        const code = /Tunnel connection failed: (\d{3})/.exec(line);
        return {
          ...base, kind: 'refused', errno: 'ECONNREFUSED',
          hints: ['proxy', ...(code ? [`http-${code[1]}`] : [])],
          destination: { host, port },
        };
      }
      if (/Read timed out|ConnectTimeoutError|timed out/i.test(line)) return { ...base, kind: 'timeout', errno: 'ETIMEDOUT' };
      if (/SSLError|CERTIFICATE_VERIFY_FAILED|SSL:/.test(line)) return { ...base, kind: 'tls' };
      return base;
    },
  },
  {
    // urllib3 2.x: NameResolutionError(…: Failed to resolve 'api.internal' ([Errno -2] …))
    id: 'urllib3-resolve', runtime: 'python', client: 'urllib3', kind: 'dns', weight: 3, pre: 'failed to resolve',
    re: /Failed to resolve '([^'\s]{1,255})'/,
    extract: (m) => ({ host: cleanHost(m[1]!), errno: 'ENOTFOUND' }),
  },
  {
    // urllib3: ConnectTimeoutError(…, 'Connection to 10.0.0.5 timed out. (connect timeout=5)')
    id: 'urllib3-connect-timeout', runtime: 'python', client: 'urllib3', kind: 'timeout', weight: 3, pre: 'timed out. (connect timeout',
    re: /Connection to ([^\s]{1,255}) timed out\. \(connect timeout/,
    extract: (m, line) => {
      // The connection object names the scheme (HTTPSConnection → 443) when the message leaves the port out.
      const scheme = /\bHTTPSConnection\b/.test(line) ? 'https' : /\bHTTPConnection\b/.test(line) ? 'http' : null;
      return { ...ep(m[1], false), errno: 'ETIMEDOUT', scheme, tls: scheme === 'https' ? true : null };
    },
  },
  {
    // redis-py: Error 111 connecting to localhost:6379. Connection refused.
    id: 'redis-py-connect', runtime: 'python', client: 'redis-py', service: 'redis', kind: null, weight: 3, pre: 'connecting to',
    re: /Error (-?\d{1,5}) connecting to (?:unix socket: ([^\s]{1,300}?)\.|(\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:]{1,255}:\d{1,5})\.)[ ]?([^\n]{0,120})/,
    extract: (m) => {
      if (m[2]) return unix(m[2], m[4], m[1] === '111' ? 'ECONNREFUSED' : 'ENOENT');
      return merge(byNumber(m[1], m[4]), byText(m[4]), ep(m[3]));
    },
  },
  {
    // redis-py: Timeout connecting to server / TimeoutError: Timeout reading from socket
    id: 'redis-py-timeout', runtime: 'python', client: 'redis-py', service: 'redis', kind: 'timeout', weight: 2,
    pre: 'timeout connecting to', re: /Timeout connecting to (?:server|([^\s]{1,300}))/,
    extract: (m) => ({ errno: 'ETIMEDOUT', ...ep(m[1]) }),
  },
  {
    // pymongo: ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused, Timeout: 30s
    // The inner errno decides, not the wrapper's word "Timeout".
    id: 'pymongo-selection', runtime: 'python', client: 'pymongo', service: 'mongodb', kind: null, weight: 3,
    pre: ['serverselectiontimeouterror', 'autoreconnect', 'connectionfailure', 'networktimeout'],
    re: /(?:ServerSelectionTimeoutError|AutoReconnect|ConnectionFailure|NetworkTimeout)[:(]? ?['"]?([^\s'",]{1,300}?): ([^,(\n]{1,160})/,
    extract: (m) => {
      const e = ep(m[1]);
      if (!e.host) return null;
      return merge(byText(m[2]), /\[Errno (-?\d+)\]/.test(m[2]!) ? byNumber(/\[Errno (-?\d+)\]/.exec(m[2]!)![1]) : {}, e);
    },
  },
  {
    // aiohttp: Cannot connect to host localhost:8080 ssl:default [Connect call failed ('127.0.0.1', 8080)]
    id: 'aiohttp-connector', runtime: 'python', client: 'aiohttp', service: 'http', kind: null, weight: 3, pre: 'cannot connect to host',
    re: /Cannot connect to host ([^\s]{1,300}) ssl:(?:<[^>]{0,300}>|\S{1,60}) \[([^\n]{0,200})\]/,
    extract: (m) => {
      const text = m[2] ?? '';
      const k = /Connect call failed/.test(text) && !kindFromText(text) ? { kind: 'refused' as const, errno: 'ECONNREFUSED' } : byText(text);
      return merge(k, ep(m[1]));
    },
  },
  {
    // asyncio: [Errno 111] Connect call failed ('127.0.0.1', 5432) — several for "Multiple exceptions"
    id: 'asyncio-connect-call', runtime: 'python', client: null, kind: 'refused', weight: 2, pre: 'connect call failed',
    re: /Connect call failed \('([^']{1,255})', (\d{1,5})/,
    extract: (m, line) => {
      const addrs = [...line.matchAll(/Connect call failed \('([^']{1,255})', \d{1,5}/g)].slice(0, 8).map((a) => cleanHost(a[1]!));
      const host = cleanHost(m[1]!);
      return { host, port: parsePort(m[2]), addresses: addrs.filter(isIp), errno: 'ECONNREFUSED' };
    },
  },
  {
    // httpx/httpcore/anyio: ConnectError: All connection attempts failed
    id: 'httpx-all-attempts', runtime: 'python', client: 'httpx', kind: 'refused', weight: 1, pre: 'all connection attempts failed',
    re: /All connection attempts failed/,
  },
  {
    id: 'httpx-connect-timeout', runtime: 'python', client: 'httpx', kind: 'timeout', weight: 2, pre: 'connecttimeout',
    re: /\b(?:httpx|httpcore)\.ConnectTimeout\b/,
    extract: () => ({ errno: 'ETIMEDOUT' }),
  },
  {
    // celery/kombu: consumer: Cannot connect to amqp://guest:**@127.0.0.1:5672//: [Errno 111] Connection refused.
    id: 'celery-cannot-connect', runtime: 'python', client: 'kombu', kind: null, weight: 2, pre: 'cannot connect to',
    re: /Cannot connect to ((?:amqps?|pyamqp|librabbitmq|redis|rediss|sqs|sentinel):\/\/[^\s]{1,300}?):? ([^\n]{0,160})/,
    extract: (m) => merge(byText(m[2]), url(m[1])),
  },
  {
    // pika: AMQPConnectionError, often with nothing after it — the broker could not be reached.
    id: 'pika-connection-error', runtime: 'python', client: 'pika', service: 'amqp', kind: 'refused', weight: 1,
    pre: ['amqpconnectionerror', 'amqpconnectorsocketconnecterror'],
    re: /AMQPConnectionError|AMQPConnectorSocketConnectError/,
    extract: () => ({ errno: 'ECONNREFUSED' }),
  },
  {
    // PyMySQL / mysqlclient / mysql-connector / mysql CLI / mysql2 (ruby):
    // Can't connect to MySQL server on 'localhost' ([Errno 111] Connection refused) · on 'db:3306' (111)
    id: 'mysql-cant-connect', runtime: null, client: null, service: 'mysql', kind: null, weight: 3, pre: "can't connect to",
    re: /Can't connect to (?:MySQL|MariaDB) server on (?:u(?=['"]))?['"]?([^'"\s]{1,300})['"]?(?: \(([^\n]{1,160})\))?/,
    extract: (m) => {
      const detail = m[2] ?? '';
      const num = /^(?:\[Errno )?(\d{2,5})\b/.exec(detail);
      // 115 (EINPROGRESS) is what the MySQL client reports when its connect timed out.
      const timedOut = num?.[1] === '115' ? { kind: 'timeout' as const, errno: 'ETIMEDOUT' } : {};
      const e = merge(timedOut, num ? byNumber(num[1], detail) : byText(detail), byText(detail), ep(m[1]));
      if (!e.kind) e.kind = 'refused';
      return e;
    },
  },
  {
    // Unknown MySQL server host 'db' (-2) — the MySQL client's DNS failure (2005).
    id: 'mysql-unknown-host', runtime: null, client: null, service: 'mysql', kind: 'dns', weight: 3, pre: 'unknown mysql server host',
    re: /Unknown MySQL server host '([^'\s]{1,255})'/,
    extract: (m) => ({ ...ep(m[1], false), errno: 'ENOTFOUND' }),
  },
  {
    // Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)
    id: 'mysql-local-socket', runtime: null, client: null, service: 'mysql', kind: 'unix_socket', weight: 3, pre: 'through socket',
    re: /Can't connect to local (?:MySQL|MariaDB) server through socket '([^'\s]{1,300})'(?: \((\d{1,5})[^)]{0,80}\))?/,
    extract: (m) => unix(m[1]!, m[2] === '111' ? 'refused' : 'no such file'),
  },
  {
    // Python's ssl module: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed · [SSL: WRONG_VERSION_NUMBER]
    id: 'py-ssl', runtime: 'python', client: null, kind: 'tls', weight: 3, pre: '[ssl:',
    re: /\[SSL: ([A-Z_]{3,60})\]/,
  },

  // ============================== libpq (psycopg2, psql, PG gem, PHP pgsql …) ==============================
  {
    // libpq ≥ 14: connection to server at "localhost" (::1), port 5432 failed: Connection refused
    id: 'libpq-server-at', runtime: null, client: null, service: 'postgres', kind: null, weight: 3, pre: 'connection to server at',
    re: /connection to server at "([^"]{1,255})"(?: \(([^)\s]{1,60})\))?, port (\d{1,5}) failed: ([^\n]{0,160})/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      const addr = m[2] ? cleanHost(m[2]) : isIp(host) ? host : null;
      const k = byText(m[4]);
      if (!k.kind && /timeout expired/i.test(m[4]!)) Object.assign(k, { kind: 'timeout', errno: 'ETIMEDOUT' });
      return { ...k, host, port: parsePort(m[3]), addresses: addr ? [addr] : [] };
    },
  },
  {
    // libpq ≥ 14: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory
    id: 'libpq-socket', runtime: null, client: null, service: 'postgres', kind: 'unix_socket', weight: 3, pre: 'connection to server on socket',
    re: /connection to server on socket "([^"]{1,300})" failed: ([^\n]{0,160})/,
    extract: (m) => unix(m[1]!, m[2]),
  },
  {
    // libpq < 14, first line: could not connect to server: Connection refused
    id: 'libpq-could-not-connect', runtime: null, client: null, service: 'postgres', kind: null, weight: 3, pre: 'could not connect to server',
    re: /could not connect to server: ([^\n(]{1,160})/,
    extract: (m, line) => {
      const e = byText(m[1]);
      if (!e.kind) return null;
      if (e.kind === 'unix_socket') return e; // the socket path is two lines down
      const win = /\(0x[0-9A-Fa-f]{8}\/(\d{4,5})\)/.exec(line);
      if (win) e.os = 'windows';
      return e;
    },
  },
  {
    // libpq < 14, next two lines: Is the server running on host "localhost" (::1) and accepting / TCP/IP connections on port 5432?
    id: 'libpq-running-on-host', runtime: null, client: null, service: 'postgres', kind: null, weight: 1, span: 2,
    pre: 'is the server running on host',
    // An issue title cut short may end at "TCP/IP connections": the host is still named, the port is not.
    re: /Is the server running on host "([^"]{1,255})"(?: \(([^)\s]{1,60})\))? and accepting\s{1,40}TCP\/IP connections(?: on port (\d{1,5}))?/,
    extract: (m, line) => {
      const host = cleanHost(m[1]!);
      const addrs = [...line.matchAll(/Is the server running on host "[^"]{1,255}" \(([^)\s]{1,60})\)/g)].slice(0, 8).map((a) => cleanHost(a[1]!));
      if (!addrs.length && isIp(host)) addrs.push(host);
      return { host, port: parsePort(m[3]), addresses: [...new Set(addrs)] };
    },
  },
  {
    // libpq < 14: Is the server running locally and accepting / connections on Unix domain socket "/tmp/.s.PGSQL.5432"?
    id: 'libpq-unix-domain', runtime: null, client: null, service: 'postgres', kind: 'unix_socket', weight: 1, span: 1,
    pre: 'unix domain socket',
    re: /connections on Unix domain socket "([^"]{1,300})"/,
    extract: (m) => ({ unixSocket: m[1]!, errno: 'ENOENT' }),
  },
  {
    // libpq: could not translate host name "db" to address: Name or service not known
    id: 'libpq-translate', runtime: null, client: null, service: 'postgres', kind: 'dns', weight: 3, pre: 'could not translate host name',
    // The server's own log adds the service: could not translate host name "localhost", service "5432" to address
    re: /could not translate host name "([^"]{1,255})"(?:, service "(\d{1,5})")? to address/,
    extract: (m) => ({
      host: cleanHost(m[1]!), ...(m[2] ? { port: parsePort(m[2]) } : {}),
      errno: /temporary failure/i.test(m.input) ? 'EAI_AGAIN' : 'ENOTFOUND',
    }),
  },

  // ============================== Java / Kotlin / JVM ==============================
  {
    // Kafka: Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Broker may not be available.
    id: 'kafka-node', runtime: 'java', client: 'kafka-clients', service: 'kafka', kind: 'refused', weight: 2, pre: 'connection to node',
    re: /Connection to node (-?\d{1,10}) (?:\(([^)\s]{0,300})\) )?could not be established/,
    extract: (m) => {
      const node = Number(m[1]);
      return { ...ep(m[2]), errno: 'ECONNREFUSED', hints: [node < 0 ? 'kafka-bootstrap' : 'kafka-broker'] };
    },
  },
  {
    // Kafka: Bootstrap broker localhost:9092 (id: -1 rack: null) disconnected
    id: 'kafka-bootstrap-broker', runtime: 'java', client: 'kafka-clients', service: 'kafka', kind: null, weight: 0, pre: 'bootstrap broker',
    re: /Bootstrap broker ([^\s]{1,300}) \(id: -?\d{1,10}/,
    extract: (m) => ({ ...ep(m[1]), hints: ['kafka-bootstrap'] }),
  },
  {
    // kafka-python: connect attempt to localhost:9092 returned error 111. Disconnecting.
    id: 'kafka-python-connect', runtime: 'python', client: 'kafka-python', service: 'kafka', kind: null, weight: 3, pre: 'connect attempt to',
    re: /connect attempt to ([^\s]{1,300}) returned error (-?\d{1,5})/,
    extract: (m) => merge(byNumber(m[2]), ep(m[1])),
  },
  {
    // MySQL Connector/J: Communications link failure — the driver never reached the server. The cause
    // below it (ConnectException, UnknownHostException …) says why; alone it most often means refused.
    id: 'mysql-jdbc-link-failure', runtime: 'java', client: 'jdbc', service: 'mysql', kind: 'refused', weight: 1,
    pre: 'communications link failure', re: /Communications link failure/,
    extract: () => ({ errno: 'ECONNREFUSED' }),
  },
  {
    // Hadoop IPC: Call From host/10.0.0.1 to localhost:9000 failed on connection exception: java.net.ConnectException: Connection refused
    id: 'hadoop-call-from', runtime: 'java', client: 'hadoop', kind: null, weight: 3, pre: 'failed on',
    re: /Call From \S{1,300} to ([^\s]{1,300}) failed on (connection|socket timeout) exception: ([^;\n]{1,200})/,
    extract: (m) => {
      const k = m[2] === 'socket timeout' ? { kind: 'timeout' as const, errno: 'ETIMEDOUT' } : byText(m[3]);
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // PgJDBC: Connection to localhost:5432 refused. Check that the hostname and port are correct …
    id: 'pgjdbc-refused', runtime: 'java', client: 'jdbc', service: 'postgres', kind: 'refused', weight: 3, pre: 'refused. check that the hostname',
    re: /Connection to ([^\s]{1,300}) refused\. Check that the hostname and port are correct/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ECONNREFUSED' }),
  },
  {
    // Apache HttpClient: Connect to localhost:8080 [localhost/127.0.0.1, localhost/0:0:0:0:0:0:0:1] failed: Connection refused
    id: 'httpclient-connect-to', runtime: 'java', client: 'httpclient', kind: null, weight: 3, pre: 'connect to',
    re: /Connect to ([^\s]{1,300}) \[([^\]]{1,400})\] failed: ([^\n]{1,160})/,
    extract: (m) => {
      const addrs = m[2]!.split(',').map((s) => s.trim().split('/').pop() ?? '').map(cleanHost).filter(isIp);
      const e = merge(byText(m[3]), ep(m[1], false));
      e.addresses = addrs;
      return e;
    },
  },
  {
    // Spring RestTemplate: I/O error on GET request for "http://localhost:8081/api": Connection refused
    id: 'spring-io-error', runtime: 'java', client: 'spring', kind: null, weight: 2, pre: 'i/o error on',
    re: /I\/O error on [A-Z]{3,7} request for "([^"]{1,1000})": ([^;\n]{0,200})/,
    extract: (m) => {
      const u = url(m[1]);
      const msg = m[2]!.trim();
      const k = byText(msg);
      if (!k.kind) {
        // OkHttp under RestTemplate: "Failed to connect to localhost/127.0.0.1:9411" (a ConnectException).
        if (/^Failed to connect to /i.test(msg)) return merge({ kind: 'refused', errno: 'ECONNREFUSED' }, u);
        // UnknownHostException's message is the bare host name: "…/oauth/token": auth.example.com
        if (u.host && !isIp(u.host) && msg.toLowerCase() === u.host) return merge({ kind: 'dns', errno: 'ENOTFOUND' }, u);
      }
      return merge(k, u);
    },
  },
  {
    // java.net.ConnectException: Connection refused (Connection refused) / Connection refused: connect (Windows)
    // netty: AnnotatedConnectException: Connection refused: localhost/127.0.0.1:6379
    // okhttp: ConnectException: Failed to connect to localhost/127.0.0.1:8080
    id: 'java-connect-exception', runtime: 'java', client: null, kind: null, weight: 3, pre: 'connectexception',
    re: /ConnectException: ([^\n]{1,300})/,
    extract: (m) => {
      const msg = m[1]!;
      const k = byText(msg);
      const e = endpointIn(msg);
      // "Connection refused: connect" is the wording of Java's Windows socket implementation.
      if (/^Connection (?:refused|timed out): connect\b/.test(msg)) k.os = 'windows';
      if (!k.kind) {
        if (/Failed to connect\b|Connection failed/i.test(msg)) return { kind: 'refused', errno: 'ECONNREFUSED', ...e };
        if (/Connection timed out|connect timed out/i.test(msg)) return { kind: 'timeout', errno: 'ETIMEDOUT', ...e };
        return Object.keys(e).length ? e : null;
      }
      return merge(k, e);
    },
  },
  {
    // java.net.SocketTimeoutException: connect timed out · Connect timed out
    id: 'java-socket-timeout', runtime: 'java', client: null, kind: 'timeout', weight: 3, pre: 'sockettimeoutexception',
    re: /SocketTimeoutException(?:: ([^\n]{0,200}))?/,
    extract: (m) => ({ errno: 'ETIMEDOUT', ...endpointIn(m[1] ?? '') }),
  },
  {
    // java.net.UnknownHostException: db: Name or service not known · UnknownHostException: No such host is known (db)
    id: 'java-unknown-host', runtime: 'java', client: null, kind: 'dns', weight: 3, pre: 'unknownhostexception',
    re: /UnknownHostException: (?:No such host is known \(([^)\s]{1,255})\)|Unable to resolve host "([^"\s]{1,255})"|([^\s:]{1,255}))/,
    extract: (m) => {
      const h = cleanHost((m[1] ?? m[2] ?? m[3])!);
      return plausibleHost(h) ? { host: h, errno: 'ENOTFOUND' } : { errno: 'ENOTFOUND' };
    },
  },
  {
    id: 'java-no-route', runtime: 'java', client: null, kind: 'unreachable', weight: 3, pre: 'noroutetohostexception',
    re: /NoRouteToHostException(?:: ([^\n]{0,200}))?/,
    extract: (m) => ({ errno: 'EHOSTUNREACH', ...endpointIn(m[1] ?? '') }),
  },
  {
    // java.net.SocketException: Connection reset
    id: 'java-socket-reset', runtime: 'java', client: null, kind: 'reset', weight: 3, pre: 'socketexception: connection reset',
    re: /SocketException: Connection reset/,
    extract: () => ({ errno: 'ECONNRESET' }),
  },
  {
    id: 'java-ssl', runtime: 'java', client: null, kind: 'tls', weight: 3, pre: ['sslhandshakeexception', 'pkix path', 'sslexception'],
    re: /SSLHandshakeException|PKIX path building failed|javax\.net\.ssl\.SSLException/,
  },
  {
    // netty / lettuce / reactor: finishConnect(..) failed: Connection refused: localhost/127.0.0.1:6379
    id: 'jvm-refused-endpoint', runtime: 'java', client: null, kind: 'refused', weight: 3, pre: 'connection refused: ',
    re: /Connection refused: ((?:[A-Za-z0-9_.-]{0,253}\/)?[^\s;]{2,300}:\d{1,5})/,
    extract: (m) => {
      const e = ep(m[1]);
      return e.host ? { ...e, errno: 'ECONNREFUSED' } : null;
    },
  },
  {
    // Lettuce: Unable to connect to localhost:6379 / Exception in monitor thread while connecting to server localhost:27017
    id: 'jvm-unable-to-connect', runtime: null, client: null, kind: null, weight: 1, pre: ['unable to connect to', 'while connecting to server'],
    re: /(?:Unable to connect to|while connecting to server) ([^\s]{1,300})/,
    extract: (m) => {
      const e = ep(m[1]);
      return e.host && e.port != null ? e : null;
    },
  },

  // ============================== Go ==============================
  {
    // dial tcp 127.0.0.1:5432: connect: connection refused · dial tcp [::1]:8080: connectex: … actively refused it.
    // dial tcp 10.0.0.5:443: i/o timeout · dial unix /var/run/docker.sock: connect: no such file or directory
    id: 'go-dial', runtime: 'go', client: null, kind: null, weight: 3, pre: 'dial ',
    re: /\bdial (tcp[46]?|udp[46]?|unix) (\S{1,300}?): ([^\n]{1,200})/,
    extract: (m) => {
      const net = m[1]!;
      const target = m[2]!;
      const text = m[3]!;
      if (net === 'unix') return unix(target, text);
      const k = byText(text);
      if (!k.kind) return null;
      // "dial tcp <nil>->10.0.0.5:443" / "dial tcp 10.0.0.1:5555->10.0.0.5:443": the far end is after the arrow.
      const far = target.includes('->') ? target.slice(target.lastIndexOf('->') + 2) : target;
      // "dial tcp :22": the port is written, the host is empty.
      if (/^:\d{1,5}$/.test(far)) return merge(k, { port: parsePort(far.slice(1)) });
      const e = ep(far, false);
      const os: Os | null = /connectex:|wsarecv|wsasend|actively refused/i.test(text) ? 'windows' : null;
      return merge(k, e, os ? { os } : {});
    },
  },
  {
    // read tcp 10.0.0.1:5555->10.0.0.5:443: read: connection reset by peer — the far end is after the arrow.
    id: 'go-read-write', runtime: 'go', client: null, kind: null, weight: 3, pre: '->',
    re: /\b(?:read|write) (?:tcp|udp)[46]? [^\s>]{1,300}->(\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:\[]{1,255}:\d{1,5}): (?:read|write): ([^\n]{1,120})/,
    extract: (m, line) => {
      // "lookup db on 10.96.0.10:53: read udp …->10.96.0.10:53" is the DNS query failing, not the target.
      if (/\blookup \S{1,255} on /.test(line)) return null;
      const k = byText(m[2]);
      return k.kind ? merge(k, ep(m[1])) : null;
    },
  },
  {
    // dial tcp: lookup db on 127.0.0.11:53: no such host — the host that failed is db, not the DNS server.
    id: 'go-lookup', runtime: 'go', client: null, kind: 'dns', weight: 3, pre: 'lookup ',
    // A DSN mangled by quotes may leave one before the name: lookup "db.example.com: · lookup \"db: no such host
    re: /\blookup (?:\\?")?([A-Za-z0-9_.-]{1,255})(?: on ([^\s]{1,100}))?: ([^\n]{1,160})/,
    extract: (m) => {
      const text = m[3]!;
      if (!/no such host|server misbehaving|i\/o timeout|name resolution|not known|timeout|no answer|connection refused/i.test(text)) return null;
      const hints = m[2] && /^127\.0\.0\.11:/.test(m[2]) ? ['in-container'] : [];
      return { host: cleanHost(m[1]!), errno: /temporary|timeout|misbehaving/i.test(text) ? 'EAI_AGAIN' : 'ENOTFOUND', hints };
    },
  },
  {
    // Go net/http: Get "http://localhost:8080/api": dial tcp [::1]:8080: … (the URL names the host as written)
    id: 'go-http-request', runtime: 'go', client: 'net/http', kind: null, weight: 0, pre: ['get ', 'post ', 'put ', 'delete ', 'patch ', 'head '],
    // Go before 1.14 printed the URL without quotes: Get http://localhost:9093/api: dial tcp …
    re: /\b(?:Get|Post|Put|Delete|Patch|Head) (?:\\?"([a-z][a-z0-9+.-]{1,20}:\/\/[^"\\]{1,1000})\\?"|([a-z][a-z0-9+.-]{1,20}:\/\/[^"\\\s]{1,1000}?)): /,
    extract: (m) => url(m[1] ?? m[2]),
  },
  {
    // pgx v5: failed to connect to user=postgres database=app: [::1]:5432 (localhost): dial error: …
    id: 'pgx-dial-error', runtime: 'go', client: 'pgx', service: 'postgres', kind: null, weight: 0, pre: 'dial error',
    re: /(\[[0-9a-fA-F:.%]{2,60}\]|[0-9A-Za-z_.-]{1,253}):(\d{1,5}) \(([^)\s]{1,255})\): dial error/,
    extract: (m) => {
      const addr = cleanHost(m[1]!);
      return { host: cleanHost(m[3]!), port: parsePort(m[2]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // pgx v4: failed to connect to host=localhost user=postgres database=app: dial error (…)
    id: 'pgx-host', runtime: 'go', client: 'pgx', service: 'postgres', kind: null, weight: 0, pre: 'failed to connect to host=',
    re: /failed to connect to host=([^\s]{1,255}) /,
    extract: (m) => ({ host: cleanHost(m[1]!) }),
  },
  {
    // gRPC core (Python, C++, Ruby, PHP): failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:50051: Failed to connect to remote host: Connection refused
    id: 'grpc-core-address', runtime: null, client: 'grpc', service: 'grpc', kind: null, weight: 3, pre: ['ipv4:', 'ipv6:'],
    re: /\b(?:ipv4|ipv6):(%5B[^%\s]{1,60}%5D|\[[^\]\s]{1,60}\]|[^\s:]{1,255}):(\d{1,5}): ([^\n"]{1,200})/,
    extract: (m) => {
      const k = byText(m[3]);
      const num = /\((\d{2,5})\)/.exec(m[3]!);
      const host = cleanHost(decodeURIComponent(m[1]!));
      return merge(num ? byNumber(num[1]) : {}, k, { host, port: parsePort(m[2]), addresses: isIp(host) ? [host] : [], hints: ['grpc'] });
    },
  },
  {
    id: 'grpc-all-addresses', runtime: null, client: 'grpc', service: 'grpc', kind: 'refused', weight: 1,
    pre: ['failed to connect to all addresses', 'no connection established', 'connect failed'],
    re: /failed to connect to all addresses|14 UNAVAILABLE: No connection established|StatusCode\.UNAVAILABLE, Connect Failed/,
    extract: () => ({ hints: ['grpc'], errno: 'ECONNREFUSED' }),
  },
  {
    id: 'grpc-dns', runtime: null, client: 'grpc', service: 'grpc', kind: 'dns', weight: 3, pre: 'dns resolution failed',
    re: /DNS resolution failed for (?:service: )?([^\s"]{1,300})/,
    extract: (m) => ({ ...ep(m[1], false), hints: ['grpc'], errno: 'ENOTFOUND' }),
  },

  // ============================== Rust ==============================
  {
    // Connection refused (os error 111) · No connection could be made … (os error 10061)
    id: 'rust-os-error', runtime: 'rust', client: null, kind: null, weight: 3, pre: 'os error',
    re: /\(os error (-?\d{1,5})\)/,
    extract: (m, line) => {
      const e = byNumber(m[1], line);
      return e.kind ? e : null;
    },
  },
  {
    // hyper: ConnectError("tcp connect error", Os { code: 111, kind: ConnectionRefused, … })
    id: 'rust-io-kind', runtime: 'rust', client: 'hyper', kind: null, weight: 3, pre: 'os { code:',
    re: /Os \{ code: (-?\d{1,5}), kind: (\w{1,40})/,
    extract: (m) => {
      const e = byNumber(m[1], m[2]);
      return e.kind ? e : null;
    },
  },
  {
    // hyper-util trace: Http::connect; scheme=Some("http"), host=Some("localhost"), port=Some(Port(3000))
    id: 'hyper-http-connect', runtime: 'rust', client: 'hyper', kind: null, weight: 0, pre: 'http::connect;',
    re: /Http::connect; scheme=Some\("([a-z]{1,10})"\), host=Some\("([^"\s]{1,255})"\), port=Some\(Port\((\d{1,5})\)\)/,
    extract: (m) => ({ host: cleanHost(m[2]!), port: parsePort(m[3]), scheme: m[1]! }),
  },
  {
    // reqwest: error sending request for url (http://localhost:8080/): …
    id: 'reqwest-url', runtime: 'rust', client: 'reqwest', kind: null, weight: 0, pre: 'for url (',
    re: /(?:error sending request|error trying to connect|request failed)[^(\n]{0,40} for url \(([^)\s]{1,1000})\)/,
    extract: (m) => url(m[1]),
  },
  {
    id: 'rust-dns-error', runtime: 'rust', client: null, kind: 'dns', weight: 3, pre: 'dns error',
    re: /dns error: ([^\n]{1,160})/,
    extract: () => ({ errno: 'ENOTFOUND' }),
  },

  // ============================== Ruby ==============================
  {
    // Net::HTTP: Failed to open TCP connection to localhost:3000 (Connection refused - connect(2) for "localhost" port 3000)
    id: 'ruby-open-tcp', runtime: 'ruby', client: 'net/http', kind: null, weight: 3, pre: 'failed to open tcp connection to',
    re: /Failed to open TCP connection to ([^\s]{1,300}) \(([^\n]{1,240})\)/,
    extract: (m) => {
      const k = byText(m[2]);
      return k.kind ? merge(k, ep(m[1], false)) : ep(m[1], false);
    },
  },
  {
    // Errno::ECONNREFUSED: Connection refused - connect(2) for "localhost" port 6379 (host may be nil)
    id: 'ruby-connect2', runtime: 'ruby', client: null, kind: null, weight: 3, pre: 'connect(2)',
    re: /([^\n]{0,160}?) - connect\(2\)(?: for (?:"([^"]{1,255})"|([^\s"]{1,255})) port (\d{1,5}))?/,
    extract: (m, line) => {
      const name = /Errno::(E[A-Z]{3,20})/.exec(line)?.[1];
      const k = name && kindFromErrnoName(name) ? { kind: kindFromErrnoName(name), errno: name } : byText(m[1]);
      const raw = m[2] ?? m[3];
      const host = raw ? cleanHost(raw) : null;
      return {
        ...k,
        host: host && plausibleHost(host) ? host : null,
        port: parsePort(m[4]),
        addresses: host && isIp(host) ? [host] : [],
        os: /actively refused/.test(line) ? 'windows' : null,
      };
    },
  },
  {
    // Errno::ECONNREFUSED alone, or in a wrapper's parentheses
    id: 'ruby-errno-class', runtime: 'ruby', client: null, kind: null, weight: 3, pre: 'errno::',
    re: /Errno::(E[A-Z]{3,20})\b/,
    extract: (m, line) => {
      const kind = kindFromErrnoName(m[1]!);
      if (kind) return { kind, errno: m[1]! };
      if (m[1] === 'ENOENT' || m[1] === 'EACCES') {
        const sock = /(\/[^\s'"]{1,300}\.sock)\b/.exec(line);
        return sock ? unix(sock[1]!, m[1] === 'EACCES' ? 'permission denied' : 'no such file') : null;
      }
      return null;
    },
  },
  {
    // redis-rb: Error connecting to Redis on localhost:6379 (Errno::ECONNREFUSED)
    id: 'redis-rb-connect', runtime: 'ruby', client: 'redis-rb', service: 'redis', kind: null, weight: 3, pre: 'error connecting to redis on',
    re: /Error connecting to Redis on ([^\s]{1,300}) \(([^)\n]{1,120})\)/,
    extract: (m) => {
      const name = /E[A-Z]{3,20}/.exec(m[2]!)?.[0];
      const k = name && kindFromErrnoName(name) ? { kind: kindFromErrnoName(name), errno: name } : byText(m[2]);
      return merge(k, ep(m[1]));
    },
  },
  {
    // getaddrinfo: Name or service not known (Ruby SocketError, PHP php_network_getaddresses)
    id: 'getaddrinfo-text', runtime: null, client: null, kind: 'dns', weight: 2, pre: 'getaddrinfo',
    re: /getaddrinfo(?: for ([^\s]{1,255}))?(?: failed)?: ([^\n]{1,120})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (k.kind !== 'dns') return null;
      return { ...k, ...(m[1] ? ep(m[1], false) : {}) };
    },
  },

  // ============================== PHP ==============================
  {
    // PDO: SQLSTATE[HY000] [2002] Connection refused · [2002] No such file or directory · SQLSTATE[08006] [7] …
    id: 'php-sqlstate', runtime: 'php', client: 'pdo', kind: null, weight: 3, pre: 'sqlstate[',
    re: /SQLSTATE\[(\w{5})\] \[(\d{1,5})\] ([^\n]{0,240})/,
    extract: (m) => {
      const code = Number(m[2]);
      const text = m[3]!;
      const service: Service | null = code >= 2000 && code < 2100 ? 'mysql' : m[1] === '08006' || code === 7 ? 'postgres' : null;
      const k = byText(text);
      if (!k.kind) return null;
      const e: Extract = { ...k, service };
      if (/actively refused/.test(text)) e.os = 'windows';
      const sock = /(\/[^\s'"]{1,300}\.sock)\b/.exec(text);
      if (k.kind === 'unix_socket' && sock) e.unixSocket = sock[1]!;
      return e;
    },
  },
  {
    // mysqli: mysqli::real_connect(): (HY000/2002): Connection refused
    id: 'php-mysqli', runtime: 'php', client: 'mysqli', service: 'mysql', kind: null, weight: 3, pre: '(hy000/',
    re: /\(HY000\/(\d{4})\): ([^\n]{1,200})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (!k.kind) return null;
      return /actively refused/.test(m[2]!) ? { ...k, os: 'windows' } : k;
    },
  },
  {
    // PHP streams: stream_socket_client(): unable to connect to tcp://127.0.0.1:6379 (Connection refused)
    id: 'php-stream-connect', runtime: 'php', client: null, kind: null, weight: 3, pre: 'unable to connect to',
    re: /unable to connect to ((?:tcp|tls|ssl|udp|unix):\/\/[^\s]{1,300}|[^\s:]{1,255}:\d{1,5}) \(([^)\n]{1,160})\)/,
    extract: (m) => {
      const target = m[1]!;
      const k = byText(m[2]);
      if (target.startsWith('unix://')) return unix(target.slice(7), m[2]);
      return merge(k, ep(target.replace(/^[a-z]+:\/\//, '')));
    },
  },
  {
    // Predis: Connection refused [tcp://127.0.0.1:6379]
    id: 'predis-endpoint', runtime: 'php', client: 'predis', service: 'redis', kind: null, weight: 0, pre: '://',
    re: /\[(?:tcp|tls|redis|unix):\/\/([^\]\s]{1,300})\]/,
    extract: (m) => (m[1]!.startsWith('/') ? { unixSocket: m[1]! } : ep(m[1])),
  },

  // ============================== .NET ==============================
  {
    // HttpRequestException: Connection refused (localhost:5000) · SocketException (111): Connection refused
    // SocketException (10061): No connection could be made because the target machine actively refused it.
    id: 'dotnet-exception', runtime: 'dotnet', client: null, kind: null, weight: 3, pre: ['httprequestexception', 'socketexception'],
    re: /(HttpRequestException|SocketException)(?: \((?:(\d{1,6})(?:, 0x[0-9A-Fa-f]{1,8})?|0x[0-9A-Fa-f]{1,8})\))?: ([^\n]{1,300})/,
    extract: (m) => {
      const text = m[3]!;
      // Dart's SocketException has its own row (dart-socket).
      if (/\bOS Error: /.test(text)) return null;
      const k = merge(m[2] ? byNumber(m[2], text) : {}, byText(text));
      const target = /\(([^()\s]{1,300}:\d{1,5})\)\s*$/.exec(text) ?? /\(([^()\s]{1,300}:\d{1,5})\)/.exec(text);
      const e = target ? ep(target[1]) : {};
      if (!k.kind) return Object.keys(e).length ? e : null;
      if (/actively refused/.test(text)) k.os = 'windows';
      return merge(k, e);
    },
  },
  {
    // Dart: SocketException: Connection refused (OS Error: Connection refused, errno = 111), address = 127.0.0.1, port = 42796
    id: 'dart-socket', runtime: 'other', client: 'dart', kind: null, weight: 3, pre: 'os error:',
    // Older Dart: SocketException: OS Error: Connection refused, errno = 111, address = localhost, port = 35396
    re: /SocketException: (?:([^(\n]{1,160})\()?OS Error: ([^,\n]{1,120}), errno = (\d{1,5})\)?(?:, address = ([^\s,]{1,255}), port = (\d{1,5}))?/,
    extract: (m) => {
      const k = merge(byNumber(m[3], m[2]), byText(m[1]));
      if (!k.kind) return null;
      const host = m[4] ? cleanHost(m[4]) : null;
      // For a failed connect Dart prints the socket's local port (a new ephemeral one each retry:
      // 46740, 46742, …), not the port it dialled; a port in the ephemeral range is not the target's.
      const p = parsePort(m[5]);
      const port = p !== null && p >= 32768 ? null : p;
      return { ...k, host, port, addresses: host && isIp(host) ? [host] : [] };
    },
  },
  {
    // Winsock's words for 10061, printed by .NET, Go (connectex), Python (WinError), Ruby and others.
    id: 'windows-actively-refused', runtime: null, client: null, kind: 'refused', weight: 3, pre: 'actively refused',
    re: /actively refused it\.?(?: ?\(?((?:\[[^\]\s]{2,60}\]|[^\s()\[\]]{1,300}):\d{1,5})\)?)?/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ECONNREFUSED', os: 'windows' }),
  },
  {
    // SqlClient: (provider: TCP Provider, error: 40 - Could not open a connection to SQL Server)
    id: 'sqlclient-tcp-provider', runtime: 'dotnet', client: 'sqlclient', kind: null, weight: 1, pre: 'provider: tcp provider',
    re: /provider: TCP Provider, error: (\d{1,5}) - ([^)\n]{1,200})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (k.kind) return k;
      return /Could not open a connection/.test(m[2]!) ? { kind: 'refused', errno: 'ECONNREFUSED' } : null;
    },
  },
  {
    // StackExchange.Redis: It was not possible to connect to the redis server(s). UnableToConnect on localhost:6379/Interactive
    id: 'stackexchange-redis', runtime: 'dotnet', client: 'stackexchange.redis', service: 'redis', kind: 'refused', weight: 2,
    pre: 'unabletoconnect on', re: /UnableToConnect on ([^\s/]{1,300})/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ECONNREFUSED' }),
  },
  {
    // Npgsql / okhttp / others: Failed to connect to 127.0.0.1:5432
    id: 'failed-to-connect-hostport', runtime: null, client: null, kind: null, weight: 1, pre: 'failed to connect to',
    re: /Failed to connect to ((?:[A-Za-z0-9_.-]{0,253}\/)?(?:\[[^\]\s]{2,60}\]|[^\s\[\]]{1,300}):\d{1,5})\b/,
    extract: (m) => {
      const e = ep(m[1]);
      return e.host ? e : null;
    },
  },

  // ============================== command-line tools ==============================
  {
    // curl: (7) Failed to connect to localhost port 3000 after 1 ms: Connection refused
    // (also PHP/Guzzle "cURL error 7: …" and curl -v's "* connect to ::1 port 80 failed: …")
    id: 'curl-connect', runtime: null, client: 'curl', kind: null, weight: 3, pre: ['failed to connect to', 'connect to '],
    re: /(?:Failed to connect to|\* connect to) ([^\s]{1,255}) port (\d{1,5})(?: from [^\s]{1,100} port \d{1,5})?(?: after \d{1,9} ms)?(?: failed)?(?::\s?([^\n(]{1,160})|\s*$)/,
    extract: (m, line) => {
      const k = byText(m[3]);
      // Newer curl says "Couldn't connect to server" for a refused connect (and always on Windows).
      const kind = k.kind ? k : { kind: 'refused' as const, errno: 'ECONNREFUSED' };
      const e = merge(ep(`${m[1]}`, false), { port: parsePort(m[2]) });
      // git: unable to access 'https://github.com/x/y.git/': Failed to connect to 127.0.0.1 port 7890 — a proxy.
      const wanted = /unable to access '([a-z]{2,10}:\/\/[^'\s]{1,1000})'/.exec(line);
      const target = wanted ? url(wanted[1]) : {};
      if (target.host && e.host && target.host !== e.host && target.port != null && target.port !== e.port) {
        return merge(kind, e, { hints: ['proxy'], proxy: { host: e.host, port: e.port ?? null }, destination: { host: target.host, port: target.port } });
      }
      // curl -v logs each address it tries ("* connect to ::1 port 80 … failed"); its last line is the verdict.
      return merge(kind, e, /^\*\s{1,4}connect to /.test(line.trimStart()) ? { weight: 2 } : {});
    },
  },
  {
    // curl: (6) Could not resolve host: api.internal · curl: (5) Could not resolve proxy: proxy.corp
    id: 'curl-resolve', runtime: null, client: 'curl', kind: 'dns', weight: 3, pre: 'could not resolve',
    re: /Could not resolve (host|proxy): ([^\s;]{1,255})/,
    extract: (m) => {
      const e = ep(m[2], false);
      if (m[1] === 'proxy' && e.host) return { ...e, errno: 'ENOTFOUND', hints: ['proxy'], proxy: { host: e.host, port: e.port ?? null } };
      return { ...e, errno: 'ENOTFOUND' };
    },
  },
  {
    // curl: (28) Connection timed out after 5001 milliseconds · (28) Failed to connect … : Timed out (above)
    id: 'curl-timeout', runtime: null, client: 'curl', kind: 'timeout', weight: 2, pre: 'timed out after',
    re: /(?:Connection|Operation|Resolving) timed out after \d{1,9} milli/,
    extract: () => ({ errno: 'ETIMEDOUT' }),
  },
  {
    // curl: (56) Received HTTP code 502 from proxy after CONNECT · CONNECT tunnel failed, response 502
    id: 'curl-proxy-connect', runtime: null, client: 'curl', kind: 'refused', weight: 2, pre: ['from proxy after connect', 'connect tunnel failed', 'proxy connect aborted'],
    re: /Received HTTP code (\d{3}) from proxy after CONNECT|CONNECT tunnel failed, response (\d{3})|Proxy CONNECT aborted/,
    extract: (m) => {
      const code = m[1] ?? m[2];
      return { hints: ['proxy', ...(code ? [`http-${code}`] : [])], errno: 'ECONNREFUSED' };
    },
  },
  {
    id: 'curl-tls', runtime: null, client: 'curl', kind: 'tls', weight: 3, pre: 'curl: (',
    re: /curl: \((35|51|58|59|60|77|80|83|90|91)\)/,
  },
  {
    // curl: (56) Recv failure: Connection reset by peer · curl: (52) Empty reply from server
    id: 'curl-recv', runtime: null, client: 'curl', kind: 'reset', weight: 2, pre: ['recv failure', 'empty reply from server'],
    re: /Recv failure: Connection reset by peer|Empty reply from server/,
    extract: () => ({ errno: 'ECONNRESET' }),
  },
  {
    // wget: Connecting to localhost (localhost)|127.0.0.1|:8080... failed: Connection refused.
    id: 'wget-connecting', runtime: 'cli', client: 'wget', kind: null, weight: 3, pre: 'connecting to',
    re: /Connecting to ([^\s|()]{1,255})(?: \(([^)\s]{1,255})\))?(?:\|([^|\s]{1,60})\|)?:(\d{1,5})\.\.\. failed: ([^\n]{1,120})/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      const addr = m[3] ? cleanHost(m[3]) : isIp(host) ? host : null;
      return { ...byText(m[5]), host, port: parsePort(m[4]), addresses: addr ? [addr] : [] };
    },
  },
  {
    // wget: Resolving db (db)... failed: Name or service not known. · wget: unable to resolve host address ‘db’
    id: 'wget-resolve', runtime: 'cli', client: 'wget', kind: 'dns', weight: 3, pre: ['resolving ', 'unable to resolve host address'],
    re: /Resolving ([^\s(]{1,255})(?: \([^)]{0,255}\))?\.\.\. failed: |unable to resolve host address ['‘"]?([^'’"\s]{1,255})/,
    extract: (m) => ({ host: cleanHost((m[1] ?? m[2])!), errno: 'ENOTFOUND' }),
  },
  {
    // ssh: connect to host 10.0.0.5 port 22: Connection refused
    // ssh: connect to address 10.0.0.5 and port 22: No route to host · connect to host <ip address> port 22: …
    id: 'ssh-connect', runtime: 'cli', client: 'ssh', service: 'ssh', kind: null, weight: 3, pre: ['connect to host', 'connect to address', 'ssh: connect to', 'ssh:'],
    // "ssh: connect to host  port 22" (an empty host variable) and typed-over verbs ("ssh:coonect to host …") too.
    re: /(?:connect|^\s{0,8}ssh: ?[a-z]{5,9}) to (?:host |address )?(?:(<[^<>\n]{1,40}>|[^\s<]{1,255}) )?\s?(?:and )?port (\d{1,5}): ([^\n]{1,120})/,
    extract: (m, line) => {
      const k = byText(m[3]);
      if (!k.kind) return null;
      const e = m[1] ? ep(m[1], false) : {};
      // ssh -v logs each address it tries ("debug1: connect to address ::1 port 22"); its last line is the verdict.
      const attempt = /^debug\d?:/.test(line.trimStart());
      return { ...k, host: e.host ?? null, addresses: e.addresses ?? [], port: parsePort(m[2]), ...(attempt ? { weight: 2 } : {}) };
    },
  },
  {
    id: 'ssh-resolve', runtime: 'cli', client: 'ssh', service: 'ssh', kind: 'dns', weight: 3, pre: 'could not resolve hostname',
    re: /Could not resolve hostname ([^\s:]{1,255})/,
    extract: (m) => ({ host: cleanHost(m[1]!), errno: 'ENOTFOUND' }),
  },
  {
    // ssh -v: debug1: Connecting to db.lan [10.0.0.5] port 22. — pairs the name with the address tried next.
    id: 'ssh-debug-connecting', runtime: 'cli', client: 'ssh', service: 'ssh', kind: null, weight: 0, pre: 'connecting to ',
    re: /Connecting to ([A-Za-z0-9_.-]{1,253}) \[([0-9a-fA-F:.%]{2,60})\] port (\d{1,5})/,
    extract: (m) => {
      const addr = cleanHost(m[2]!);
      return { host: cleanHost(m[1]!), port: parsePort(m[3]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // ssh: kex_exchange_identification: … / Connection reset by 10.0.0.5 port 22
    id: 'ssh-reset-by', runtime: 'cli', client: 'ssh', service: 'ssh', kind: 'reset', weight: 3, pre: ['connection reset by ', 'connection closed by '],
    re: /Connection (?:reset|closed) by (?:remote host |authenticating user \S{1,64} )?([0-9A-Za-z_.:-]{2,255}) port (\d{1,5})/,
    extract: (m) => ({ host: cleanHost(m[1]!), port: parsePort(m[2]), errno: 'ECONNRESET', addresses: isIp(cleanHost(m[1]!)) ? [cleanHost(m[1]!)] : [] }),
  },
  {
    // redis-cli: Could not connect to Redis at 127.0.0.1:6379: Connection refused
    id: 'redis-cli-connect', runtime: 'cli', client: 'redis-cli', service: 'redis', kind: null, weight: 3, pre: 'could not connect to redis at',
    re: /Could not connect to Redis at ([^\s]{1,300}?): ([^\n]{1,120})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (m[1]!.startsWith('/')) return unix(m[1]!, m[2]);
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // kubectl: The connection to the server localhost:8080 was refused - did you specify the right host or port?
    id: 'kubectl-refused', runtime: 'cli', client: 'kubectl', service: 'kubernetes-api', kind: 'refused', weight: 3,
    pre: 'the connection to the server', re: /The connection to the server ([^\s]{1,300}) was refused/,
    extract: (m) => {
      const e = ep(m[1], false);
      const hints = e.host === 'localhost' && e.port === 8080 ? ['kubectl-default'] : [];
      return { ...e, errno: 'ECONNREFUSED', hints };
    },
  },
  {
    // kubectl: Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout
    id: 'kubectl-unable', runtime: 'cli', client: 'kubectl', service: 'kubernetes-api', kind: null, weight: 1,
    pre: 'unable to connect to the server', re: /Unable to connect to the server: ([^\n]{1,200})/,
    extract: (m) => byText(m[1]),
  },
  {
    // docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?
    // permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock
    id: 'docker-daemon', runtime: 'cli', client: 'docker', service: 'docker', kind: null, weight: 3, pre: 'docker daemon',
    re: /(Cannot connect to|Can't connect to|Couldn't connect to|Could not connect to|permission denied while trying to connect to) (?:the )?Docker daemon(?: socket)? at ([a-z+]+:\/\/[^\s]{1,300}?)(?:\.?\s|\.?$|:)/i,
    extract: (m) => {
      const target = m[2]!;
      const denied = /permission denied/i.test(m[1]!);
      // fig / compose v1 print http+unix://var/run/docker.sock (the socket path lost its leading slash).
      // compose 1.x: http+docker://localunixsocket is its name for the default socket.
      if (/^http\+docker:\/\/localunixsocket/i.test(target)) return unix('/var/run/docker.sock', denied ? 'permission denied' : 'no such file', denied ? 'EACCES' : 'ENOENT');
      const sock = /^(?:http\+)?unix:\/\/(\/?[^\s]{1,300})/.exec(target);
      if (sock) {
        const path = sock[1]!.startsWith('/') ? sock[1]! : `/${sock[1]!}`;
        return unix(decodeURIComponent(path), denied ? 'permission denied' : 'no such file', denied ? 'EACCES' : 'ENOENT');
      }
      return { kind: 'refused', errno: 'ECONNREFUSED', ...ep(target.replace(/^[a-z]+:\/\//, '')) };
    },
  },
  {
    // docker-compose v1 / docker-py: Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, …))
    // The Python client talks to the daemon over its unix socket (docker/transport/unixconn.py).
    id: 'docker-py-api-version', runtime: 'python', client: 'docker-py', service: 'docker', kind: 'unix_socket', weight: 3,
    pre: 'error while fetching server api version',
    re: /Error while fetching server API version: ([^\n]{0,200})/,
    extract: (m) => ({
      ...unix('/var/run/docker.sock', m[1], /Refused|111/.test(m[1]!) ? 'ECONNREFUSED' : /PermissionError|\b13\b/.test(m[1]!) ? 'EACCES' : 'ENOENT'),
    }),
  },
  {
    id: 'docker-py-unixconn', runtime: 'python', client: 'docker-py', service: 'docker', kind: null, weight: 0, pre: 'unixconn.py',
    re: /docker\/transport\/unixconn\.py/,
    extract: () => ({ unixSocket: '/var/run/docker.sock' }),
  },
  {
    // Docker Desktop on Windows: open //./pipe/docker_engine: The system cannot find the file specified.
    id: 'docker-pipe', runtime: 'cli', client: 'docker', service: 'docker', kind: 'unix_socket', weight: 3, pre: 'pipe/docker',
    re: /(\/\/\.\/pipe\/[A-Za-z_]{1,60}): ([^\n]{1,120})/,
    extract: (m) => ({ ...unix(m[1]!, m[2]), os: 'windows' }),
  },
  {
    // nc: connect to localhost port 8080 (tcp) failed: Connection refused
    id: 'nc-connect', runtime: 'cli', client: 'nc', kind: null, weight: 3, pre: 'nc: connect to',
    re: /nc: connect to ([^\s]{1,255}) port (\d{1,5}) \((?:tcp|udp)\) failed: ([^\n]{1,120})/,
    extract: (m) => ({ ...byText(m[3]), ...ep(m[1], false), port: parsePort(m[2]) }),
  },
  {
    id: 'telnet-unable', runtime: 'cli', client: 'telnet', kind: null, weight: 3, pre: 'unable to connect to remote host',
    re: /Unable to connect to remote host: ([^\n]{1,120})/,
    extract: (m) => byText(m[1]),
  },

  // ============================== proxies and web servers ==============================
  {
    // nginx: connect() failed (111: Connection refused) while connecting to upstream, …, upstream: "http://127.0.0.1:3000/"
    id: 'nginx-upstream', runtime: 'other', client: 'nginx', kind: null, weight: 3, pre: 'while connecting to upstream',
    re: /(?:connect\(\) (?:to ([^\s]{1,300}) )?failed|upstream timed out) \((\d{1,5}): ([^)]{1,100})\) while connecting to upstream/,
    extract: (m, line) => {
      const k = byNumber(m[2], m[3]);
      const up = /upstream: "([^"]{1,500})"/.exec(line);
      const hints = ['nginx-upstream', 'upstream'];
      if (m[1]?.startsWith('unix:')) return { ...unix(m[1].slice(5), m[3]), hints };
      const e = up ? url(up[1]) : m[1] ? ep(m[1]) : {};
      const dest = e.host ? { host: e.host, port: e.port ?? null } : null;
      return merge(k, e, { hints, destination: dest });
    },
  },
  {
    // nginx: host not found in upstream "app:3000" in /etc/nginx/conf.d/default.conf:12
    id: 'nginx-host-not-found', runtime: 'other', client: 'nginx', kind: 'dns', weight: 3, pre: 'host not found in upstream',
    re: /host not found in upstream "([^"\s]{1,300})"/,
    extract: (m) => {
      const e = ep(m[1], false);
      return { ...e, errno: 'ENOTFOUND', hints: ['nginx-upstream', 'upstream'], destination: e.host ? { host: e.host, port: e.port ?? null } : null };
    },
  },
  {
    id: 'nginx-no-live', runtime: 'other', client: 'nginx', kind: 'refused', weight: 1, pre: 'no live upstreams',
    re: /no live upstreams while connecting to upstream/,
    extract: (_m, line) => {
      const up = /upstream: "([^"]{1,500})"/.exec(line);
      return { ...(up ? url(up[1]) : {}), hints: ['nginx-upstream', 'upstream'] };
    },
  },
  {
    // Envoy / Istio: upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111
    id: 'envoy-upstream', runtime: 'other', client: 'envoy', kind: null, weight: 2, pre: 'upstream connect error',
    re: /[Uu]pstream connect error or disconnect\/reset before headers\.(?: retried and the latest)? reset reason: ([^\n]{1,240})/,
    extract: (m) => {
      const text = m[1]!;
      const num = /connect error: (\d{2,5})/.exec(text);
      let k = num ? byNumber(num[1]) : byText(text);
      if (!k.kind && /connection failure/.test(text)) k = { kind: 'refused', errno: 'ECONNREFUSED' };
      if (!k.kind && /connection timeout/.test(text)) k = { kind: 'timeout', errno: 'ETIMEDOUT' };
      // The upstream accepted, then closed or reset the stream before answering.
      if (!k.kind && /connection termination|remote reset|local reset|remote connection failure/.test(text)) k = { kind: 'reset', errno: 'ECONNRESET' };
      return { ...k, hints: ['http-503', 'upstream'] };
    },
  },
  {
    // Browsers: localhost refused to connect. · GET http://localhost:5000/api net::ERR_CONNECTION_REFUSED
    id: 'browser-net-error', runtime: 'other', client: 'browser', kind: null, weight: 2, pre: 'err_',
    re: /(?:(https?:\/\/[^\s]{1,1000}) )?(?:net::)?ERR_(CONNECTION_REFUSED|CONNECTION_TIMED_OUT|TIMED_OUT|NAME_NOT_RESOLVED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|ADDRESS_UNREACHABLE|PROXY_CONNECTION_FAILED|CERT_[A-Z_]{1,40}|SSL_[A-Z_]{1,40})\b/,
    extract: (m) => {
      const code = m[2]!;
      const kind: ErrorKind = code === 'CONNECTION_REFUSED' || code === 'PROXY_CONNECTION_FAILED' ? 'refused' : code.includes('TIMED_OUT') ? 'timeout'
        : code === 'NAME_NOT_RESOLVED' ? 'dns' : code === 'CONNECTION_RESET' || code === 'CONNECTION_CLOSED' || code === 'EMPTY_RESPONSE' ? 'reset'
        : code === 'ADDRESS_UNREACHABLE' ? 'unreachable' : 'tls';
      return { kind, errno: DEFAULT_ERRNO[kind] ?? null, ...url(m[1]) };
    },
  },
  {
    id: 'browser-refused-to-connect', runtime: 'other', client: 'browser', kind: 'refused', weight: 2, pre: 'refused to connect',
    // Chrome's page text often loses the line break: "This site can’t be reachedlocalhost refused to connect."
    re: /(?:^|\s)(?:reached)?([A-Za-z0-9_.:[\]-]{1,255}) refused to connect\b/,
    extract: (m) => {
      const e = ep(m[1], false);
      // "Connection refused to connect" is prose; Chrome names a dotted name, an address or localhost.
      const named = e.host && (isIp(e.host) || e.host.includes('.') || e.host.toLowerCase() === 'localhost');
      return named ? { ...e, errno: 'ECONNREFUSED' } : { errno: 'ECONNREFUSED' };
    },
  },

  // ============================== Erlang / Elixir ==============================
  {
    // Postgrex/MyXQL: ** (DBConnection.ConnectionError) tcp connect (localhost:5432): connection refused - :econnrefused
    // Older Postgrex and DNS failures name no endpoint: tcp connect: non-existing domain - :nxdomain
    id: 'elixir-tcp-connect', runtime: 'other', client: 'dbconnection', kind: null, weight: 3, pre: 'tcp connect',
    re: /tcp connect(?: \(([^)\s]{1,300})\))?: ([^\n]{0,120}?) - :(\w{3,20})/,
    extract: (m) => merge(byText(`${m[2]} ${m[3]}`), ep(m[1])),
  },
  {
    // {:error, :econnrefused} · %Mint.TransportError{reason: :econnrefused} · reason: :nxdomain
    id: 'erlang-reason-atom', runtime: 'other', client: null, kind: null, weight: 2, pre: [':econnrefused', ':nxdomain', ':ehostunreach', ':etimedout', ':econnreset'],
    re: /(?:\{:error, |reason: ):(econnrefused|nxdomain|ehostunreach|enetunreach|etimedout|econnreset)\b/,
    extract: (m) => byText(m[1]),
  },

  // ============================== more shapes seen in real pastes ==============================
  {
    // PgJDBC without its advice, Spring's "I/O error: connection to http:10.0.0.5:8080 refused",
    // Apache HttpClient's "Connection to http://127.0.0.1:3128 refused".
    id: 'connection-to-refused', runtime: null, client: null, kind: 'refused', weight: 3, pre: 'connection to ',
    re: /\b[Cc]onnection to ([^\s]{1,300}?) refused\b/,
    extract: (m) => {
      const token = m[1]!.replace(/^[a-z][a-z0-9+.-]{1,20}:(?:\/\/)?/i, '').replace(/\/.{0,1000}$/, '');
      const e = ep(token, true);
      // "Connection to server refused" is prose: a bare word counts only with a port, a dot, or as localhost.
      if (e.host && e.port == null && !isIp(e.host) && !e.host.includes('.') && e.host.toLowerCase() !== 'localhost') return { errno: 'ECONNREFUSED' };
      const scheme = /^([a-z][a-z0-9+.-]{1,20}):/i.exec(m[1]!)?.[1]?.toLowerCase() ?? null;
      return { ...e, errno: 'ECONNREFUSED', ...(scheme && schemeKnown(scheme) ? { scheme } : {}) };
    },
  },
  {
    // Android / okhttp: failed to connect to /10.0.2.2 (port 8080) from /10.0.2.16 (port 41234) after 10000ms
    id: 'android-failed-to-connect', runtime: 'java', client: 'okhttp', kind: null, weight: 1, pre: 'failed to connect to',
    re: /failed to connect to ([^\s()]{1,300}) \(port (\d{1,5})\)(?: from [^\s()]{1,300} \(port \d{1,5}\))?(?: after \d{1,9}\s?ms)?(?:: ([^\n]{1,160}))?/,
    extract: (m) => {
      const e = ep(m[1], false);
      const k = m[3] ? byText(m[3]) : {};
      // Without a reason the message comes from SocketTimeoutException: the connect timed out.
      const kind = k.kind ? k : /after \d/.test(m[0]) && !m[3] ? { kind: 'timeout' as const, errno: 'ETIMEDOUT', weight: 2 } : {};
      return merge(kind, { host: e.host ?? null, addresses: e.addresses ?? [], port: parsePort(m[2]) });
    },
  },
  {
    // curl -v: * Connected to api.x (10.0.0.5) port 443 (#0) — the endpoint of a later TLS or reset error.
    id: 'curl-verbose-connected', runtime: null, client: 'curl', kind: null, weight: 0, pre: 'connected to ',
    re: /^\*\s{1,4}Connected to ([^\s()]{1,255}) \(([^)\s]{1,60})\) port (\d{1,5})/,
    extract: (m) => {
      const addr = cleanHost(m[2]!);
      return { host: cleanHost(m[1]!), port: parsePort(m[3]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // curl -v: *   Trying 10.0.0.5:443... · *   Trying [::1]:3000...
    id: 'curl-verbose-trying', runtime: null, client: 'curl', kind: null, weight: 0, pre: 'trying ',
    re: /^\*\s{1,4}Trying (\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:]{1,255}:\d{1,5}|[0-9a-fA-F:]{2,45})(?:\.\.\.|\s|$)/,
    extract: (m) => ep(m[1]),
  },
  {
    // old curl: curl: (7) Failed connect to api.x:443; Connection refused
    id: 'curl-failed-connect-old', runtime: null, client: 'curl', kind: null, weight: 3, pre: 'failed connect to',
    re: /Failed connect to ([^\s;]{1,300}); ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // busybox wget: Connecting to raw.example.net (10.1.2.3:443) — names the host the next error gives only as an address.
    id: 'busybox-wget-connecting', runtime: 'cli', client: 'wget', kind: null, weight: 0, pre: 'connecting to',
    re: /^Connecting to ([A-Za-z0-9_.-]{1,253}) \((\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:()]{1,255}:\d{1,5})\)\s*$/,
    extract: (m) => {
      const inner = ep(m[2]);
      const addr = inner.host && isIp(inner.host) ? inner.host : null;
      return { host: cleanHost(m[1]!), port: inner.port ?? null, addresses: addr ? [addr] : [] };
    },
  },
  {
    // busybox wget: wget: can't connect to remote host (10.1.2.3): Connection refused
    id: 'busybox-wget-remote', runtime: 'cli', client: 'wget', kind: null, weight: 3, pre: "can't connect to remote host",
    re: /can't connect to remote host(?: \(([^)\s]{1,255})\))?: ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (!k.kind) return null;
      const h = m[1] ? cleanHost(m[1]) : null;
      return { ...k, host: h, addresses: h && isIp(h) ? [h] : [] };
    },
  },
  {
    // GNU wget in any language: <verb> host (host)|addr|:port... <failed>: Connection refused.
    id: 'wget-connecting-i18n', runtime: 'cli', client: 'wget', kind: null, weight: 3, pre: '|:',
    re: /(?:^|\s)([A-Za-z0-9_.-]{1,253}) \(([^)\s]{1,253})\)\|([^|\s]{1,60})\|:(\d{1,5})\.\.\. ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[5]);
      if (!k.kind) return null;
      const host = cleanHost(m[1]!);
      const addr = cleanHost(m[3]!);
      return { ...k, host, port: parsePort(m[4]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // oslo.messaging: AMQP server on 10.0.0.5:5672 is unreachable: [Errno 111] ECONNREFUSED. Trying again in 1 seconds.
    id: 'oslo-amqp-unreachable', runtime: 'python', client: 'oslo.messaging', service: 'amqp', kind: null, weight: 3, pre: 'amqp server on',
    re: /AMQP server on ([^\s]{1,300}) is unreachable: ([^\n]{1,200})/,
    extract: (m) => {
      const num = /\[Errno (-?\d{1,5})\]/.exec(m[2]!);
      const k = merge(num ? byNumber(num[1]) : {}, byText(m[2]));
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // .NET over a unix socket or a Windows UDS file: Error connecting to 'C:\…\grpc.tmp' / '/tmp/app.sock'
    id: 'error-connecting-to-path', runtime: null, client: null, kind: 'unix_socket', weight: 3, pre: ['connecting to ', 'unable to connect to '],
    re: /(?:Error connecting to|Failed connecting to|Unable to connect to) ['"]((?:[A-Za-z]:\\|\/)[^'"\n]{1,300})['"]/,
    extract: (m, line) => {
      const k = kindFromText(line.slice(m.index + m[0].length));
      const errno = k?.errno === 'ECONNREFUSED' ? 'ECONNREFUSED' : k?.errno === 'EACCES' ? 'EACCES' : 'ENOENT';
      return { unixSocket: m[1]!, errno };
    },
  },
  {
    // Chrome's other interstitials: "db.lan took too long to respond." · "localhost didn’t send any data."
    // "api.lan’s server IP address could not be found."
    id: 'browser-interstitial', runtime: 'other', client: 'browser', kind: null, weight: 2,
    pre: ['took too long to respond', 't send any data', 'server ip address could not be found'],
    re: /(?:^|\s)(?:reached)?([A-Za-z0-9_.:[\]-]{1,255}?)(?: took too long to respond| didn[’']t send any data|[’']s server IP address could not be found)/,
    extract: (m) => {
      const kind: ErrorKind = /took too long/.test(m[0]) ? 'timeout' : /send any data/.test(m[0]) ? 'reset' : 'dns';
      const e = ep(m[1], false);
      return { ...e, kind, errno: DEFAULT_ERRNO[kind] ?? null };
    },
  },
  {
    // Chrome's DNS page code, often the only line pasted.
    id: 'browser-dns-probe', runtime: 'other', client: 'browser', kind: 'dns', weight: 2, pre: 'dns_probe_finished',
    re: /DNS_PROBE_FINISHED_(?:NXDOMAIN|NO_INTERNET|BAD_CONFIG|BAD_SECURE_CONFIG)/,
    extract: () => ({ errno: 'ENOTFOUND' }),
  },
  {
    // Node: Hostname/IP does not match certificate's altnames: Host: api.x. is not in the cert's altnames: DNS:*.y
    id: 'node-cert-altnames', runtime: 'node', client: null, kind: 'tls', weight: 3, pre: "does not match certificate's altnames",
    re: /Hostname\/IP does not match certificate's altnames(?:: (?:Host: ([^\s]{1,255}?)\.? is not in the cert's altnames|IP: ([^\s]{1,60}) is not in the cert's list))?/,
    extract: (m) => {
      const raw = m[1] ?? m[2];
      const h = raw ? cleanHost(raw) : null;
      return h && plausibleHost(h) ? { host: h, addresses: isIp(h) ? [h] : [], hints: ['tls-cert'] } : { hints: ['tls-cert'] };
    },
  },
  {
    // Chrome in Chinese: localhost 拒绝了我们的连接请求。
    id: 'browser-refused-zh', runtime: 'other', client: 'browser', kind: 'refused', weight: 2, pre: '拒绝了我们的连接请求',
    re: /(?:^|\s)([A-Za-z0-9_.:[\]-]{1,255}) ?拒绝了我们的连接请求/,
    extract: (m) => ({ ...ep(m[1], false), errno: 'ECONNREFUSED' }),
  },

  // ============================== negatives: errors that are not a failed connection ==============================
  {
    // A listen-side error (the port is taken), an authentication failure after a connect that worked.
    id: 'not-a-connect-failure', runtime: null, client: null, kind: 'none', weight: 3,
    pre: ['eaddrinuse', 'address already in use', 'authentication failed', 'bad auth', 'access denied for user', 'noauth', 'wrongpass', 'invalid password', 'login failed for user'],
    re: /\bEADDRINUSE\b|[Aa]ddress already in use|password authentication failed|[Aa]uthentication failed(?: for|\.|:|\s*$)|bad auth\b|Access denied for user|NOAUTH Authentication required|WRONGPASS|Login failed for user/,
  },

  // ============================== Apple (URLSession / CFNetwork) ==============================
  {
    // Error Domain=NSURLErrorDomain Code=-1004 "Could not connect to the server." UserInfo={…, _kCFStreamErrorCodeKey=61, …}
    // The operation couldn’t be completed. (NSURLErrorDomain error -1004.) · kCFErrorDomainCFNetwork Code=-1001
    id: 'nsurl-error', runtime: 'other', client: 'urlsession', kind: null, weight: 3, pre: ['nsurlerrordomain', 'kcferrordomaincfnetwork'],
    re: /(?:NSURLErrorDomain|kCFErrorDomainCFNetwork)(?: Code=| error )(-\d{3,4})\b/,
    extract: (m, line) => {
      const code = Number(m[1]);
      // The POSIX errno under the URL error says which connect failure it was (61 refused, 60 timed out …).
      const posix = /_kCFStreamErrorCodeKey=(\d{1,3})\b/.exec(line);
      const fromPosix = posix && /_kCFStreamErrorDomainKey=1\b/.test(line) ? errnoFromNumber(Number(posix[1])) : null;
      const k: Extract = fromPosix && code === -1004 ? { kind: fromPosix.kind, errno: fromPosix.errno }
        : code === -1004 ? { kind: 'refused', errno: 'ECONNREFUSED' }
        : code === -1001 ? { kind: 'timeout', errno: 'ETIMEDOUT' }
        : code === -1003 || code === -1006 ? { kind: 'dns', errno: 'ENOTFOUND' }
        : code === -1005 ? { kind: 'reset', errno: 'ECONNRESET' }
        : code === -1009 ? { kind: 'unreachable', errno: 'ENETUNREACH' }
        : code <= -1200 && code >= -1206 ? { kind: 'tls' }
        : {};
      if (!k.kind) return null;
      const u = /NSErrorFailingURL(?:String)?Key=([a-z][a-z0-9+.-]{1,20}:\/\/[^\s,}]{1,1000})/.exec(line);
      return { ...k, os: 'macos', ...(u ? url(u[1]) : {}) };
    },
  },
  {
    // The failing URL on a line of its own (UserInfo spread over several lines).
    id: 'nsurl-failing-url', runtime: 'other', client: 'urlsession', kind: null, weight: 0, pre: 'nserrorfailingurl',
    re: /NSErrorFailingURL(?:String)?Key=([a-z][a-z0-9+.-]{1,20}:\/\/[^\s,}]{1,1000})/,
    extract: (m) => url(m[1]),
  },

  // ============================== cloud SDKs ==============================
  {
    // botocore: EndpointConnectionError: Could not connect to the endpoint URL: "http://localhost:4566/"
    // (raised for a refused or failed connect; a DNS or timeout cause printed above it outweighs this line)
    id: 'botocore-endpoint', runtime: 'python', client: 'botocore', kind: 'refused', weight: 2, pre: 'could not connect to the endpoint url',
    re: /Could not connect to the endpoint URL: ["']?([a-z][a-z0-9+.-]{1,20}:\/\/[^"'\s]{1,1000})/,
    extract: (m) => ({ errno: 'ECONNREFUSED', ...url(m[1]) }),
  },

  // ============================== more socket shapes ==============================
  {
    // gRPC-Go over a unix socket: dial unix:///run/containerd/containerd.sock: timeout ·
    // transport:dial unix /var/run/x.sock:connect:connection refused (spaces dropped) ·
    // failed to dial "/run/containerd/containerd.sock": context deadline exceeded
    id: 'grpc-dial-unix', runtime: 'go', client: 'grpc', kind: 'unix_socket', weight: 3, pre: ['dial unix', 'failed to dial "/'],
    re: /\bdial unix(?::\/\/| ?)(\/[^\s:"'\\]{1,300})\s?:\s?([^\n"\\]{1,200})|failed to dial "(\/[^"\s]{1,300})": ([^\n"\\]{1,200})/,
    extract: (m) => unix((m[1] ?? m[3])!, m[2] ?? m[4]),
  },
  {
    // DataStax python driver: [Errno 111] Tried connecting to [('127.0.0.2', 9042)]. Last error: Connection refused
    id: 'cassandra-tried-connecting', runtime: 'python', client: 'cassandra-driver', kind: null, weight: 1, pre: 'tried connecting to [(',
    re: /Tried connecting to \[\('([^'\s]{1,255})', (\d{1,5})\)/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      return { host, port: parsePort(m[2]), addresses: isIp(host) ? [host] : [] };
    },
  },
  {
    // git over git://: fatal: unable to connect to github.com: / github.com[0: 140.82.113.4]: errno=Connection timed out
    id: 'git-daemon-errno', runtime: 'cli', client: 'git', kind: null, weight: 3, pre: ']: errno=',
    re: /^\s{0,4}([A-Za-z0-9_.-]{1,253})\[\d{1,3}: ([0-9a-fA-F.:]{2,45})\]: errno=([^\n]{1,120})/,
    extract: (m) => {
      const k = byText(m[3]);
      if (!k.kind) return null;
      const addr = cleanHost(m[2]!);
      return { ...k, host: cleanHost(m[1]!), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // Go net/http: Get "https://127.0.0.1:8200/v1/sys/seal-status": http: server gave HTTP response to HTTPS client
    id: 'go-http-to-https', runtime: 'go', client: 'net/http', kind: 'tls', weight: 3, pre: 'server gave http response to https client',
    re: /server gave HTTP response to HTTPS client/,
    extract: () => ({ hints: ['tls-plain'] }),
  },
  {
    // WordPress: … we can’t contact the database server at db:3306. This could mean …
    id: 'wordpress-db-server', runtime: 'php', client: 'wordpress', service: 'mysql', kind: null, weight: 0, pre: 'contact the database server at',
    re: /contact the database server at ((?:\[[^\]\s]{2,60}\]|[A-Za-z0-9_.-]{1,253})(?::\d{1,5})?)/,
    extract: (m) => ep(m[1]!.replace(/\.$/, ''), true),
  },

  // ============================== generic shapes ==============================
  {
    // pika and others: Connection to ::1:5672 failed: [Errno 111] Connection refused
    id: 'connection-to-failed', runtime: null, client: null, kind: null, weight: 3, pre: 'connection to ',
    re: /\b[Cc]onnection to (\[?[A-Za-z0-9_.:%-]{1,300}\]?:\d{1,5}) failed: ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      const num = /\[Errno (-?\d{1,5})\]/.exec(m[2]!);
      return merge(num ? byNumber(num[1]) : {}, k, ep(m[1], true));
    },
  },

  // ============================== generic words (any runtime) ==============================
  {
    id: 'generic-refused', runtime: null, client: null, kind: 'refused', weight: 2, pre: ['connection refused', 'connectionrefused'],
    re: /\b[Cc]onnection ?[Rr]efused(?:Error|Exception)?\b/,
    extract: (_m, line) => (ABOUT_THE_WORDS.test(line) ? null : { errno: 'ECONNREFUSED', ...endpointIn(line) }),
  },
  {
    // The same words in other locales (curl, libpq and the OS translate them).
    id: 'generic-refused-i18n', runtime: null, client: null, kind: 'refused', weight: 2,
    pre: ['refusée', 'verweigert', 'abgelehnt', 'recusada', 'rechazada', 'rehusada', 'rifiutata', '拒绝', '拒否', 'denegó', 'отклонен', 'refused it'],
    re: /[Cc]onnexion refusée|Verbindung verweigert|Verbindungsaufbau abgelehnt|[Cc]onexão recusada|[Cc]onexión rechazada|[Cc]onexión rehusada|[Cc]onnessione rifiutata|连接被拒绝|拒绝连接|积极拒绝|接続を拒否|拒否されたため|denegó expresamente|[Пп]одключение не установлено|отклонил|actively refused it/,
    extract: (_m, line) => ({ errno: 'ECONNREFUSED', ...endpointIn(line) }),
  },
  {
    id: 'generic-timeout', runtime: null, client: null, kind: 'timeout', weight: 2, pre: ['timed out', 'timeout', 'timedout', 'deadline', 'did not properly respond'],
    re: /\b(?:[Cc]onnection timed out|[Cc]onnect timed out|[Oo]peration timed out|[Cc]onnection timeout|[Cc]onnect timeout|[Rr]ead timed out|i\/o timeout|ETIMEDOUT|ESOCKETTIMEDOUT|[Cc]onnectTimeout(?:Error|Exception)?|socket\.timeout|context deadline exceeded|(?<![\w.])timeout\(['"]timed out|Client\.Timeout exceeded|DeadlineExceeded|HttpClient\.Timeout|did not properly respond after a period of time)\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : { errno: 'ETIMEDOUT', ...endpointIn(line) }),
  },
  {
    id: 'generic-unreachable', runtime: null, client: null, kind: 'unreachable', weight: 2, pre: ['unreachable', 'no route to host'],
    re: /\b(?:[Nn]o route to host|[Nn]etwork (?:is )?unreachable|[Hh]ost is unreachable|EHOSTUNREACH|ENETUNREACH|attempted to an unreachable (?:network|host))\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : { ...byText(line), ...endpointIn(line) }),
  },
  {
    id: 'generic-dns', runtime: null, client: null, kind: 'dns', weight: 2,
    pre: ['not known', 'no such host', 'nodename nor servname', 'name resolution', 'could not resolve', 'getaddrinfo failed', 'unknown host', 'does not resolve', 'no address associated'],
    re: /\b(?:Name or service not known|no such host|nodename nor servname provided|[Tt]emporary failure in name resolution|[Cc]ould not resolve host|getaddrinfo failed|[Uu]nknown host|Name does not resolve|No address associated with hostname|No such host is known)\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : byText(line)),
  },
  {
    id: 'generic-reset', runtime: null, client: null, kind: 'reset', weight: 2,
    pre: ['reset by peer', 'connection reset', 'forcibly closed', 'socket hang up', 'remotedisconnected', 'remote end closed', 'epipe', 'broken pipe'],
    re: /\b(?:[Cc]onnection reset by peer|[Cc]onnection reset|forcibly closed by the remote host|socket hang up|RemoteDisconnected|Remote end closed connection without response|EPIPE|[Bb]roken pipe)\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : { errno: 'ECONNRESET' }),
  },
  {
    id: 'generic-tls', runtime: null, client: null, kind: 'tls', weight: 2,
    pre: ['certificate', 'x509', 'ssl', 'tls', 'wrong version number', 'pkix', 'cert_', 'eof occurred', 'unexpected_eof'],
    re: /certificate verify failed|x509: |SSL routines|EOF occurred in violation of protocol|SSLEOFError|UNEXPECTED_EOF_WHILE_READING|self[- ]signed certificate|unable to get local issuer certificate|unable to verify the first certificate|wrong version number|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|certificate has expired|tls: handshake failure|tls: first record does not look like a TLS handshake|SSL_ERROR_SYSCALL|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SSL handshake failed/,
  },
];
