// Why the bot cannot reach Slack, in our own words. When auth.test or apps.connections.open fails on the
// network (fetch's "fetch failed", a connect error, a timeout), the bot runs its own diagnosis on the Slack
// endpoint (the host and port of SLACK_API_URL) from the machine it runs on, and logs what it found — refused,
// DNS, TLS, a dropped connection — once for each distinct cause, instead of the same opaque error on every retry.
import { diagnose } from './diagnose.js';
import { DEFAULT_POLICY } from './policy/index.js';
import type { Diagnosis } from './domain/types.js';
import type { DiagnoseRequest } from './request.js';

/** One diagnosis of the endpoint stays short: the retry loop waits for it. */
export const REACH_TIMEOUTS = { connectMs: 2000, dnsMs: 2000, tlsMs: 2000, httpMs: 2000, deadlineMs: 4000 };

/** What Slack's own client raises when Slack answered (an error, an HTTP status, a rate limit): not the network. */
const ANSWERED = new Set(['slack_webapi_platform_error', 'slack_webapi_http_error', 'slack_webapi_rate_limited_error']);

/** True when a failed call never got an answer from Slack: the network, a proxy, DNS or TLS stood in the way. */
export function isNetworkFailure(err: unknown): boolean {
  const e = err as { code?: unknown; data?: { error?: unknown } } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.data?.error === 'string') return false;
  return !(typeof e.code === 'string' && ANSWERED.has(e.code));
}

export interface Reason {
  /** The first cause's id (not-listening, dns-not-found, tls-certificate …). */
  cause: string;
  title: string;
  /** The engine's one line: what is wrong. */
  verdict: string;
  /** host:port that was checked. */
  endpoint: string;
  evidence: string[];
  /** The first steps, in words: what to look at next. */
  next: string[];
}

export type Engine = (request: DiagnoseRequest, signal: AbortSignal) => Promise<Diagnosis>;

function portOf(apiUrl: string): number | null {
  try {
    const u = new URL(apiUrl);
    return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  } catch {
    return null;
  }
}

function endpointOf(apiUrl: string): string {
  try {
    return `${new URL(apiUrl).hostname}:${portOf(apiUrl)}`;
  } catch {
    return apiUrl;
  }
}

/**
 * The engine as the command line runs it: this machine is the one that must reach Slack, so its own loopback may
 * be probed. Only Slack's port, though: the look at the ports next door is for a person's server, not Slack's.
 */
export const cliEngine: Engine = (request, signal) => {
  const port = request.type === 'url' ? portOf(request.url) : null;
  const policy = { ...DEFAULT_POLICY, ...(port !== null ? { allow: { nets: [], names: [], ports: [{ lo: port, hi: port }] } } : {}) };
  return diagnose(request, { surface: 'cli', timeouts: REACH_TIMEOUTS, policy, signal });
};

/**
 * Explains failures to reach Slack: each network failure runs one diagnosis of the endpoint (never two at
 * once); `fresh` is true the first time a cause is seen, so the caller tells it in full once.
 */
export class SlackReach {
  readonly #apiUrl: string;
  readonly #engine: Engine;
  readonly #seen = new Set<string>();
  #last: Reason | null = null;

  constructor(apiUrl: string, engine: Engine = cliEngine) {
    this.#apiUrl = apiUrl;
    this.#engine = engine;
  }

  /** The latest cause found, or null before the first diagnosis. */
  get last(): Reason | null {
    return this.#last;
  }

  async explain(err: unknown, signal: AbortSignal): Promise<{ reason: Reason; fresh: boolean } | null> {
    if (!isNetworkFailure(err) || signal.aborted) return null;
    let d: Diagnosis;
    try {
      d = await this.#engine({ type: 'url', url: this.#apiUrl }, signal);
    } catch {
      return null;
    }
    const top = d.causes[0];
    if (!top) return null;
    const reason: Reason = {
      cause: top.id,
      title: top.title,
      verdict: d.verdict,
      endpoint: endpointOf(this.#apiUrl),
      evidence: top.evidence.slice(0, 4),
      next: top.steps.slice(0, 2).map((s) => s.text),
    };
    this.#last = reason;
    const key = `${reason.cause}|${reason.title}`;
    const fresh = !this.#seen.has(key);
    this.#seen.add(key);
    return { reason, fresh };
  }
}
