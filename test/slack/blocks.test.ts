import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMs } from '../../src/domain/describe.js';
import { blockTextLength, escape, fit, LIMITS, renderBlocks, visibleTextLength, type Block, type SlackMessage } from '../../src/render/slack/blocks.js';
import { homeView, usageMessage } from '../../src/render/slack/home.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { blockProblems } from './fake-slack.js';
import { healthy, oversized, pastedLocalhost, refusedTwoAddresses } from './fixtures.js';
import { describeMessage, matchSnapshot } from './snapshot.js';

const viewValue = (v: { part: string; os: string | null }) => `VIEW-${v.part}-${v.os ?? 'own'}`;
const ctx = { checkValue: 'CHECK-VALUE', feedbackValue: (i: number) => `FB-${i}`, requestedBy: 'U100', viewValue };

const sectionText = (b: Block | undefined) => (b?.type === 'section' ? b.text.text : '');
const buttonsOf = (msg: SlackMessage) => {
  const block = msg.blocks.find((b) => b.block_id === BLOCK.buttons);
  return block?.type === 'actions' ? block.elements : [];
};

describe('renderBlocks: the first view', () => {
  it('puts the verdict with one line per address, the first cause cut down, the others in a line each, buttons, the vantage line', () => {
    const msg = renderBlocks(refusedTwoAddresses, ctx);
    assert.deepEqual(blockProblems(msg.blocks, 'refused'), []);
    const head = sectionText(msg.blocks[0]);
    assert.match(head, /^:x: \*Nothing is listening on db\.internal:5432/);
    assert.match(head, /\n• 10\.0\.0\.5:5432 → refused in 0\.4 ms · 5433 open \(postgres\)\n• 10\.0\.0\.6:5432 → no answer \(ETIMEDOUT\) after 3 s$/);
    const all = JSON.stringify(msg.blocks);
    // One OS, named: systemctl (Linux), not brew (macOS).
    assert.match(all, /Commands for Linux \(the error names no OS\)/);
    assert.match(all, /```systemctl status postgresql```/);
    assert.doesNotMatch(all, /brew services/);
    // The other causes are one line each; their steps and the runbook wait for Other causes.
    assert.match(all, /2\. Something listens on 5433 instead _\(60%\)_\\n3\. A firewall drops packets to 10\.0\.0\.6 _\(40%\)_/);
    assert.doesNotMatch(all, /DB on-call runbook|Point the client at port 5433/);
    const last = msg.blocks.at(-1)!;
    assert.equal(last.type, 'context');
    assert.ok(JSON.stringify(last).includes(`Checked from \`bot-1\` at 2026-11-22 02:30:00 UTC · ${formatMs(3012.4)} · asked by <@U100>`));
    assert.deepEqual(
      buttonsOf(msg).map((e) => [e.action_id, e.text.text, e.value]),
      [
        [ACTION.recheck, ':repeat: Re-check', 'CHECK-VALUE'],
        [ACTION.watch, ':eyes: Watch', 'CHECK-VALUE'],
        [`${ACTION.view}steps`, 'All steps', 'VIEW-steps-own'],
        [`${ACTION.view}causes`, 'Other causes', 'VIEW-causes-own'],
        [`${ACTION.view}os_macos`, 'Commands for macOS', 'VIEW-first-macos'],
        [`${ACTION.view}os_windows`, 'Commands for Windows', 'VIEW-first-windows'],
      ],
    );
    assert.ok(msg.blocks.some((b) => b.block_id === `${BLOCK.feedback}0`));
    assert.ok(!msg.blocks.some((b) => b.block_id === `${BLOCK.feedback}1`));
    assert.match(msg.text, /^✖ Nothing is listening/);
    assert.ok(visibleTextLength(msg) <= LIMITS.firstView);
    matchSnapshot('refused-two-addresses', describeMessage(msg));
  });

  it('shows the commands of the OS asked for, and offers the other two', () => {
    const msg = renderBlocks(refusedTwoAddresses, { ...ctx, view: { part: 'first', os: 'macos' } });
    const all = JSON.stringify(msg.blocks);
    assert.match(all, /_Commands for macOS_/);
    assert.match(all, /```brew services list```/);
    assert.doesNotMatch(all, /systemctl/);
    assert.deepEqual(
      buttonsOf(msg).filter((e) => e.action_id.includes('_os_')).map((e) => e.value),
      ['VIEW-first-linux', 'VIEW-first-windows'],
    );
    matchSnapshot('refused-two-addresses-macos', describeMessage(msg));
  });

  it('offers no other OS when no command depends on the OS, and no Other causes for a single cause', () => {
    const msg = renderBlocks(healthy, ctx);
    assert.deepEqual(
      buttonsOf(msg).map((e) => e.action_id),
      [ACTION.recheck, ACTION.watch],
    );
    assert.doesNotMatch(JSON.stringify(msg.blocks), /Commands for/);
  });
});

describe('renderBlocks: the other views', () => {
  it('All steps: the first cause in full (explanation, every step, why, docs), Show less, the others still one line each', () => {
    const msg = renderBlocks(refusedTwoAddresses, { ...ctx, view: { part: 'steps', os: null } });
    assert.deepEqual(blockProblems(msg.blocks, 'steps'), []);
    const all = JSON.stringify(msg.blocks);
    assert.match(all, /Why: tcp 10\.0\.0\.5:5432 → refused in 0\.4 ms/);
    assert.match(all, /Docs: <https:\/\/www\.postgresql\.org/);
    assert.deepEqual(
      buttonsOf(msg).map((e) => [e.text.text, e.value]).slice(2, 4),
      [
        ['Show less', 'VIEW-first-own'],
        ['Other causes', 'VIEW-causes-own'],
      ],
    );
    matchSnapshot('refused-two-addresses-steps', describeMessage(msg));
  });

  it('Other causes: the first cause as a line, every other one in full with its runbook, Show less', () => {
    const msg = renderBlocks(refusedTwoAddresses, { ...ctx, view: { part: 'causes', os: 'windows' } });
    assert.deepEqual(blockProblems(msg.blocks, 'causes'), []);
    const all = JSON.stringify(msg.blocks);
    assert.match(all, /DB on-call runbook/);
    assert.match(all, /Point the client at port 5433/);
    assert.match(all, /psql -h db\.internal -p 5433/);
    assert.ok(msg.blocks.some((b) => b.block_id === `${BLOCK.feedback}1`));
    assert.ok(msg.blocks.some((b) => b.block_id === `${BLOCK.feedback}2`));
    assert.deepEqual(
      buttonsOf(msg).map((e) => [e.text.text, e.value]).slice(2),
      [
        ['All steps', 'VIEW-steps-windows'],
        ['Show less', 'VIEW-first-windows'],
        ['Commands for Linux', 'VIEW-causes-linux'],
        ['Commands for macOS', 'VIEW-causes-macos'],
      ],
    );
    matchSnapshot('refused-two-addresses-causes', describeMessage(msg));
  });

  it('without view buttons (an ephemeral answer) shows every part at once, for one OS, and says Not probed once', () => {
    const msg = renderBlocks(pastedLocalhost, { checkValue: null, note: 'Only you can see this.' });
    assert.deepEqual(blockProblems(msg.blocks, 'local'), []);
    assert.ok(!msg.blocks.some((b) => b.type === 'actions'));
    const all = JSON.stringify(msg.blocks);
    assert.equal(all.match(/not probed/gi)?.length, 1);
    assert.match(all, /Not probed: localhost in a paste is the reporter's machine/);
    assert.match(all, /```ss -ltn \| grep 5432```/);
    assert.doesNotMatch(all, /findstr|lsof/);
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

  it('trims an oversized diagnosis to fit every Block Kit limit in every view instead of failing', () => {
    const d = oversized();
    for (const part of ['first', 'steps', 'causes', 'all'] as const) {
      const msg = renderBlocks(d, { ...ctx, checkValue: 'v'.repeat(2000), viewValue: () => 'w'.repeat(2000), view: { part, os: null } });
      assert.deepEqual(blockProblems(msg.blocks, `oversized ${part}`), []);
      assert.ok(msg.blocks.length <= LIMITS.blocks);
      assert.ok(blockTextLength(msg.blocks) <= LIMITS.totalText);
      assert.ok(msg.text.length <= LIMITS.fallbackText);
      // The verdict and the buttons survive trimming: they are the most important parts.
      assert.match(JSON.stringify(msg.blocks[0]), /Everything is wrong/);
      assert.ok(msg.blocks.some((b) => b.block_id === BLOCK.buttons), part);
    }
  });

  it('escapes Slack control characters from the engine and keeps code blocks closed when cut', () => {
    assert.equal(escape('<@U1> & <!channel>'), '&lt;@U1&gt; &amp; &lt;!channel&gt;');
    const cut = fit(`start\n\`\`\`${'a\n'.repeat(3000)}`, 500);
    assert.ok(cut.length <= 500);
    assert.equal((cut.match(/```/g) ?? []).length % 2, 0);
    for (const part of ['first', 'steps', 'causes', 'all'] as const) {
      const msg = renderBlocks({ ...refusedTwoAddresses, verdict: 'x <!channel> y' }, { ...ctx, view: { part, os: null } });
      assert.doesNotMatch(JSON.stringify(msg), /<!channel>/);
    }
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
