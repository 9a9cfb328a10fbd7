// Small helpers for host:port tokens and URLs as they appear in error text.
import { isDigitCode } from './chars.js';
import { schemeInfo } from './services.js';

export interface HostPort {
  host: string;
  port: number | null;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}(?:%[\w.-]{1,20})?$/;
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;

export function isIpv4(s: string): boolean {
  // (Most strings asked are names: a dotted quad starts with a digit and has at most 15 characters.)
  if (s.length < 7 || s.length > 15 || !isDigitCode(s.charCodeAt(0))) return false;
  return IPV4.test(s) && validOctets(s);
}
// 123.456.789.1 is a made-up address typed over the real one, not an address.
function validOctets(s: string): boolean {
  // Octet by octet, as s.split('.').every((o) => Number(o) <= 255) reads it (no list of pieces).
  let n = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (n > 255) return false;
      n = 0;
    } else {
      n = n * 10 + (c - 48);
    }
  }
  return true;
}
export function isIpv6(s: string): boolean {
  return s.includes(':') && IPV6.test(s);
}
export function isIp(s: string): boolean {
  return isIpv4(s) || isIpv6(s);
}
export function isLoopback(s: string): boolean {
  return s === 'localhost' || s === '::1' || s === '0:0:0:0:0:0:0:1' || /^127\./.test(s);
}

/** A host worth reporting: a name or an address literal, not a number or punctuation. */
export function plausibleHost(h: string): boolean {
  if (!h || h.length > 253) return false;
  if (isIp(h)) return true;
  if (!NAME.test(h)) return false;
  if (!/[a-z0-9]/i.test(h)) return false; // "_" or "-" alone
  if (/^\d+$/.test(h)) return false; // "12" of a 12:30 timestamp
  if (/^\d+(?:\.\d+){1,2}$/.test(h)) return false; // version numbers, 1.2.3
  if (/^(?:nil|null|none|undefined|unknown)$/i.test(h)) return false;
  if (isPlaceholder(h)) return false;
  return !h.endsWith('.') || h.length > 1;
}

// Words people type over a real address before pasting: public_ip, your-server, xxx, x.x.x.x, ip_address.
const PLACEHOLDER = new RegExp([
  '^x{2,}(?:[._-]?x{1,})*$',
  '^(?:x{1,3}|\\*{1,3}|\\d{1,3})(?:\\.(?:x{1,3}|\\*{1,3}|\\d{1,3})){3}$',
  '^your[_.-]?(?:[a-z]{1,12}[_.-]?)?(?:server|host|hostname|domain|ip|site|app|name|company|machine|instance|cluster|project|db|database|registry|api|url|address|box|vps|node)(?:[_.-][a-z0-9.-]{0,30})?$',
  '^(?:(?:public|private|remote|local|server|host|external|internal|target|my|some|the)[_-]?)?(?:ip|ipaddr|ip[_-]?address|ip[_-]?addr|ipv4|ipv6)$',
  '^(?:public|private|remote|external|target|some)[_-]?(?:host|hostname|server|domain|address|addr)$',
  '^(?:hostname|host[_-]?name|domain[_-]?name|ip[_-]?port|host[_-]?ip|server[_-]?name|servername)$',
  // One label typed over inside a real-looking name: db.[MY_INSTANCE].example.com, <cluster>.example.net, ***.corp.
  '(?:^|\\.)(?:\\[[a-z0-9_ -]{2,40}\\]|<[a-z0-9_ -]{2,40}>|\\{[a-z0-9_ -]{2,40}\\}|\\*{2,12})(?:\\.|$)',
].join('|'), 'i');

/** True for a word someone typed in place of the real host (it is not a host to report or probe). */
export function isPlaceholder(h: string): boolean {
  // "x.x.x.x" and "1.2.x.x" are placeholders; a real dotted quad is not.
  if (IPV4.test(h)) return !validOctets(h);
  return PLACEHOLDER.test(h);
}

/** decodeURIComponent that keeps a malformed escape (%zz) as written instead of throwing: a paste is never unreadable for it. */
export function decodeUri(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parsePort(s: string | undefined): number | null {
  if (!s || !/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n > 0 && n <= 65535 ? n : null;
}

/** Strips brackets and a trailing dot; lower-cases names (not IPv6 zone ids). */
export function cleanHost(h: string): string {
  let s = h.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes('%')) s = s.replace(/^%5B/i, '').replace(/%5D$/i, '');
  if (s.endsWith('.') && s.length > 1 && !isIp(s)) s = s.slice(0, -1);
  if (s.length === 39 && FULL_IPV6.test(s)) s = compressIpv6(s);
  return isIp(s) ? s : s.toLowerCase();
}

// Eight zero-padded groups (Apple prints [0000:0000:0000:0000:0000:0000:0000:0001]): the same address as ::1.
const FULL_IPV6 = /^(?:[0-9a-fA-F]{4}:){7}[0-9a-fA-F]{4}$/;
function compressIpv6(s: string): string {
  const groups = s.toLowerCase().split(':').map((g) => g.replace(/^0{1,3}(?=[0-9a-f])/, ''));
  // The longest run of two or more zero groups becomes "::".
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  if (bestAt < 0) return groups.join(':');
  return `${groups.slice(0, bestAt).join(':')}::${groups.slice(bestAt + bestLen).join(':')}`;
}

/**
 * Splits "host:port", "[v6]:port", "v6:port" (Node prints ::1:5432 unbracketed), "name/addr:port"
 * (Java), or a bare host. Returns null for something that is not an endpoint.
 */
export function splitHostPort(token: string, lastIsPort = false): (HostPort & { address: string | null }) | null {
  // "<IP>", "<host>": a placeholder someone typed over the real value.
  if (/^<[^<>]{0,40}>/.test(token.trim())) return null;
  // Quotes (typographic ones too) and sentence punctuation around a token are not part of it.
  let t = token.trim().replace(/^['"(<[{“‘「]+(?=[^\]]*$)/, '').replace(/['"),.;>}?!”’」。，、]+$/, '');
  if (!t) return null;
  let address: string | null = null;
  // Java prints an unresolved InetSocketAddress as hostname/<unresolved>:port (Lettuce, Netty).
  const unresolved = /^([A-Za-z0-9_.-]{1,253})\/<unresolved>:(\d{1,5})$/.exec(t);
  if (unresolved) {
    const name = cleanHost(unresolved[1]!);
    return plausibleHost(name) ? { host: name, port: parsePort(unresolved[2]), address: null } : null;
  }
  // Java prints InetSocketAddress as hostname/address:port; either side may be empty.
  const slash = t.indexOf('/');
  if (slash >= 0 && !t.includes('://')) {
    const name = t.slice(0, slash);
    const rest = t.slice(slash + 1);
    const inner = splitHostPort(rest, lastIsPort);
    // Java's form puts an address literal after the slash; "sync/poller.go:88" is a file, not a host.
    if (!inner || !isIp(inner.host)) return null;
    if (name && plausibleHost(cleanHost(name))) {
      return { host: cleanHost(name), port: inner.port, address: inner.host };
    }
    return { host: inner.host, port: inner.port, address: isIp(inner.host) ? inner.host : null };
  }
  let host: string;
  let port: number | null = null;
  const br = /^\[([^\]]{1,60})\](?::(\d{1,5}))?$/.exec(t);
  if (br) {
    host = br[1]!;
    port = parsePort(br[2]);
  } else {
    let colons = 0;
    for (let at = t.indexOf(':'); at >= 0; at = t.indexOf(':', at + 1)) colons++;
    if (colons === 0) {
      host = t;
    } else if (colons === 1) {
      const i = t.indexOf(':');
      host = t.slice(0, i);
      // Go prints "dial tcp :8091" for the local system: the port is known, the host is not written.
      if (host === '') return null;
      port = parsePort(t.slice(i + 1));
      if (port === null && t.slice(i + 1) !== '') return null;
    } else if (lastIsPort && /:\d{1,5}$/.test(t) && isIpv6(t.slice(0, t.lastIndexOf(':')))
      && (t.slice(0, t.lastIndexOf(':')).includes('::') || colons === 8)) {
      // Node prints IPv6 unbracketed with the port glued on (connect ECONNREFUSED ::1:5432), Java
      // sometimes the full form (0:0:0:0:0:0:0:1:8080). A full address without a port has 7 colons.
      const i = t.lastIndexOf(':');
      host = t.slice(0, i);
      port = parsePort(t.slice(i + 1));
    } else {
      host = t;
    }
  }
  host = cleanHost(host);
  if (!plausibleHost(host)) return null;
  if (isIp(host)) address = host;
  return { host, port, address };
}

export interface ParsedUrl {
  scheme: string;
  host: string | null;
  port: number | null;
  portInferred: boolean;
  tls: boolean | null;
  unixSocket: string | null;
}

/** Parses scheme://[user[:pass]@]host[:port][/…]. Hand-written because WHATWG URL rejects DSNs like mongodb://a,b/. */
export function parseUrl(raw: string): ParsedUrl | null {
  const m = /^([a-z][a-z0-9+.:-]{0,30}):\/\/([^\s/?#]{0,512})(\S{0,2048})$/i.exec(raw.trim());
  if (!m) return null;
  let scheme = m[1]!.toLowerCase();
  if (scheme.startsWith('jdbc:')) scheme = scheme.slice(5);
  let authority = m[2]!;
  const rest = m[3]!;
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  // Several hosts (mongodb://a:1,b:2): the first one is the one a person reads first.
  authority = authority.split(',')[0] ?? '';
  const info = schemeInfo(scheme);
  if (scheme === 'unix' || scheme === 'http+unix') {
    const path = decodeUri(authority + rest.replace(/[?#].*$/, '')) || null;
    return { scheme, host: null, port: null, portInferred: false, tls: null, unixSocket: path };
  }
  let tls: boolean | null = info ? info.tls : null;
  if (/[?&](?:sslmode=(?:require|verify-ca|verify-full)|ssl=true|tls=true)/i.test(rest)) tls = true;
  if (!authority) return { scheme, host: null, port: null, portInferred: false, tls, unixSocket: null };
  const hp = splitHostPort(authority);
  if (!hp) return null;
  if (hp.port !== null) return { scheme, host: hp.host, port: hp.port, portInferred: false, tls, unixSocket: null };
  return { scheme, host: hp.host, port: info ? info.port : null, portInferred: info !== null, tls, unixSocket: null };
}

/** Two endpoints name the same one when host and port match; every loopback spelling counts as one host. */
export function endpointKey(host: string | null, port: number | null): string {
  const h = host && isLoopback(host) ? 'loopback' : host ?? '?';
  return `${h}:${port ?? '?'}`;
}

/** An endpoint as a person writes it: db:5432, [::1]:5432, port 80, or "an unnamed endpoint". */
export function showEndpoint(host: string | null, port: number | null): string {
  if (!host) return port !== null ? `port ${port}` : 'an unnamed endpoint';
  const h = host.includes(':') ? `[${host}]` : host;
  return port !== null ? `${h}:${port}` : h;
}
