// Hints are a closed list (HINTS in domain/types.ts): the parser sets only those, and rules read only those.
// Reads are checked by the compiler (hasHint takes a Hint); what the parser sets is checked here, on every paste.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HINTS, type Hint } from '../../src/domain/types.js';
import { factsFromEndpoint, parse } from '../../src/parse/index.js';
import { hasHint } from '../../src/rules/view.js';
import { PASTES } from '../root.js';
import { facts } from './helpers.js';

const isHint = (h: string): h is Hint => (HINTS as readonly string[]).includes(h) || /^http-\d{3}$/.test(h);

describe('hints', () => {
  it('every hint the parser sets on a paste fixture (or a typed target) is in HINTS', () => {
    const files = readdirSync(PASTES).filter((f) => f.endsWith('.txt'));
    const unknown = new Map<string, string>();
    for (const file of files) {
      for (const h of parse(readFileSync(join(PASTES, file), 'utf8')).hints) if (!isHint(h)) unknown.set(h, file);
    }
    for (const h of factsFromEndpoint('db.internal', 5432).hints) if (!isHint(h)) unknown.set(h, 'a typed target');
    assert.deepEqual([...unknown].map(([h, file]) => `${h} (${file})`), [], 'hints missing from HINTS');
  });

  it('the hints the fixtures expect are in HINTS', () => {
    const expected = JSON.parse(readFileSync(join(PASTES, 'expected.json'), 'utf8')) as Record<string, { hints?: string[]; hintsAbsent?: string[] }>;
    const named = Object.values(expected).flatMap((e) => [...(e.hints ?? []), ...(e.hintsAbsent ?? [])]);
    assert.deepEqual(named.filter((h) => !isHint(h)), []);
  });

  it('hasHint reads the list; a flag nothing sets does not compile', () => {
    const f = facts({ hints: ['in-container', 'http-503'] });
    assert.equal(hasHint(f, 'http-502', 'http-503'), true);
    assert.equal(hasHint(f, 'compose'), false);
    // @ts-expect-error 'x509' is no hint: the parser says 'tls-cert' for every certificate complaint.
    assert.equal(hasHint(f, 'x509'), false);
  });
});
