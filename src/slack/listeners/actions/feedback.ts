// "Fixed it" / "Didn't help" on a cause: the vote kept in the store (one per person per message; the workspace's
// counts per cause move the next answers, see rules/feedback.ts), one structured log line, and the buttons on
// the message replaced by who said what.
import type { types } from '@slack/bolt';
import { escape } from '../../../render/slack/blocks.js';
import type { Deps } from '../../deps.js';
import { ACTION, BLOCK } from '../../ids.js';
import { messageRef, readValue, tellPrivately, type ActionInput, type ActionIO } from './common.js';

type Blocks = (types.KnownBlock | types.Block)[];

export async function handleFeedback(a: ActionInput, io: ActionIO, deps: Deps): Promise<void> {
  await io.ack();
  const value = await readValue(a, 'fb', io, deps);
  if (!value) return;
  const helpful = a.action.action_id === ACTION.fixed;
  const where = messageRef(a);
  let kept = true;
  let replaced: Awaited<ReturnType<Deps['votes']['cast']>> = null;
  if (where) {
    try {
      replaced = await deps.votes.cast({ team: value.tm ?? '-', channel: where.channel, ts: where.ts, user: a.user.id, cause: value.c, helpful });
    } catch (err) {
      kept = false;
      deps.log.warn('store_unavailable', { op: 'vote', error: err });
    }
  }
  deps.log.info('feedback', { user: a.user.id, channel: where?.channel ?? null, ts: where?.ts ?? null, cause: value.c, rank: value.i + 1, helpful, kept, ...(replaced ? { replaced } : {}) });
  if (replaced && replaced.cause === value.c && replaced.helpful === helpful) {
    await tellPrivately(io, 'You already said so on this answer; it counts once.');
    return;
  }
  if (!kept) await tellPrivately(io, ':warning: Thanks; I could not keep your vote just now (my store is unreachable), so it will not count for later answers.');
  const words = helpful ? `:white_check_mark: <@${escape(a.user.id)}> says this fixed it.` : `:thumbsdown: <@${escape(a.user.id)}> says this didn't help.`;
  const blocks = a.message?.blocks;
  const blockId = `${BLOCK.feedback}${value.i}`;
  if (!where || !Array.isArray(blocks) || !blocks.some((b) => (b as { block_id?: string }).block_id === blockId)) {
    await tellPrivately(io, `Thanks, noted: ${helpful ? 'fixed it' : "didn't help"}.`);
    return;
  }
  // Slack hands back the message's blocks; they are sent back as they came, but for the one replaced.
  const next = blocks.map((b) => ((b as { block_id?: string }).block_id === blockId ? { type: 'context', block_id: blockId, elements: [{ type: 'mrkdwn', text: words }] } : b));
  try {
    await io.client.chat.update({ channel: where.channel, ts: where.ts, text: a.message?.text ?? 'refused diagnosis', blocks: next as Blocks });
  } catch (err) {
    deps.log.warn('update_failed', { channel: where.channel, ts: where.ts, error: err });
    await tellPrivately(io, `Thanks, noted: ${helpful ? 'fixed it' : "didn't help"}.`);
  }
}
