// A diagnosis from several vantage points (issue 14), as people read it: one line per vantage point right under
// the verdict in Slack and in the terminal, the vantage points in the message metadata, a first view that stays
// under LIMITS.firstView with six of them, and not one character changed when there are none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VantageResult } from '../../src/agents/types.js';
import type { Diagnosis, Evidence, Facts } from '../../src/domain/types.js';
import { glance } from '../../src/render/glance.js';
import { LIMITS, renderBlocks, visibleTextLength, type RenderContext } from '../../src/render/slack/blocks.js';
import { diagnosisMetadata } from '../../src/render/slack/metadata.js';
import { renderText } from '../../src/render/text/index.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import { compareVantages } from '../../src/rules/vantage-gap.js';
import { verdict } from '../../src/rules/verdict.js';
import { facts, probePlan, tcp } from '../rules/helpers.js';
import { blockProblems } from '../slack/fake-slack.js';
import { healthy, oversized, pastedLocalhost, refusedTwoAddresses } from '../slack/fixtures.js';

/** A diagnosis as the engine makes it from this evidence: the real rules rank it and write the verdict. */
function diagnosed(host: string, f: Facts, evidence: Evidence[]): Diagnosis {
  const plan = { ...probePlan(f), surface: 'chat' as const };
  const ctx = buildContext(f, evidence, plan);
  const causes = evaluate(RULES, ctx);
  return {
    schemaVersion: 1,
    verdict: verdict(causes, ctx),
    healthy: RULES.find((r) => r.id === causes[0]?.id)?.healthy === true,
    facts: f,
    plan,
    evidence,
    causes,
    vantage: { host, surface: 'chat', at: '2026-11-22T02:30:00.000Z' },
    probed: evidence.some((e) => e.type === 'tcp'),
    durationMs: 4.2,
  };
}

const pg = facts({ host: '10.0.0.5', service: 'postgres', kind: 'refused', errno: 'ECONNREFUSED' });
const refusedHere = diagnosed('refused-bot', pg, [tcp('10.0.0.5', 'refused', { host: '10.0.0.5' })]);
const openThere = diagnosed('office', pg, [tcp('10.0.0.5', 'open', { host: '10.0.0.5', ms: 11 })]);
const refusedThere = diagnosed('k8s-prod', pg, [tcp('10.0.0.5', 'refused', { host: '10.0.0.5' })]);
const answered = (name: string, diagnosis: Diagnosis): VantageResult => ({ name, kind: 'agent', state: 'answered', diagnosis, detail: null, ms: 35 });

const gap = compareVantages(refusedHere, 'refused-bot', [answered('office', openThere)]);

const ctx: RenderContext = { checkValue: 'c'.repeat(900), feedbackValue: () => 'f'.repeat(200), viewValue: () => 'v'.repeat(900), requestedBy: 'U0123456789' };

/** The first section's text: the verdict and the lines under it. */
const head = (d: Diagnosis, c: RenderContext = ctx) => {
  const first = renderBlocks(d, c).blocks[0];
  assert.ok(first?.type === 'section');
  return first.text.text.split('\n');
};

describe('Slack: one line per vantage point under the verdict', () => {
  it('the gap: the verdict says it, then what each place saw (the bot marked "here")', () => {
    assert.deepEqual(head(gap), [
      ':x: *10.0.0.5:5432 answers from office but is refused from refused-bot: the path differs, not the server.*',
      '• refused-bot (here): 10.0.0.5:5432 refused',
      '• office: 10.0.0.5:5432 open',
    ]);
    const msg = renderBlocks(gap, ctx);
    assert.deepEqual(blockProblems(msg.blocks, 'gap'), []);
    const all = JSON.stringify(msg.blocks);
    // The first cause is the gap, with its first step about the rule that admits one source.
    assert.match(all, /\*1\. 10\.0\.0\.5:5432 answers from office but not from refused-bot\* {2}_\(92%\)_/);
    assert.match(all, /Find the rule that admits office but not refused-bot/);
    assert.match(msg.text, /^✖ 10\.0\.0\.5:5432 answers from office but is refused from refused-bot/);
  });

  it('agents that did not probe are listed with what happened to them', () => {
    const d = compareVantages(refusedHere, 'refused-bot', [
      answered('k8s-prod', refusedThere),
      { name: 'office', kind: 'agent', state: 'offline', diagnosis: null, detail: 'not connected', ms: 0 },
      { name: 'lab', kind: 'agent', state: 'timeout', diagnosis: null, detail: null, ms: 8000 },
    ]);
    assert.deepEqual(head(d), [
      `:x: *${refusedHere.verdict.replace(/\.$/, '')}; the same from every vantage point that answered.*`,
      '• refused-bot (here): 10.0.0.5:5432 refused',
      '• k8s-prod: 10.0.0.5:5432 refused',
      '• office: offline (not connected)',
      '• lab: no answer within 8 s',
    ]);
  });

  it('names and words are escaped for mrkdwn', () => {
    const d = compareVantages(refusedHere, 'bot<&>', [{ name: 'a<b>', kind: 'agent', state: 'error', diagnosis: null, detail: 'sent <junk> & more', ms: 1 }]);
    const lines = head(d);
    assert.equal(lines[1], '• bot&lt;&amp;&gt; (here): 10.0.0.5:5432 refused');
    assert.equal(lines[2], '• a&lt;b&gt;: failed: sent &lt;junk&gt; &amp; more');
  });

  it('six vantage points keep the first view under its limit, every one of them shown', () => {
    const names = ['office', 'k8s-prod', 'vpc-eu-west-1', 'vpc-us-east-1', 'datacentre-frankfurt'];
    const others: VantageResult[] = names.map((n, i) => (i % 2 === 0 ? answered(n, openThere) : answered(n, refusedThere)));
    for (const [label, here] of [
      ['refused', refusedHere],
      ['two addresses', refusedTwoAddresses],
      ['healthy', healthy],
      ['pasted localhost', pastedLocalhost],
      ['oversized', oversized()],
    ] as const) {
      const d = compareVantages(here, 'refused-bot', others);
      assert.equal(d.vantages?.length, 6, label);
      const msg = renderBlocks(d, ctx);
      const chars = visibleTextLength(msg);
      assert.ok(chars <= LIMITS.firstView, `${label}: ${chars} characters > ${LIMITS.firstView}`);
      assert.ok(msg.blocks.length < LIMITS.blocks, label);
      assert.deepEqual(blockProblems(msg.blocks, label), []);
      if (label !== 'oversized') {
        const lines = head(d);
        for (const n of ['refused-bot (here)', ...names]) assert.ok(lines.some((l) => l.startsWith(`• ${n}: `)), `${label}: no line for ${n}`);
      }
    }
  });

  it('more vantage points than the first view holds: the rest are counted', () => {
    const others = Array.from({ length: 30 }, (_, i) => answered(`agent-${i}`, openThere));
    const d = compareVantages(oversized(), 'refused-bot', others);
    const msg = renderBlocks(d, ctx);
    assert.ok(visibleTextLength(msg) <= LIMITS.firstView);
    assert.ok(head(d).some((l) => /^_…and \d+ more vantage points_$/.test(l)));
  });

  it('no vantage points: not one character changes', () => {
    for (const d of [refusedTwoAddresses, healthy, pastedLocalhost, refusedHere]) {
      const none: Diagnosis = { ...d, vantages: [] };
      assert.deepEqual(renderBlocks(none, ctx), renderBlocks(d, ctx));
      assert.deepEqual(renderBlocks(none, { checkValue: null }), renderBlocks(d, { checkValue: null }));
      assert.deepEqual(diagnosisMetadata(none), diagnosisMetadata(d));
      assert.equal(renderText(none, { color: false, os: null }), renderText(d, { color: false, os: null }));
      assert.equal(renderText(none, { color: false, os: null, verbose: true }), renderText(d, { color: false, os: null, verbose: true }));
      assert.deepEqual(glance(none), glance(d));
      assert.equal('vantages' in glance(d), false);
    }
  });
});

describe('metadata names the vantage points and what each saw', () => {
  it('name, kind, state, outcome and the first cause (left out when there is none)', () => {
    const d = compareVantages(refusedHere, 'refused-bot', [answered('office', openThere), { name: 'lab', kind: 'agent', state: 'offline', diagnosis: null, detail: null, ms: 0 }]);
    const p = diagnosisMetadata(d).event_payload;
    assert.deepEqual(p.vantages, [
      { name: 'refused-bot', kind: 'bot', state: 'answered', outcome: 'refused', cause: 'not-listening' },
      { name: 'office', kind: 'agent', state: 'answered', outcome: 'open', cause: 'reachable-from-here' },
      { name: 'lab', kind: 'agent', state: 'offline', outcome: 'offline' },
    ]);
    assert.equal(p.cause, 'vantage-gap');
    assert.match(String(p.verdict), /answers from office but is refused from refused-bot/);
  });

  it('stays bounded with many vantage points', () => {
    const others = Array.from({ length: 40 }, (_, i) => answered(`agent-${i}-${'n'.repeat(60)}`, openThere));
    const meta = diagnosisMetadata(compareVantages(refusedHere, 'refused-bot', others));
    assert.ok(JSON.stringify(meta).length <= 4000);
    assert.ok(Array.isArray(meta.event_payload.vantages) && meta.event_payload.vantages.length >= 1);
  });
});

describe('terminal: the same lines', () => {
  it('the first view: the verdict, then a marked line per vantage point', () => {
    const out = renderText(gap, { color: false, os: null, width: 100 }).split('\n');
    assert.equal(out[0], '✖ 10.0.0.5:5432 answers from office but is refused from refused-bot: the path differs, not the');
    const i = out.indexOf('  ✖ refused-bot (here): 10.0.0.5:5432 refused');
    assert.ok(i > 0, out.join('\n'));
    assert.equal(out[i + 1], '  ✔ office: 10.0.0.5:5432 open');
    assert.ok(out.some((l) => l.startsWith('1. 10.0.0.5:5432 answers from office but not from refused-bot (92%)')));
    // The bot's own address line is summed up by its vantage line, not repeated.
    assert.ok(!out.some((l) => l.includes('→ refused in')));
  });

  it('vantage points with nothing to compare get neither mark', () => {
    const d = compareVantages(refusedHere, 'refused-bot', [{ name: 'lab', kind: 'agent', state: 'offline', diagnosis: null, detail: null, ms: 0 }]);
    assert.match(renderText(d, { color: false, os: null }), /\n {2}– lab: offline\n/);
  });

  it('--verbose: a section per vantage point, then the bot\'s own evidence, and the gap\'s evidence side by side', () => {
    const out = renderText(gap, { color: false, os: null, verbose: true, width: 120 });
    assert.match(out, /Seen from each vantage point:\n {2}✖ refused-bot \(here\): 10\.0\.0\.5:5432 refused\n {2}✔ office: 10\.0\.0\.5:5432 open\n\nSeen from refused-bot:\n {2}tcp 10\.0\.0\.5:5432 → refused/);
    assert.match(out, /vantage-gap, 92%\)[\s\S]*· office: 10\.0\.0\.5:5432 open\n {3}· refused-bot \(here\): 10\.0\.0\.5:5432 refused/);
  });
});
