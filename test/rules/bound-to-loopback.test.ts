import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundToLoopback } from '../../src/rules/bound-to-loopback.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { ctx, facts, nearby, noProbe, probePlan, ruleCases, skipPlan, tcp } from './helpers.js';

const f = facts();

ruleCases(boundToLoopback, {
  fires: [
    { name: 'every address of a remote host refuses', ctx: ctx(f, [tcp('10.0.0.5', 'refused')]), min: 0.3, max: 0.5, evidence: /loopback-only listener/ },
    { name: 'text alone: refused by a remote host', ctx: ctx(f, [], noProbe(f)), min: 0.3, max: 0.4 },
    { name: 'lower when a nearby port answers', ctx: ctx(f, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'open')]), max: 0.35 },
  ],
  quiet: [
    { name: 'the target is localhost itself', ctx: ctx(facts({ host: 'localhost' }), [tcp('127.0.0.1', 'refused', { host: 'localhost' })]) },
    { name: 'the target is 127.0.0.1 in a paste on chat', ctx: ctx(facts({ host: '127.0.0.1' }), [], skipPlan(facts({ host: '127.0.0.1' }), 'local-target', 'local', 'chat')) },
    { name: 'it answers', ctx: ctx(f, [tcp('10.0.0.5', 'open')]) },
    { name: 'a timeout, not a refusal', ctx: ctx(f, [tcp('10.0.0.5', 'timeout')]) },
    { name: 'no host in the text', ctx: ctx(facts({ host: null }), [], noProbe(f)) },
  ],
});

test('bound-to-loopback shows the listener check and the service setting only for that service', () => {
  const pg = facts({ service: 'postgres' });
  const found = evaluate([boundToLoopback], buildContext(pg, [tcp('10.0.0.5', 'refused')], probePlan(pg)))[0]!;
  const all = found.steps.flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
  assert.match(all, /ss -ltnp 'sport = :5432'/);
  assert.match(all, /listen_addresses/);
  assert.doesNotMatch(all, /bind-address|CONFIG GET bind/);
  const redis = facts({ service: 'redis', port: 6379 });
  const r = evaluate([boundToLoopback], buildContext(redis, [tcp('10.0.0.5', 'refused', { port: 6379 })], probePlan(redis)))[0]!;
  const text = r.steps.flatMap((s) => s.commands.map((c) => c.run)).join('\n');
  assert.match(text, /redis-cli CONFIG GET bind/);
  assert.doesNotMatch(text, /listen_addresses/);
});
