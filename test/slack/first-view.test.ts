// Answers read at a glance (issue #11 part 3): the first view of every diagnosis fixture, the hand-made ones and
// every paste under test/fixtures/pastes (diagnosed from the text alone, and again with every address refusing),
// stays under LIMITS.firstView characters of readable text (every text in the blocks plus the fallback `text`)
// and under Slack's block count, with its buttons for the rest.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { clipPaste } from '../../src/slack/reply.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { LIMITS, renderBlocks, visibleTextLength, type RenderContext } from '../../src/render/slack/blocks.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { blockProblems } from './fake-slack.js';
import { healthy, oversized, pastedLocalhost, refusedTwoAddresses } from './fixtures.js';
import { ROOT } from './root.js';
import { describeMessage, matchSnapshot } from './snapshot.js';

const PASTES = join(ROOT, 'test', 'fixtures', 'pastes');
const at = () => new Date('2026-11-22T02:30:00.000Z');

// A value as long as a real one (a check value is a few hundred to 2000 characters): values are not readable text.
const ctx: RenderContext = {
  checkValue: 'c'.repeat(900),
  feedbackValue: () => 'f'.repeat(200),
  viewValue: () => 'v'.repeat(900),
  requestedBy: 'U0123456789',
};

/** Every address refuses, without a socket: the probes get a resolver and a connect that answer from here. */
const refusing = {
  lookup: async () => [
    { address: '192.0.2.10', family: 4 as const },
    { address: '2001:db8::10', family: 6 as const },
  ],
  resolve4: async () => ['192.0.2.10'],
  resolve6: async () => ['2001:db8::10'],
  connect: async () => {
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
  },
  httpRequest: async () => {
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  },
  checkAddress: () => null,
};

function check(name: string, d: Diagnosis): number {
  const msg = renderBlocks(d, ctx);
  const chars = visibleTextLength(msg);
  assert.ok(chars <= LIMITS.firstView, `${name}: first view has ${chars} characters > ${LIMITS.firstView}`);
  assert.ok(msg.blocks.length < LIMITS.blocks, `${name}: ${msg.blocks.length} blocks`);
  assert.deepEqual(blockProblems(msg.blocks, name), []);
  // The verdict leads; the buttons are there (a view button at least, as soon as there is a cause).
  assert.equal(msg.blocks[0]?.type, 'section', name);
  const buttons = msg.blocks.find((b) => b.block_id === BLOCK.buttons);
  if (d.causes.length > 0) assert.ok(buttons?.type === 'actions' && buttons.elements.some((e) => e.action_id.startsWith(ACTION.view) || e.action_id === ACTION.recheck), `${name}: no buttons`);
  return chars;
}

describe('the first view of every diagnosis fixture fits at a glance', () => {
  it('the hand-made diagnoses, the oversized one included', () => {
    for (const [name, d] of Object.entries({ refusedTwoAddresses, pastedLocalhost, healthy, oversized: oversized() })) check(name, d);
  });

  it('every paste fixture, from the text alone and with every address refusing', async () => {
    const files = readdirSync(PASTES).filter((f) => f.endsWith('.txt'));
    assert.ok(files.length > 100, 'the paste fixtures are there');
    let largest = { name: '', chars: 0 };
    for (const file of files) {
      const text = readFileSync(join(PASTES, file), 'utf8');
      const alone = await diagnose({ type: 'paste', text }, { surface: 'chat', probe: false, hostname: 'bot-1', now: at });
      const probed = await diagnose({ type: 'paste', text }, { surface: 'chat', hostname: 'bot-1', now: at, timeouts: { connectMs: 50, deadlineMs: 2000 }, deps: refusing });
      for (const [how, d] of [
        ['text', alone],
        ['refusing', probed],
      ] as const) {
        const chars = check(`${file} (${how})`, d);
        if (chars > largest.chars) largest = { name: `${file} (${how})`, chars };
      }
    }
    // What a real answer looks like at a glance, for a reviewer: a Django/libpq error whose host refuses on every address.
    const text = readFileSync(join(PASTES, 'python-libpq-title-cut-before-port.txt'), 'utf8');
    const d = await diagnose({ type: 'paste', text }, { surface: 'chat', hostname: 'bot-1', now: at, timeouts: { connectMs: 50, deadlineMs: 2000 }, deps: refusing });
    matchSnapshot('paste-libpq-first-view', describeMessage(renderBlocks({ ...d, durationMs: 12 }, { ...ctx, checkValue: 'CHECK', feedbackValue: () => 'FB', viewValue: () => 'VIEW' })));
    // Printed for the record (the numbers): the longest first view.
    console.log(`longest first view: ${largest.name}, ${largest.chars} characters`);
  });
});

describe('a paste cut at the bot\'s limit', () => {
  const noise = '2024-05-01T10:00:00Z INFO worker: heartbeat ok queue=jobs depth=0 elapsed=3ms\n';
  const paste = `${noise.repeat(2000)}psql: error: connection to server at "db.internal" (192.0.2.10), port 5432 failed: Connection refused\n`;

  it('says what was cut, once, in every view; the first view still fits at a glance', async () => {
    const text = clipPaste({ maxPasteBytes: 40 * 1024 }, paste);
    const d = await diagnose({ type: 'paste', text }, { surface: 'chat', hostname: 'bot-1', now: at, timeouts: { connectMs: 50, deadlineMs: 2000 }, deps: refusing });
    const note = d.facts.notes.find((n) => n.startsWith('The paste was'));
    assert.ok(note, d.facts.notes.join(' | '));
    assert.equal(d.facts.host, 'db.internal', 'the error at the end was read');
    // The hand-made answers carry the same note: the oversized one must still step down under the limits.
    for (const [name, answer] of Object.entries({ cut: d, refusedTwoAddresses, oversized: oversized() })) {
      const withNote = { ...answer, facts: { ...answer.facts, notes: [...answer.facts.notes.filter((n) => n !== note), note] } };
      check(`${name} (cut)`, withNote);
      for (const part of ['first', 'steps', 'causes', 'all'] as const) {
        const msg = renderBlocks(withNote, { ...ctx, view: { part, os: null } });
        const shown: number = JSON.stringify(msg.blocks).split(`:scissors: ${note}`).length - 1;
        assert.equal(shown, 1, `${name}, ${part}: the note shown ${shown} times`);
      }
    }
    // What it looks like, for a reviewer.
    matchSnapshot('paste-cut-first-view', describeMessage(renderBlocks({ ...d, durationMs: 12 }, { ...ctx, checkValue: 'CHECK', feedbackValue: () => 'FB', viewValue: () => 'VIEW' })));
  });

  it('a paste within the limit says nothing about cutting', () => {
    const msg = renderBlocks(refusedTwoAddresses, ctx);
    assert.doesNotMatch(JSON.stringify(msg.blocks), /:scissors:|The paste was/);
  });
});
