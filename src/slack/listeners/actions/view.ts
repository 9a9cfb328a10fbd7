// The buttons that show another view of an answer: all steps of the first cause, the other causes in full, the
// commands for another OS, and "Show less" back to the first view. Stateless like Re-check: the value carries the
// request and the view, the click runs the diagnosis again (under the same limits) and edits the message in
// place. It is not a re-check: the message does not say who clicked or what changed.
import { OS_LABELS } from '../../../render/glance.js';
import { toDiagnoseRequest } from '../../button-value.js';
import type { Deps } from '../../deps.js';
import { diagnosisMessage, updateMessage, type Asked } from '../../reply.js';
import { messageRef, readValue, runAgain, tellPrivately, type ActionInput, type ActionIO } from './common.js';

export async function handleView(a: ActionInput, io: ActionIO, deps: Deps): Promise<void> {
  await io.ack();
  const value = await readValue(a, 'view', io, deps);
  if (!value) return;
  const where = messageRef(a);
  if (!where) {
    await tellPrivately(io, 'This answer cannot be changed; run `/refused` again.');
    return;
  }
  const asked: Asked = { source: 'view', user: a.user.id, channel: where.channel, team: value.tm, vantages: value.r.vp ?? null };
  const request = toDiagnoseRequest(value.r);
  const d = await runAgain(deps, io, asked, request);
  if (!d) return;
  const view = { part: value.p, os: value.o ?? null };
  const msg = diagnosisMessage(deps, d, request, { requestedBy: value.b ?? null, origin: { team: value.tm, channel: value.ch, how: value.u }, view });
  try {
    await updateMessage(io.client, where.channel, where.ts, msg);
    deps.log.info('view_shown', { user: a.user.id, channel: where.channel, ts: where.ts, part: view.part, os: view.os ? OS_LABELS[view.os] : null });
  } catch (err) {
    deps.log.warn('update_failed', { channel: where.channel, ts: where.ts, error: err });
    await tellPrivately(io, ':warning: I could not update that message (it may have been deleted).');
  }
}
