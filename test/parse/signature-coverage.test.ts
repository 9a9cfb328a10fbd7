// Every row of the signature table earns its place: a line of some fixture in test/fixtures/pastes matches it,
// or a coverage-only sample in signature-samples.ts does. "Matches" is the parser's own matching (normalise,
// redact, split into lines, then scan's row test with its filters). A row that matches neither gets a fixture
// (or a sample) or goes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from '../../src/parse/index.js';
import { normalizeText, toLines } from '../../src/parse/normalize.js';
import { redact } from '../../src/parse/redact.js';
import { rowIdsMatching } from '../../src/parse/scan.js';
import { SIGNATURES } from '../../src/parse/signatures/index.js';
import { PASTES } from '../root.js';
import { SIGNATURE_SAMPLES } from './signature-samples.js';

const rowsIn = (text: string): Set<string> => rowIdsMatching(toLines(redact(normalizeText(text))));

const fixtures = readdirSync(PASTES).filter((f) => f.endsWith('.txt')).sort();
/** Row id → the fixtures it matches a line of. */
const byFixture = new Map<string, string[]>();
for (const f of fixtures) {
  for (const id of rowsIn(readFileSync(join(PASTES, f), 'utf8'))) byFixture.set(id, [...(byFixture.get(id) ?? []), f]);
}

test('row ids are unique', () => {
  const ids = SIGNATURES.map((s) => s.id);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(dupes, []);
});

test('every row matches a line of a fixture or of its sample', () => {
  const uncovered = SIGNATURES.filter((s) => !byFixture.has(s.id) && !(s.id in SIGNATURE_SAMPLES)).map((s) => s.id);
  assert.deepEqual(uncovered, [], `rows that no fixture and no sample matches (add a fixture or a sample, or remove the row): ${uncovered.join(', ')}`);
});

test('samples are only for rows of the table that no fixture covers', () => {
  const ids = new Set(SIGNATURES.map((s) => s.id));
  const unknown = Object.keys(SIGNATURE_SAMPLES).filter((id) => !ids.has(id));
  assert.deepEqual(unknown, [], `samples for ids the table does not have: ${unknown.join(', ')}`);
  const covered = Object.keys(SIGNATURE_SAMPLES).filter((id) => byFixture.has(id)).map((id) => `${id} (${byFixture.get(id)![0]})`);
  assert.deepEqual(covered, [], `a fixture now covers these rows; their samples can go: ${covered.join(', ')}`);
});

for (const [id, sample] of Object.entries(SIGNATURE_SAMPLES)) {
  test(`sample for ${id}: the row matches it, and it parses to ${sample.kind}`, () => {
    const row = SIGNATURES.find((s) => s.id === id);
    assert.ok(row, `no row ${id}`);
    assert.ok(rowsIn(sample.text).has(id), `row ${id} does not match its sample`);
    if (row.kind !== null) assert.equal(sample.kind, row.kind, `the sample's kind must be the row's own (${row.kind})`);
    const facts = parse(sample.text);
    assert.equal(facts.kind, sample.kind, `${id}: parsed as ${facts.kind} (signature ${facts.signature})`);
  });
}
