// Questions that only the reporter's side can answer, and what each answer does to the ranking.
//
// Some causes look the same from the text and from the bot's probes, and differ in one plain fact about the
// reporter's side: where the failing program runs, whether the server is on that same machine, whether it
// ever worked. When the first two causes are close and one such fact would put a different one first, the bot
// asks it (with buttons) and the command answers it itself by looking at its own machine (src/local/).
//
// One table serves both ends: pickQuestion() asks a question only when, by this same table, one answer puts
// the first cause ahead and another puts the second ahead; applyAnswers() re-ranks with it once answered. So a
// question is never asked whose answer would not change which cause leads.
//
// An answer leans a cause up or down: up halves the doubt (c → c + (1 − c) / 2), down halves the belief
// (c → c / 2). Symmetric, bounded to 0–1, and a cause that no answer touches keeps its confidence. A cause
// whose very premise is an answer (container-localhost for a program in a container) reads it in its predicate.
import type { Answers, CauseId, Facts, Finding } from '../domain/types.js';
import { isLoopbackHost } from './view.js';

export type QuestionId = keyof Answers;
type Value<K extends QuestionId> = NonNullable<Answers[K]>;

/** How one answer bears on one cause; `target` limits it to a loopback target or to any other. */
export interface Lean {
  cause: CauseId;
  way: 'up' | 'down';
  target?: 'loopback' | 'remote';
}

export interface AnswerOption<K extends QuestionId = QuestionId> {
  value: Value<K>;
  /** Button text (Slack allows 75 characters). */
  label: string;
  /** The answer as a clause, for the message and the evidence lines: "the program runs in a container". */
  said: string;
  leans: readonly Lean[];
}

export interface Question<K extends QuestionId = QuestionId> {
  id: K;
  text: string;
  options: readonly AnswerOption<K>[];
}

/** Two confidences this far apart or closer are "close": one fact could reasonably reorder them. */
export const CLOSE = 0.15;

const up = (cause: CauseId, target?: Lean['target']): Lean => ({ cause, way: 'up', ...(target ? { target } : {}) });
const down = (cause: CauseId, target?: Lean['target']): Lean => ({ cause, way: 'down', ...(target ? { target } : {}) });

// Causes that come from how things were set up rather than from something that stopped: a setup that never
// worked points at them, one that used to work points away from them.
const SETUP: readonly CauseId[] = ['container-localhost', 'bound-to-loopback', 'wrong-port', 'kafka-advertised-listener', 'host-not-set'];

const clientWhere: Question<'clientWhere'> = {
  id: 'clientWhere',
  text: 'Where does the program that got this error run?',
  options: [
    // container-localhost reads a container answer itself (it is its premise); not-in-a-container speaks against it.
    {
      value: 'laptop',
      label: 'On my laptop or desktop, not in a container',
      said: 'the program runs on a laptop or desktop, not in a container',
      leans: [down('container-localhost')],
    },
    { value: 'container', label: 'In a container (Docker, Podman, Compose)', said: 'the program runs in a container', leans: [] },
    { value: 'pod', label: 'In a Kubernetes pod', said: 'the program runs in a Kubernetes pod', leans: [] },
    {
      value: 'server',
      label: 'On a server or VM, not in a container',
      said: 'the program runs on a server or VM, not in a container',
      leans: [down('container-localhost')],
    },
  ],
};

const sameMachine: Question<'sameMachine'> = {
  id: 'sameMachine',
  text: 'Does the server run on the same machine as that program (in the same container, if it runs in one)?',
  options: [
    {
      value: true,
      label: 'Yes, on the same machine (or in the same container)',
      said: 'the server runs on the same machine as the program',
      // localhost is then the right place to look. To a non-loopback address of its own machine, a server
      // that listens on 127.0.0.1 only refuses exactly like this.
      leans: [down('container-localhost', 'loopback'), up('bound-to-loopback', 'remote')],
    },
    {
      value: false,
      label: 'No, on another machine or in another container',
      said: 'the server runs on another machine or in another container',
      // Then localhost is the wrong place: causes about a server on localhost (not running, the other family) miss it.
      leans: [up('container-localhost', 'loopback'), down('not-listening', 'loopback'), down('family-mismatch', 'loopback')],
    },
  ],
};

const everWorked: Question<'everWorked'> = {
  id: 'everWorked',
  text: 'Did this connection ever work from there?',
  options: [
    {
      value: true,
      label: 'Yes, it worked before',
      said: 'it used to work',
      // Something stopped or changed: the server, its start-up, or the client's runtime (Node 17 putting ::1 first).
      leans: [up('not-listening'), up('service-starting'), up('family-mismatch'), up('intermittent'), up('connection-reset'), ...SETUP.map((c) => down(c))],
    },
    { value: false, label: 'No, it has never worked', said: 'it has never worked', leans: [...SETUP.map((c) => up(c)), down('intermittent')] },
  ],
};

/** In the order they are asked: the easiest to answer first. */
export const QUESTIONS: readonly Question[] = [clientWhere, sameMachine, everWorked] as readonly Question[];

function answerOf<K extends QuestionId>(answers: Answers | undefined, id: K): Value<K> | undefined {
  const v = answers?.[id];
  return v === undefined || v === null ? undefined : (v as Value<K>);
}

/** The options chosen in `answers`, with their questions, in table order. */
export function chosen(answers: Answers | undefined): { question: Question; option: AnswerOption }[] {
  const out: { question: Question; option: AnswerOption }[] = [];
  for (const q of QUESTIONS) {
    const v = answerOf(answers, q.id);
    if (v === undefined) continue;
    const option = q.options.find((o) => o.value === v);
    if (option) out.push({ question: q, option });
  }
  return out;
}

/** The answers as clauses for people ("the program runs in a container", "it used to work"). */
export function answerClauses(answers: Answers | undefined): string[] {
  return chosen(answers).map((c) => c.option.said);
}

function applies(lean: Lean, loopback: boolean): boolean {
  return lean.target === undefined || (lean.target === 'loopback') === loopback;
}

function leanFor(option: AnswerOption, cause: CauseId, loopback: boolean): Lean['way'] | null {
  return option.leans.find((l) => l.cause === cause && applies(l, loopback))?.way ?? null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

function moved(confidence: number, way: Lean['way']): number {
  return round(way === 'up' ? confidence + (1 - confidence) / 2 : confidence / 2);
}

/**
 * The causes re-ranked by the answers in facts.answers: each answer leans the causes its table row names up or
 * down and says so in their evidence. Without answers the list comes back as it was. Stable: equal
 * confidences keep their order.
 */
export function applyAnswers(causes: readonly Finding[], facts: Facts): Finding[] {
  const given = chosen(facts.answers);
  if (given.length === 0) return [...causes];
  const loopback = isLoopbackHost(facts.host);
  const out = causes.map((f) => {
    let confidence = f.confidence;
    const lines: string[] = [];
    for (const { option } of given) {
      const way = leanFor(option, f.id, loopback);
      if (way === null) continue;
      confidence = moved(confidence, way);
      lines.push(`${option.said}: ${way === 'up' ? 'that points here' : 'that speaks against this'}`);
    }
    return lines.length === 0 ? f : { ...f, confidence, evidence: [...f.evidence, ...lines] };
  });
  return out.sort((a, b) => b.confidence - a.confidence);
}

/** Which of two causes leads once this option is the answer (the first on a tie, as the sort keeps it). */
function leaderUnder(option: AnswerOption, a: Finding, b: Finding, loopback: boolean): CauseId {
  const score = (f: Finding) => {
    const way = leanFor(option, f.id, loopback);
    return way === null ? f.confidence : moved(f.confidence, way);
  };
  return score(b) > score(a) ? b.id : a.id;
}

export interface PickedQuestion {
  question: Question;
  /** The two causes the answer decides between, the leading one first. */
  between: [Finding, Finding];
}

/**
 * The one question worth asking, or null. Asked when the first two causes are within `margin` of each other,
 * no answer given so far already speaks for the first, and the question (not answered yet) has one answer
 * under which the first leads and another under which the second does. Questions are tried in table order.
 */
export function pickQuestion(causes: readonly Finding[], facts: Facts, margin = CLOSE): PickedQuestion | null {
  const [a, b] = causes;
  if (!a || !b || a.confidence - b.confidence > margin + 1e-9) return null;
  const loopback = isLoopbackHost(facts.host);
  // Settled: the reporter already said something that points at the first cause.
  if (chosen(facts.answers).some(({ option }) => leanFor(option, a.id, loopback) === 'up')) return null;
  for (const question of QUESTIONS) {
    if (answerOf(facts.answers, question.id) !== undefined) continue;
    const leaders = new Set(question.options.map((o) => leaderUnder(o, a, b, loopback)));
    if (leaders.has(a.id) && leaders.has(b.id)) return { question, between: [a, b] };
  }
  return null;
}

/** The question and option one answer (a single key of Answers) stands for; null when the table has no such option. */
export function optionFor(answer: Answers): { question: Question; option: AnswerOption } | null {
  const found = chosen(answer);
  return found.length === 1 ? found[0]! : null;
}
