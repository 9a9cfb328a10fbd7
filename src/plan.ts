// facts → Plan: which endpoints to probe, which not and why. Pure: no sockets, no DNS, no env.
import type { Facts, Plan, Skipped, Surface, Target, Timeouts } from './domain/types.js';
import { SERVICE_PORTS } from './parse/services.js';
import { checkPort, checkTarget, defaultPolicy, isLoopback, isUnspecified, withContact, type Policy } from './policy/index.js';

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 2000,
  dnsMs: 2000,
  bannerMs: 1000,
  tlsMs: 2000,
  httpMs: 3000,
  deadlineMs: 8000,
};

/** Connect attempts per address: the first plus two repeats, enough to see a flapping listener. */
export const DEFAULT_ATTEMPTS = 3;
/** The nearby-port look stays small: it is a hint, not a scan. */
export const MAX_NEARBY_PORTS = 12;

export interface PlanOptions {
  surface: Surface;
  probe?: boolean;
  /** Absent: the surface's default (chat refuses the bot's own loopback, the command line allows it). */
  policy?: Policy;
  timeouts?: Partial<Timeouts>;
  /** The URL the person typed, when the target came from one (an http(s) URL gets an HTTP probe). */
  url?: string | null;
  /** True when the target was typed (argv, /refused host port) rather than found in a paste. */
  typed?: boolean;
  /**
   * The people who paste run on the machine the probes run from (the local playground): loopback in a paste
   * is this machine, so chat probes it like a typed target (the policy still decides whether it may).
   */
  reportersOnThisHost?: boolean;
}

export function resolveTimeouts(partial: Partial<Timeouts> | undefined): Timeouts {
  const t = { ...DEFAULT_TIMEOUTS, ...partial };
  // The deadline must leave room for at least one connect attempt and its DNS lookup.
  if (partial?.deadlineMs === undefined) t.deadlineMs = Math.max(t.deadlineMs, t.connectMs + t.dnsMs + t.bannerMs);
  return t;
}

/** Ports worth a look when the target refuses: the service's usual ports and the target's neighbours. */
export function nearbyPorts(port: number, service: Facts['service']): number[] {
  const wanted = [
    ...(service ? SERVICE_PORTS[service] : []),
    port + 1, port - 1, port + 2,
    ...(port === 80 || port === 443 || service === 'http' ? [8080, 8000, 3000, 5000, 8443, 8081] : []),
  ];
  const out: number[] = [];
  for (const p of wanted) {
    if (p !== port && p >= 1 && p <= 65535 && !out.includes(p)) out.push(p);
    if (out.length === MAX_NEARBY_PORTS) break;
  }
  return out;
}

function httpUrl(facts: Facts, url: string | null | undefined): string | null {
  if (url && /^https?:\/\//i.test(url)) return stripUserinfo(url);
  if (facts.scheme !== 'http' && facts.scheme !== 'https') return null;
  const host = facts.host!.includes(':') ? `[${facts.host}]` : facts.host;
  return `${facts.scheme}://${host}:${facts.port}/`;
}

function stripUserinfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

export function plan(facts: Facts, options: PlanOptions): Plan {
  const surface = options.surface;
  const policy = options.policy ?? defaultPolicy(surface);
  const timeouts = resolveTimeouts(options.timeouts);
  const targets: Target[] = [];
  const skipped: Skipped[] = [];
  const result = (): Plan => ({
    surface,
    targets,
    skipped,
    // The look next door never leaves the ports the policy allows.
    nearbyPorts: targets[0] ? nearbyPorts(targets[0].port, targets[0].service).filter((p) => checkPort(p, policy).allowed) : [],
    attempts: DEFAULT_ATTEMPTS,
    timeouts,
  });

  if (options.probe === false) {
    skipped.push({ host: facts.host, port: facts.port, reason: 'no-probe', detail: 'probes were turned off; the diagnosis rests on the text alone' });
    return result();
  }
  if (facts.unixSocket) {
    const detail = surface === 'cli'
      ? `the client used the unix socket ${facts.unixSocket}; it is checked on this machine`
      : `${facts.unixSocket} is a unix socket on the reporter's machine; only a command run there can check it`;
    skipped.push({ host: null, port: null, reason: surface === 'cli' ? 'unix-socket' : 'local-target', detail });
    if (!facts.host) return result();
  }
  if (!facts.host) {
    if (facts.kind !== 'none' || options.typed) {
      skipped.push({ host: null, port: facts.port, reason: 'no-target', detail: 'the text names no host to probe' });
    }
    return result();
  }
  if (facts.port === null) {
    skipped.push({ host: facts.host, port: null, reason: 'no-target', detail: `no port for ${facts.host}: give one, e.g. \`${facts.host} 5432\`` });
    return result();
  }

  const candidates: Target[] = [{
    host: facts.host, port: facts.port, service: facts.service, tls: facts.tls, url: httpUrl(facts, options.url), role: facts.proxy ? 'proxy' : 'target',
  }];
  // Behind a proxy or nginx, the real destination is worth a look too: it tells whether the hop or the end refuses.
  const dest = facts.destination;
  if (dest?.port != null && !(dest.host === facts.host && dest.port === facts.port)) {
    candidates.push({ host: dest.host, port: dest.port, service: facts.service, tls: facts.tls, url: null, role: 'destination' });
  }

  for (const t of candidates) {
    // A pasted 0.0.0.0 or :: was the reporter's client connecting to its own machine, much like localhost.
    if (surface === 'chat' && !options.typed && !options.reportersOnThisHost && (isLoopback(t.host) || isUnspecified(t.host))) {
      skipped.push({ host: t.host, port: t.port, reason: 'local-target', detail: `${t.host} in a pasted error is the reporter's own machine (or container), not the bot's; only a command run there can see it` });
      continue;
    }
    const verdict = checkTarget(t.host, t.port, policy);
    if (!verdict.allowed) {
      skipped.push({ host: t.host, port: t.port, reason: 'policy', detail: withContact(verdict.reason, policy) });
      continue;
    }
    targets.push(t);
  }
  return result();
}
