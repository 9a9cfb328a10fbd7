import { dnsNotFound } from '../../src/rules/dns-not-found.js';
import { ctx, dns, facts, noProbe, probePlan, ruleCases } from './helpers.js';

const f = facts({ kind: 'dns', errno: 'ENOTFOUND', port: 5432 });

ruleCases(dnsNotFound, {
  fires: [
    { name: 'the lookup here says no such name', ctx: ctx(f, [dns('db.internal', [], { error: 'ENOTFOUND' })], probePlan(f)), min: 0.9, evidence: /dns db\.internal → not found \(ENOTFOUND\)/ },
    { name: 'the resolver does not answer', ctx: ctx(f, [dns('db.internal', [], { error: 'EAI_AGAIN' })], probePlan(f)), min: 0.8, max: 0.9, evidence: /failed \(EAI_AGAIN\)/ },
    { name: 'a typed target (no error text) that does not resolve', ctx: ctx(facts({ kind: 'none' }), [dns('db.internal', [], { error: 'ENOTFOUND' })]), min: 0.9 },
    {
      name: 'the client was refused (so it resolved the name), and the resolver here does not answer: a side note',
      ctx: ctx(facts({ host: 'db', hints: ['in-container'], addresses: ['172.20.0.2'] }), [dns('db', [], { error: 'EAI_AGAIN' })]),
      max: 0.35, evidence: /did resolve it where it ran/, vars: { container: '1' },
    },
    { name: 'text alone: ENOTFOUND', ctx: ctx(f, [], noProbe(f)), min: 0.6, max: 0.75 },
    { name: 'the paste failed DNS, the name resolves here: weak', ctx: ctx(f, [dns('db.internal', ['10.0.0.5'])]), max: 0.45 },
  ],
  quiet: [
    { name: 'the client was refused, and here there is no such name (private-name says so)', ctx: ctx(facts({ host: 'db', hints: ['in-container'] }), [dns('db', [], { error: 'ENOTFOUND' })]) },
    { name: 'the name resolves and the paste is a refusal', ctx: ctx(facts(), [dns('db.internal', ['10.0.0.5'])]) },
    { name: 'an address literal', ctx: ctx(facts({ host: '10.0.0.5' }), [dns('10.0.0.5', ['10.0.0.5'], { literal: true })]) },
    { name: 'text alone: refused', ctx: ctx(facts(), [], noProbe(f)) },
  ],
});
