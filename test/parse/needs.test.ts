// The words a regex needs (src/parse/needs.ts) are a promise: a text without them gives no match. Passes skip
// regexes on the text near the error, and the normalising and redacting steps skip lines, on that promise alone,
// so it is checked here on hand-made cases, on strings made to match each regex, and on every fixture.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../src/parse/index.js';
import { neededAll, neededPerAlternative, neededWords, skippableRegexes, Text } from '../../src/parse/needs.js';
import { NORMALIZE_STEPS } from '../../src/parse/normalize.js';
import { REDACT_STEPS } from '../../src/parse/redact.js';
import { PASTES } from '../root.js';

// Importing the parser loads every pass, so every skippable regex is made by now.
void parse;

/** Every regex that a need lets the parser skip: the passes' ones, and the steps' ones. */
const REGEXES = [...skippableRegexes(), ...[...NORMALIZE_STEPS, ...REDACT_STEPS].map((s) => s.re)].map((re) => new RegExp(re.source, re.flags.replace(/[gy]/g, '')));

/** Whether `text` holds what `re` needs, each way the parser asks it. */
function holds(re: RegExp, text: string): boolean {
  const t = re.ignoreCase ? text.toLowerCase() : text;
  const lower = text.toLowerCase();
  const all = neededAll(re).every((words) => words.some((w) => t.includes(w)));
  const some = neededWords(re)?.some((w) => lower.includes(w)) ?? true;
  const alternative = neededPerAlternative(re)?.some((alt) => alt.every((words) => words.some((w) => lower.includes(w)))) ?? true;
  return all && some && alternative;
}

test('the words read out of a regex: runs of plain characters, small classes, groups, positive look-arounds', () => {
  assert.deepEqual(neededAll(/GuzzleHttp|cURL error \d{1,3}:/), [['GuzzleHttp', 'cURL error ']]);
  assert.deepEqual(neededAll(/^\s{0,4}psql: |^\$?\s?psql\s/m), [['psql: ', 'psql']]);
  assert.deepEqual(neededAll(/AUTH[ \t]{1,4}(?:x|y)?z/i), [['auth'], [' ', '\t'], ['z']]);
  assert.deepEqual(neededAll(/a(?=bc)(?!de)f/), [['a'], ['bc'], ['f']]);
  assert.deepEqual(neededAll(/x{2}y+z?/), [['x'], ['xy'], ['y']]);
  assert.deepEqual(neededAll(/[^a]b[a-z]c[abcdefgh]/), [['b'], ['c']]);
  assert.deepEqual(neededAll(/Os \{ code:/), [['Os { code:']]);
  assert.deepEqual(neededWords(/\bunder (?:heavy )?load\b|\bab -n\b/i), ['under ', 'ab -n']);
  // Per alternative, every list of three characters or more: "new … connection per" needs "new" and "per" too.
  assert.deepEqual(neededPerAlternative(/\bnew (?:client|connection)s? per\b|\bTIME_WAIT\b/i), [[['new '], ['client', 'connection'], [' per']], [['time_wait']]]);
  assert.deepEqual(neededPerAlternative(/a:|long enough/), [[['a:']], [['long enough']]]);
  assert.equal(neededPerAlternative(/\d+|long enough/), null);
  // Nothing to hold on to: an alternative without a literal, a back-reference, the u flag.
  assert.equal(neededWords(/\d+|abc/), null);
  assert.equal(neededWords(/(\d)\1/), null);
  assert.equal(neededWords(/abc/u), null);
  assert.equal(neededWords(/\x41bc/), null);
});

test('a string made to match a regex holds its words, in any case the regex allows', () => {
  let sampled = 0;
  for (const re of REGEXES) {
    let arb: fc.Arbitrary<string>;
    try {
      arb = fc.stringMatching(re);
      fc.sample(arb, 1);
    } catch {
      continue; // syntax the generator does not take (look-behinds, back-references)
    }
    sampled++;
    const flips = fc.array(fc.boolean(), { minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(arb, flips, (s, flip) => {
        // A regex that ignores case matches the string with any letters' case turned over too.
        const t = re.ignoreCase ? Array.from(s, (c, i) => (flip[i % flip.length] ? c.toUpperCase() : c.toLowerCase())).join('') : s;
        return !re.test(t) || holds(re, t);
      }),
      { numRuns: 60 },
    );
  }
  assert.ok(sampled > 50, `${sampled}`);
});

test('every fixture, whole and line by line, in its own case and upper-cased: a match means the words are there', () => {
  const texts: string[] = [];
  for (const f of readdirSync(PASTES).filter((f) => f.endsWith('.txt'))) {
    const t = readFileSync(join(PASTES, f), 'utf8');
    for (const v of [t, t.toUpperCase()]) texts.push(v, ...v.split('\n'));
  }
  for (const re of REGEXES) for (const t of texts) if (re.test(t)) assert.ok(holds(re, t), `${re} matches ${JSON.stringify(t.slice(0, 200))}`);
});

test('Text.test is re.test: on a long text, with and without the words', () => {
  const fixtures = readdirSync(PASTES).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(PASTES, f), 'utf8'));
  const long = [fixtures.join('\n'), fixtures.join('\n').toUpperCase(), 'x'.repeat(20_000), `${'a: b '.repeat(4000)}curl: (7) Failed`];
  for (const text of long) {
    const t = new Text(text);
    for (const re of skippableRegexes()) {
      re.lastIndex = 0;
      const plain = re.test(text);
      re.lastIndex = 0;
      assert.equal(t.test(re), plain, `${re}`);
    }
  }
});
