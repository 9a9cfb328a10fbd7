import type { Command, Evidence, Facts, Plan, Service, Surface } from '../domain/types.js';
import type { EvidenceView } from './view.js';

/** What every rule predicate sees. Pure data: a predicate reads it and opens nothing. */
export interface RuleContext {
  facts: Facts;
  evidence: Evidence[];
  plan: Plan;
  surface: Surface;
  /** Evidence pre-digested once per diagnosis (per-address outcomes, flapping, what answered …). */
  view: EvidenceView;
}

/** A predicate's answer when the cause fits. */
export interface Match {
  /** 0–1. */
  confidence: number;
  /** Evidence lines in words that this match rests on. */
  evidence: string[];
  /** Extra placeholders for the step templates, beyond {host} {port} {address} {service} {client}. */
  vars?: Record<string, string>;
}

export interface StepTemplate {
  /** May hold {placeholders}; filled from the facts, the plan and Match.vars. */
  text: string;
  commands?: Command[];
  /** Keep this step only when the service is known and one of these (service-specific commands). */
  service?: readonly Service[];
  /** Keep this step only when the match set this var (a non-empty Match.vars[requires]). */
  requires?: string;
  /** Drop this step when the match set this var. */
  unless?: string;
}

/** One cause: data plus one small pure predicate. The engine never branches on a rule id. */
export interface Rule {
  id: string;
  title: string;
  explanation: string;
  steps: StepTemplate[];
  docs?: string;
  /** True for a cause that means all is well from where the probes ran (the diagnosis then says it is healthy). */
  healthy?: boolean;
  when(ctx: RuleContext): Match | null;
}
