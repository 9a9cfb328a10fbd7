import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMs } from '../../src/domain/describe.js';
import { blockTextLength, escape, fit, LIMITS, renderBlocks } from '../../src/render/slack/blocks.js';
import { homeView, usageMessage } from '../../src/render/slack/home.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { blockProblems } from './fake-slack.js';
import { healthy, oversized, pastedLocalhost, refusedTwoAddresses } from './fixtures.js';
import { describeMessage, matchSnapshot } from './snapshot.js';

const ctx = { checkValue: 'CHECK-VALUE', feedbackValue: (i: number) => `FB-${i}`, requestedBy: 'U100' };

describe('renderBlocks', () => {
  it('puts the verdict first, then evidence, causes with steps, buttons, and the vantage line', () => {
    const msg = renderBlocks(refusedTwoAddresses, ctx);
    assert.deepEqual(blockProblems(msg.blocks, 'refused'), []);
    const first = msg.blocks[0]!;
    assert.equal(first.type, 'section');
    assert.match(first.type === 'section' ? first.text.text : '', /^:x: \*Nothing is listening on db\.internal:5432/);
    const all = JSON.stringify(msg.blocks);
    assert.match(all, /10\.0\.0\.5:5432 → refused in 0\.4 ms/);
    assert.match(all, /10\.0\.0\.6:5432 → no answer/);
    assert.match(all, /```systemctl status postgresql```/);
    assert.match(all, /DB on-call runbook/);
    const last = msg.blocks.at(-1)!;
    assert.equal(last.type, 'context');
    assert.ok(JSON.stringify(last).includes(`Checked from \`bot-1\` at 2026-11-22 02:30:00 UTC · ${formatMs(3012.4)} · asked by <@U100>`));
    const buttons = msg.blocks.find((b) => b.block_id === BLOCK.buttons);
    assert.ok(buttons && buttons.type === 'actions');
    assert.deepEqual(buttons.elements.map((e) => e.action_id), [ACTION.recheck, ACTION.watch]);
    assert.ok(msg.blocks.some((b) => b.block_id === `${BLOCK.feedback}0`));
    assert.match(msg.text, /^✖ Nothing is listening/);
    matchSnapshot('refused-two-addresses', describeMessage(msg));
  });

  it('says what was not probed and why, with no buttons when none are wanted', () => {
    const msg = renderBlocks(pastedLocalhost, { checkValue: null, note: 'Only you can see this.' });
    assert.deepEqual(blockProblems(msg.blocks, 'local'), []);
    assert.ok(!msg.blocks.some((b) => b.type === 'actions'));
    assert.match(JSON.stringify(msg.blocks), /Not probed: localhost in a paste is the reporter&#39;s machine|Not probed: localhost in a paste is the reporter's machine/);
    matchSnapshot('pasted-localhost', describeMessage(msg));
  });

  it('shows a re-check with what changed', () => {
    const msg = renderBlocks(healthy, { ...ctx, recheck: { by: 'U200', at: '02:40:00 UTC', changes: ['10.0.0.5:5432 was refused, now open'] } });
    const changes = msg.blocks.find((b) => b.block_id === BLOCK.changes);
    assert.ok(changes && changes.type === 'section');
    assert.match(changes.text.text, /10\.0\.0\.5:5432 was refused, now open/);
    assert.match(JSON.stringify(msg.blocks), /Re-checked at 02:40:00 UTC by <@U200>/);
    assert.match(msg.text, /^✔/);
    matchSnapshot('healthy-rechecked', describeMessage(msg));
  });

  it('trims an oversized diagnosis to fit every Block Kit limit instead of failing', () => {
    const d = oversized();
    const started = performance.now();
    const msg = renderBlocks(d, { ...ctx, checkValue: 'v'.repeat(2000) });
    const ms = performance.now() - started;
    assert.deepEqual(blockProblems(msg.blocks, 'oversized'), []);
    assert.ok(msg.blocks.length <= LIMITS.blocks);
    assert.ok(blockTextLength(msg.blocks) <= LIMITS.totalText);
    assert.ok(msg.text.length <= LIMITS.fallbackText);
    // The verdict and the buttons survive trimming: they are the most important parts.
    assert.match(JSON.stringify(msg.blocks[0]), /Everything is wrong/);
    assert.ok(msg.blocks.some((b) => b.block_id === BLOCK.buttons));
    assert.ok(ms < 200, `rendering took ${ms} ms`);
  });

  it('escapes Slack control characters from the engine and keeps code blocks closed when cut', () => {
    assert.equal(escape('<@U1> & <!channel>'), '&lt;@U1&gt; &amp; &lt;!channel&gt;');
    const cut = fit(`start\n\`\`\`${'a\n'.repeat(3000)}`, 500);
    assert.ok(cut.length <= 500);
    assert.equal((cut.match(/```/g) ?? []).length % 2, 0);
    const msg = renderBlocks({ ...refusedTwoAddresses, verdict: 'x <!channel> y' }, ctx);
    assert.doesNotMatch(JSON.stringify(msg), /<!channel>/);
  });
});

describe('usage and home', () => {
  it('usage names every form of the command and fits the limits', () => {
    const msg = usageMessage('"db:99999" is not a TCP port');
    assert.deepEqual(blockProblems(msg.blocks, 'usage'), []);
    const body = JSON.stringify(msg.blocks);
    for (const form of ['/refused db.internal 5432', '/refused db.internal:5432', '/refused https://', '/refused &lt;pasted error&gt;']) assert.ok(body.includes(form), form);
    matchSnapshot('usage', describeMessage(msg));
  });

  it('home shows usage, policy and recent diagnoses', () => {
    const view = homeView({ vantage: 'bot-1', policy: ['Probes run from bot-1.'], recent: [{ at: '2026-11-22 02:30', what: 'db:5432', verdict: 'Nothing listens', channel: 'C100' }] });
    assert.deepEqual(blockProblems(view.blocks, 'home', 100), []);
    assert.match(JSON.stringify(view), /db:5432/);
    matchSnapshot('home', describeMessage({ text: '(home view)', blocks: view.blocks }));
  });
});
