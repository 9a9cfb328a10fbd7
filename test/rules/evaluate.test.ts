import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { buildContext, evaluate, fill, placeholderValues } from '../../src/rules/evaluate.js';
import type { Match, Rule } from '../../src/rules/types.js';
import { ctx, facts, noProbe, probePlan, tcp } from './helpers.js';

const rule = (id: string, m: Match | null | (() => Match | null), over: Partial<Rule> = {}): Rule => ({
  id, title: id, explanation: id, steps: [],
  when: typeof m === 'function' ? m : () => m,
  ...over,
});

const base = ctx(facts(), [tcp('10.0.0.5', 'refused')]);

describe('evaluate', () => {
  it('skips a predicate that throws and keeps the others', () => {
    const found = evaluate([
      rule('a', { confidence: 0.5, evidence: ['x'] }),
      rule('boom', () => { throw new Error('bad rule'); }),
      rule('b', { confidence: 0.6, evidence: ['y'] }),
    ], base);
    assert.deepEqual(found.map((f) => f.id), ['b', 'a']);
  });

  it('drops rules that do not match', () => {
    assert.deepEqual(evaluate([rule('a', null)], base), []);
  });

  it('sorts by confidence, table order breaking ties', () => {
    const found = evaluate([
      rule('low', { confidence: 0.2, evidence: ['l'] }),
      rule('tie-1', { confidence: 0.7, evidence: ['t'] }),
      rule('high', { confidence: 0.9, evidence: ['h'] }),
      rule('tie-2', { confidence: 0.7, evidence: ['t'] }),
    ], base);
    assert.deepEqual(found.map((f) => f.id), ['high', 'tie-1', 'tie-2', 'low']);
  });

  it('clamps confidence to 0–1 (NaN counts as 0)', () => {
    const found = evaluate([
      rule('over', { confidence: 7, evidence: ['o'] }),
      rule('under', { confidence: -1, evidence: ['u'] }),
      rule('nan', { confidence: Number.NaN, evidence: ['n'] }),
    ], base);
    assert.deepEqual(found.map((f) => [f.id, f.confidence]), [['over', 1], ['under', 0], ['nan', 0]]);
  });

  it('fills placeholders in title, explanation, steps and commands; unknown ones stay readable', () => {
    const [f] = evaluate([rule('t', { confidence: 0.5, evidence: ['e', 'e'], vars: { openPort: '5433' } }, {
      title: 'Nothing on {target}',
      explanation: '{host} said no on {address}',
      steps: [{ text: 'try {openPort} not {port} ({service})', commands: [{ run: 'nc -vz {host} {openPort}', os: 'linux' }, { run: "docker ps --format '{{.Ports}}' {nothing}" }] }],
      docs: 'https://man7.org/linux/man-pages/man8/ss.8.html',
    })], base);
    assert.ok(f);
    assert.equal(f.title, 'Nothing on db.internal:5432');
    assert.equal(f.explanation, 'db.internal said no on 10.0.0.5');
    assert.deepEqual(f.steps, [{ text: 'try 5433 not 5432 (<service>)', commands: [{ run: 'nc -vz db.internal 5433', os: 'linux' }, { run: "docker ps --format '{{.Ports}}' <nothing>" }] }]);
    assert.deepEqual(f.evidence, ['e'], 'duplicate evidence lines collapse');
    assert.equal(f.docs, 'https://man7.org/linux/man-pages/man8/ss.8.html');
  });

  it('docs is null when the rule has none, and Match.vars override the built-ins', () => {
    const [f] = evaluate([rule('v', { confidence: 0.5, evidence: ['e'], vars: { host: 'other.host' } }, { title: '{host}' })], base);
    assert.equal(f!.docs, null);
    assert.equal(f!.title, 'other.host');
  });

  it('keeps service steps only for that service, and honours requires / unless', () => {
    const steps = [
      { text: 'always' },
      { text: 'pg only', service: ['postgres' as const] },
      { text: 'needs x', requires: 'x' },
      { text: 'not with x', unless: 'x' },
    ];
    const pg = facts({ service: 'postgres' });
    const withX = evaluate([rule('s', { confidence: 0.5, evidence: ['e'], vars: { x: '1' } }, { steps })], buildContext(pg, [], noProbe(pg)))[0]!;
    assert.deepEqual(withX.steps.map((s) => s.text), ['always', 'pg only', 'needs x']);
    const plain = evaluate([rule('s', { confidence: 0.5, evidence: ['e'] }, { steps })], base)[0]!;
    assert.deepEqual(plain.steps.map((s) => s.text), ['always', 'not with x']);
  });

  it('uses the first failing address, brackets IPv6 in {target}, and says "the server" with no host', () => {
    const v6 = facts({ host: 'fd00::5' });
    const values = placeholderValues(buildContext(v6, [tcp('fd00::5', 'open', { host: 'fd00::5' })], probePlan(v6)));
    assert.equal(values.target, '[fd00::5]:5432');
    const mixed = placeholderValues(ctx(facts(), [tcp('10.0.0.5', 'open'), tcp('10.0.0.6', 'refused')]));
    assert.equal(mixed.address, '10.0.0.6');
    const none = placeholderValues(ctx(facts({ host: null, port: null }), [], noProbe(facts())));
    assert.equal(none.target, 'the server');
    assert.equal(none.endpoint, '<host>:<port>');
    assert.equal(placeholderValues(buildContext(v6, [], noProbe(v6))).endpoint, '[fd00::5]:5432');
    assert.equal(none.host, undefined);
    assert.equal(placeholderValues(ctx(facts({ service: 'postgres' }), [])).unit, 'postgresql');
  });

  it('buildContext carries the surface of the plan', () => {
    const f = facts();
    assert.equal(buildContext(f, [], { ...noProbe(f), surface: 'chat' }).surface, 'chat');
  });
});

describe('fill', () => {
  it('leaves text without placeholders alone', () => {
    assert.equal(fill('1..20 | ForEach-Object { Test-NetConnection }', {}), '1..20 | ForEach-Object { Test-NetConnection }');
    assert.equal(fill('{a}{b}', { a: 'x' }), 'x<b>');
  });
});

describe('a rule that throws is said, not swallowed', () => {
  it('hands the rule id and the error to onRuleError, and keeps the other findings', () => {
    const told: [string, unknown][] = [];
    const err = new Error('bad rule');
    const found = evaluate([
      rule('a', { confidence: 0.5, evidence: ['x'] }),
      rule('boom', () => { throw err; }),
    ], base, (id, e) => told.push([id, e]));
    assert.deepEqual(found.map((f) => f.id), ['a']);
    assert.deepEqual(told, [['boom', err]]);
  });

  it('a match the engine cannot turn into a finding is reported too', () => {
    const told: string[] = [];
    // A step whose text is not a string: the predicate returned, filling the templates threw.
    const odd = rule('odd', { confidence: 0.5, evidence: ['x'] }, { steps: [{ text: 42 as unknown as string }] });
    assert.deepEqual(evaluate([odd], base, (id) => told.push(id)), []);
    assert.deepEqual(told, ['odd']);
  });

  it('a handler that throws costs nothing either', () => {
    const found = evaluate([rule('boom', () => { throw new Error('x'); }), rule('a', { confidence: 0.5, evidence: ['x'] })], base, () => {
      throw new Error('handler');
    });
    assert.deepEqual(found.map((f) => f.id), ['a']);
  });

  it('diagnose passes an operator rule that throws to onRuleError, and answers all the same', async () => {
    const told: [string, string][] = [];
    const broken: Rule = { id: 'corp-broken', title: 'x', explanation: 'x', steps: [], when: () => { throw new TypeError('cannot read host'); } };
    const d = await diagnose(
      { type: 'paste', text: 'psycopg2.OperationalError: connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused' },
      { surface: 'cli', probe: false, extraRules: [broken], onRuleError: (id, e) => told.push([id, (e as Error).message]) },
    );
    assert.deepEqual(told, [['corp-broken', 'cannot read host']]);
    assert.ok(d.causes.length > 0 && !d.causes.some((c) => c.id === 'corp-broken'));
  });
});
