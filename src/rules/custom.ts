// Operators' own rules and runbook links, read from a YAML file. Every mistake in the file is reported at
// once, with where it is and how to fix it; a bad file stops the start instead of being half-used.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CAUSE_IDS, ERROR_KINDS, SERVICES, OSES, type TcpOutcome } from '../domain/types.js';
import { RulesFileError } from '../errors.js';
import { factsMatch, hostPattern, list, type OperatorRules, type Runbook } from './operator.js';
import type { Match, Rule, RuleContext } from './types.js';

export { applyRunbooks, hostPattern, type OperatorRules, type Runbook } from './operator.js';

const OUTCOMES = ['open', 'refused', 'timeout', 'unreachable', 'reset', 'error'] as const satisfies readonly TcpOutcome[];

const portSpec = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d{1,5}-\d{1,5}$/, 'a port range is written like "5432-5439"'),
]);
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

const commandSchema = z.union([
  z.string().min(1),
  z.strictObject({ run: z.string().min(1), os: z.enum(OSES).optional() }),
]);

const whenSchema = z.strictObject({
  host: oneOrMany(z.string().min(1)).optional(),
  port: oneOrMany(portSpec).optional(),
  service: oneOrMany(z.enum(SERVICES)).optional(),
  kind: oneOrMany(z.enum(ERROR_KINDS)).optional(),
  outcome: oneOrMany(z.enum(OUTCOMES)).optional(),
});

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'an id is lower-case letters, digits and hyphens, like "corp-db-maintenance"'),
  title: z.string().min(1).max(150),
  explanation: z.string().min(1).max(2000).optional(),
  when: whenSchema,
  confidence: z.number().min(0).max(1).default(0.5),
  steps: z.array(z.strictObject({ text: z.string().min(1), commands: z.array(commandSchema).optional() })).default([]),
  docs: z.url().optional(),
});

const runbookSchema = z.strictObject({
  url: z.url(),
  title: z.string().min(1).max(150).optional(),
  host: oneOrMany(z.string().min(1)).optional(),
  port: oneOrMany(portSpec).optional(),
  service: oneOrMany(z.enum(SERVICES)).optional(),
  causes: z.array(z.string().min(1)).min(1).optional(),
});

const fileSchema = z.strictObject({
  rules: z.array(ruleSchema).default([]),
  runbooks: z.array(runbookSchema).default([]),
});

type When = z.infer<typeof whenSchema>;
type RunbookSpec = z.infer<typeof runbookSchema>;

function whenMatches(when: When, ctx: RuleContext): string[] | null {
  const { facts } = ctx;
  if (!factsMatch(facts, when)) return null;
  const kinds = list(when.kind);
  if (kinds && !kinds.includes(facts.kind)) return null;
  const reasons = [`${facts.host ?? 'target'}${facts.port ? `:${facts.port}` : ''} matches the operator's rule`];
  const outcomes = list(when.outcome);
  if (outcomes) {
    const seen = ctx.evidence.filter((e) => e.type === 'tcp' && outcomes.includes(e.outcome));
    if (seen.length === 0) return null;
    reasons.push(...seen.map((e) => (e.type === 'tcp' ? `tcp ${e.address}:${e.port} → ${e.outcome}` : '')));
  }
  return reasons;
}

function toRule(spec: z.infer<typeof ruleSchema>): Rule {
  return {
    id: spec.id,
    title: spec.title,
    explanation: spec.explanation ?? spec.title,
    steps: spec.steps.map((s) => ({ text: s.text, commands: (s.commands ?? []).map((c) => (typeof c === 'string' ? { run: c } : c)) })),
    ...(spec.docs ? { docs: spec.docs } : {}),
    when(ctx: RuleContext): Match | null {
      const evidence = whenMatches(spec.when, ctx);
      return evidence ? { confidence: spec.confidence, evidence } : null;
    },
  };
}

function toRunbook(spec: RunbookSpec): Runbook {
  return {
    title: spec.title ?? 'Runbook',
    url: spec.url,
    causes: spec.causes ?? null,
    matches: (facts) => factsMatch(facts, spec),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
  if (issue.code === 'unrecognized_keys') {
    return `${where || 'top level'}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling`;
  }
  // A missing key gets words of its own instead of "expected object, received undefined".
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    const key = String(issue.path.at(-1) ?? '');
    const what = key === 'when' ? ' (conditions such as host, port, service, kind or outcome; {} matches every diagnosis)' : key === 'url' ? ' (the runbook link)' : '';
    return `${where || 'top level'}: missing; it is required${what}`;
  }
  return `${where || 'top level'}: ${issue.message}`;
}

/** Validates a rules document (already read). Throws RulesFileError listing every problem. */
export function loadRulesText(text: string, file = 'rules file'): OperatorRules {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RulesFileError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new RulesFileError(file, parsed.error.issues.map(describeIssue));
  const problems: string[] = [];
  const seen = new Set<string>();
  parsed.data.rules.forEach((r, i) => {
    if ((CAUSE_IDS as readonly string[]).includes(r.id)) problems.push(`rules[${i}].id: "${r.id}" is a built-in cause id; pick another name`);
    if (seen.has(r.id)) problems.push(`rules[${i}].id: "${r.id}" is used twice`);
    seen.add(r.id);
    const ports = list(r.when.port) ?? [];
    for (const p of ports) {
      if (typeof p === 'string') {
        const [lo, hi] = p.split('-').map(Number) as [number, number];
        if (lo < 1 || hi > 65535 || lo > hi) problems.push(`rules[${i}].when.port: "${p}" is not a range within 1–65535, low end first`);
      }
    }
  });
  if (problems.length > 0) throw new RulesFileError(file, problems);
  return { rules: parsed.data.rules.map(toRule), runbooks: parsed.data.runbooks.map(toRunbook) };
}

export function loadRulesFile(path: string): OperatorRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RulesFileError(path, [`cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  return loadRulesText(text, path);
}
