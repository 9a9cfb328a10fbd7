import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { facts } from './helpers.js';
import type { Facts, Finding } from '../../src/domain/types.js';
import { RulesFileError } from '../../src/errors.js';
import { applyRunbooks, hostPattern, loadRulesFile, loadRulesText } from '../../src/rules/custom.js';
import type { RuleContext } from '../../src/rules/types.js';

const GOOD = `
rules:
  - id: corp-db-maintenance
    title: The database may be in its Sunday maintenance window
    explanation: Our Postgres fleet restarts on Sundays between 02:00 and 03:00 UTC.
    when:
      host: "*.db.internal"
      port: "5432-5439"
      kind: [refused, timeout]
    confidence: 0.7
    steps:
      - text: Look for a maintenance notice in #db-status
      - text: Try the replica
        commands:
          - psql -h replica.db.internal -p {port} -c 'select 1'
          - { run: "Test-NetConnection replica.db.internal -Port {port}", os: windows }
    docs: https://wiki.example.test/db
runbooks:
  - host: "*.db.internal"
    causes: [not-listening]
    url: https://wiki.example.test/runbooks/db
    title: DB on-call runbook
`;


function ctx(f: Facts): RuleContext {
  return { facts: f, evidence: [], plan: { surface: 'cli', targets: [], skipped: [], nearbyPorts: [], attempts: 1, timeouts: { connectMs: 1, dnsMs: 1, bannerMs: 1, tlsMs: 1, httpMs: 1, deadlineMs: 1 } }, surface: 'cli', view: {} as RuleContext['view'] };
}

test('a valid file gives rules whose predicate matches host glob, port range and kind', () => {
  const { rules, runbooks } = loadRulesText(GOOD);
  assert.equal(rules.length, 1);
  assert.equal(runbooks.length, 1);
  const rule = rules[0]!;
  assert.equal(rule.id, 'corp-db-maintenance');
  assert.equal(rule.steps[1]!.commands!.length, 2);
  assert.deepEqual(rule.steps[1]!.commands![1], { run: 'Test-NetConnection replica.db.internal -Port {port}', os: 'windows' });
  const hit = rule.when(ctx(facts({ host: 'pg1.db.internal', port: 5433 })));
  assert.equal(hit?.confidence, 0.7);
  assert.equal(rule.when(ctx(facts({ host: 'pg1.db.internal', port: 6432 }))), null, 'port outside the range');
  assert.equal(rule.when(ctx(facts({ host: 'pg1.db.internal.evil.test', port: 5432 }))), null, 'glob is anchored');
  assert.equal(rule.when(ctx(facts({ host: 'pg1.db.internal', port: 5432, kind: 'dns' }))), null, 'kind not listed');
});

test('runbooks attach to the named causes of matching targets only', () => {
  const { runbooks } = loadRulesText(GOOD);
  const finding = (id: string): Finding => ({ id, confidence: 0.9, title: id, explanation: '', steps: [], evidence: [], docs: null });
  const out = applyRunbooks([finding('not-listening'), finding('firewall-drop')], facts({ host: 'PG1.db.internal.', port: 5432 }), runbooks);
  assert.deepEqual(out[0]!.runbook, { title: 'DB on-call runbook', url: 'https://wiki.example.test/runbooks/db' });
  assert.equal(out[1]!.runbook, undefined);
  const other = applyRunbooks([finding('not-listening')], facts({ host: 'cache.internal', port: 6379 }), runbooks);
  assert.equal(other[0]!.runbook, undefined);
});

test('every mistake is reported at once, with where it is', () => {
  const bad = `
rules:
  - id: Not_Valid
    title: ""
    when: { hots: "x", port: 70000, service: postgress }
    confidence: 2
  - id: not-listening
    title: clash
    when: {}
runbooks:
  - url: not a url
`;
  try {
    loadRulesText(bad, 'ops.yml');
    assert.fail('should have thrown');
  } catch (err) {
    assert.ok(err instanceof RulesFileError);
    const text = err.message;
    assert.match(text, /^ops\.yml: \d+ problems/);
    assert.match(text, /rules\[0\]\.id: an id is lower-case/);
    assert.match(text, /rules\[0\]\.title/);
    assert.match(text, /rules\[0\]\.when: unknown key "hots"/);
    assert.match(text, /rules\[0\]\.when\.port/);
    assert.match(text, /rules\[0\]\.when\.service/);
    assert.match(text, /rules\[0\]\.confidence/);
    assert.match(text, /runbooks\[0\]\.url/);
  }
});

test('a built-in cause id or a duplicate id is refused; bad ranges too', () => {
  const text = `
rules:
  - { id: not-listening, title: a, when: {} }
  - { id: mine, title: b, when: { port: "9000-8000" } }
  - { id: mine, title: c, when: {} }
`;
  assert.throws(() => loadRulesText(text), (err: Error) => /built-in cause id/.test(err.message) && /used twice/.test(err.message) && /9000-8000/.test(err.message));
});

test('YAML syntax errors and unreadable files are clear', () => {
  assert.throws(() => loadRulesText('rules: [\n  - id: x\n', 'r.yml'), (err: Error) => err instanceof RulesFileError && /YAML/.test(err.message));
  assert.throws(() => loadRulesFile('/nonexistent/refused-rules.yml'), (err: Error) => /cannot read it: ENOENT/.test(err.message));
  const dir = mkdtempSync(join(tmpdir(), 'refused-rules-'));
  const file = join(dir, 'ok.yml');
  writeFileSync(file, GOOD);
  assert.equal(loadRulesFile(file).rules.length, 1);
  assert.deepEqual(loadRulesText('').rules, []);
});

test('host patterns are literal apart from *', () => {
  assert.ok(hostPattern('*.db.internal').test('a.db.internal'));
  assert.ok(!hostPattern('*.db.internal').test('adbxinternal'));
  assert.ok(hostPattern('db?.internal').test('db?.internal'));
  assert.ok(!hostPattern('db?.internal').test('db1.internal'));
});
