// A workspace's "Fixed it" / "Didn't help" votes move the causes that fired (src/rules/feedback.ts): the formula,
// the re-ranking, the verdict that follows it, bad stored counts, and the clause that says why a cause moved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose, type DiagnoseOptions } from '../../src/diagnose.js';
import type { Finding } from '../../src/domain/types.js';
import { feedbackWords } from '../../src/render/glance.js';
import { renderBlocks, visibleTextLength, LIMITS } from '../../src/render/slack/blocks.js';
import { renderText } from '../../src/render/text/index.js';
import { applyFeedback, type FeedbackCounts, usableCounts, VOTES_PER_RULE, votedConfidence } from '../../src/rules/feedback.js';
import { RULES } from '../../src/rules/index.js';
import { loopback, type Loopback } from '../engine/helpers.js';
import { oversized } from '../slack/fixtures.js';

const finding = (id: string, confidence: number): Finding => ({
  id,
  confidence,
  title: `${id} title`,
  explanation: `${id} explanation`,
  steps: [],
  evidence: [],
  docs: null,
});
const votes = (entries: Record<string, FeedbackCounts>) => new Map(Object.entries(entries));
const ids = (fs: readonly Finding[]) => fs.map((f) => f.id);
const at = () => new Date('2026-11-22T02:30:00.000Z');

describe('the formula', () => {
  it('k is 10: the rule counts as ten votes', () => {
    assert.equal(VOTES_PER_RULE, 10);
  });

  it("p' = (k·p + fixed) / (k + fixed + notHelped), on numbers", () => {
    assert.equal(votedConfidence(0.7, { fixed: 0, notHelped: 0 }), 0.7);
    assert.equal(votedConfidence(0.5, { fixed: 10, notHelped: 0 }), 0.75); // (5 + 10) / 20
    assert.equal(votedConfidence(0.9, { fixed: 0, notHelped: 5 }), 0.6); // 9 / 15
    assert.equal(votedConfidence(0.6, { fixed: 3, notHelped: 2 }), 0.6); // (6 + 3) / 15
    assert.equal(votedConfidence(0.25, { fixed: 9, notHelped: 0 }), 11.5 / 19);
  });

  it('stays within 0–1 however many votes', () => {
    for (const p of [0, 0.2, 1]) {
      for (const counts of [
        { fixed: 1e9, notHelped: 0 },
        { fixed: 0, notHelped: 1e9 },
        { fixed: 1e9, notHelped: 1e9 },
      ]) {
        const q = votedConfidence(p, counts);
        assert.ok(q >= 0 && q <= 1, `${p} with ${JSON.stringify(counts)} → ${q}`);
      }
    }
  });
});

describe('applyFeedback', () => {
  const causes = [finding('not-listening', 0.7), finding('wrong-port', 0.65), finding('firewall-reject', 0.3)];

  it('a cause with 9 "fixed it" overtakes one slightly above it, and says so in `feedback`', () => {
    const out = applyFeedback(causes, votes({ 'wrong-port': { fixed: 9, notHelped: 0 } }), RULES);
    assert.deepEqual(ids(out), ['wrong-port', 'not-listening', 'firewall-reject']);
    assert.equal(out[0]!.confidence, (6.5 + 9) / 19);
    assert.deepEqual(out[0]!.feedback, { fixed: 9, notHelped: 0, before: 0.65 });
    // The others had no votes: untouched, the same objects.
    assert.equal(out[1], causes[0]);
    assert.equal(out[1]!.feedback, undefined);
    assert.deepEqual(ids(causes), ['not-listening', 'wrong-port', 'firewall-reject'], 'the input is not reordered');
  });

  it('only causes with at least one vote move; 0/0 and ids that did not fire change nothing', () => {
    const feedback = votes({ 'not-listening': { fixed: 0, notHelped: 0 }, 'dns-not-found': { fixed: 50, notHelped: 0 } });
    assert.equal(applyFeedback(causes, feedback, RULES), causes);
    assert.equal(applyFeedback(causes, new Map(), RULES), causes);
    assert.equal(applyFeedback(causes, undefined, RULES), causes);
  });

  it("ties keep the rules' order (the sort is stable)", () => {
    const even = [finding('a', 0.5), finding('b', 0.4), finding('c', 0.5)];
    // b: (4 + 1) / 11 is not 0.5; give it votes that land exactly on 0.5: (4 + 6) / 20.
    const out = applyFeedback(even, votes({ b: { fixed: 6, notHelped: 4 } }), []);
    assert.equal(out[1]!.confidence, 0.5);
    assert.deepEqual(ids(out), ['a', 'b', 'c']);
  });

  it('bad stored counts are ignored, the whole entry: no throw, no skew', () => {
    const bad: unknown[] = [
      { fixed: Number.NaN, notHelped: 0 },
      { fixed: -1, notHelped: 3 },
      { fixed: 2.5, notHelped: 0 },
      { fixed: Number.POSITIVE_INFINITY, notHelped: 0 },
      { fixed: 3, notHelped: Number.NaN },
      { fixed: '9', notHelped: 0 },
      { fixed: 2 ** 60, notHelped: 0 },
      { fixed: 3 },
      null,
      'fixed it',
    ];
    for (const counts of bad) {
      assert.equal(usableCounts(counts), null, JSON.stringify(counts));
      const feedback = new Map([['wrong-port', counts]]) as unknown as ReadonlyMap<string, FeedbackCounts>;
      assert.equal(applyFeedback(causes, feedback, RULES), causes, `${String(JSON.stringify(counts))} moved a cause`);
    }
    // A good entry next to a bad one still counts.
    const mixed = new Map<string, unknown>([
      ['not-listening', { fixed: -4, notHelped: 0 }],
      ['firewall-reject', { fixed: 1, notHelped: 0 }],
    ]) as unknown as ReadonlyMap<string, FeedbackCounts>;
    const out = applyFeedback(causes, mixed, RULES);
    assert.equal(out.find((f) => f.id === 'not-listening')!.confidence, 0.7);
    assert.equal(out.find((f) => f.id === 'firewall-reject')!.confidence, 4 / 11);
  });

  it('a healthy cause (reachable-from-here) does not move; operator rules do', () => {
    const open = [finding('tls-mismatch', 0.9), finding('reachable-from-here', 0.3), finding('ops-vpn-down', 0.2)];
    const out = applyFeedback(open, votes({ 'reachable-from-here': { fixed: 40, notHelped: 0 }, 'ops-vpn-down': { fixed: 2, notHelped: 0 } }), [
      ...RULES,
      { id: 'ops-vpn-down' },
    ]);
    assert.deepEqual(ids(out), ['tls-mismatch', 'ops-vpn-down', 'reachable-from-here']);
    assert.equal(out[2], open[1], 'reachable-from-here untouched');
    assert.equal(out[1]!.confidence, 4 / 12);
  });
});

describe('diagnose() with feedback, against a closed loopback port', () => {
  let lo: Loopback;
  before(async () => {
    lo = await loopback();
  });
  after(() => lo.close());

  const run = (feedback?: DiagnoseOptions['feedback']) =>
    diagnose({ type: 'target', host: '127.0.0.1', port: lo.closedPort }, { surface: 'cli', hostname: 'h', now: at, ...(feedback ? { feedback } : {}) });

  it('5 "didn\'t help" push the top cause down, and the verdict follows the new first cause', async () => {
    const plain = await run();
    assert.deepEqual(ids(plain.causes), ['not-listening', 'firewall-reject', 'wrong-port'], 'what the rules give for a closed port');
    assert.match(plain.verdict, /^Nothing is listening on /);
    // 0.9 → 9 / 15 = 0.6; firewall-reject 0.25 → 11.5 / 19 ≈ 0.605.
    const d = await run(votes({ 'not-listening': { fixed: 0, notHelped: 5 }, 'firewall-reject': { fixed: 9, notHelped: 0 } }));
    assert.deepEqual(ids(d.causes), ['firewall-reject', 'not-listening', 'wrong-port']);
    assert.equal(d.causes[1]!.confidence, 0.6);
    assert.deepEqual(d.causes[1]!.feedback, { fixed: 0, notHelped: 5, before: 0.9 });
    assert.ok(d.verdict.startsWith(d.causes[0]!.title.replace(/[.\s]+$/, '')), d.verdict);
    assert.doesNotMatch(d.verdict, /^Nothing is listening/);
    assert.equal(d.healthy, false);
  });

  it('no feedback, or an empty map: the same Diagnosis as without the option', async () => {
    // Probe timings differ from run to run (in the evidence, its lines and the verdict); everything else must not.
    const timeless = (d: unknown) =>
      JSON.parse(
        JSON.stringify(d)
          .replace(/\d+(?:\.\d+)? ms\b/g, 'N ms')
          .replace(/"(ms|durationMs)":[\d.]+/g, '"$1":0'),
      ) as unknown;
    const without = await run();
    const withEmpty = await run(new Map());
    const withZeroes = await run(votes({ 'not-listening': { fixed: 0, notHelped: 0 } }));
    assert.deepEqual(timeless(withEmpty), timeless(without));
    assert.deepEqual(timeless(withZeroes), timeless(without));
    for (const f of without.causes) assert.equal('feedback' in f, false, 'no feedback field when nothing moved');
  });

  it('no feedback, or an empty map: from the text alone, byte for byte', async () => {
    const text = `Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`;
    const opts = { surface: 'chat', probe: false, hostname: 'bot-1', now: at } as const;
    const without = await diagnose({ type: 'paste', text }, opts);
    const withEmpty = await diagnose({ type: 'paste', text }, { ...opts, feedback: new Map() });
    assert.ok(without.causes.length > 1, 'a paste with causes to move');
    assert.equal(JSON.stringify({ ...withEmpty, durationMs: 0 }), JSON.stringify({ ...without, durationMs: 0 }));
    assert.deepEqual({ ...withEmpty, durationMs: 0 }, { ...without, durationMs: 0 });
  });

  it('the Slack message and the terminal text say why a cause moved, next to its percentage', async () => {
    const d = await run(
      votes({ 'not-listening': { fixed: 0, notHelped: 5 }, 'firewall-reject': { fixed: 12, notHelped: 1 }, 'wrong-port': { fixed: 1, notHelped: 2 } }),
    );
    assert.deepEqual(ids(d.causes), ['firewall-reject', 'not-listening', 'wrong-port'], '(2.5 + 12) / 23 ≈ 0.63 > 0.6');
    assert.equal(feedbackWords(d.causes[0]!), "fixed it 12 times here, didn't help once");
    const slack = renderBlocks(d, { checkValue: 'c', viewValue: () => 'v', feedbackValue: () => 'f' });
    const blocks = JSON.stringify(slack.blocks);
    assert.match(blocks, /_\(\d+%: fixed it 12 times here, didn't help once\)_/);
    assert.match(blocks, /_\(60%: didn't help 5 times here\)_/);
    assert.match(blocks, /_\(\d+%: fixed it once here, didn't help twice\)_/);
    assert.ok(visibleTextLength(slack) <= LIMITS.firstView);
    const text = renderText(d, { color: false, os: 'linux', width: 200 });
    assert.match(text, /\n1\. .+ \(\d+%: fixed it 12 times here, didn't help once\)\n/);
    assert.match(text, /\n2\. .+ \(60%: didn't help 5 times here\)\n/);
    const verbose = renderText(d, { color: false, os: 'linux', width: 200, verbose: true });
    assert.match(verbose, /\(not-listening, 60%: didn't help 5 times here\)/);
    // --json is the Diagnosis itself: the counts and the rule's own confidence are in it.
    const json = JSON.parse(JSON.stringify(d)) as typeof d;
    assert.deepEqual(json.causes.find((f) => f.id === 'wrong-port')!.feedback, { fixed: 1, notHelped: 2, before: 0.2 });
  });
});

describe('diagnose() with feedback, against an open loopback port', () => {
  let lo: Loopback;
  before(async () => {
    lo = await loopback();
  });
  after(() => lo.close());

  it('votes leave a healthy answer healthy (reachable-from-here does not move)', async () => {
    const opts = { surface: 'cli', hostname: 'h', now: at, timeouts: { bannerMs: 300 } } as const;
    const d = await diagnose(
      { type: 'target', host: '127.0.0.1', port: lo.openPort },
      { ...opts, feedback: votes({ 'reachable-from-here': { fixed: 0, notHelped: 50 } }) },
    );
    assert.deepEqual(ids(d.causes), ['reachable-from-here']);
    assert.equal(d.causes[0]!.confidence, 0.85);
    assert.equal(d.healthy, true);
  });
});

describe('the first view keeps its size with a clause on every cause', () => {
  it('the oversized fixture, every cause voted on with three-digit counts', () => {
    const d = oversized();
    const voted = { ...d, causes: d.causes.map((f) => ({ ...f, feedback: { fixed: 123, notHelped: 456, before: f.confidence } })) };
    const msg = renderBlocks(voted, { checkValue: 'c'.repeat(900), viewValue: () => 'v'.repeat(900), feedbackValue: () => 'f'.repeat(200) });
    assert.ok(visibleTextLength(msg) <= LIMITS.firstView, `${visibleTextLength(msg)} characters`);
    assert.match(JSON.stringify(msg.blocks), /fixed it 123 times here, didn't help 456 times/);
  });
});
