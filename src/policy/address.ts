// Address literals in every spelling a resolver would accept, reduced to one number so a policy compares
// numbers, not strings. IPv4 follows inet_aton (what getaddrinfo and so every C client accept): 1 to 4 parts,
// each decimal, 0x-hex or 0-octal, the last part filling the remaining bytes (127.1, 2852039166, 0xa9fea9fe,
// 0251.0376.0251.0376). IPv6 as node:net reads it, with brackets, a zone id (%eth0) and an IPv4 tail.

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

// A dotted quad as node:net's isIPv4 reads it: four decimal parts 0–255, no leading zeros.
const V4_STRICT = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/**
 * node:net's isIPv6, without its regular expression: that one is so large that V8 takes tens of milliseconds
 * to compile it on the first call, which the command paid at every start. Same rules: hex groups of one to four
 * digits, eight of them, or at most seven around a single "::"; a dotted quad may stand for the last two; a
 * zone id (%eth0) of letters, digits, '-', '.' and ':' may follow.
 */
export function isIPv6Text(text: string): boolean {
  let s = text;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    if (!ZONE.test(s.slice(pct + 1))) return false;
    s = s.slice(0, pct);
  }
  const gap = s.indexOf('::');
  if (gap !== s.lastIndexOf('::')) return false;
  const head = gap >= 0 ? s.slice(0, gap) : s;
  const tail = gap >= 0 ? s.slice(gap + 2) : null;
  const groups = head === '' ? [] : head.split(':');
  const after = tail === null || tail === '' ? [] : tail.split(':');
  // The dotted quad may only be the address's last text: not before a "::" that ends it.
  const quadAllowed = tail === null || after.length > 0;
  groups.push(...after);
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && quadAllowed && g.includes('.')) {
      if (!V4_STRICT.test(g)) return false;
      count += 2;
    } else if (HEX_GROUP.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return tail === null ? count === 8 : count <= 7;
}

/** node:net's isIP (4, 6 or 0), without the cost of its IPv6 expression (see isIPv6Text). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (V4_STRICT.test(text)) return 4;
  return text.includes(':') && isIPv6Text(text) ? 6 : 0;
}

function parseIPv6(text: string): bigint | null {
  if (!isIPv6Text(text)) return null;
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

// One diagnosis reads the same address a dozen times (plan, policy per address and per nearby port, budget,
// DNS): the answers for short strings are kept, frozen, and the table starts over when it fills up.
const MEMO_MAX = 512;
const MEMO_KEY_MAX = 64;
const memo = new Map<string, ParsedAddress | null>();

/**
 * Reads a host as an address literal in any spelling: upper case, one trailing dot, [brackets], a zone id,
 * inet_aton's short and numeric forms. Null when the host is a name (or nothing a resolver reads as an address).
 * The result is frozen (it may be shared with other callers).
 */
export function parseAddress(host: string): ParsedAddress | null {
  if (host.length > MEMO_KEY_MAX) return readAddress(host);
  const hit = memo.get(host);
  if (hit !== undefined) return hit;
  const a = readAddress(host);
  if (a) {
    Object.freeze(a.ip);
    Object.freeze(a);
  }
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(host, a);
  return a;
}

function readAddress(host: string): ParsedAddress | null {
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

/** An IPv4 address read out of an IPv6 one, and the form it was read from, in words. */
export interface Embedded {
  v4: number;
  /** "NAT64, well-known prefix 64:ff9b::/96", "6to4", "Teredo client" … */
  form: string;
}

/** An IPv6 prefix that a NAT64 gateway of this network translates: what policy Nets carry (family 6). */
export interface Nat64Prefix {
  base: bigint;
  bits: number;
  text: string;
}

/** The prefix lengths RFC 6052 §2.2 defines for an IPv4 address inside an IPv6 prefix. */
export const NAT64_LENGTHS: readonly number[] = [32, 40, 48, 56, 64, 96];

/** `count` bits of `v6` starting at bit `from`, bit 0 being the most significant. */
function bitsAt(v6: bigint, from: number, count: number): number {
  return Number((v6 >> BigInt(128 - from - count)) & ((1n << BigInt(count)) - 1n));
}

/**
 * RFC 6052 §2.2: the IPv4 address under a prefix of `len` bits. Bits 64–71 (the u-octet) never hold any of
 * it, so for prefixes shorter than /64 the address is split around them.
 */
function rfc6052(v6: bigint, len: number): number {
  const joined = (hiBits: number) => ((bitsAt(v6, len, hiBits) * 2 ** (32 - hiBits)) + bitsAt(v6, 72, 32 - hiBits)) >>> 0;
  switch (len) {
    case 32: return bitsAt(v6, 32, 32);
    case 40: return joined(24);
    case 48: return joined(16);
    case 56: return joined(8);
    case 64: return bitsAt(v6, 72, 32);
    default: return bitsAt(v6, 96, 32);
  }
}

const WELL_KNOWN_NAT64 = 0x64ff9bn << 64n; // 64:ff9b::/96, as the top 96 bits
const LOCAL_USE_NAT64 = 0x0064ff9b0001n; // 64:ff9b:1::/48, as the top 48 bits (RFC 8215)
const TEREDO = 0x20010000n; // 2001:0::/32 (RFC 4380)

/**
 * Every IPv4 address an IPv6 address carries, which a translator, a tunnel or the kernel may turn into an IPv4
 * connection: IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d), SIIT's IPv4-translated form
 * (::ffff:0:a.b.c.d), NAT64 under the well-known prefix 64:ff9b::/96, under the local-use 64:ff9b:1::/48 (whose
 * length a network chooses, so every length that fits is read) and under `prefixes` (the operator's own),
 * 6to4 (2002:aabb:ccdd::), Teredo (the server in bits 32–63, the client inverted in the last 32) and ISATAP
 * (an interface id of 0:5efe or 200:5efe before the IPv4 address). Readings of zero are returned too: what
 * to make of them is the policy's business.
 */
export function embeddedIPv4s(v6: bigint, prefixes: readonly Nat64Prefix[] = []): Embedded[] {
  const out: Embedded[] = [];
  const add = (v4: number, form: string) => {
    const n = v4 >>> 0;
    if (!out.some((e) => e.v4 === n && e.form === form)) out.push({ v4: n, form });
  };
  const low = bitsAt(v6, 96, 32);
  const top = v6 >> 32n;
  if (top === 0n && v6 > 1n) add(low, 'IPv4-compatible');
  if (top === 0xffffn) add(low, 'IPv4-mapped');
  if (top === 0xffff0000n) add(low, 'SIIT, IPv4-translated');
  if (top === WELL_KNOWN_NAT64) add(low, 'NAT64, well-known prefix 64:ff9b::/96');
  if (v6 >> 80n === LOCAL_USE_NAT64) {
    for (const len of [48, 56, 64, 96]) add(rfc6052(v6, len), 'NAT64, local-use prefix 64:ff9b:1::/48');
  }
  for (const p of prefixes) {
    if (!NAT64_LENGTHS.includes(p.bits)) continue;
    const mask = ((1n << BigInt(p.bits)) - 1n) << BigInt(128 - p.bits);
    if ((v6 & mask) === p.base) add(rfc6052(v6, p.bits), `this network's NAT64 prefix ${p.text}`);
  }
  if (v6 >> 112n === 0x2002n) add(bitsAt(v6, 16, 32), '6to4');
  if (v6 >> 96n === TEREDO) {
    add(bitsAt(v6, 32, 32), 'Teredo server');
    add(~low, 'Teredo client');
  }
  // ISATAP's interface id: 0000:5efe, or 0200:5efe when the IPv4 address is global (the u/l bit).
  if ((bitsAt(v6, 64, 32) & 0xfdffffff) === 0x00005efe) add(low, 'ISATAP');
  return out;
}

/** The first IPv4 address an IPv6 address carries (see embeddedIPv4s), or null. */
export function embeddedIPv4(v6: bigint): number | null {
  return embeddedIPv4s(v6)[0]?.v4 ?? null;
}
