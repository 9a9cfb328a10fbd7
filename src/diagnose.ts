// The pipeline, and the only orchestrator: parse → plan → probe → rules. Renderers take its Diagnosis.
import { hostname as osHostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Diagnosis, Facts, Surface, Timeouts } from './domain/types.js';
import { factsFromEndpoint, factsFromUrl, parse } from './parse/index.js';
import { plan } from './plan.js';
import { runProbes, type ProbeDeps } from './probes/index.js';
import type { Policy } from './probes/policy.js';
import { applyRunbooks, type Runbook } from './rules/operator.js';
import { buildContext, evaluate } from './rules/evaluate.js';
import { RULES } from './rules/index.js';
import type { Rule } from './rules/types.js';
import { verdict } from './rules/verdict.js';
import type { DiagnoseRequest } from './request.js';

export type { DiagnoseRequest } from './request.js';

export interface DiagnoseOptions {
  surface: Surface;
  /** Default true; false diagnoses from the text alone and opens no socket. */
  probe?: boolean;
  timeouts?: Partial<Timeouts>;
  policy?: Policy;
  /** Operators' own rules, ranked with the built-in ones. */
  extraRules?: readonly Rule[];
  /** Operators' runbook links, attached to matching findings. */
  runbooks?: readonly Runbook[];
  /** Injected I/O for the probes (tests). */
  deps?: Partial<ProbeDeps>;
  signal?: AbortSignal;
  /** The vantage point shown with the evidence; defaults to this machine's name. */
  hostname?: string;
  now?: () => Date;
}

export function factsFor(request: DiagnoseRequest): Facts {
  switch (request.type) {
    case 'paste':
      return parse(request.text);
    case 'target':
      return factsFromEndpoint(request.host, request.port);
    case 'url':
      return factsFromUrl(request.url) ?? parse(request.url);
  }
}

/** Never rejects for a network outcome: a refusal is the answer, not an exception. */
export async function diagnose(request: DiagnoseRequest, options: DiagnoseOptions): Promise<Diagnosis> {
  const started = performance.now();
  const at = (options.now ?? (() => new Date()))();
  const facts = factsFor(request);
  const thePlan = plan(facts, {
    surface: options.surface,
    probe: options.probe ?? true,
    policy: options.policy,
    timeouts: options.timeouts,
    url: request.type === 'url' ? request.url : null,
    typed: request.type !== 'paste',
  });
  const wantsProbes = thePlan.targets.length > 0 || thePlan.skipped.some((s) => s.reason === 'unix-socket');
  const evidence = wantsProbes ? await runProbes(thePlan, facts, options.deps, options.signal) : [];
  const ctx = buildContext(facts, evidence, thePlan);
  const rules = options.extraRules?.length ? [...RULES, ...options.extraRules] : RULES;
  const causes = applyRunbooks(evaluate(rules, ctx), facts, options.runbooks ?? []);
  return {
    schemaVersion: 1,
    verdict: verdict(causes, ctx),
    facts,
    plan: thePlan,
    evidence,
    causes,
    vantage: { host: options.hostname ?? osHostname(), surface: options.surface, at: at.toISOString() },
    probed: evidence.some((e) => e.type === 'tcp' || e.type === 'unix'),
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
}
