// Rules + context → ranked findings. Every predicate runs; one that throws is skipped (a bad rule must
// not cost the person their diagnosis) and handed to the caller's onRuleError, so that it is said somewhere;
// templates are filled; the order is confidence, then table order.
import { hostPort } from '../domain/describe.js';
import type { Evidence, Facts, Finding, Plan, Step } from '../domain/types.js';
import type { Match, Rule, RuleContext, StepTemplate } from './types.js';
import { buildView, SERVICE_UNITS } from './view.js';

export function buildContext(facts: Facts, evidence: readonly Evidence[], plan: Plan): RuleContext {
  return { facts, evidence: [...evidence], plan, surface: plan.surface, view: buildView(facts, evidence, plan) };
}

/** The built-in placeholders: {host} {port} {address} {service} {client} {target} {endpoint} {subject} {unit}, and {Subject} {Target} to start a title. */
export function placeholderValues(ctx: RuleContext): Record<string, string> {
  const { facts, view } = ctx;
  const host = facts.host ?? view.target?.host ?? null;
  const port = facts.port ?? view.target?.port ?? null;
  // The address a person should look at: a failing one first, since that is where the trouble is.
  const failing = view.addresses.find((a) => a.first !== 'open') ?? view.addresses[0];
  const address = failing?.address ?? facts.addresses[0] ?? host;
  const values: Record<string, string> = {};
  if (host !== null) values.host = host;
  if (port !== null) values.port = String(port);
  if (address) values.address = address;
  const service = facts.service ?? view.target?.service ?? null;
  if (service) values.service = service;
  const unit = service ? SERVICE_UNITS[service] : undefined;
  if (unit) values.unit = unit;
  if (facts.client) values.client = facts.client;
  values.target = host !== null ? hostPort(host, port) : 'the server';
  // For commands: always host:port, with readable stand-ins for what the text did not say.
  values.endpoint = `${host !== null ? hostPort(host, null) : '<host>'}:${port ?? '<port>'}`;
  // For titles: a host name, or words when the text named none; {Subject} / {Target} start a sentence.
  values.subject = host ?? 'the server';
  values.Subject = host ?? 'The server';
  values.Target = host !== null ? values.target : 'The server';
  // A host typed over before pasting: say so, keep the port, and leave a slot for the real host.
  if (host === null && facts.hints.includes('host-masked')) {
    const written = port ?? /only the port is known \((\d{1,5})\)$/.exec(facts.notes.find((n) => n.startsWith('the host in the paste is masked (')) ?? '')?.[1] ?? null;
    const at = written !== null ? ` (port ${written})` : '';
    values.target = `the masked host${at}`;
    values.Target = `The masked host${at}`;
    values.subject = 'the masked host';
    values.Subject = 'The masked host';
  }
  return values;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** Fills {name} from values; a name with no value stays readable as <name>. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? `<${name}>`);
}

function keepStep(step: StepTemplate, ctx: RuleContext, vars: Readonly<Record<string, string>>): boolean {
  if (step.service) {
    const service = ctx.facts.service ?? ctx.view.target?.service ?? null;
    if (service === null || !step.service.includes(service)) return false;
  }
  if (step.requires !== undefined && !vars[step.requires]) return false;
  if (step.unless !== undefined && vars[step.unless]) return false;
  return true;
}

function clamp(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

function toFinding(rule: Rule, match: Match, ctx: RuleContext, base: Readonly<Record<string, string>>): Finding {
  const vars = match.vars ? { ...base, ...match.vars } : base;
  const steps: Step[] = [];
  for (const s of rule.steps) {
    if (!keepStep(s, ctx, vars)) continue;
    steps.push({
      text: fill(s.text, vars),
      commands: (s.commands ?? []).map((c) => (c.os ? { run: fill(c.run, vars), os: c.os } : { run: fill(c.run, vars) })),
    });
  }
  return {
    id: rule.id,
    confidence: clamp(match.confidence),
    title: fill(rule.title, vars),
    explanation: fill(rule.explanation, vars),
    steps,
    evidence: [...new Set(match.evidence)],
    docs: rule.docs ?? null,
  };
}

/** Told about a rule that threw (in its predicate, or while its templates were filled) and was left out. */
export type RuleErrorHandler = (id: string, err: unknown) => void;

export function evaluate(rules: readonly Rule[], ctx: RuleContext, onRuleError?: RuleErrorHandler): Finding[] {
  const base = placeholderValues(ctx);
  const found: Finding[] = [];
  // The engine stays pure: what to do about a broken rule (a warning, a log line) is the caller's business.
  const skip = (rule: Rule, err: unknown) => {
    try {
      onRuleError?.(rule.id, err);
    } catch {
      // A handler that throws must not cost the diagnosis either.
    }
  };
  for (const rule of rules) {
    let match: Match | null;
    try {
      match = rule.when(ctx);
    } catch (err) {
      // A rule that throws says nothing about this diagnosis; the others still do.
      skip(rule, err);
      continue;
    }
    if (!match) continue;
    try {
      found.push(toFinding(rule, match, ctx, base));
    } catch (err) {
      skip(rule, err);
    }
  }
  // Array#sort is stable, so equal confidence keeps table order.
  return found.sort((a, b) => b.confidence - a.confidence);
}
