// Every pasted error in test/fixtures/pastes runs through parse(); every field its expectation names is
// checked. Fixtures imitate real pastes from public issue trackers (shapes, noise, prefixes), in our own words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../src/parse/index.js';
import type { Facts } from '../../src/domain/types.js';
import { PASTES } from '../root.js';

const dir = PASTES;
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

// Fields compared as they are; the rest have their own rule below.
// Every password or token that some fixture contains.
const SECRETS = ['s3cretpw', 'hunter2', 'Sup3rS3cret', 'laravelpass', 'supersecret', 'pa55word', 'dXNlcjpwYXNzd29yZA', 'c2lnbmF0dXJlLWhlcmU', 'eyJzdWIiOiJyYWoi'];

const PLAIN = ['kind', 'host', 'port', 'portInferred', 'runtime', 'client', 'service', 'os', 'unixSocket', 'proxy', 'destination', 'scheme', 'tls', 'errno'] as const;

test('every fixture file has an expectation, and every expectation a file', () => {
  const missing = files.filter((f) => !(f in expected));
  assert.deepEqual(missing, [], `fixtures without an entry in expected.json: ${missing.join(', ')}`);
  const orphans = Object.keys(expected).filter((k) => !files.includes(k));
  assert.deepEqual(orphans, [], `expectations without a fixture: ${orphans.join(', ')}`);
});

test('the fixture set covers every runtime, the siblings, and enough negatives', () => {
  const kinds = new Set(Object.values(expected).map((e) => e.kind));
  for (const k of ['refused', 'timeout', 'unreachable', 'dns', 'reset', 'unix_socket', 'tls', 'none']) assert.ok(kinds.has(k), `no fixture of kind ${k}`);
  const negatives = Object.values(expected).filter((e) => e.kind === 'none').length;
  assert.ok(negatives >= 10, `only ${negatives} negative fixtures`);
  assert.ok(files.length >= 70, `only ${files.length} fixtures`);
  for (const prefix of ['python-', 'node-', 'java-', 'go-', 'rust-', 'ruby-', 'php-', 'dotnet-', 'cli-', 'other-', 'negative-']) {
    assert.ok(files.some((f) => f.startsWith(prefix)), `no fixture named ${prefix}*`);
  }
});

for (const file of files) {
  test(`fixture ${file}`, () => {
    const exp = expected[file];
    assert.ok(exp, `no expectation for ${file}`);
    const text = readFileSync(join(dir, file), 'utf8');
    const facts: Facts = parse(text);
    const got = facts as unknown as Record<string, unknown>;
    for (const field of PLAIN) {
      if (field in exp) assert.deepEqual(got[field], exp[field], `${file}: ${field}`);
    }
    if ('addresses' in exp) {
      assert.deepEqual([...facts.addresses].sort(), [...(exp.addresses as string[])].sort(), `${file}: addresses`);
    }
    for (const h of (exp.hints as string[] | undefined) ?? []) assert.ok(facts.hints.includes(h), `${file}: hint ${h} missing from ${facts.hints.join(',')}`);
    for (const h of (exp.hintsAbsent as string[] | undefined) ?? []) assert.ok(!facts.hints.includes(h), `${file}: hint ${h} should be absent`);
    if ('note_contains' in exp) {
      assert.ok(facts.notes.some((n) => n.includes(exp.note_contains as string)), `${file}: no note with "${exp.note_contains}" in ${JSON.stringify(facts.notes)}`);
    }
    // Invariants for every paste. No secret written in a fixture may reach any field.
    const all = JSON.stringify(facts);
    for (const secret of SECRETS) assert.ok(!all.includes(secret), `${file}: secret ${secret} leaked into Facts`);
    if (facts.kind === 'none') {
      assert.equal(facts.host, null, `${file}: a paste without an error must not name a target`);
      assert.equal(facts.port, null);
    } else {
      assert.ok(facts.matched && facts.matched.length > 0, `${file}: matched line missing`);
      assert.ok(facts.signature, `${file}: signature missing`);
    }
  });
}
