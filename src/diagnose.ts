// The pipeline, and the only orchestrator: parse → plan → probe → rules. Renderers take its Diagnosis.
import { hostname as osHostname } from 'node:os';
import type { Diagnosis, Facts, Surface, Timeouts } from './domain/types.js';
import { factsFromEndpoint, factsFromUrl, parse } from './parse/index.js';
import { plan } from './plan.js';
import { runProbes, type ProbeDeps } from './probes/index.js';
import { monotonicMs } from './probes/builtin.js';
import { checkResolved, defaultPolicy, withContact, type Policy } from './policy/index.js';
import { applyRunbooks, type Runbook } from './rules/operator.js';
import { buildContext, evaluate } from './rules/evaluate.js';
import { RULES } from './rules/index.js';
import { applyAnswers } from './rules/questions.js';
import { applyFeedback } from './rules/feedback.js';
import type { LocalLook } from './domain/types.js';
import { withLookAnswers } from './local/answers.js';
import type { Rule } from './rules/types.js';
import { verdict } from './rules/verdict.js';
import type { DiagnoseRequest } from './request.js';

export type { DiagnoseRequest } from './request.js';

export interface DiagnoseOptions {
  surface: Surface;
  /** Default true; false diagnoses from the text alone and opens no socket. */
  probe?: boolean;
  timeouts?: Partial<Timeouts>;
  /** What may be probed; absent, the surface's default (chat refuses the bot's own loopback). */
  policy?: Policy;
  /** Chat whose people run on this machine (the local playground): loopback in a paste is probed here. */
  reportersOnThisHost?: boolean;
  /** Operators' own rules, ranked with the built-in ones. */
  extraRules?: readonly Rule[];
  /** Operators' runbook links, attached to matching findings. */
  runbooks?: readonly Runbook[];
  /** Told when a rule (an operator's, most likely) throws and is left out: the CLI warns, the bot logs it. */
  onRuleError?: (id: string, err: unknown) => void;
  /**
   * Injected I/O for the probes (tests), and the state shared between diagnoses: the socket limiter and the
   * probe budget (whose limit is the policy's probeBudgetPerHost).
   */
  deps?: Partial<ProbeDeps>;
  signal?: AbortSignal;
  /** The vantage point shown with the evidence; defaults to this machine's name. */
  hostname?: string;
  now?: () => Date;
  /**
   * What the command saw of the machine it runs on (src/local/): it answers questions about the reporter's
   * side (facts.answers; answers already in the request win) and is returned as Diagnosis.local. It may still
   * be coming (a promise): only the rules need it, so the probes go out while the look reads its files.
   */
  local?: LocalLook | Promise<LocalLook>;
  /** This workspace's "Fixed it" / "Didn't help" counts by cause id: they move the causes that fired (rules/feedback.ts). */
  feedback?: ReadonlyMap<string, { fixed: number; notHelped: number }>;
}

export function factsFor(request: DiagnoseRequest): Facts {
  switch (request.type) {
    case 'paste':
      return parse(request.text);
    case 'target':
      return factsFromEndpoint(request.host, request.port);
    case 'url':
      return factsFromUrl(request.url) ?? parse(request.url);
    case 'facts':
      return request.facts;
  }
}

/**
 * The probes' address check for this run: the policy's verdict, and then any injected check (tests) on top.
 * An injected check can refuse more, never less. A refusal reads as a skip, with who to ask.
 */
function addressCheck(policy: Policy, injected: ProbeDeps['checkAddress'] | undefined): ProbeDeps['checkAddress'] {
  return (address, port, host) => {
    const reason = checkResolved(policy, address, port, host) ?? injected?.(address, port, host) ?? null;
    return reason === null ? null : withContact(reason, policy);
  };
}

/** Never rejects for a network outcome: a refusal is the answer, not an exception. */
export async function diagnose(request: DiagnoseRequest, options: DiagnoseOptions): Promise<Diagnosis> {
  const started = monotonicMs();
  const at = (options.now ?? (() => new Date()))();
  const asked = factsFor(request);
  // Handled at once, so a failing look is not an unhandled rejection while the probes run; awaited below.
  const looking = options.local === undefined ? undefined : Promise.resolve(options.local);
  looking?.catch(() => undefined);
  const policy = options.policy ?? defaultPolicy(options.surface);
  // The plan and the probes read what the request asks, never the look's answers (those are for the rules).
  const thePlan = plan(asked, {
    surface: options.surface,
    probe: options.probe ?? true,
    policy,
    timeouts: options.timeouts,
    url: request.type === 'url' ? request.url : request.type === 'facts' ? request.url : null,
    typed: request.type === 'facts' ? request.typed : request.type !== 'paste',
    reportersOnThisHost: options.reportersOnThisHost === true,
  });
  const wantsProbes = thePlan.targets.length > 0 || thePlan.skipped.some((s) => s.reason === 'unix-socket');
  const checkAddress = addressCheck(policy, options.deps?.checkAddress);
  const budgetPerHost = policy.probeBudgetPerHost ?? options.deps?.budgetPerHost ?? 0;
  const run = wantsProbes ? await runProbes(thePlan, asked, { ...options.deps, checkAddress, budgetPerHost }, options.signal) : { evidence: [], skipped: [] };
  const local = await looking;
  const facts = withLookAnswers(asked, local);
  // What the probes held back (an address the policy refused, a spent budget) is said with the plan's skips.
  thePlan.skipped.push(...run.skipped);
  const evidence = run.evidence;
  const ctx = buildContext(facts, evidence, thePlan);
  const rules = options.extraRules?.length ? [...RULES, ...options.extraRules] : RULES;
  // Answers from the reporter's side re-rank what the rules found (rules/questions.ts).
  const answered = applyAnswers(applyRunbooks(evaluate(rules, ctx, options.onRuleError), facts, options.runbooks ?? []), facts);
  // Then the workspace's votes, before the verdict and `healthy` are read off the first cause.
  const causes = applyFeedback(answered, options.feedback, rules);
  const top = causes[0] ? rules.find((r) => r.id === causes[0]!.id) : undefined;
  return {
    schemaVersion: 1,
    verdict: verdict(causes, ctx),
    // The top cause's rule says whether its answer means all is well from here; nobody compares ids for it.
    healthy: top?.healthy === true,
    facts,
    plan: thePlan,
    evidence,
    causes,
    vantage: { host: options.hostname ?? osHostname(), surface: options.surface, at: at.toISOString() },
    probed: evidence.some((e) => e.type === 'tcp' || e.type === 'unix'),
    durationMs: Math.round((monotonicMs() - started) * 100) / 100,
    ...(local ? { local } : {}),
  };
}
