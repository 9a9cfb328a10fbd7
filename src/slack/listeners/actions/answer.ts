// An answer to the question on a diagnosis (rules/questions.ts): run the diagnosis again from the facts the
// button carries plus the answer, and edit the same message in place, saying who answered what. The answer
// travels in the button's value, so any instance of the bot can take the click; the new message's Re-check,
// Watch and answer buttons carry it on. A pasted localhost is not probed again; its causes are still re-ranked.
import { toDiagnoseRequest, withAnswer } from '../../button-value.js';
import type { Deps } from '../../deps.js';
import { diagnosisMessage, updateMessage, type Asked } from '../../reply.js';
import { optionFor } from '../../../rules/questions.js';
import { messageRef, readValue, runAgain, tellPrivately, type ActionInput, type ActionIO } from './common.js';

export async function handleAnswer(a: ActionInput, io: ActionIO, deps: Deps): Promise<void> {
  await io.ack();
  const value = await readValue(a, 'answer', io, deps);
  if (!value) return;
  const picked = optionFor(value.x);
  const where = messageRef(a);
  if (!picked || !where) {
    await tellPrivately(
      io,
      picked
        ? 'This answer cannot be edited; run `/refused` again.'
        : ':warning: I do not know that answer (perhaps from an older version of the bot). Run `/refused` again.',
    );
    return;
  }
  const asked: Asked = { source: 'answer', user: a.user.id, channel: where.channel, team: value.tm, vantages: value.r.vp ?? null };
  const request = toDiagnoseRequest(withAnswer(value.r, value.x));
  // The diagnosis runs again (a typed target is probed again): the same limits as a re-check.
  const d = await runAgain(deps, io, asked, request);
  if (!d) return;
  const msg = diagnosisMessage(deps, d, request, {
    requestedBy: value.b ?? null,
    answeredBy: a.user.id,
    origin: { team: value.tm, channel: value.ch, how: value.u },
  });
  try {
    await updateMessage(io.client, where.channel, where.ts, msg);
    deps.log.info('answered', {
      user: a.user.id,
      channel: where.channel,
      ts: where.ts,
      question: picked.question.id,
      answer: String(picked.option.value),
      cause: d.causes[0]?.id ?? null,
    });
  } catch (err) {
    deps.log.warn('update_failed', { channel: where.channel, ts: where.ts, error: err });
    await tellPrivately(io, ':warning: I could not update that message (it may have been deleted).');
  }
}
