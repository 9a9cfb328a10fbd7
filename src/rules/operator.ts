// Operators' rules and runbooks once loaded: their shapes, the host/port matching they share, and attaching
// runbooks to findings. Light on purpose (no zod, no yaml): every diagnosis imports it; only loading a rules
// file needs the parser in custom.ts.
import type { Facts, Finding } from '../domain/types.js';
import type { Rule } from './types.js';

export interface Runbook {
  title: string;
  url: string;
  matches(facts: Facts): boolean;
  causes: readonly string[] | null;
}

export interface OperatorRules {
  rules: Rule[];
  runbooks: Runbook[];
}

export const list = <T>(v: T | T[] | undefined): T[] | null => (v === undefined ? null : Array.isArray(v) ? v : [v]);

/** A host pattern: `*` stands for any run of characters, the rest is literal and case-insensitive. */
export function hostPattern(glob: string): RegExp {
  const body = glob.toLowerCase().replace(/\.$/, '').split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

export function portMatches(specs: (string | number)[], port: number | null): boolean {
  if (port === null) return false;
  return specs.some((s) => {
    if (typeof s === 'number') return s === port;
    const [lo, hi] = s.split('-').map(Number) as [number, number];
    return port >= lo && port <= hi;
  });
}

export function factsMatch(facts: Facts, sel: { host?: string | string[]; port?: (string | number) | (string | number)[]; service?: string | string[] }): boolean {
  const hosts = list(sel.host)?.map(hostPattern);
  if (hosts && !(facts.host && hosts.some((re) => re.test(facts.host!.toLowerCase().replace(/\.$/, ''))))) return false;
  const ports = list(sel.port);
  if (ports && !portMatches(ports, facts.port)) return false;
  const services = list(sel.service);
  if (services && !(facts.service && services.includes(facts.service))) return false;
  return true;
}

/** Attaches the first matching runbook to each finding it names (or to every finding when it names none). */
export function applyRunbooks(findings: Finding[], facts: Facts, runbooks: readonly Runbook[]): Finding[] {
  if (runbooks.length === 0) return findings;
  const fitting = runbooks.filter((r) => r.matches(facts));
  if (fitting.length === 0) return findings;
  return findings.map((f) => {
    const rb = fitting.find((r) => r.causes === null || r.causes.includes(f.id));
    return rb ? { ...f, runbook: { title: rb.title, url: rb.url } } : f;
  });
}
