// No finding shown to a person may carry a template hole ("<openPort>") where a value belongs. A value the
// paste did not tell (<host>, <port> …) may stay as a readable blank for the person to fill in.
const READABLE_BLANKS = new Set(['host', 'port', 'address', 'service', 'client', 'target', 'endpoint', 'subject']);
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { RULES } from '../../src/rules/index.js';
import { PASTES } from '../root.js';

const fixtures = PASTES;

/** Every {name} a rule's title, explanation or steps use. */
function placeholderNames(): Set<string> {
  const names = new Set<string>();
  for (const rule of RULES) {
    const texts = [rule.title, rule.explanation, ...rule.steps.flatMap((s) => [s.text, ...(s.commands ?? []).map((c) => c.run)])];
    for (const t of texts) for (const m of t.matchAll(/(?<!\{)\{([a-zA-Z]+)\}(?!\})/g)) names.add(m[1]!);
  }
  return names;
}

test('findings for every fixture paste, on both surfaces, have no unfilled placeholders', async () => {
  const names = placeholderNames();
  assert.ok(names.has('host') && names.has('port'), 'the scan finds the placeholders');
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.txt'));
  assert.ok(files.length >= 60);
  for (const file of files) {
    const text = readFileSync(join(fixtures, file), 'utf8');
    for (const surface of ['cli', 'chat'] as const) {
      const d = await diagnose({ type: 'paste', text }, { surface, probe: false });
      const shown = JSON.stringify(d.causes.map((c) => [c.title, c.explanation, c.steps]));
      for (const m of shown.matchAll(/<([a-zA-Z]+)>/g)) {
        assert.ok(!names.has(m[1]!) || READABLE_BLANKS.has(m[1]!), `${file} (${surface}): unfilled <${m[1]}> in ${d.causes.map((c) => c.id).join(', ')}`);
      }
    }
  }
});
