// The one-pass machinery of the parser gives the same answers as the plain way: the word index says exactly which
// words a lower-cased line holds, and running the normalising and redacting steps line by line gives the text that
// running each step's regex over the whole text, one after another, gives.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { WordIndex } from '../../src/parse/keywords.js';
import { ROOT } from '../root.js';
import { NORMALIZE_STEPS } from '../../src/parse/normalize.js';
import { REDACT_STEPS } from '../../src/parse/redact.js';
import { type Step, Steps } from '../../src/parse/steps.js';

// From the project root: compiled, this file runs in dist/test/, where the fixtures are not copied.
const fixtures = join(ROOT, 'test', 'fixtures', 'pastes');

/** The plain meaning: every step's regex over the whole text, in order. */
function plain(steps: readonly Step[], text: string): string {
  let out = text;
  for (const s of steps) {
    s.re.lastIndex = 0;
    out = out.replace(s.re, s.replace as (m: string, ...a: unknown[]) => string);
  }
  return out;
}

test('the word index finds every word a line holds, overlapping and in any case', () => {
  const groups = [['econn', 'connrefused'], ['refused'], ['caused by:'], ['отклонен', '拒否'], ['i̇x']];
  // The automaton (small = 0) and the word-by-word look-up that short pastes get.
  for (const index of [new WordIndex(groups, 0), new WordIndex(groups)]) {
    assert.deepEqual(index.groupsPerLine(['ECONNREFUSED', 'nothing here', 'Caused By: x', 'СОЕДИНЕНИЕ ОТКЛОНЕНО', '接続を拒否', 'İX', '']), [
      [0, 1],
      null,
      [2],
      [3],
      [3],
      [4],
      null,
    ]);
  }
});

test('the word index agrees with toLowerCase().includes on any text', () => {
  const words = ['ab', 'b', 'abc', 'bca', 'é', 'ß', 'i̇', 'k', 'x', '::', 'a:'];
  const groups = words.map((w) => [w]);
  const index = new WordIndex(groups, 0);
  const letters = fc.constantFrom('a', 'b', 'c', 'A', 'B', 'C', 'É', 'é', 'ß', 'İ', 'I', '\u212a', 'K', ':', 'x', 'X', ' ', 'Σ', '\ud801\udc00');
  fc.assert(
    fc.property(
      fc.array(
        fc.array(letters, { maxLength: 12 }).map((a) => a.join('')),
        { maxLength: 6 },
      ),
      (lines) => {
        const got = index.groupsPerLine(lines);
        lines.forEach((line, n) => {
          const lower = line.toLowerCase();
          const expected = words.flatMap((w, g) => (lower.includes(w) ? [g] : []));
          assert.deepEqual(got[n] ?? [], expected, JSON.stringify(line));
        });
      },
    ),
    { numRuns: 2000 },
  );
});

test('a fresh word index finds a word that starts the first line it reads', () => {
  assert.deepEqual(new WordIndex([['ab'], ['b']], 0).groupsPerLine(['abc']), [[0, 1]]);
  assert.deepEqual(new WordIndex([['ab']], 0).groupsPerLine(['AB']), [[0]]);
});

test('the word index refuses words it could not look for exactly', () => {
  for (const bad of ['Upper', '', 'a\nb', 'σ', '\ud801\udc00']) assert.throws(() => new WordIndex([[bad]]));
});

// Pieces of what the steps look for: ANSI escapes, Slack links (some spanning lines), entities, backticks, key
// blocks, key ids, command lines, pairs; and what could make one out of another (an escape inside a word).
const PIECES = [
  '\x1b[31m',
  '\x1b[0m',
  '[1;32m',
  '\x1b]0;title\x07',
  '<http://db.internal:5432|db>',
  '<https://x.test/a>',
  'x<http://h:1>',
  '<http://a|label\nmore>', '<http://b|', 'label>',
  '<\x1b[1mhttp://h:2>',
  '&lt;',
  '&gt;',
  '&amp;',
  '```',
  '`',
  '\r\n',
  '\r',
  '\n',
  '\\n',
  ' ',
  '\t',
  '"',
  "'",
  '=',
  ':',
  '@',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END RSA PRIVATE KEY-----',
  'PRIVATE\x1b[0m KEY',
  'QUJDRA==',
  'AKIAABCDEFGHIJKLMNOP',
  'AK\x1b[1mIA',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'password=',
  'pass`word=',
  'DB_PASSWORD: ',
  'token=abc123xyz',
  'sig=Zm9v',
  'postgres://u:pw@db:5432/app',
  'mysql -pS3cret',
  'redis-cli -a pw',
  'curl -u me:pw ',
  '--db-password hunter2 ',
  'sshpass -p pw ssh ',
  'AUTH pw',
  '"AUTH" "pw"',
  'Authorization: Bearer abc.def',
  'Cookie: a=b; c=d',
  'Bearer abcdefghij',
  'xoxb-123456-abcdef',
  'eyJabcd.eyJefgh.sig',
  'ghp_abcdefghijklmnopqrstuvwxyz',
  'sk_live_abcdefghijkl',
  'SK0123456789abcdef0123456789abcdef',
  'SG.abcdefghijklmnop.abcdefghijklmnopq',
  'AIzaSyA1234567890abcdefghijklmnopqrstu',
  'https://hooks.slack.com/services/T0/B0/abcdefgh',
  'connect ECONNREFUSED 10.0.0.5:5432',
  'İ',
  'Σ',
];
const pasteish = fc
  .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 40 })
  .map((p) => p.join(''));

test('line by line gives what the steps give one after another over the whole text (generated pastes)', () => {
  const all = [...NORMALIZE_STEPS, ...REDACT_STEPS];
  const together = new Steps(all);
  const normalize = new Steps(NORMALIZE_STEPS);
  const redact = new Steps(REDACT_STEPS);
  fc.assert(
    fc.property(pasteish, (text) => {
      assert.equal(together.run(text), plain(all, text));
      assert.equal(normalize.run(text), plain(NORMALIZE_STEPS, text));
      assert.equal(redact.run(text), plain(REDACT_STEPS, text));
    }),
    { numRuns: 3000 },
  );
});

test('line by line gives what the steps give one after another over the whole text (every fixture)', () => {
  const all = [...NORMALIZE_STEPS, ...REDACT_STEPS];
  const together = new Steps(all);
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.txt'));
  assert.ok(files.length > 100);
  const texts = files.map((f) => readFileSync(join(fixtures, f), 'utf8'));
  for (const text of [...texts, texts.join('\n')]) assert.equal(together.run(text), plain(all, text));
});

test('a change that makes room for a step that crosses lines falls back to running the steps one by one', () => {
  const all = [...NORMALIZE_STEPS, ...REDACT_STEPS];
  // The colour code hides the link until it is removed; then the link's label runs over two lines.
  const text = 'a\n<\x1b[1mhttp://db.internal:5432|the\ndatabase> refused';
  assert.equal(new Steps(all).run(text), 'a\nhttp://db.internal:5432 refused');
  assert.equal(new Steps(all).run(text), plain(all, text));
});

test('a step must say where it can match', () => {
  assert.throws(() => new Steps([{ re: /x/g, replace: '' }]));
  assert.throws(() => new Steps([{ re: /x/, replace: '', words: ['x'] }]));
  assert.throws(() => new Steps([{ re: /x/g, replace: '', guard: /x/g }]));
});
