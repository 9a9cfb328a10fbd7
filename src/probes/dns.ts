// DNS probe: what the system resolver gives a client (getaddrinfo, hosts file included, in its order), and
// what the DNS servers say directly, so a hosts-file override or split horizon shows as a disagreement.
import type { DnsAddress, DnsEvidence, Family } from '../domain/types.js';
import { parseAddress } from '../policy/address.js';
import { classifySocketError } from './classify-socket-error.js';
import { bounded, roundMs, type ProbeContext } from './util.js';

/** Answers from DNS servers that only mean "this name has no such records", not "the server failed". */
const EMPTY_ANSWER = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/**
 * The address a literal host stands for, in standard form, whatever its spelling (127.1, 0x7f000001,
 * [::1], ::ffff:127.0.0.1): it is connected to as is, and never handed to a resolver as a name.
 */
export function literalAddress(host: string): DnsAddress | null {
  const a = parseAddress(host);
  return a ? { address: a.text, family: a.ip.family } : null;
}

/**
 * Names the DNS servers are not asked about: localhost (answered by the resolver library, never by a server)
 * and single-label names, which getaddrinfo expands with the search domains while a direct query does not,
 * so the two answers would differ for no real reason.
 */
export function asksDnsServers(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return false;
  return h.includes('.');
}

function errorCode(err: unknown): string {
  return classifySocketError(err).errno ?? (err instanceof Error ? err.message : String(err));
}

async function askDnsServers(ctx: ProbeContext, host: string): Promise<DnsAddress[] | null> {
  const ms = ctx.timeouts.dnsMs;
  const ask = (family: Family) => {
    const fn = family === 4 ? ctx.deps.resolve4 : ctx.deps.resolve6;
    return bounded(ctx.signal, ms, 'ETIMEOUT', (signal) => fn(host, ms, signal)).then(
      (list) => list.map((address): DnsAddress => ({ address, family })),
      (err: unknown) => {
        const code = errorCode(err);
        if (EMPTY_ANSWER.has(code)) return [] as DnsAddress[];
        return null; // the servers did not answer: we cannot say whether they agree
      },
    );
  };
  const [v4, v6] = await Promise.all([ask(4), ask(6)]);
  if (v4 === null && v6 === null) return null;
  return [...(v4 ?? []), ...(v6 ?? [])];
}

function sameSet(a: DnsAddress[], b: DnsAddress[]): boolean {
  const left = new Set(a.map((x) => x.address.toLowerCase()));
  const right = new Set(b.map((x) => x.address.toLowerCase()));
  if (left.size !== right.size) return false;
  for (const x of left) if (!right.has(x)) return false;
  return true;
}

export interface DnsProbe {
  /** The system resolver's answer alone: connecting needs only this, not the DNS servers' view. */
  lookup: Promise<DnsEvidence>;
  /** The full evidence, once the DNS servers have answered too (or timed out). */
  evidence: Promise<DnsEvidence>;
}

/** Starts both questions at once. Never rejects: a failure is evidence with its code (ENOTFOUND, EAI_AGAIN, ETIMEOUT …). */
export function startDns(ctx: ProbeContext, host: string): DnsProbe {
  const address = literalAddress(host);
  if (address !== null) {
    const literal: DnsEvidence = { type: 'dns', host, addresses: [address], error: null, dnsServers: null, disagree: false, literal: true, ms: 0 };
    return { lookup: Promise.resolve(literal), evidence: Promise.resolve(literal) };
  }
  const servers = asksDnsServers(host) ? askDnsServers(ctx, host) : Promise.resolve(null);
  const lookup = systemLookup(ctx, host);
  const evidence = Promise.all([lookup, servers]).then(([found, dnsServers]): DnsEvidence => ({
    ...found,
    dnsServers,
    disagree: dnsServers !== null && !sameSet(found.addresses, dnsServers),
  }));
  return { lookup, evidence };
}

export function probeDns(ctx: ProbeContext, host: string): Promise<DnsEvidence> {
  return startDns(ctx, host).evidence;
}

async function systemLookup(ctx: ProbeContext, host: string): Promise<DnsEvidence> {
  const { now } = ctx.deps;
  const started = now();
  const addresses: DnsAddress[] = [];
  let error: string | null = null;
  try {
    const found = await bounded(ctx.signal, ctx.timeouts.dnsMs, 'ETIMEOUT', (signal) => ctx.deps.lookup(host, signal));
    const seen = new Set<string>();
    for (const a of found) {
      if (seen.has(a.address)) continue; // getaddrinfo repeats an address once per socket type on some systems
      seen.add(a.address);
      addresses.push({ address: a.address, family: a.family });
    }
    if (addresses.length === 0) error = 'ENOTFOUND';
  } catch (err) {
    error = errorCode(err);
  }
  return { type: 'dns', host, addresses, error, dnsServers: null, disagree: false, literal: false, ms: roundMs(now() - started) };
}
