// A line that repeats (a retry loop) is read once and merged once; each repetition is still its own hit, at its
// own line, with arrays of its own, and a repetition next to code that tests an error code is read as such.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scan } from '../../src/parse/scan.js';

test('a repeated line gives a hit per repetition, each at its own line and with arrays of its own', () => {
  const line = 'Error: connect ECONNREFUSED 10.0.0.5:5432';
  const lines = [line, 'retrying in 1s', line, 'retrying in 2s', line];
  const hits = scan(lines);
  assert.deepEqual(
    hits.map((h) => h.line),
    [0, 2, 4],
  );
  for (const h of hits) assert.deepEqual({ host: h.host, port: h.port, kind: h.kind }, { host: '10.0.0.5', port: 5432, kind: 'refused' });
  hits[0]!.addresses.push('192.0.2.1');
  hits[0]!.hints.push('changed');
  assert.ok(!hits[1]!.addresses.includes('192.0.2.1') && !hits[1]!.hints.includes('changed'));
  assert.notEqual(hits[1], hits[2]);
});

test('the same words next to code that compares an error code are that code, also when read before', () => {
  const bare = 'ECONNRESET';
  const hits = scan([`    ${bare} happened`, "if (err.code === 'ECONNRESET') {", `    ${bare} happened`]);
  // The first line is an error word on its own; the third, just after the comparison, is the compared string.
  assert.deepEqual(
    hits.map((h) => h.line),
    [0],
  );
});
