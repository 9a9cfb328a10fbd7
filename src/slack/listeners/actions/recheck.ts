// Re-check: probe again and edit the same message (chat.update; response_url allows only 5 posts in 30
// minutes), saying who re-checked, when, and what changed since the state the button carried.
import type { Deps } from '../../deps.js';
import { toDiagnoseRequest } from '../../button-value.js';
import { diagnosisMessage, failureWords, updateMessage, type Asked } from '../../reply.js';
import { changes, snapshot } from '../../state.js';
import { Draining } from '../../../errors.js';
import { clock, messageRef, readValue, runAgain, tellPrivately, type ActionInput, type ActionIO } from './common.js';

export async function handleRecheck(a: ActionInput, io: ActionIO, deps: Deps): Promise<void> {
  await io.ack();
  const value = await readValue(a, 'check', io, deps);
  if (!value) return;
  const where = messageRef(a);
  if (!where) {
    await tellPrivately(io, 'This answer cannot be edited; run `/refused` again.');
    return;
  }
  const asked: Asked = { source: 'recheck', user: a.user.id, channel: where.channel, team: value.tm, vantages: value.r.vp ?? null };
  // Each click probes again: the same per person and per channel limits as /refused.
  const request = toDiagnoseRequest(value.r);
  const d = await runAgain(deps, io, asked, request, (err) => (err instanceof Draining ? ':hourglass: The bot is restarting; click Re-check again in a moment.' : failureWords(err)));
  if (!d) return;
  const changed = changes(value.s, snapshot(d));
  const msg = diagnosisMessage(deps, d, request, {
    requestedBy: value.b ?? null,
    recheck: { by: a.user.id, at: clock(deps.now()), changes: changed },
    origin: { team: value.tm, channel: value.ch, how: value.u },
  });
  try {
    await updateMessage(io.client, where.channel, where.ts, msg);
    deps.log.info('rechecked', { user: a.user.id, channel: where.channel, ts: where.ts, changes: changed });
  } catch (err) {
    deps.log.warn('update_failed', { channel: where.channel, ts: where.ts, error: err });
    await tellPrivately(io, ':warning: I could not update that message (it may have been deleted).');
  }
}
