// Evidence → EvidenceView: the probes' raw lines digested once per diagnosis, so that each rule's
// predicate reads a flag or a list instead of walking the evidence again. Plain data, built in one pass
// over the evidence plus small per-address lookups. A probe that failed on this machine (out of descriptors,
// buffers or memory) never reached the target and is left out: the view holds what the target answered;
// the probe-failed rule reads those failures from the raw evidence.
import { isIP } from 'node:net';
import { describeEvidence, hostPort } from '../domain/describe.js';
import type {
  BannerEvidence, DnsEvidence, Evidence, Facts, Family, Hint, HttpEvidence, Plan, Protocol, Service, SkipReason, Skipped,
  Target, TcpEvidence, TcpOutcome, TlsEvidence, UnixSocketEvidence,
} from '../domain/types.js';
import { isLocalFailure } from '../probes/classify-socket-error.js';

/** One address of a target, across its connect attempts. */
export interface AddressView {
  host: string;
  address: string;
  family: Family;
  port: number;
  /** Outcome of the first attempt (what a client sees on its first try). */
  first: TcpOutcome;
  firstErrno: string | null;
  /** How long the first attempt took. */
  ms: number;
  /** Every attempt's outcome, in attempt order. */
  outcomes: TcpOutcome[];
  /** Every errno seen across attempts (deduplicated, nulls left out). */
  errnos: string[];
  /** Open on some attempts and failing on others. */
  flapping: boolean;
  /** Every attempt gave the same outcome. */
  steady: boolean;
  /** What answered after connect (the banner probe), when it ran. */
  protocol: Protocol | null;
  banner: BannerEvidence | null;
  tls: TlsEvidence | null;
  /** Accepted, then silence where the expected protocol should have answered (and no TLS handshake worked). */
  stuck: boolean;
  /** A TLS handshake was tried and failed (or the certificate was refused), where TLS is not negotiated in-band. */
  tlsFailed: boolean;
  /** Another port on this same address answered (open, refused or reset): the host itself is up. */
  hostUp: boolean;
  /** The first attempt in words. */
  line: string;
  /** The attempts that differ from the first one, in words (for flapping). */
  otherLines: string[];
}

/** A port next to the target's that was looked at. */
export interface NearbyView {
  address: string;
  port: number;
  outcome: TcpOutcome;
  protocol: Protocol | null;
  line: string;
  /** The banner line too, when one came back. */
  bannerLine: string | null;
}

export interface TargetView {
  host: string;
  port: number;
  role: Target['role'];
  service: Service | null;
  dns: DnsEvidence | null;
  addresses: AddressView[];
}

export interface EvidenceView {
  /** Any TCP evidence at all. */
  probed: boolean;
  /** The first target (what the paste names; a proxy when the error came from one). */
  target: TargetView | null;
  /** Every target with its evidence, plan order first. */
  targets: TargetView[];
  /** The primary target's DNS lookup. */
  dns: DnsEvidence | null;
  /** The primary target's addresses and the lists below: by first-attempt outcome. */
  addresses: AddressView[];
  open: AddressView[];
  refused: AddressView[];
  timeout: AddressView[];
  unreachable: AddressView[];
  reset: AddressView[];
  flapping: AddressView[];
  /** Every attempt on every address of the primary target refused (false when there is none). */
  allRefused: boolean;
  allOpen: boolean;
  allTimeout: boolean;
  anyOpen: boolean;
  nearby: NearbyView[];
  nearbyOpen: NearbyView[];
  http: HttpEvidence[];
  unix: UnixSocketEvidence | null;
  skipped: Partial<Record<SkipReason, Skipped[]>>;
  /** The protocol the client expects to hear on the port, when the service or scheme tells. */
  expected: Protocol | null;
  /** The host in the paste is loopback (localhost, 127.x, ::1). */
  loopback: boolean;
}

/** True for localhost names, 127.0.0.0/8, ::1 and IPv4-mapped loopback. Text only, no lookups. */
export function isLoopbackHost(host: string | null): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'ip6-localhost' || h === 'ip6-loopback') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The same address however it was spelled: IPv4-mapped IPv6 folds to IPv4, case folds. */
export function normalizeAddress(address: string): string {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(a);
  return mapped ? mapped[1]! : a;
}

// Services whose TLS is negotiated inside their own protocol: the port still greets in that protocol.
const IN_BAND_TLS: ReadonlySet<Service> = new Set(['postgres', 'mysql']);

const SERVICE_PROTOCOL: Record<Service, Protocol | null> = {
  postgres: 'postgres',
  mysql: 'mysql',
  redis: 'redis',
  mongodb: 'mongodb',
  kafka: 'kafka',
  http: 'http',
  // gRPC is HTTP/2; a banner probe cannot tell it from other HTTP/2 without more work, so no expectation.
  grpc: null,
  docker: 'http',
  'kubernetes-api': 'tls',
  ssh: 'ssh',
  amqp: 'amqp',
  elasticsearch: 'http',
};

/** What the client expects to hear: from the service, else from the scheme and TLS flag. */
export function expectedProtocol(service: Service | null, tls: boolean | null, scheme: string | null): Protocol | null {
  if (service) {
    const p = SERVICE_PROTOCOL[service];
    if (p === null) return null;
    return tls === true && !IN_BAND_TLS.has(service) ? 'tls' : p;
  }
  if (tls === true || scheme === 'https') return 'tls';
  if (scheme === 'http' || scheme === 'ws') return 'http';
  return null;
}

/** The errno of a probe that failed on this machine before reaching the network, or null (see isLocalFailure). */
export function localFailure(e: Evidence): string | null {
  let errno: string | null = null;
  switch (e.type) {
    case 'tcp':
      errno = e.errno;
      break;
    case 'dns':
    case 'http':
      errno = e.error;
      break;
    case 'tls':
      errno = e.ok ? null : e.error;
      break;
    case 'banner':
      errno = e.connectError?.errno ?? null;
      break;
    default:
      return null;
  }
  return isLocalFailure(errno) ? errno : null;
}

/** A concrete protocol answered (not silence, not something unrecognised). */
export function spoke(p: Protocol | null): p is Exclude<Protocol, 'unknown' | 'silent'> {
  return p !== null && p !== 'unknown' && p !== 'silent';
}

const key = (address: string, port: number) => `${normalizeAddress(address)}|${port}`;

// Errnos that are the network's answer to a connect. Others (a run that hit its deadline or its socket cap)
// say nothing about the port.
const NETWORK_ERRNOS: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EACCES']);

/** How the protocol check's own connect failed, in one word (its errno, else its outcome), when the network said so. */
function networkConnectFailure(banner: BannerEvidence | null): string | null {
  const failed = banner?.connectError;
  if (!failed) return null;
  if (failed.errno !== null) return NETWORK_ERRNOS.has(failed.errno) ? failed.errno : null;
  return failed.outcome === 'open' || failed.outcome === 'error' ? null : failed.outcome;
}

function addressView(
  attempts: TcpEvidence[], banners: Map<string, BannerEvidence>, tlses: Map<string, TlsEvidence>, up: Set<string>, expected: Protocol | null,
): AddressView {
  attempts.sort((a, b) => a.attempt - b.attempt);
  const first = attempts[0]!;
  const outcomes = attempts.map((t) => t.outcome);
  const errnos = [...new Set(attempts.map((t) => t.errno).filter((e): e is string => e !== null))];
  const anyOpen = outcomes.includes('open');
  const anyFail = outcomes.some((o) => o !== 'open');
  const k = key(first.address, first.port);
  const banner = banners.get(k) ?? null;
  const tls = tlses.get(k) ?? null;
  const protocol = banner?.protocol ?? null;
  // postgres / mysql answer a direct TLS handshake with an error, yet speak TLS inside their protocol.
  const inBand = expected !== null && expected !== 'tls' && protocol === expected;
  // The protocol check opens one more connection; when that one failed to connect, it is one more failed attempt.
  const connectFailure = networkConnectFailure(banner);
  const bannerConnectFailed = connectFailure !== null;
  return {
    host: first.host,
    address: first.address,
    family: first.family,
    port: first.port,
    first: first.outcome,
    firstErrno: first.errno,
    ms: first.ms,
    outcomes,
    errnos,
    flapping: anyOpen && (anyFail || bannerConnectFailed),
    steady: outcomes.every((o) => o === first.outcome),
    protocol,
    banner,
    tls,
    stuck: anyOpen && !bannerConnectFailed && expected !== null && protocol === 'silent' && banner?.closed === null && !tls?.ok,
    tlsFailed: tls !== null && !tls.ok && !inBand,
    hostUp: up.has(normalizeAddress(first.address)),
    line: describeEvidence(first),
    otherLines: [
      ...attempts.slice(1).filter((t) => t.outcome !== first.outcome).map((t) => describeEvidence(t)),
      ...(connectFailure !== null && first.outcome === 'open' ? [`${hostPort(first.address, first.port)} → ${connectFailure} on the next connection (the protocol check)`] : []),
    ],
  };
}

export function buildView(facts: Facts, evidence: readonly Evidence[], plan: Plan): EvidenceView {
  const tcpByTarget = new Map<string, Map<string, TcpEvidence[]>>();
  const banners = new Map<string, BannerEvidence>();
  const tlses = new Map<string, TlsEvidence>();
  const dnsByHost = new Map<string, DnsEvidence>();
  const nearbyRaw: Evidence[] = [];
  const http: HttpEvidence[] = [];
  let unix: UnixSocketEvidence | null = null;
  // Addresses where some port other than the target's answered: the host is up even if the port is not.
  const up = new Set<string>();

  for (const e of evidence) {
    // Not an answer from the target: this machine could not make the attempt.
    if (localFailure(e) !== null) continue;
    switch (e.type) {
      case 'tcp': {
        const tk = `${e.host.toLowerCase()}|${e.port}`;
        let perAddress = tcpByTarget.get(tk);
        if (!perAddress) tcpByTarget.set(tk, (perAddress = new Map()));
        const ak = normalizeAddress(e.address);
        const list = perAddress.get(ak);
        if (list) list.push(e);
        else perAddress.set(ak, [e]);
        break;
      }
      case 'banner':
        banners.set(key(e.address, e.port), e);
        break;
      case 'tls':
        tlses.set(key(e.address, e.port), e);
        break;
      case 'dns':
        if (!dnsByHost.has(e.host.toLowerCase())) dnsByHost.set(e.host.toLowerCase(), e);
        break;
      case 'nearby':
        nearbyRaw.push(e);
        if (e.outcome === 'open' || e.outcome === 'refused' || e.outcome === 'reset') up.add(normalizeAddress(e.address));
        break;
      case 'http':
        http.push(e);
        break;
      case 'unix':
        unix ??= e;
        break;
    }
  }

  const service = facts.service ?? plan.targets[0]?.service ?? null;
  const expected = expectedProtocol(service, facts.tls, facts.scheme);
  const targets: TargetView[] = [];
  const seen = new Set<string>();
  const addTarget = (host: string, port: number, role: Target['role'], service: Service | null) => {
    const tk = `${host.toLowerCase()}|${port}`;
    if (seen.has(tk)) return;
    seen.add(tk);
    const perAddress = tcpByTarget.get(tk);
    targets.push({
      host, port, role, service,
      dns: dnsByHost.get(host.toLowerCase()) ?? null,
      addresses: perAddress ? [...perAddress.values()].map((a) => addressView(a, banners, tlses, up, expected)) : [],
    });
  };
  for (const t of plan.targets) addTarget(t.host, t.port, t.role, t.service);
  // Evidence for a target the plan does not list (hand-made in tests, or a plan built elsewhere) still counts.
  for (const [tk, perAddress] of tcpByTarget) {
    if (seen.has(tk)) continue;
    const first = perAddress.values().next().value![0]!;
    addTarget(first.host, first.port, 'target', facts.service);
  }

  const target = targets.find((t) => t.addresses.length > 0) ?? targets[0] ?? null;
  const addresses = target?.addresses ?? [];
  const by = (o: TcpOutcome) => addresses.filter((a) => a.first === o);
  const every = (o: TcpOutcome) => addresses.length > 0 && addresses.every((a) => a.outcomes.every((x) => x === o));

  const nearby: NearbyView[] = nearbyRaw.map((e) => {
    const n = e as Extract<Evidence, { type: 'nearby' }>;
    const banner = banners.get(key(n.address, n.port)) ?? null;
    return {
      address: n.address, port: n.port, outcome: n.outcome, protocol: banner?.protocol ?? null,
      line: describeEvidence(n), bannerLine: banner ? describeEvidence(banner) : null,
    };
  });

  const skipped: Partial<Record<SkipReason, Skipped[]>> = {};
  for (const s of plan.skipped) (skipped[s.reason] ??= []).push(s);

  return {
    probed: tcpByTarget.size > 0,
    target,
    targets,
    dns: target ? target.dns : facts.host ? dnsByHost.get(facts.host.toLowerCase()) ?? null : null,
    addresses,
    open: by('open'),
    refused: by('refused'),
    timeout: by('timeout'),
    unreachable: by('unreachable'),
    reset: by('reset'),
    flapping: addresses.filter((a) => a.flapping),
    allRefused: every('refused'),
    allOpen: every('open'),
    allTimeout: every('timeout'),
    anyOpen: addresses.some((a) => a.outcomes.includes('open')),
    nearby,
    nearbyOpen: nearby.filter((n) => n.outcome === 'open'),
    http,
    unix,
    skipped,
    expected,
    loopback: isLoopbackHost(facts.host),
  };
}

/** A lookup error that says the name does not exist (not that the resolver failed to answer). */
export function saysNoSuchName(error: string | null): boolean {
  return error !== null && /ENOTFOUND|ENODATA|NXDOMAIN|EAI_NONAME/i.test(error);
}

/** The host as a Compose service name (one label, not an address), or null: an address names no service. */
export function composeServiceName(host: string | null): string | null {
  return host && /^[a-z0-9][a-z0-9_-]*$/i.test(host) && isIP(host) === 0 ? host : null;
}

/**
 * The reporter's side says the failing program runs in a container or a pod (an answer to a question, or the
 * command's own look at its machine): see rules/questions.ts. The text's own clues are hints, not this.
 */
export function answeredInContainer(facts: Facts): boolean {
  const where = facts.answers?.clientWhere;
  return where === 'container' || where === 'pod';
}

/** True when the parser set any of these hints (a Hint: the compiler refuses a flag nothing sets). */
export function hasHint(facts: Facts, ...names: Hint[]): boolean {
  return names.some((n) => facts.hints.includes(n));
}

/**
 * The paste's host is a gateway that answered with a 502/503/504 and the upstream it failed to reach is not named
 * (envoy's "upstream connect error", curl'd through the front): causes about that host's port do not fit.
 */
export function gatewayAnswered(facts: Facts): boolean {
  return facts.host !== null && facts.destination === null && facts.proxy === null && hasHint(facts, 'http-502', 'http-503', 'http-504');
}

/** "not probed: <why>" lines for the skips of one reason. */
export function skipLines(list: readonly Skipped[] | undefined): string[] {
  return (list ?? []).map((s) => `not probed: ${s.detail}`);
}

/** systemd unit names people actually have for each service (the first is the usual one). */
export const SERVICE_UNITS: Partial<Record<Service, string>> = {
  postgres: 'postgresql',
  mysql: 'mysql',
  redis: 'redis-server',
  mongodb: 'mongod',
  kafka: 'kafka',
  docker: 'docker',
  ssh: 'ssh',
  amqp: 'rabbitmq-server',
  elasticsearch: 'elasticsearch',
  'kubernetes-api': 'kubelet',
};

/**
 * What the text alone says for "one loopback family listens, the client tried the other", in words, or null:
 * Node ≥ 17 printing ::1 for localhost, a client that tried only ::1 for localhost, the reporter saying the
 * other loopback spelling works, or the server's own log naming the other family's loopback.
 */
export function loopbackFamilyClue(facts: Facts): { strong: boolean; line: string } | null {
  if (facts.kind !== 'refused') return null;
  const host = facts.host?.toLowerCase().replace(/^\[|\]$/g, '') ?? '';
  if (!isLoopbackHost(host)) return null;
  // The server runs in a container or on another machine: its bind address is bound-to-loopback's story.
  if (hasHint(facts, 'client-in-container', 'in-container', 'published-port', 'works-outside-container')) return null;
  const v6 = host === '::1' || host === '0:0:0:0:0:0:0:1';
  const v4 = /^127\./.test(host);
  if (hasHint(facts, 'other-loopback-works')) return { strong: true, line: `the client was refused on ${host}, and the text says another spelling of loopback works` };
  if (hasHint(facts, 'listens-loopback-v4') && !v4) return { strong: true, line: `the server says it listens on 127.0.0.1; the client dialled ${host}, which can mean ::1` };
  if (hasHint(facts, 'listens-loopback-v6') && !v6) return { strong: true, line: `the server says it listens on ::1; the client dialled ${host} over IPv4` };
  const tried = facts.addresses.map(normalizeAddress);
  if (host === 'localhost' && tried.length > 0 && tried.every((a) => a.includes(':'))) return { strong: false, line: `the client tried ${tried.join(', ')} only for localhost` };
  if (v6 && facts.runtime === 'node') return { strong: false, line: 'Node ≥ 17 puts ::1 first for localhost' };
  return null;
}
