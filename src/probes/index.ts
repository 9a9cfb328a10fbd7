// runProbes: Plan → Evidence[]. Every target's DNS, then a connect to every address in parallel, then what
// answers on the open ones (banner, tls, http) and, when everything refused, the ports next door.
// A refusal is the answer, not an exception: this never throws for a network outcome, and it resolves with
// what it has when the deadline passes, with every socket destroyed and every timer cleared.
// Every port is counted against the probe budget (when there is one) before its first socket: the nearby
// look gives way first, then the target; what was held back is added to plan.skipped with the reason.
import { hostPort } from '../domain/describe.js';
import type {
  BannerEvidence, DnsAddress, DnsEvidence, Evidence, Facts, NearbyEvidence, Plan, Service, Skipped, Target, TcpEvidence, TlsEvidence, HttpEvidence,
} from '../domain/types.js';
import { probeBanner, type BannerResult } from './banner.js';
import { startDns, type DnsProbe } from './dns.js';
import { probeHttp } from './http.js';
import { probeNearby } from './nearby.js';
import { probeTcp } from './tcp.js';
import { probeTls } from './tls.js';
import { probeUnix } from './unix.js';
import { deadlineError, makeContext, release, timerMs, type ProbeContext } from './util.js';
import { defaultDeps as makeDefaultDeps, type ProbeDeps } from './deps.js';
import { setMaxListeners } from 'node:events';

export type { ConnectTarget, HttpAnswer, HttpRequestOptions, ProbeDeps } from './deps.js';
export { defaultDeps } from './deps.js';
export { SocketLimitError } from '../errors.js';
export { createSocketLimiter, globalSocketLimiter, DEFAULT_SOCKET_LIMIT, type SocketLimiter } from './limiter.js';
export { ProbeBudget, type BudgetGrant, type ProbeBudgetOptions } from './budget.js';
export { classifySocketError, isLocalFailure, type SocketErrorClass } from './classify-socket-error.js';
export { classifyBanner, probeBanner } from './banner.js';
export { probeDns, startDns } from './dns.js';
export { probeHttp } from './http.js';
export { NEARBY_CONCURRENCY, probeNearby } from './nearby.js';
export { probeTcp, tryConnect } from './tcp.js';
export { probeTls } from './tls.js';
export { probeUnix } from './unix.js';
export { makeContext, type ProbeContext } from './util.js';

/** Bounds that hold whatever a plan says: a paste cannot turn the probes into a scan. */
const MAX_ADDRESSES_PER_TARGET = 16;
const MAX_ATTEMPTS = 10;
const MAX_NEARBY_BANNERS = 4;
const MAX_NEARBY_PORTS = 12;

const HTTPISH = new Set<Service>(['http', 'grpc', 'elasticsearch', 'docker', 'kubernetes-api']);

/**
 * A first attempt that opened no socket, because the policy refused the address or the budget was spent. It
 * stands in for the address inside the run (HTTP and the nearby look wait on every first attempt) and never
 * leaves it: what was held back is returned as a skip with its reason.
 */
const HELD = 'EHELD';

/**
 * Counts `ports` of `address` against the run's probe budget and returns the ones that may be probed. The
 * rest are said in ctx.skipped: the target's own port as its skip, its neighbours as one line.
 */
function spend(ctx: ProbeContext, target: Target, address: string, ports: readonly number[]): number[] {
  const budget = ctx.deps.probeBudget;
  const limit = ctx.deps.budgetPerHost ?? 0;
  if (!budget || !(limit > 0) || ports.length === 0) return [...ports];
  const { granted, refused } = budget.take(address, ports, limit);
  if (refused.length === 0) return granted;
  const spent = `the probe budget is spent: ${address} has had ${limit} different ports probed in the last minute, the most this instance allows per address`;
  const wait = `try again in ${Math.max(1, Math.ceil(budget.retryInMs(address) / 1000))} s`;
  const skip: Skipped = refused.includes(target.port)
    ? { host: target.host, port: target.port, reason: 'policy', detail: `${spent}, so ${hostPort(target.host, target.port)} was not probed; ${wait}` }
    : {
      host: target.host,
      port: refused[0]!,
      reason: 'policy',
      detail: `${spent}, so ${refused.length === 1 ? `port ${refused[0]} next to ${target.port} was` : `ports ${refused.join(', ')} next to ${target.port} were`} not looked at; ${wait}`,
    };
  ctx.skipped.push(skip);
  return granted;
}

interface AddressResult {
  tcp: TcpEvidence[];
  banner: BannerEvidence | null;
  tls: TlsEvidence | null;
}

interface TargetResult {
  addresses: AddressResult[];
  http: HttpEvidence | null;
  nearby: NearbyEvidence[];
  nearbyBanners: BannerEvidence[];
}

function bannerEvidence(b: BannerResult): BannerEvidence {
  // A banner read whose own connect failed says how (the rules read it as another try of the port, not as silence).
  return { type: b.type, address: b.address, port: b.port, protocol: b.protocol, detail: b.detail, closed: b.closed, ms: b.ms, ...(b.connectError ? { connectError: b.connectError } : {}) };
}

/** OpenSSL-based TLS servers close without a byte when plaintext arrives, so that silence is worth a handshake. */
function looksLikeTls(b: BannerResult): boolean {
  return b.protocol === 'tls' || (b.protocol === 'silent' && b.sent !== null && b.bytes === 0 && b.closed === 'eof');
}

function alpnFor(target: Target): string[] | undefined {
  const httpish = (target.service !== null && HTTPISH.has(target.service)) || /^https:/i.test(target.url ?? '');
  return httpish ? ['h2', 'http/1.1'] : undefined;
}

async function probeAddress(ctx: ProbeContext, plan: Plan, target: Target, a: DnsAddress, first: Promise<TcpEvidence>): Promise<AddressResult> {
  const tcp0 = await first;
  const attempts = Math.min(Math.max(1, Math.floor(plan.attempts)), MAX_ATTEMPTS);
  // Repeats catch a flapping listener; a timeout is never repeated, so a drop costs one connect timeout. They
  // go out together, beside the banner read and the nearby look, so a closed port costs two round trips, not
  // one per try. Evidence stops at the first repeat that differs from the first try: that shows the flap.
  const repeats = (async () => {
    if (tcp0.outcome !== 'open' && tcp0.outcome !== 'refused') return [];
    if (attempts < 2 || ctx.signal.aborted) return [];
    const tries = await Promise.all(Array.from({ length: attempts - 1 }, (_, k) =>
      probeTcp(ctx, { host: target.host, address: a.address, family: a.family, port: target.port, attempt: k + 1 })));
    const differs = tries.findIndex((t) => t.outcome !== tcp0.outcome);
    return differs === -1 ? tries : tries.slice(0, differs + 1);
  })();
  let banner: BannerEvidence | null = null;
  let tls: TlsEvidence | null = null;
  // The repeats are awaited on every path, so none is left running (or rejecting unseen) behind us.
  try {
    if (tcp0.outcome === 'open' && !ctx.signal.aborted) {
      const tlsTarget = { host: target.host, address: a.address, family: a.family, port: target.port, alpn: alpnFor(target) };
      // When the client expected TLS, the handshake goes at once, beside the banner read.
      const early = target.tls === true ? probeTls(ctx, tlsTarget) : null;
      const b = await probeBanner(ctx, { host: target.host, address: a.address, family: a.family, port: target.port, service: target.service });
      banner = bannerEvidence(b);
      if (early) tls = await early;
      else if (looksLikeTls(b) && !ctx.signal.aborted) tls = await probeTls(ctx, tlsTarget);
      // The port closed on our plaintext without a byte, and a handshake then worked: what answers is TLS.
      if (tls?.ok && b.protocol === 'silent' && b.closed === 'eof' && b.bytes === 0 && b.sent !== null) {
        banner = { ...banner, protocol: 'tls', detail: `closed on plaintext without a byte; a TLS handshake succeeded (${tls.version ?? 'TLS'})` };
      }
    }
  } finally {
    await repeats.catch(() => undefined);
  }
  return { tcp: [tcp0, ...(await repeats)], banner, tls };
}

async function probeTarget(ctx: ProbeContext, plan: Plan, target: Target, dns: DnsProbe): Promise<TargetResult> {
  const found = await dns.lookup;
  const addresses = found.addresses.slice(0, MAX_ADDRESSES_PER_TARGET);
  // Every address at once: a client tries them in turn, but we want each one's answer, not the first success.
  const firsts = addresses.map((a) => {
    // Every address is checked, a literal's too: a name that resolves somewhere the policy forbids is not
    // connected to, and the run's skips say why.
    const denied = ctx.deps.checkAddress(a.address, target.port, target.host);
    const held = () => Promise.resolve<TcpEvidence>({ type: 'tcp', host: target.host, address: a.address, family: a.family, port: target.port, attempt: 0, outcome: 'error', errno: HELD, ms: 0 });
    if (denied !== null) {
      ctx.skipped.push({ host: target.host, port: target.port, reason: 'policy', detail: denied });
      return held();
    }
    // Over the budget: no socket; the skip says why.
    if (spend(ctx, target, a.address, [target.port]).length === 0) return held();
    return probeTcp(ctx, { host: target.host, address: a.address, family: a.family, port: target.port, attempt: 0 });
  });
  const perAddress = Promise.all(addresses.map((a, i) => probeAddress(ctx, plan, target, a, firsts[i]!)));

  // HTTP goes to the first address, in resolver order, that accepted: the one a client would end up using.
  const http = (async (): Promise<HttpEvidence | null> => {
    if (!target.url) return null;
    for (let i = 0; i < firsts.length; i++) {
      const t = await firsts[i]!;
      if (t.outcome === 'open') {
        if (ctx.signal.aborted) return null;
        return probeHttp(ctx, { url: target.url, address: t.address, family: t.family });
      }
    }
    return null;
  })();

  const nearby = (async (): Promise<{ nearby: NearbyEvidence[]; banners: BannerEvidence[] }> => {
    const outcomes = await Promise.all(firsts);
    const first = outcomes[0];
    // Refused: is the service elsewhere? Host-unreachable (not no-route): does the host answer on other
    // ports, which tells an ICMP admin-prohibited reject from a host that is not there?
    const looked = (t: TcpEvidence) => t.outcome === 'refused' || (t.outcome === 'unreachable' && t.errno === 'EHOSTUNREACH');
    if (!first || !outcomes.every(looked) || plan.nearbyPorts.length === 0 || ctx.signal.aborted) {
      return { nearby: [], banners: [] };
    }
    // The plan's list is already within the policy; checked again here, and capped, whatever plan came in.
    const allowed = plan.nearbyPorts.filter((p) => p !== target.port && ctx.deps.checkAddress(first.address, p, target.host) === null).slice(0, MAX_NEARBY_PORTS);
    const ports = spend(ctx, target, first.address, allowed);
    if (ports.length === 0) return { nearby: [], banners: [] };
    const list = await probeNearby(ctx, { address: first.address, family: first.family, port: target.port, ports });
    const open = list.filter((n) => n.outcome === 'open').slice(0, MAX_NEARBY_BANNERS);
    const banners = ctx.signal.aborted ? [] : await Promise.all(open.map((n) =>
      probeBanner(ctx, { host: target.host, address: n.address, family: first.family, port: n.port, service: target.service }).then(bannerEvidence)));
    return { nearby: list, banners };
  })();

  const [addressResults, httpResult, near] = await Promise.all([perAddress, http, nearby]);
  return { addresses: addressResults, http: httpResult, nearby: near.nearby, nearbyBanners: near.banners };
}

async function collect(ctx: ProbeContext, plan: Plan, facts: Facts): Promise<Evidence[]> {
  // One DNS probe per distinct host; one target per distinct host:port.
  const dnsByHost = new Map<string, DnsProbe>();
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const t of plan.targets) {
    const key = `${t.host.toLowerCase()}|${t.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(t);
    const host = t.host.toLowerCase();
    if (!dnsByHost.has(host)) dnsByHost.set(host, startDns(ctx, t.host));
  }

  const wantsUnix = facts.unixSocket !== null && plan.surface === 'cli' && !plan.skipped.some((s) => s.reason === 'no-probe');
  const unix = wantsUnix ? probeUnix(ctx, facts.unixSocket!) : Promise.resolve(null);

  const results = await Promise.all(targets.map((t) => probeTarget(ctx, plan, t, dnsByHost.get(t.host.toLowerCase())!)));
  const dns: DnsEvidence[] = await Promise.all([...dnsByHost.values()].map((d) => d.evidence));

  const out: Evidence[] = [...dns];
  for (const r of results) for (const a of r.addresses) out.push(...a.tcp.filter((t) => t.errno !== HELD));
  for (const r of results) {
    for (const a of r.addresses) {
      if (a.banner) out.push(a.banner);
      if (a.tls) out.push(a.tls);
    }
    if (r.http) out.push(r.http);
  }
  // A target and its destination can share an address and neighbours: each port is reported once.
  const near = new Set<string>();
  const once = (e: NearbyEvidence | BannerEvidence) => {
    const k = `${e.type}|${e.address}|${e.port}`;
    if (near.has(k)) return false;
    near.add(k);
    return true;
  };
  for (const r of results) out.push(...r.nearby.filter(once), ...r.nearbyBanners.filter(once));
  const u = await unix;
  if (u) out.push(u);
  return out;
}

const skipKey = (s: Skipped) => `${s.reason}|${s.host}|${s.port}|${s.detail}`;

/** What a probe run saw, and what it held back (an address the policy refused, a spent budget) with the reason. */
export interface ProbeRun {
  evidence: Evidence[];
  skipped: Skipped[];
}

/**
 * Runs the plan's probes within plan.timeouts.deadlineMs (and until `signal` aborts). Never rejects for a
 * network outcome; attempts still pending at the deadline are recorded as 'timeout' with errno ABORT_ERR.
 * Nothing held back is shown as a connect: it comes back in `skipped`, once each, with its reason.
 */
export async function runProbes(plan: Plan, facts: Facts, deps?: Partial<ProbeDeps>, signal?: AbortSignal): Promise<ProbeRun> {
  const run = new AbortController();
  // Banner, TLS and HTTP probes each listen on the run's signal; dozens at once is by design, not a leak.
  setMaxListeners(256, run.signal);
  const stop = () => run.abort(deadlineError());
  // A limiter passed in replaces the global one under the default connect and tlsConnect too.
  const withLimiter = deps?.socketLimiter ? { ...makeDefaultDeps({ socketLimiter: deps.socketLimiter }), ...deps } : deps;
  const ctx = makeContext(plan.timeouts, withLimiter, run.signal);
  // The deadline is an entry on the run's one clock, beside every connect timeout.
  ctx.clock.after(timerMs(plan.timeouts.deadlineMs), stop);
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  try {
    const evidence = await collect(ctx, plan, facts);
    const seen = new Set(plan.skipped.map(skipKey));
    const skipped: Skipped[] = [];
    for (const s of ctx.skipped) {
      const key = skipKey(s);
      if (seen.has(key)) continue;
      seen.add(key);
      skipped.push(s);
    }
    return { evidence, skipped };
  } finally {
    ctx.clock.close();
    signal?.removeEventListener('abort', stop);
    // Whatever a probe still holds (it should hold nothing) goes now: nothing stays open after we resolve.
    for (const s of [...ctx.sockets]) release(ctx, s);
    for (const cancel of [...ctx.pending]) cancel(deadlineError());
  }
}
