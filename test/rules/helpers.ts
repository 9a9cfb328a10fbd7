// Small builders for hand-made Facts / Evidence / Plan values, so each rule test reads as a scenario.
import type {
  BannerEvidence, DnsEvidence, Evidence, Facts, Family, HttpEvidence, NearbyEvidence, Plan, Protocol, Skipped, Surface,
  TcpEvidence, TcpOutcome, TlsEvidence, UnixSocketEvidence,
} from '../../src/domain/types.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import type { Match, Rule, RuleContext } from '../../src/rules/types.js';

export function facts(over: Partial<Facts> = {}): Facts {
  return {
    kind: 'refused',
    host: 'db.internal',
    port: 5432,
    portInferred: false,
    addresses: [],
    unixSocket: null,
    runtime: null,
    client: null,
    service: null,
    os: null,
    proxy: null,
    destination: null,
    scheme: null,
    tls: null,
    errno: null,
    hints: [],
    matched: null,
    signature: null,
    notes: [],
    ...over,
  };
}

const TIMEOUTS = { connectMs: 2000, dnsMs: 2000, bannerMs: 1000, tlsMs: 2000, httpMs: 3000, deadlineMs: 8000 };

/** A plan that probes facts.host:port (as the CLI would). */
export function probePlan(f: Facts, over: Partial<Plan> = {}): Plan {
  const targets = f.host && f.port !== null
    ? [{ host: f.host, port: f.port, service: f.service, tls: f.tls, url: null, role: f.proxy ? 'proxy' as const : 'target' as const }]
    : [];
  return { surface: 'cli', targets, skipped: [], nearbyPorts: [], attempts: 3, timeouts: TIMEOUTS, ...over };
}

/** A plan that probes nothing, for one skip reason. */
export function skipPlan(f: Facts, reason: Skipped['reason'], detail = `skipped: ${reason}`, surface: Surface = 'cli'): Plan {
  return {
    surface, targets: [], skipped: [{ host: f.host, port: f.port, reason, detail }],
    nearbyPorts: [], attempts: 3, timeouts: TIMEOUTS,
  };
}

export const noProbe = (f: Facts) => skipPlan(f, 'no-probe', 'probes were turned off');

const familyOf = (address: string): Family => (address.includes(':') ? 6 : 4);

const ERRNO: Partial<Record<TcpOutcome, string>> = { refused: 'ECONNREFUSED', timeout: 'ETIMEDOUT', unreachable: 'EHOSTUNREACH', reset: 'ECONNRESET' };

export function tcp(address: string, outcome: TcpOutcome, over: Partial<TcpEvidence> = {}): TcpEvidence {
  return {
    type: 'tcp', host: 'db.internal', address, family: familyOf(address), port: 5432, attempt: 0, outcome,
    errno: ERRNO[outcome] ?? null, ms: outcome === 'timeout' ? 2000 : 0.4, ...over,
  };
}

/** Several attempts on one address: tcpAttempts('10.0.0.5', ['open', 'refused', 'open']). */
export function tcpAttempts(address: string, outcomes: TcpOutcome[], over: Partial<TcpEvidence> = {}): TcpEvidence[] {
  return outcomes.map((o, attempt) => tcp(address, o, { ...over, attempt }));
}

export function dns(host: string, addresses: string[], over: Partial<DnsEvidence> = {}): DnsEvidence {
  return {
    type: 'dns', host, addresses: addresses.map((address) => ({ address, family: familyOf(address) })),
    error: null, dnsServers: null, disagree: false, literal: false, ms: 1.2, ...over,
  };
}

// The banner probe says a failed connect twice: in words ("connect failed: ETIMEDOUT") and as connectError.
const CONNECT_OUTCOME: Record<string, TcpOutcome> = {
  ECONNREFUSED: 'refused', ETIMEDOUT: 'timeout', ECONNRESET: 'reset', EHOSTUNREACH: 'unreachable', ENETUNREACH: 'unreachable',
};

/** Banner evidence; a detail of "connect failed: <errno or outcome>" gets the connectError the probe would set. */
export function banner(address: string, protocol: Protocol, over: Partial<BannerEvidence> = {}): BannerEvidence {
  const e: BannerEvidence = { type: 'banner', address, port: 5432, protocol, detail: '', closed: null, ms: 2, ...over };
  const failed = /^connect failed: (\S+)$/.exec(e.detail)?.[1];
  if (failed && e.connectError === undefined) {
    const errno = /^E[A-Z]+$/.test(failed) ? failed : null;
    e.connectError = { outcome: errno ? (CONNECT_OUTCOME[errno] ?? 'error') : (failed as TcpOutcome), errno };
  }
  return e;
}

export function tls(address: string, over: Partial<TlsEvidence> = {}): TlsEvidence {
  return {
    type: 'tls', address, port: 443, servername: null, ok: true, version: 'TLSv1.3', alpn: null, names: ['api.corp'],
    validTo: 'Jan  2 00:00:00 2027 GMT', verifyError: null, error: null, ms: 3, ...over,
  };
}

export function http(url: string, status: number | null, over: Partial<HttpEvidence> = {}): HttpEvidence {
  return { type: 'http', url, status, server: null, ms: 3, error: null, ...over };
}

export function nearby(address: string, port: number, outcome: TcpOutcome, ms = 0.3): NearbyEvidence {
  return { type: 'nearby', address, port, outcome, ms };
}

export function unix(path: string, outcome: UnixSocketEvidence['outcome'], errno: string | null = null): UnixSocketEvidence {
  return { type: 'unix', path, outcome, errno, ms: 0.1 };
}

/** A context as the engine builds it; the plan defaults to probing facts.host:port. */
export function ctx(f: Facts, evidence: Evidence[] = [], plan: Plan = probePlan(f)): RuleContext {
  return buildContext(f, evidence, plan);
}

export function match(rule: Rule, c: RuleContext): Match | null {
  return rule.when(c);
}

/** Ids of the findings, most likely first. */
export function ranking(c: RuleContext): string[] {
  return evaluate(RULES, c).map((f) => f.id);
}

export function top(c: RuleContext): string | undefined {
  return ranking(c)[0];
}

// ESLint-RuleTester-style tables: cases where a rule fires (with bounds on its confidence and what its
// evidence must mention) and cases where it must stay quiet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

export interface FireCase {
  name: string;
  ctx: RuleContext;
  min?: number;
  max?: number;
  /** Some evidence line must match. */
  evidence?: RegExp;
  vars?: Record<string, string>;
}

export interface QuietCase {
  name: string;
  ctx: RuleContext;
}

export function ruleCases(rule: Rule, cases: { fires: FireCase[]; quiet: QuietCase[] }): void {
  describe(rule.id, () => {
    for (const c of cases.fires) {
      it(`fires: ${c.name}`, () => {
        const m = rule.when(c.ctx);
        assert.ok(m, `${rule.id} should fire`);
        assert.ok(m.confidence >= (c.min ?? 0) && m.confidence <= (c.max ?? 1), `confidence ${m.confidence} outside [${c.min ?? 0}, ${c.max ?? 1}]`);
        assert.ok(m.evidence.length > 0 && m.evidence.every((e) => typeof e === 'string' && e.length > 0), 'evidence lines in words');
        if (c.evidence) assert.ok(m.evidence.some((e) => c.evidence!.test(e)), `no evidence line matches ${c.evidence}: ${JSON.stringify(m.evidence)}`);
        for (const [k, v] of Object.entries(c.vars ?? {})) assert.equal(m.vars?.[k], v, `vars.${k}`);
      });
    }
    for (const c of cases.quiet) {
      it(`quiet: ${c.name}`, () => {
        assert.equal(rule.when(c.ctx), null);
      });
    }
  });
}
