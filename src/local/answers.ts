// What the command's look at its machine answers of the questions in rules/questions.ts. Pure.
//
// The command is taken to run where the error happened, with one exception: a paste that says it came from a
// container, read on a machine that is not one, most likely came from a container on this machine (docker
// logs piped in), so what listens here says nothing about the failing program's localhost.
import type { Answers, Facts, LocalLook } from '../domain/types.js';
import { isUnspecified } from '../policy/index.js';
import { hasHint, isLoopbackHost } from '../rules/view.js';

/** True when a socket bound to this address takes connections to the loopback (loopback itself, or every address). */
function takesLoopback(address: string): boolean {
  return isLoopbackHost(address) || isUnspecified(address);
}

/** Whether the failing program most likely ran on this machine (see the note at the top). */
export function ranHere(look: LocalLook, facts: Facts): boolean {
  return hasHint(facts, 'typed') || look.container !== null || !hasHint(facts, 'in-container', 'compose');
}

export function answersFromLook(look: LocalLook, facts: Facts): Answers {
  const out: Answers = {};
  if (look.container) out.clientWhere = look.container.kind === 'kubernetes' ? 'pod' : 'container';
  // The target is this machine's loopback and something here takes connections on its port: the server runs
  // here. Nothing listening says less (stopped, or elsewhere), so it answers nothing.
  const port = facts.port;
  if (port !== null && isLoopbackHost(facts.host) && ranHere(look, facts) && look.listening?.some((s) => s.port === port && takesLoopback(s.address))) {
    out.sameMachine = true;
  }
  return out;
}

/** The facts with what the look answers added; answers already in the facts (a person's) win. Not mutated. */
export function withLookAnswers(facts: Facts, look: LocalLook | undefined): Facts {
  if (!look) return facts;
  const found = answersFromLook(look, facts);
  if (Object.keys(found).length === 0) return facts;
  return { ...facts, answers: { ...found, ...facts.answers } };
}
