// The probe policy: what this instance may connect to, decided before any socket opens.
//
// Built-in denies hold whatever the allow list says, unless an allow entry names them explicitly (a CIDR
// inside the denied range, or the exact name): cloud metadata and platform endpoints, link-local, unspecified
// and "this network", multicast, broadcast, and (when allowLoopback is false, as in chat) this machine's own
// loopback. An IPv6 address that carries an IPv4 one (NAT64, SIIT, 6to4, Teredo …) is judged twice, as itself
// and as the IPv4 address a translator would connect to; either refusal refuses it.
// Outside those, everything is allowed until the operator narrows it with allow lists; deny lists always win.
// A target is checked twice: its host as written (plan), then every address its name resolved to (probes),
// so a name pointing at a denied address is refused as surely as the address itself.
import type { Surface } from '../domain/types.js';
import { embeddedIPv4s, formatIp, formatIPv4, NAT64_LENGTHS, parseAddress, type Ip, type ParsedAddress } from './address.js';

export { formatIp, parseAddress, type Ip, type ParsedAddress } from './address.js';

export type Net =
  | { family: 4; base: number; mask: number; bits: number; text: string }
  | { family: 6; base: bigint; mask: bigint; bits: number; text: string };

/** An IPv6 network, as NAT64 prefixes are. */
export type Net6 = Extract<Net, { family: 6 }>;

/** A host name, or "*.example.com" for every name below example.com (not example.com itself). */
export interface NamePattern {
  name: string;
  wildcard: boolean;
  text: string;
}

export interface PortRange {
  lo: number;
  hi: number;
}

export interface PolicyList {
  nets: Net[];
  names: NamePattern[];
  ports: PortRange[];
}

export interface Policy {
  /** When false, this machine's loopback is refused unless an allow entry names it (127.0.0.1/32, localhost). */
  allowLoopback: boolean;
  /** Who to ask when something is refused (a channel, a team, a person); added to every refusal. */
  contact: string | null;
  /** Empty lists allow everything outside the built-in denies; a non-empty one narrows to what it names. */
  allow?: PolicyList;
  /** Always refused, whatever the allow list says. */
  deny?: PolicyList;
  /**
   * This network's own NAT64 prefixes (RFC 6052 lengths): an address under one is also judged as the IPv4
   * address it carries. The well-known 64:ff9b::/96 and the local-use 64:ff9b:1::/48 are always read.
   */
  nat64?: Net6[];
  /**
   * Distinct ports of any one address probed per minute, across every diagnosis sharing a ProbeBudget; 0 or
   * absent: no budget. Past it the nearby-port look is cut first, then the target itself is skipped.
   */
  probeBudgetPerHost?: number;
}

export type PolicyVerdict = { allowed: true } | { allowed: false; reason: string };

/** The command line's default: the person running it may probe their own machine. */
export const DEFAULT_POLICY: Policy = { allowLoopback: true, contact: null };

/** The default for a surface: in chat, the bot's own loopback is not for anyone who can type. */
export function defaultPolicy(surface: Surface): Policy {
  return surface === 'chat' ? { allowLoopback: false, contact: null } : DEFAULT_POLICY;
}

export function emptyList(): PolicyList {
  return { nets: [], names: [], ports: [] };
}

// ——— networks ———

function v4Mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function v6Mask(bits: number): bigint {
  return bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
}

export function makeNet(ip: Ip, bits: number): Net {
  if (ip.family === 4) {
    const mask = v4Mask(bits);
    const base = (ip.v4 & mask) >>> 0;
    return { family: 4, base, mask, bits, text: `${formatIp({ family: 4, v4: base })}/${bits}` };
  }
  const mask = v6Mask(bits);
  const base = ip.v6 & mask;
  return { family: 6, base, mask, bits, text: `${formatIp({ family: 6, v6: base })}/${bits}` };
}

export function inNet(net: Net, ip: Ip): boolean {
  if (net.family === 4) return ip.family === 4 && ((ip.v4 & net.mask) >>> 0) === net.base;
  return ip.family === 6 && (ip.v6 & net.mask) === net.base;
}

/** `inner` lies wholly inside `outer`. */
function within(inner: Net, outer: Net): boolean {
  if (inner.bits < outer.bits) return false;
  return inner.family === 4 ? inNet(outer, { family: 4, v4: inner.base }) : inNet(outer, { family: 6, v6: inner.base });
}

function net(text: string): Net {
  const [addr, bits] = text.split('/');
  return makeNet(parseAddress(addr!)!.ip, Number(bits));
}

interface Builtin {
  net: Net;
  /** What the range is, as the end of "X is …". */
  what: string;
  loopback?: true;
  /**
   * Judged for an address as written, not for one read out of an IPv6 address: a zero there is the padding of
   * a translation form, which names no host and no translator connects to.
   */
  literalOnly?: true;
}

// Order matters only for the words: the most specific reason comes first. Built on first use, not at import:
// a command that probes nothing (--help, --no-probe) should not pay for it.
const builtinList = (): Builtin[] => [
  { net: net('169.254.169.254/32'), what: 'a cloud metadata endpoint, which hands out credentials' },
  { net: net('fd00:ec2::254/128'), what: 'a cloud metadata endpoint (AWS, IPv6), which hands out credentials' },
  { net: net('fd00:ec2::/32'), what: "in AWS's instance services range (fd00:ec2::/32: metadata, DNS, time sync, EKS Pod Identity)" },
  { net: net('fd20:ce::254/128'), what: 'a cloud metadata endpoint (Google Cloud, IPv6), which hands out credentials' },
  { net: net('fd00:42::42/128'), what: 'a cloud metadata endpoint (Scaleway, IPv6), which hands out credentials' },
  { net: net('100.100.100.200/32'), what: 'a cloud metadata endpoint (Alibaba Cloud), which hands out credentials' },
  { net: net('192.0.0.192/32'), what: 'a cloud metadata endpoint (Oracle Cloud Classic), which hands out credentials' },
  { net: net('168.63.129.16/32'), what: "Azure's platform endpoint (WireServer: VM agent, extension settings, DNS, health probes)" },
  { net: net('169.254.0.0/16'), what: 'link-local (169.254.0.0/16), where cloud metadata services live' },
  { net: net('fe80::/10'), what: 'IPv6 link-local (fe80::/10)' },
  { net: net('0.0.0.0/32'), what: 'the unspecified address: a server listens on it to take every interface, but a client that connects to it reaches its own machine (Linux, macOS) or fails (Windows); connect to 127.0.0.1 or the server\'s real address instead', literalOnly: true },
  { net: net('::/128'), what: 'the unspecified address: a server listens on it to take every interface, but a client that connects to it reaches its own machine (Linux, macOS) or fails (Windows); connect to 127.0.0.1 or the server\'s real address instead', literalOnly: true },
  { net: net('0.0.0.0/8'), what: 'in 0.0.0.0/8 ("this network"), which names no host to connect to', literalOnly: true },
  { net: net('224.0.0.0/4'), what: 'a multicast address' },
  { net: net('ff00::/8'), what: 'an IPv6 multicast address' },
  { net: net('255.255.255.255/32'), what: 'the broadcast address' },
  { net: net('127.0.0.0/8'), what: "this bot's own loopback; probing it would test the bot's machine, not yours", loopback: true },
  { net: net('::1/128'), what: "this bot's own loopback; probing it would test the bot's machine, not yours", loopback: true },
];

let builtinCache: { all: Builtin[]; loopback: Net[] } | null = null;
function builtins(): { all: Builtin[]; loopback: Net[] } {
  if (builtinCache) return builtinCache;
  const all = builtinList();
  builtinCache = { all, loopback: all.filter((b) => b.loopback).map((b) => b.net) };
  return builtinCache;
}

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/** Lower case, without the trailing dot or brackets: the form names are compared in. */
function normalizeName(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

function isLoopbackName(h: string): boolean {
  return h === 'localhost' || h.endsWith('.localhost') || h === 'ip6-localhost' || h === 'ip6-loopback';
}

function loopbackIp(ip: Ip): boolean {
  return builtins().loopback.some((n) => inNet(n, ip));
}

/** True for 0.0.0.0 and :: in any spelling (0, 0x0, [::], ::ffff:0.0.0.0): a listener's "every interface". */
export function isUnspecified(host: string): boolean {
  const a = parseAddress(host);
  return a !== null && (a.ip.family === 4 ? a.ip.v4 === 0 : a.ip.v6 === 0n);
}

/** True for 127.0.0.0/8 and ::1 in any spelling (127.1, 0x7f000001, ::ffff:127.0.0.1), and localhost names. */
export function isLoopback(host: string): boolean {
  const a = parseAddress(host);
  if (a) return loopbackIp(a.ip);
  return isLoopbackName(normalizeName(host));
}

function matchName(p: NamePattern, h: string): boolean {
  return p.wildcard ? h.endsWith(`.${p.name}`) : h === p.name;
}

// ——— checks ———

const refuse = (reason: string): PolicyVerdict => ({ allowed: false, reason });
const ALLOWED: PolicyVerdict = { allowed: true };

function hostsNarrowed(policy: Policy): boolean {
  return (policy.allow?.nets.length ?? 0) + (policy.allow?.names.length ?? 0) > 0;
}

/** A built-in deny for one IP, unless the allow list names its range explicitly (an entry inside it). */
function builtinFor(ip: Ip, policy: Policy, carried: boolean): Builtin | null {
  for (const b of builtins().all) {
    if (!inNet(b.net, ip)) continue;
    if (b.loopback && policy.allowLoopback) continue;
    if (b.literalOnly && carried) continue;
    const lifted = policy.allow?.nets.some((n) => within(n, b.net) && inNet(n, ip)) ?? false;
    if (!lifted) return b;
  }
  return null;
}

/** Why one IP is refused by a deny (built-in or the operator's), as the end of "X is …", or null. */
function denial(ip: Ip, policy: Policy, carried: boolean): { builtin: boolean; what: string } | null {
  const b = builtinFor(ip, policy, carried);
  if (b) return { builtin: true, what: b.what };
  const denied = policy.deny?.nets.find((n) => inNet(n, ip));
  return denied ? { builtin: false, what: `on this instance's deny list (${denied.text})` } : null;
}

/**
 * Why `a` may not be probed, as the rest of a sentence that starts with the address ("is …", "carries …"),
 * or null. The address itself is judged first, then every IPv4 address it carries.
 */
function ipRefusal(a: ParsedAddress, policy: Policy, nameAllowed: boolean): string | null {
  const own = denial(a.ip, policy, false);
  if (own) return `is ${own.what}`;
  if (a.ip.family === 6) {
    for (const e of embeddedIPv4s(a.ip.v6, policy.nat64 ?? [])) {
      const d = denial({ family: 4, v4: e.v4 }, policy, true);
      if (d) return `carries ${formatIPv4(e.v4)} (${e.form}), ${d.builtin ? '' : 'which is '}${d.what}`;
    }
  }
  if (hostsNarrowed(policy) && !nameAllowed && !(policy.allow?.nets.some((n) => inNet(n, a.ip)) ?? false)) {
    return "is outside the hosts and networks this instance's allow list names";
  }
  return null;
}

/** The host as written, with its standard form when that differs: "0xa9fea9fe (169.254.169.254)". */
function shown(host: string, a: ParsedAddress): string {
  return normalizeName(host) === a.text.toLowerCase() ? host : `${host} (${a.text})`;
}

interface NameCheck {
  verdict: PolicyVerdict;
  /** The name matched an allow pattern: its addresses need not be in an allowed network. */
  nameAllowed: boolean;
}

function checkName(host: string, h: string, policy: Policy): NameCheck {
  const exact = (policy.allow?.names ?? []).some((p) => !p.wildcard && p.name === h);
  if (METADATA_NAMES.has(h) && !exact) {
    return { verdict: refuse(`${host} is a cloud metadata name, which hands out credentials`), nameAllowed: false };
  }
  if (isLoopbackName(h) && !policy.allowLoopback && !exact && !(policy.allow?.nets.some((n) => builtins().loopback.some((l) => within(n, l))) ?? false)) {
    return { verdict: refuse(`${host} is this bot's own loopback; probing it would test the bot's machine, not yours`), nameAllowed: false };
  }
  const denied = policy.deny?.names.find((p) => matchName(p, h));
  if (denied) return { verdict: refuse(`${host} is on this instance's deny list (${denied.text})`), nameAllowed: false };
  const nameAllowed = (policy.allow?.names ?? []).some((p) => matchName(p, h));
  // A name outside the allowed names may still resolve into an allowed network: that is decided after DNS.
  if (hostsNarrowed(policy) && !nameAllowed && (policy.allow?.nets.length ?? 0) === 0) {
    return { verdict: refuse(`${host} is outside the hosts this instance's allow list names`), nameAllowed };
  }
  return { verdict: ALLOWED, nameAllowed };
}

// Whitespace and control characters never belong in a host; getaddrinfo would cut at them or choke.
const NOT_A_HOST = /[\s\u0000-\u001f\u007f/\\@]/;
const WHITESPACE = /[\s\u0000-\u001f\u007f]/;

/** Checks one host as written (a name or an address literal in any spelling) against the policy. */
export function checkHost(host: string, policy: Policy = DEFAULT_POLICY): PolicyVerdict {
  if (WHITESPACE.test(host)) return refuse(`${JSON.stringify(host)} is not a host name or address`);
  const a = parseAddress(host);
  if (a) {
    const why = ipRefusal(a, policy, false);
    return why === null ? ALLOWED : refuse(`${shown(host, a)} ${why}`);
  }
  const h = normalizeName(host);
  if (h === '' || NOT_A_HOST.test(h) || h.includes('%')) return refuse(`${JSON.stringify(host)} is not a host name or address`);
  return checkName(host, h, policy).verdict;
}

/** Checks a port: 0 and anything outside 1–65535 is never probed; then the deny and allow lists. */
export function checkPort(port: number, policy: Policy = DEFAULT_POLICY): PolicyVerdict {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse(`port ${port} is not a TCP port (1–65535)`);
  const denied = policy.deny?.ports.find((r) => port >= r.lo && port <= r.hi);
  if (denied) return refuse(`port ${port} is on this instance's deny list (${rangeText(denied)})`);
  const allow = policy.allow?.ports ?? [];
  if (allow.length > 0 && !allow.some((r) => port >= r.lo && port <= r.hi)) {
    return refuse(`port ${port} is outside the ports this instance may probe (${allow.map(rangeText).join(', ')})`);
  }
  return ALLOWED;
}

/** Port first (the cheaper question), then the host. */
export function checkTarget(host: string, port: number, policy: Policy = DEFAULT_POLICY): PolicyVerdict {
  const p = checkPort(port, policy);
  return p.allowed ? checkHost(host, policy) : p;
}

/**
 * For the probes: may `address` (what `host` resolved to, or the literal itself) be connected to on `port`?
 * Null when it may, else the reason in words. The name's own allow patterns count: an allowed name need not
 * resolve into an allowed network, but no name lifts a built-in or operator deny on its addresses.
 */
export function checkResolved(policy: Policy, address: string, port?: number, host?: string): string | null {
  if (port !== undefined) {
    const p = checkPort(port, policy);
    if (!p.allowed) return p.reason;
  }
  const a = parseAddress(address);
  if (!a) return `${address} is not an address literal; only addresses found by the one DNS lookup are connected to`;
  let nameAllowed = false;
  if (host !== undefined && parseAddress(host) === null) {
    const h = normalizeName(host);
    const n = checkName(host, h, policy);
    if (!n.verdict.allowed) return n.verdict.reason;
    nameAllowed = n.nameAllowed;
  }
  const why = ipRefusal(a, policy, nameAllowed);
  if (why === null) return null;
  return host !== undefined && parseAddress(host) === null ? `${host} resolved to ${a.text}, which ${why}` : `${shown(address, a)} ${why}`;
}

/** The reason with who to ask, for people. */
export function withContact(reason: string, policy: Policy): string {
  return policy.contact ? `${reason}; ask ${policy.contact}` : reason;
}

// ——— the operator's lists ———

function rangeText(r: PortRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}-${r.hi}`;
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Reads a list of hosts and networks: CIDRs (10.0.0.0/8, fd00::/8), single addresses, host names and
 * "*.example.com" patterns, separated by commas or spaces. Every mistake is a problem in words.
 */
export function parseHostList(text: string): { nets: Net[]; names: NamePattern[]; problems: string[] } {
  const nets: Net[] = [];
  const names: NamePattern[] = [];
  const problems: string[] = [];
  for (const entry of splitList(text)) {
    const bad = (why: string) => problems.push(`entry "${entry}" ${why}`);
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      const addrText = entry.slice(0, slash).replace(/^\[(.*)\]$/, '$1');
      const bitsText = entry.slice(slash + 1);
      const family = isStandard(addrText);
      if (family === 0) {
        bad('is not a CIDR: write a standard address before the slash, like 10.0.0.0/8 or fd00::/8');
        continue;
      }
      const a = parseAddress(addrText)!;
      const max = family === 4 ? 32 : 128;
      const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
      if (!(bits >= 0 && bits <= max)) {
        bad(`has prefix length "${bitsText}"; it must be a whole number from 0 to ${max}`);
        continue;
      }
      // ::ffff:10.0.0.0/104 is an IPv4 range written as IPv6: it is kept as the IPv4 range it is.
      const v4Bits = family === 6 && a.ip.family === 4 ? bits - 96 : bits;
      if (v4Bits < 0) {
        bad('covers more than the IPv4-mapped range; use a prefix of 96 or more, or write the IPv4 range');
        continue;
      }
      const n = makeNet(a.ip, v4Bits);
      const exactBase = a.ip.family === 4 ? n.base === a.ip.v4 : n.base === a.ip.v6;
      if (!exactBase) {
        bad(`has bits set beyond the /${bits} prefix; write ${n.text} if that is the range you mean`);
        continue;
      }
      nets.push(n);
      continue;
    }
    const plain = entry.replace(/^\[(.*)\]$/, '$1');
    if (plain.includes('%')) {
      bad('has a zone id (%…); leave it out: the policy compares addresses, not interfaces');
      continue;
    }
    if (isStandard(plain) !== 0) {
      const a = parseAddress(plain)!;
      nets.push(makeNet(a.ip, a.ip.family === 4 ? 32 : 128));
      continue;
    }
    const odd = parseAddress(plain);
    if (odd) {
      bad(`is an unusual spelling of ${odd.text}; write ${odd.text}`);
      continue;
    }
    if (/^[\d.]+$/.test(plain) || plain.includes(':')) {
      bad('is not a valid IP address; write a dotted quad like 10.0.0.1, an IPv6 address, or a CIDR like 10.0.0.0/8');
      continue;
    }
    const h = normalizeName(plain);
    if (h === '*') {
      bad('would match every name; leave the list empty instead (an empty allow list allows every host)');
      continue;
    }
    const wildcard = h.startsWith('*.');
    const rest = wildcard ? h.slice(2) : h;
    if (rest.includes('*')) {
      bad('has a * that is not at the start; write patterns as *.example.com (every name below example.com)');
      continue;
    }
    if (rest.length > 253 || !rest.split('.').every((l) => LABEL.test(l))) {
      bad('is not a host name: use letters, digits, - and _ in dot-separated labels, optionally after a leading *.');
      continue;
    }
    names.push({ name: rest, wildcard, text: h });
  }
  return { nets, names, problems };
}

function isStandard(text: string): 0 | 4 | 6 {
  // node:net's own test, without zone ids (a policy entry names addresses, not interfaces).
  if (text.includes('%')) return 0;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    return text.split('.').every((p) => Number(p) <= 255 && (p === '0' || !p.startsWith('0'))) ? 4 : 0;
  }
  return text.includes(':') && parseAddress(text) !== null ? 6 : 0;
}

/**
 * Reads a list of NAT64 prefixes ("2001:db8:64::/96, 2001:db8:100::/40"): IPv6 CIDRs of a length RFC 6052
 * defines (32, 40, 48, 56, 64 or 96), with nothing set beyond the prefix and, for /96, a zero u-octet.
 */
export function parseNat64List(text: string): { prefixes: Net6[]; problems: string[] } {
  const prefixes: Net6[] = [];
  const problems: string[] = [];
  const lengths = `${NAT64_LENGTHS.slice(0, -1).join(', ')} or ${NAT64_LENGTHS[NAT64_LENGTHS.length - 1]}`;
  for (const entry of splitList(text)) {
    const bad = (why: string) => problems.push(`entry "${entry}" ${why}`);
    const slash = entry.indexOf('/');
    const addrText = (slash >= 0 ? entry.slice(0, slash) : entry).replace(/^\[(.*)\]$/, '$1');
    const family = isStandard(addrText);
    if (family === 4 || (family === 6 && parseAddress(addrText)!.ip.family === 4)) {
      bad('is an IPv4 network; a NAT64 prefix is IPv6, like 64:ff9b::/96 or 2001:db8:64::/96');
      continue;
    }
    if (family === 0) {
      bad('is not a CIDR: write an IPv6 prefix and its length, like 2001:db8:64::/96');
      continue;
    }
    if (slash < 0) {
      bad(`has no prefix length; write it as ${addrText}/96 (or the length your NAT64 gateway uses: ${lengths})`);
      continue;
    }
    const bitsText = entry.slice(slash + 1);
    const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
    if (!NAT64_LENGTHS.includes(bits)) {
      bad(`has prefix length ${bitsText}; RFC 6052 allows only ${lengths}`);
      continue;
    }
    const ip = parseAddress(addrText)!.ip;
    const n = makeNet(ip, bits);
    if (ip.family !== 6 || n.family !== 6 || n.base !== ip.v6) {
      bad(`has bits set beyond the /${bits} prefix; write ${n.text}`);
      continue;
    }
    if ((n.base >> 56n) & 0xffn) {
      bad('sets the u-octet (bits 64–71), which RFC 6052 keeps zero; check the prefix your NAT64 gateway announces');
      continue;
    }
    if (!prefixes.some((x) => x.text === n.text)) prefixes.push(n);
  }
  return { prefixes, problems };
}

/** Reads a list of ports and ranges: "22, 80, 8000-8999". */
export function parsePortList(text: string): { ports: PortRange[]; problems: string[] } {
  const ports: PortRange[] = [];
  const problems: string[] = [];
  for (const entry of splitList(text)) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
    if (!m) {
      problems.push(`entry "${entry}" is not a port or range; write 5432 or 8000-8999`);
      continue;
    }
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 1 || hi > 65535 || lo > 65535) {
      problems.push(`entry "${entry}" is outside 1–65535`);
      continue;
    }
    if (lo > hi) {
      problems.push(`entry "${entry}" runs backwards; write ${hi}-${lo}`);
      continue;
    }
    ports.push({ lo, hi });
  }
  return { ports, problems };
}

export interface PolicyInput {
  allowHosts?: string | null;
  denyHosts?: string | null;
  allowPorts?: string | null;
  denyPorts?: string | null;
  /** This network's NAT64 prefixes (see parseNat64List). */
  nat64?: string | null;
  allowLoopback: boolean;
  contact?: string | null;
  /** Distinct ports per address per minute; 0 or absent: no budget. */
  probeBudgetPerHost?: number;
}

/** Builds a policy from the operator's text; every problem is named by the variable it came from. */
export function buildPolicy(
  input: PolicyInput,
  names: Record<'allowHosts' | 'denyHosts' | 'allowPorts' | 'denyPorts', string> & { nat64?: string },
): { policy: Policy; problems: string[] } {
  const problems: string[] = [];
  const allowH = parseHostList(input.allowHosts ?? '');
  const denyH = parseHostList(input.denyHosts ?? '');
  const allowP = parsePortList(input.allowPorts ?? '');
  const denyP = parsePortList(input.denyPorts ?? '');
  const nat64 = parseNat64List(input.nat64 ?? '');
  for (const p of allowH.problems) problems.push(`${names.allowHosts}: ${p}`);
  for (const p of denyH.problems) problems.push(`${names.denyHosts}: ${p}`);
  for (const p of allowP.problems) problems.push(`${names.allowPorts}: ${p}`);
  for (const p of denyP.problems) problems.push(`${names.denyPorts}: ${p}`);
  for (const p of nat64.problems) problems.push(`${names.nat64 ?? 'NAT64 prefixes'}: ${p}`);
  return {
    policy: {
      allowLoopback: input.allowLoopback,
      contact: input.contact ?? null,
      allow: { nets: allowH.nets, names: allowH.names, ports: allowP.ports },
      deny: { nets: denyH.nets, names: denyH.names, ports: denyP.ports },
      ...(nat64.prefixes.length > 0 ? { nat64: nat64.prefixes } : {}),
      ...(input.probeBudgetPerHost ? { probeBudgetPerHost: input.probeBudgetPerHost } : {}),
    },
    problems,
  };
}

/** The policy in words, one sentence each, for the App Home and --help-like listings. */
export function describePolicy(policy: Policy): string[] {
  const allow = policy.allow ?? emptyList();
  const deny = policy.deny ?? emptyList();
  const hosts = [...allow.nets.map((n) => n.text), ...allow.names.map((n) => n.text)];
  const out: string[] = [];
  out.push(hosts.length > 0 ? `Only these hosts and networks are probed: ${hosts.join(', ')}.` : 'Any host may be probed, except as follows.');
  if (allow.ports.length > 0) out.push(`Only these ports: ${allow.ports.map(rangeText).join(', ')}.`);
  const denied = [...deny.nets.map((n) => n.text), ...deny.names.map((n) => n.text), ...deny.ports.map((r) => `port ${rangeText(r)}`)];
  if (denied.length > 0) out.push(`Never probed: ${denied.join(', ')}.`);
  out.push(
    'Cloud metadata and platform endpoints (169.254.169.254, fd00:ec2::/32, Azure\'s 168.63.129.16 …), link-local, unspecified, multicast and broadcast addresses are never probed unless the allow list names them, in any spelling (decimal, hex, IPv4-mapped IPv6 …), inside any IPv6 form that carries them (NAT64, SIIT, 6to4, Teredo, ISATAP), nor names that resolve to them.',
  );
  if (policy.nat64?.length) out.push(`NAT64 prefixes of this network: ${policy.nat64.map((n) => n.text).join(', ')}; an address under one is judged by the IPv4 address it carries too.`);
  if (policy.probeBudgetPerHost) {
    out.push(`At most ${policy.probeBudgetPerHost} different ports of any one address are probed per minute, across everyone's diagnoses: past that, the ports next to a refused one are skipped first, then the target itself, until the minute is up.`);
  }
  if (policy.contact) out.push(`To change what may be probed, ask ${policy.contact}.`);
  return out;
}
