// What may be probed, decided before any socket opens. This is the small first version: built-in denies
// for addresses no diagnosis has any business touching (cloud metadata, unspecified, multicast,
// broadcast). Operator allow/deny lists and every odd spelling of an address come with the policy issue.
import { isIP } from 'node:net';

export interface Policy {
  /** When false, loopback targets are refused (a shared bot must not probe its own host). */
  allowLoopback: boolean;
  /** Extra words for people: who to ask when something is refused. */
  contact: string | null;
}

export const DEFAULT_POLICY: Policy = { allowLoopback: true, contact: null };

export type PolicyVerdict = { allowed: true } | { allowed: false; reason: string };

const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', 'metadata.google.internal', 'metadata']);

function ipv4Octets(address: string): number[] | null {
  if (isIP(address) !== 4) return null;
  return address.split('.').map(Number);
}

/** True for 127.0.0.0/8, ::1, localhost names and IPv4-mapped loopback. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'ip6-localhost' || h === 'ip6-loopback') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  const v4 = ipv4Octets(mapped ? mapped[1]! : h);
  return v4 !== null && v4[0] === 127;
}

/** Checks one host name or address literal against the built-in denies and the policy. */
export function checkHost(host: string, policy: Policy = DEFAULT_POLICY): PolicyVerdict {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (METADATA.has(h)) return { allowed: false, reason: `${host} is a cloud metadata endpoint, which holds credentials; it is never probed` };
  if (h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0') {
    return { allowed: false, reason: `${host} is the unspecified address; it names no host to connect to` };
  }
  const v4 = ipv4Octets(h);
  if (v4) {
    if (v4[0] === 169 && v4[1] === 254) return { allowed: false, reason: `${host} is link-local (169.254.0.0/16), where cloud metadata services live` };
    if (v4[0]! >= 224 && v4[0]! <= 239) return { allowed: false, reason: `${host} is a multicast address` };
    if (h === '255.255.255.255') return { allowed: false, reason: `${host} is the broadcast address` };
  }
  if (isIP(h) === 6) {
    if (/^fe[89ab]/.test(h)) return { allowed: false, reason: `${host} is IPv6 link-local (fe80::/10)` };
    if (/^ff/.test(h)) return { allowed: false, reason: `${host} is an IPv6 multicast address` };
  }
  if (!policy.allowLoopback && isLoopback(h)) {
    return { allowed: false, reason: `${host} is this bot's own loopback; probing it would test the bot's machine, not yours` };
  }
  return { allowed: true };
}

/** Checks a port: 0 and anything outside 1–65535 is never probed. */
export function checkPort(port: number): PolicyVerdict {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? { allowed: true }
    : { allowed: false, reason: `port ${port} is not a TCP port (1–65535)` };
}
