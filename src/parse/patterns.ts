// Reading endpoints and error words out of a piece of text: what every signature row's extractor builds its answer
// from, and what context.ts uses to find a target written near the error (endpointIn, URL_G, isDocUrl).
// Every regex here is bounded, like the rows' own.
import type { Endpoint, ErrorKind, Os, Runtime, Service } from '../domain/types.js';
import { isDigitCode } from './chars.js';
import { isIp, isPlaceholder, parseUrl, splitHostPort } from './endpoint.js';
import { errnoFromNumber, kindFromText } from './errno.js';

/** What a row reads from one matching line; every field is optional, and the row's own fields fill the gaps. */
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

/** host/port/address from a token such as "127.0.0.1:5432", "::1:5432", "localhost/127.0.0.1:8080". */
export function ep(token: string | undefined, lastIsPort = true): Extract {
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
export function url(raw: string | undefined): Extract {
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
  // (Both loops need what they look for: a colon and a digit, "://". Most lines that come here hold no URL.)
  if (colonDigit(text)) while ((m = HOSTPORT_G.exec(text)) !== null && n++ < 20) {
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
  if (text.includes('://')) while ((m = URL_G.exec(text)) !== null && n++ < 10) {
    if (isDocUrl(m[0])) continue;
    const u = url(m[0]);
    if (u.host) return u;
  }
  return best;
}

/** Whether a colon is followed by a digit somewhere in the text. */
function colonDigit(text: string): boolean {
  for (let at = text.indexOf(':'); at >= 0 && at + 1 < text.length; at = text.indexOf(':', at + 1)) {
    if (isDigitCode(text.charCodeAt(at + 1))) return true;
  }
  return false;
}

const SOURCE_FILE = /\.(?:go|js|mjs|cjs|ts|tsx|jsx|py|pyx|rb|java|kt|kts|scala|groovy|cs|php|c|cc|cxx|cpp|hpp|h|ex|exs|erl|swift|lua|ya?ml|json|xml|conf|log|txt|html|vue|dart)$/i;

export const URL_G = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s'"<>()\[\]{},;|`]{1,1000}/gi;

/** Links to documentation and code hosts that error messages print; never the target. */
export function isDocUrl(u: string): boolean {
  return /^[a-z]+:\/\/(?:[\w-]+\.)*(?:sqlalche\.me|github\.com|githubusercontent\.com|stackoverflow\.com|nodejs\.org|python\.org|curl\.(?:haxx\.)?se|prisma\.io|pris\.ly|mongodb\.com|docs\.[\w.-]+|aka\.ms|microsoft\.com|kubernetes\.io|docker\.com|sentry\.io|npmjs\.com|pypi\.org|errors\.pydantic\.dev|go\.dev|golang\.org|rust-lang\.org|mozilla\.org|nginx\.org|spring\.io|apache\.org|oracle\.com|php\.net|laravel\.com|redis\.io|postgresql\.org|mysql\.com|learn\.microsoft\.com|www\.w3\.org|schemas\.[\w.-]+|json-schema\.org)(?:[:/]|$)/i.test(u);
}

/** The kind and errno that error words say ("Connection refused", "Name or service not known"). */
export function byText(text: string | undefined): Extract {
  const k = text ? kindFromText(text) : null;
  return k ? { kind: k.kind, errno: k.errno } : {};
}

/** The kind, errno and OS that an errno number says; the words decide when the number is unknown. */
export function byNumber(n: string | undefined, text?: string): Extract {
  const info = n !== undefined ? errnoFromNumber(Number(n)) : null;
  if (info) return { kind: info.kind, errno: info.errno, os: info.os };
  return byText(text);
}

/** Joins extracts: the first non-empty value of each field wins; addresses and hints add up. */
export function merge(...parts: Extract[]): Extract {
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

/** A failure on a unix socket (or a named pipe) at `path`; the words pick the errno, `fallback` when they say nothing. */
export function unix(path: string, text: string | undefined, fallback = 'ENOENT'): Extract {
  const k = text ? kindFromText(text) : null;
  const errno = k?.errno === 'ECONNREFUSED' ? 'ECONNREFUSED' : k?.errno === 'EACCES' ? 'EACCES' : k?.errno === 'ENOENT' ? 'ENOENT' : fallback;
  return { kind: 'unix_socket', errno, unixSocket: path };
}
