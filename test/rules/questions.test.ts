// The questions that settle close causes: asked only when the first two are close, one answer puts each of
// them first, and it is not answered yet; the answer re-ranks; the table stays within Slack's limits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Answers, Facts, Finding } from '../../src/domain/types.js';
import { CAUSE_IDS } from '../../src/domain/types.js';
import { containerLocalhost } from '../../src/rules/container-localhost.js';
import { answerClauses, applyAnswers, CLOSE, optionFor, pickQuestion, QUESTIONS } from '../../src/rules/questions.js';
import { evaluate } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import { ctx, facts, noProbe, skipPlan, tcp } from './helpers.js';

function cause(id: string, confidence: number): Finding {
  return { id, confidence, title: `title of ${id}`, explanation: '', steps: [], evidence: [`why ${id}`], docs: null };
}

const localhost = (over: Partial<Facts> = {}) => facts({ host: 'localhost', port: 5432, ...over });
const remote = (over: Partial<Facts> = {}) => facts({ host: 'kafka.internal', port: 9092, ...over });

describe('pickQuestion', () => {
  it('asks where the program runs when container-localhost and local-target are close', () => {
    const picked = pickQuestion([cause('container-localhost', 0.94), cause('local-target', 0.9)], localhost());
    assert.equal(picked?.question.id, 'clientWhere');
    assert.deepEqual(
      picked?.between.map((f) => f.id),
      ['container-localhost', 'local-target'],
    );
  });

  it('asks whether it ever worked for an advertised Kafka listener against a stopped broker', () => {
    const picked = pickQuestion([cause('kafka-advertised-listener', 0.95), cause('not-listening', 0.9)], remote());
    assert.equal(picked?.question.id, 'everWorked');
  });

  it('stays quiet when the first two are far apart', () => {
    assert.equal(pickQuestion([cause('container-localhost', 0.94), cause('local-target', 0.6)], localhost()), null);
    // Just inside the margin still asks.
    assert.ok(pickQuestion([cause('container-localhost', 0.94), cause('local-target', 0.94 - CLOSE)], localhost()));
  });

  it('stays quiet when no question separates the two', () => {
    // "It used to work" speaks for both; nothing in the table tells a TLS mix-up from a certificate.
    assert.equal(pickQuestion([cause('not-listening', 0.6), cause('family-mismatch', 0.45)], localhost()), null);
    assert.equal(pickQuestion([cause('tls-mismatch', 0.91), cause('tls-certificate', 0.85)], remote()), null);
  });

  it('stays quiet with fewer than two causes', () => {
    assert.equal(pickQuestion([cause('container-localhost', 0.94)], localhost()), null);
    assert.equal(pickQuestion([], localhost()), null);
  });

  it('does not ask what is answered, and asks the next question that still separates', () => {
    const causes = [cause('container-localhost', 0.94), cause('local-target', 0.9)];
    // The program runs in a container: then the question is whether the server is in that same container.
    assert.equal(pickQuestion(causes, localhost({ answers: { clientWhere: 'container' } }))?.question.id, 'sameMachine');
    assert.equal(pickQuestion(causes, localhost({ answers: { clientWhere: 'container', sameMachine: true, everWorked: true } })), null);
  });

  it('stays quiet once an answer speaks for the first cause', () => {
    const f = localhost({ answers: { clientWhere: 'container', sameMachine: false } });
    const ranked = applyAnswers([cause('container-localhost', 0.94), cause('local-target', 0.9)], f);
    assert.equal(ranked[0]!.id, 'container-localhost');
    assert.equal(pickQuestion(ranked, f), null);
  });

  it('takes the target into account: sameMachine means other things for localhost and for a remote address', () => {
    // To its own non-loopback address, a server bound to 127.0.0.1 refuses: "same machine" points at bound-to-loopback.
    const picked = pickQuestion([cause('not-listening', 0.6), cause('bound-to-loopback', 0.5)], facts({ host: '192.168.1.20', port: 5432 }));
    assert.equal(picked?.question.id, 'sameMachine');
    // For localhost that lean does not apply: the same answer leaves bound-to-loopback where it was.
    const same = { answers: { sameMachine: true } };
    assert.equal(applyAnswers([cause('bound-to-loopback', 0.5)], facts({ host: '192.168.1.20', ...same }))[0]!.confidence, 0.75);
    assert.equal(applyAnswers([cause('bound-to-loopback', 0.5)], localhost(same))[0]!.confidence, 0.5);
  });
});

describe('applyAnswers', () => {
  it('changes nothing without answers', () => {
    const causes = [cause('container-localhost', 0.94), cause('local-target', 0.9)];
    assert.deepEqual(applyAnswers(causes, localhost()), causes);
    assert.deepEqual(applyAnswers(causes, localhost({ answers: {} })), causes);
  });

  it('halves the belief in what an answer speaks against, and says why in the evidence', () => {
    const ranked = applyAnswers([cause('container-localhost', 0.94), cause('local-target', 0.9)], localhost({ answers: { clientWhere: 'laptop' } }));
    assert.deepEqual(
      ranked.map((f) => [f.id, f.confidence]),
      [
        ['local-target', 0.9],
        ['container-localhost', 0.47],
      ],
    );
    assert.match(ranked[1]!.evidence.at(-1)!, /laptop or desktop.*speaks against this/);
    assert.deepEqual(ranked[0]!.evidence, ['why local-target'], 'an untouched cause keeps its evidence');
  });

  it('halves the doubt in what an answer speaks for, and re-sorts', () => {
    const ranked = applyAnswers([cause('kafka-advertised-listener', 0.95), cause('not-listening', 0.9)], remote({ answers: { everWorked: true } }));
    assert.deepEqual(
      ranked.map((f) => [f.id, f.confidence]),
      [
        ['not-listening', 0.95],
        ['kafka-advertised-listener', 0.475],
      ],
    );
    assert.match(ranked[0]!.evidence.at(-1)!, /it used to work: that points here/);
  });

  it('re-ranks a real diagnosis: a Compose paste about localhost, answered "not in a container"', () => {
    const f = localhost({ hints: ['in-container'], kind: 'refused', errno: 'ECONNREFUSED' });
    const plan = skipPlan(f, 'local-target', "localhost in a pasted error is the reporter's own machine", 'chat');
    const before = evaluate(RULES, ctx(f, [], plan));
    assert.equal(before[0]!.id, 'container-localhost');
    const answered = { ...f, answers: { clientWhere: 'laptop' } as Answers };
    const after = applyAnswers(evaluate(RULES, ctx(answered, [], plan)), answered);
    assert.equal(after[0]!.id, 'local-target');
  });
});

describe('container-localhost reads a container answer', () => {
  it('fires on localhost when the reporter says the program runs in a container or a pod, with no clue in the text', () => {
    for (const clientWhere of ['container', 'pod'] as const) {
      const f = localhost({ answers: { clientWhere } });
      const m = containerLocalhost.when(ctx(f, [], noProbe(f)));
      assert.ok(m && m.confidence >= 0.9, clientWhere);
      assert.match(m.evidence[0]!, clientWhere === 'pod' ? /Kubernetes pod/ : /runs in a container/);
    }
    assert.equal(containerLocalhost.when(ctx(localhost({ answers: { clientWhere: 'laptop' } }), [], noProbe(localhost()))), null);
  });

  it('probed from inside that container, a refusal keeps it below not-listening and an open port silences it', () => {
    const f = localhost({ host: '127.0.0.1', answers: { clientWhere: 'container' } });
    const refused = containerLocalhost.when(ctx(f, [tcp('127.0.0.1', 'refused', { host: '127.0.0.1' })]));
    assert.ok(refused && refused.confidence < 0.9);
    assert.equal(containerLocalhost.when(ctx(f, [tcp('127.0.0.1', 'open', { host: '127.0.0.1' })])), null);
  });
});

describe('the question table', () => {
  it('fits Slack and names only known causes', () => {
    for (const q of QUESTIONS) {
      assert.ok(q.text.length <= 200, q.id);
      assert.ok(q.options.length >= 2 && q.options.length <= 5, `${q.id}: 2 to 5 options (one actions block)`);
      assert.equal(new Set(q.options.map((o) => String(o.value))).size, q.options.length, `${q.id}: an option twice`);
      for (const o of q.options) {
        assert.ok(o.label.length > 0 && o.label.length <= 75, `${q.id}: "${o.label}" is over Slack's 75 characters`);
        for (const l of o.leans) assert.ok((CAUSE_IDS as readonly string[]).includes(l.cause), `${q.id}: unknown cause ${l.cause}`);
      }
    }
  });

  it('reads an answer back as its question and option, and in words', () => {
    assert.equal(optionFor({ everWorked: false })?.option.label, 'No, it has never worked');
    assert.equal(optionFor({ everWorked: false, sameMachine: true }), null, 'one answer per button');
    assert.equal(optionFor({}), null);
    assert.deepEqual(answerClauses({ clientWhere: 'pod', everWorked: true }), ['the program runs in a Kubernetes pod', 'it used to work']);
  });
});
