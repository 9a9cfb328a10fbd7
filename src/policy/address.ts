// Address literals in every spelling a resolver would accept, reduced to one number so a policy compares
// numbers, not strings. IPv4 follows inet_aton (what getaddrinfo and so every C client accept): 1 to 4 parts,
// each decimal, 0x-hex or 0-octal, the last part filling the remaining bytes (127.1, 2852039166, 0xa9fea9fe,
// 0251.0376.0251.0376). IPv6 as node:net reads it, with brackets, a zone id (%eth0) and an IPv4 tail.
import { isIP } from 'node:net';

export type Ip = { family: 4; v4: number } | { family: 6; v6: bigint };

export interface ParsedAddress {
  /** The address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address. */
  ip: Ip;
  /** The IPv6 zone (eth0 in fe80::1%eth0), kept so a connection goes out the right interface. */
  zone: string | null;
  /** Standard text form (dotted quad, RFC 5952 IPv6), zone included: what a connect is given. */
  text: string;
}

const HEX = /^0x[0-9a-f]*$/;
const OCT = /^0[0-7]*$/;
const DEC = /^[1-9][0-9]*$/;

function v4Part(s: string): number | null {
  if (s.length > 12) return null; // 0xffffffff and 037777777777 are the longest sensible parts
  if (HEX.test(s)) return s.length === 2 ? 0 : parseInt(s.slice(2), 16);
  if (OCT.test(s)) return parseInt(s, 8);
  if (DEC.test(s)) return parseInt(s, 10);
  return null;
}

/** inet_aton: the number behind an IPv4 spelling, or null when it is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const n: number[] = [];
  for (const p of parts) {
    const v = v4Part(p);
    if (v === null) return null;
    n.push(v);
  }
  const last = n[n.length - 1]!;
  const head = n.slice(0, -1);
  if (head.some((x) => x > 255)) return null;
  if (last >= 2 ** (8 * (5 - n.length))) return null;
  let value = 0;
  for (const [i, x] of head.entries()) value += x * 2 ** (24 - 8 * i);
  return value + last;
}

function parseIPv6(text: string): bigint | null {
  if (isIP(text) !== 6) return null;
  let t = text;
  const colon = t.lastIndexOf(':');
  const tail = t.slice(colon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    if (v4 === null) return null;
    t = `${t.slice(0, colon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = t.split('::');
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 ? (halves[1] ? halves[1].split(':') : []) : null;
  const groups = right === null ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return null;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return value;
}

export function formatIPv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
export function formatIPv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatIp(ip: Ip): string {
  return ip.family === 4 ? formatIPv4(ip.v4) : formatIPv6(ip.v6);
}

/**
 * Reads a host as an address literal in any spelling: upper case, one trailing dot, [brackets], a zone id,
 * inet_aton's short and numeric forms. Null when the host is a name (or nothing a resolver reads as an address).
 */
export function parseAddress(host: string): ParsedAddress | null {
  let raw = host.trim();
  if (raw.startsWith('[') && raw.endsWith(']')) raw = raw.slice(1, -1);
  if (raw.endsWith('.')) raw = raw.slice(0, -1);
  if (raw === '') return null;
  if (!raw.includes(':')) {
    const v4 = parseIPv4(raw.toLowerCase());
    return v4 === null ? null : { ip: { family: 4, v4 }, zone: null, text: formatIPv4(v4) };
  }
  const pct = raw.indexOf('%');
  const zone = pct >= 0 ? raw.slice(pct + 1) : null;
  if (zone === '') return null;
  const v6 = parseIPv6((pct >= 0 ? raw.slice(0, pct) : raw).toLowerCase());
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) {
    const v4 = Number(v6 & 0xffffffffn);
    return { ip: { family: 4, v4 }, zone: null, text: formatIPv4(v4) };
  }
  return { ip: { family: 6, v6 }, zone, text: formatIPv6(v6) + (zone !== null ? `%${zone}` : '') };
}

/**
 * IPv4 addresses an IPv6 address carries inside it, which a gateway or the kernel may turn into an IPv4
 * connection: IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
export function embeddedIPv4(v6: bigint): number | null {
  if (v6 >> 32n === 0n && v6 > 1n) return Number(v6);
  if (v6 >> 32n === 0x64ff9bn << 64n) return Number(v6 & 0xffffffffn);
  if (v6 >> 112n === 0x2002n) return Number((v6 >> 80n) & 0xffffffffn);
  return null;
}
