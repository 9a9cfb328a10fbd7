// vantage-gap (issue 14): the target answers from one vantage point and fails from another. The rule's own table
// (quiet in every single-vantage run), then compareVantages on diagnoses the real engine made: real sockets on
// loopback for open and refused, injected resolvers and connects for DNS trouble and timeouts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { VantageResult } from '../../src/agents/types.js';
import { diagnose, type DiagnoseOptions } from '../../src/diagnose.js';
import type { Diagnosis, VantageSummary } from '../../src/domain/types.js';
import { compareVantages, findGap, vantageGap, type VantageRuleContext } from '../../src/rules/vantage-gap.js';
import { loopback, type Loopback } from '../engine/helpers.js';
import { healthy, refusedTwoAddresses } from '../slack/fixtures.js';
import { ctx, dns, facts, ruleCases, tcp } from './helpers.js';

// ---------------------------------------------------------------------------------------------------
// The rule table: what its predicate reads is the vantage points beside the context.

const v = (name: string, outcome: VantageSummary['outcome'], over: Partial<VantageSummary> = {}): VantageSummary => ({
  name, kind: 'agent', state: 'answered', outcome, saw: `10.0.0.5:5432 ${outcome}`, resolved: [], cause: null, ms: 12, ...over,
});
const bot = (outcome: VantageSummary['outcome'], over: Partial<VantageSummary> = {}) => v('refused-bot', outcome, { kind: 'bot', ...over });
const pg = facts({ host: '10.0.0.5', service: 'postgres' });
const withVantages = (vantages: VantageSummary[], evidence = [tcp('10.0.0.5', 'refused')]): VantageRuleContext => ({ ...ctx(pg, evidence), vantages });

ruleCases(vantageGap, {
  fires: [
    { name: 'open from an agent, refused here', ctx: withVantages([bot('refused'), v('office', 'open')]), min: 0.9, evidence: /^office: 10\.0\.0\.5:5432 open$/, vars: { answers: 'office', fails: 'refused-bot', routeAddress: '10.0.0.5' } },
    { name: 'open here, not answering from an agent', ctx: withVantages([bot('open'), v('k8s-prod', 'timeout')], [tcp('10.0.0.5', 'open')]), min: 0.9, evidence: /refused-bot \(here\)/, vars: { answers: 'refused-bot', fails: 'k8s-prod' } },
    {
      name: 'the name resolves differently: split DNS is part of the evidence',
      ctx: withVantages([bot('refused', { resolved: ['10.1.0.5'] }), v('office', 'open', { resolved: ['10.0.0.5'] })]),
      evidence: /^DNS differs: 10\.0\.0\.5 from office; 10\.1\.0\.5 from refused-bot$/,
      vars: { dnsSplit: '10.0.0.5 from office; 10.1.0.5 from refused-bot', dnsApart: 'yes' },
    },
    { name: 'the lookup fails from an agent', ctx: withVantages([bot('open'), v('vpn', 'dns-failed')], [tcp('10.0.0.5', 'open')]), vars: { dnsFailed: 'vpn' } },
  ],
  quiet: [
    { name: 'a single run: no vantage points beside it', ctx: ctx(pg, [tcp('10.0.0.5', 'refused')]) },
    { name: 'a single run where it answers', ctx: ctx(pg, [dns('db.internal', ['10.0.0.5']), tcp('10.0.0.5', 'open')]) },
    { name: 'all refused', ctx: withVantages([bot('refused'), v('office', 'refused')]) },
    { name: 'refused here, not answering there: both fail', ctx: withVantages([bot('refused'), v('office', 'timeout')]) },
    { name: 'an offline agent', ctx: withVantages([bot('refused'), v('office', 'offline', { state: 'offline' })]) },
    { name: 'an agent that did not answer in time', ctx: withVantages([bot('refused'), v('office', 'no-answer', { state: 'timeout' })]) },
    { name: "an agent whose policy would not probe", ctx: withVantages([bot('refused'), v('office', 'not-probed', { state: 'refused' })]) },
    // The state decides: whatever an agent that was refused or failed carries, it is not a vantage point that probed.
    { name: 'an open outcome from a refused agent', ctx: withVantages([bot('refused'), v('office', 'open', { state: 'refused' })]) },
  ],
});

describe('findGap', () => {
  it('groups the places by what they saw, and leaves out the ones that did not probe', () => {
    const gap = findGap([bot('refused'), v('office', 'open'), v('k8s', 'open'), v('lab', 'offline', { state: 'offline' }), v('ci', 'unreachable')]);
    assert.ok(gap);
    assert.deepEqual(gap.up.map((x) => x.name), ['office', 'k8s']);
    assert.deepEqual(gap.down.map((x) => x.name), ['refused-bot', 'ci']);
    assert.equal(gap.dnsSplit, null);
  });
});

// ---------------------------------------------------------------------------------------------------
// compareVantages on the engine's own diagnoses.

let lo: Loopback;
let refusedHere: Diagnosis;
let openThere: Diagnosis;
let refusedThere: Diagnosis;
let openHere: Diagnosis;

const at = () => new Date('2026-11-22T10:00:00Z');
const run = (port: number, hostname: string, over: Partial<DiagnoseOptions> = {}) =>
  diagnose({ type: 'target', host: '127.0.0.1', port }, { surface: 'cli', hostname, now: at, timeouts: { bannerMs: 200 }, ...over });

const answered = (name: string, diagnosis: Diagnosis, ms = 40): VantageResult => ({ name, kind: 'agent', state: 'answered', diagnosis, detail: null, ms });

before(async () => {
  lo = await loopback();
  [refusedHere, openThere, refusedThere, openHere] = await Promise.all([
    run(lo.closedPort, 'refused-bot'),
    run(lo.openPort, 'office'),
    run(lo.closedPort, 'office'),
    run(lo.openPort, 'refused-bot'),
  ]);
});
after(() => lo.close());

describe('compareVantages', () => {
  it('the engine gives the two halves: refused and open', () => {
    assert.equal(refusedHere.causes[0]?.id, 'not-listening');
    assert.equal(openThere.causes[0]?.id, 'reachable-from-here');
    assert.equal(openThere.healthy, true);
  });

  it('open from an agent, refused here: vantage-gap first, the verdict says where it answers and where not', () => {
    const d = compareVantages(refusedHere, 'refused-bot', [answered('office', openThere)]);
    const target = `127.0.0.1:${lo.closedPort}`;
    assert.equal(d.causes[0]?.id, 'vantage-gap');
    assert.ok(Math.abs(d.causes[0]!.confidence - 0.92) < 1e-9);
    // The bot's own causes follow, in their order.
    assert.deepEqual(d.causes.slice(1).map((c) => c.id), refusedHere.causes.map((c) => c.id));
    assert.equal(d.healthy, false);
    // The agent probed the open port, the bot the closed one: the verdict's target is the bot's.
    assert.equal(d.verdict, `${target} answers from office but is refused from refused-bot: the path differs, not the server.`);
    assert.deepEqual(d.vantages?.map((x) => [x.name, x.kind, x.state, x.outcome, x.cause]), [
      ['refused-bot', 'bot', 'answered', 'refused', 'not-listening'],
      ['office', 'agent', 'answered', 'open', 'reachable-from-here'],
    ]);
    assert.equal(d.vantages?.[0]?.saw, `127.0.0.1:${lo.closedPort} refused`);
    assert.equal(d.vantages?.[1]?.saw, `127.0.0.1:${lo.openPort} open`);
    assert.equal(d.vantages?.[1]?.ms, 40);
    // Evidence side by side: one line per vantage point that probed.
    assert.deepEqual(d.causes[0]!.evidence, [`office: 127.0.0.1:${lo.openPort} open`, `refused-bot (here): 127.0.0.1:${lo.closedPort} refused`]);
    // The steps: the rule that admits one source, the route from each side; no DNS step when DNS agrees.
    const steps = d.causes[0]!.steps.map((s) => s.text);
    assert.match(steps[0]!, /admits office but not refused-bot: a firewall .* security group .* NetworkPolicy/);
    assert.ok(steps.some((s) => s.startsWith('Compare the route to 127.0.0.1 on each side')));
    assert.ok(d.causes[0]!.steps.flatMap((s) => s.commands).some((c) => c.run === 'ip route get 127.0.0.1' && c.os === 'linux'));
    assert.ok(!steps.some((s) => /resolves differently|does not resolve/.test(s)));
    // Every placeholder filled (an unfilled one reads <name>).
    assert.doesNotMatch(JSON.stringify(d.causes[0]), /<[A-Za-z]+>/);
    // The rest of the diagnosis is the bot's.
    assert.equal(d.facts, refusedHere.facts);
    assert.equal(d.evidence, refusedHere.evidence);
    assert.deepEqual(d.vantage, refusedHere.vantage);
  });

  it('the reverse: open here, refused from an agent', () => {
    const d = compareVantages(openHere, 'refused-bot', [answered('office', refusedThere)]);
    assert.equal(d.causes[0]?.id, 'vantage-gap');
    assert.equal(d.causes[1]?.id, 'reachable-from-here');
    assert.equal(d.healthy, false, 'the first cause is no longer "all is well"');
    assert.match(d.verdict, /^127\.0\.0\.1:\d+ answers from refused-bot but is refused from office: the path differs, not the server\.$/);
    assert.equal(d.causes[0]!.title, `127.0.0.1:${lo.openPort} answers from refused-bot but not from office`);
  });

  it('not answering from an agent (a silent drop), open here', async () => {
    const timeout = await run(lo.openPort, 'k8s-prod', {
      timeouts: { connectMs: 50, bannerMs: 50 },
      deps: {
        connect: async () => {
          throw Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' });
        },
      },
    });
    assert.equal(timeout.evidence.find((e) => e.type === 'tcp')?.outcome, 'timeout');
    const d = compareVantages(openHere, 'refused-bot', [answered('k8s-prod', timeout)]);
    assert.equal(d.causes[0]?.id, 'vantage-gap');
    assert.match(d.verdict, /answers from refused-bot but gets no answer from k8s-prod: the path differs/);
    assert.equal(d.vantages?.[1]?.outcome, 'timeout');
    assert.match(d.vantages?.[1]?.saw ?? '', /not answering$/);
  });

  it('the name does not resolve from an agent: the verdict and the first step are about DNS', async () => {
    const notFound = {
      lookup: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND db.corp'), { code: 'ENOTFOUND' });
      },
      resolve4: async () => [],
      resolve6: async () => [],
    };
    const resolves = { lookup: async () => [{ address: '127.0.0.1', family: 4 as const }], resolve4: async () => ['127.0.0.1'], resolve6: async () => [] };
    const byName = (hostname: string, deps: DiagnoseOptions['deps']) =>
      diagnose({ type: 'target', host: 'db.corp', port: lo.openPort }, { surface: 'cli', hostname, now: at, timeouts: { bannerMs: 200 }, deps });
    const [here, there] = await Promise.all([byName('refused-bot', resolves), byName('vpn', notFound)]);
    const d = compareVantages(here, 'refused-bot', [answered('vpn', there)]);
    assert.equal(d.causes[0]?.id, 'vantage-gap');
    assert.equal(d.verdict, `db.corp:${lo.openPort} answers from refused-bot but does not resolve from vpn: DNS differs, not the server.`);
    assert.equal(d.vantages?.[1]?.outcome, 'dns-failed');
    assert.equal(d.vantages?.[1]?.saw, 'db.corp not found (ENOTFOUND)');
    assert.deepEqual(d.vantages?.[0]?.resolved, ['127.0.0.1']);
    assert.match(d.causes[0]!.steps[0]!.text, /^db\.corp does not resolve from vpn/);
    assert.ok(d.causes[0]!.steps[0]!.commands.some((c) => c.run === 'getent ahosts db.corp'));
    assert.doesNotMatch(JSON.stringify(d.causes[0]), /<[A-Za-z]+>/);
  });

  it('split DNS: the name gives other addresses elsewhere; said in the evidence, and the first step is about DNS', async () => {
    // 127.0.0.2 is loopback too, but nothing listens there on this port: the name leads the bot to a refusal.
    const to = (address: string) => ({ lookup: async () => [{ address, family: 4 as const }], resolve4: async () => [address], resolve6: async () => [] });
    const byName = (hostname: string, address: string) =>
      diagnose({ type: 'target', host: 'db.corp', port: lo.openPort }, { surface: 'cli', hostname, now: at, timeouts: { bannerMs: 200 }, deps: to(address) });
    const [here, there] = await Promise.all([byName('refused-bot', '127.0.0.2'), byName('office', '127.0.0.1')]);
    assert.equal(here.vantages, undefined);
    const d = compareVantages(here, 'refused-bot', [answered('office', there)]);
    assert.equal(d.causes[0]?.id, 'vantage-gap');
    assert.match(d.verdict, /answers from office but is refused from refused-bot: DNS differs, not the server\.$/);
    assert.ok(d.causes[0]!.evidence.includes('DNS differs: 127.0.0.1 from office; 127.0.0.2 from refused-bot'));
    assert.match(d.causes[0]!.steps[0]!.text, /^The name resolves differently: 127\.0\.0\.1 from office; 127\.0\.0\.2 from refused-bot\./);
    // The route to trace is the one the failing side takes.
    assert.ok(d.causes[0]!.steps.some((s) => s.text.startsWith('Compare the route to 127.0.0.2')));
  });

  it('names that overlap: an address refused here answers there, so the path differs; the DNS difference is still said', () => {
    // Here db.internal is 10.0.0.5 (refused) and 10.0.0.6 (no answer); from office it is 10.0.0.5 alone, and open.
    const d = compareVantages(refusedTwoAddresses, 'bot-1', [answered('office', healthy)]);
    assert.equal(d.verdict, 'db.internal:5432 answers from office but is refused from bot-1: the path differs, not the server.');
    assert.ok(d.causes[0]!.evidence.includes('DNS differs: 10.0.0.5 from office; 10.0.0.5, 10.0.0.6 from bot-1'));
    // The first step is the rule that admits one source; the DNS difference gets a step of its own further down.
    const steps = d.causes[0]!.steps.map((s) => s.text);
    assert.match(steps[0]!, /^Find the rule that admits office but not bot-1/);
    assert.ok(!steps.some((s) => s.startsWith('The name resolves differently')));
    assert.ok(steps.some((s) => s.startsWith('The name also resolves to other addresses on each side (10.0.0.5 from office; 10.0.0.5, 10.0.0.6 from bot-1)')));
    assert.equal(d.vantages?.[0]?.saw, '10.0.0.5:5432 refused, 10.0.0.6:5432 not answering');
  });

  it('every vantage point agrees: no gap, the bot\'s own causes, and the verdict says it is the same everywhere', () => {
    const d = compareVantages(refusedHere, 'refused-bot', [answered('office', refusedThere)]);
    assert.deepEqual(d.causes, refusedHere.causes);
    assert.equal(d.healthy, refusedHere.healthy);
    assert.equal(d.verdict, `${refusedHere.verdict.replace(/\.$/, '')}; the same from every vantage point.`);
    assert.deepEqual(d.vantages?.map((x) => x.outcome), ['refused', 'refused']);
    const healthy = compareVantages(openHere, 'refused-bot', [answered('office', openThere)]);
    assert.equal(healthy.healthy, true);
    assert.equal(healthy.causes[0]?.id, 'reachable-from-here');
    assert.match(healthy.verdict, /; the same from every vantage point\.$/);
  });

  it('an offline agent and a policy-refused agent are listed but never make a gap', async () => {
    const refusedByPolicy = await diagnose({ type: 'target', host: '127.0.0.1', port: lo.openPort }, { surface: 'chat', hostname: 'k8s-prod', now: at });
    assert.equal(refusedByPolicy.probed, false);
    const others: VantageResult[] = [
      { name: 'office', kind: 'agent', state: 'offline', diagnosis: null, detail: 'not connected since 09:12 UTC', ms: 0 },
      { name: 'k8s-prod', kind: 'agent', state: 'refused', diagnosis: refusedByPolicy, detail: null, ms: 30 },
      { name: 'lab', kind: 'agent', state: 'timeout', diagnosis: null, detail: 'no answer within the deadline', ms: 8000 },
      { name: 'ci', kind: 'agent', state: 'error', diagnosis: null, detail: 'sent something that is not a diagnosis', ms: 5 },
    ];
    const d = compareVantages(refusedHere, 'refused-bot', others);
    assert.deepEqual(d.causes, refusedHere.causes);
    assert.deepEqual(d.vantages?.map((x) => [x.name, x.state, x.outcome]), [
      ['refused-bot', 'answered', 'refused'],
      ['office', 'offline', 'offline'],
      ['k8s-prod', 'refused', 'not-probed'],
      ['lab', 'timeout', 'no-answer'],
      ['ci', 'error', 'error'],
    ]);
    assert.equal(d.vantages?.[1]?.saw, 'offline (not connected since 09:12 UTC)');
    assert.match(d.vantages?.[2]?.saw ?? '', /^not probed: /);
    assert.equal(d.vantages?.[3]?.saw, 'no answer within 8 s');
    assert.equal(d.vantages?.[4]?.saw, 'failed: sent something that is not a diagnosis');
    // Nobody else probed, so nothing to agree with: the verdict is the bot's own.
    assert.equal(d.verdict, refusedHere.verdict);
    // The same agents beside one that answers open: that one makes the gap, the others stay listed.
    const g = compareVantages(refusedHere, 'refused-bot', [...others, answered('vpn', openThere)]);
    assert.equal(g.causes[0]?.id, 'vantage-gap');
    assert.match(g.verdict, /answers from vpn but is refused from refused-bot/);
    assert.equal(g.vantages?.length, 6);
    assert.equal(g.causes[0]!.evidence.length, 2, 'only the vantage points that probed are evidence');
  });

  it('an agent whose diagnosis is healthy answers, even without a TCP line to read', () => {
    const healthyNoTcp: Diagnosis = { ...openThere, evidence: [] };
    const d = compareVantages(refusedHere, 'refused-bot', [answered('office', healthyNoTcp)]);
    assert.equal(d.vantages?.[1]?.outcome, 'open');
    assert.equal(d.causes[0]?.id, 'vantage-gap');
  });

  it('some agree, one is offline: "every vantage point that answered"', () => {
    const d = compareVantages(refusedHere, 'refused-bot', [answered('office', refusedThere), { name: 'lab', kind: 'agent', state: 'offline', diagnosis: null, detail: null, ms: 0 }]);
    assert.match(d.verdict, /; the same from every vantage point that answered\.$/);
    assert.equal(d.vantages?.[2]?.saw, 'offline');
  });

  it('no agent: the diagnosis itself, unchanged (a bot entry and duplicates are not agents)', () => {
    assert.equal(compareVantages(refusedHere, 'refused-bot', []), refusedHere);
    const botOnly: VantageResult = { name: 'here', kind: 'bot', state: 'answered', diagnosis: openHere, detail: null, ms: 3 };
    assert.equal(compareVantages(refusedHere, 'refused-bot', [botOnly]), refusedHere);
    const twice = compareVantages(refusedHere, 'refused-bot', [answered('office', openThere), answered('office', refusedThere)]);
    assert.equal(twice.vantages?.length, 2);
    assert.equal(twice.vantages?.[1]?.outcome, 'open', 'the first answer of a name counts');
  });

  it('a broken agent diagnosis is said as an error, never thrown', () => {
    const broken = { ...openThere, evidence: null, plan: null } as unknown as Diagnosis;
    const d = compareVantages(refusedHere, 'refused-bot', [answered('office', broken), { name: 'lab', kind: 'agent', state: 'answered', diagnosis: null, detail: null, ms: 1 }]);
    assert.deepEqual(d.vantages?.slice(1).map((x) => [x.outcome, x.saw]), [
      ['error', 'sent a diagnosis that could not be read'],
      ['error', 'sent no diagnosis'],
    ]);
    assert.deepEqual(d.causes, refusedHere.causes);
  });

  it('is pure: the inputs are left as they were', () => {
    const before = JSON.stringify(refusedHere);
    const agent = JSON.stringify(openThere);
    compareVantages(refusedHere, 'refused-bot', [answered('office', openThere)]);
    assert.equal(JSON.stringify(refusedHere), before);
    assert.equal(JSON.stringify(openThere), agent);
  });
});
