// Messages: a paste in a channel the bot is in, a DM to the bot, or a mention of it. The bot answers in the
// message's thread when the text holds a connection error, and stays silent otherwise: on bots (itself
// above all), on edits and deletions, and on anything it has already answered.
import { usageMessage } from '../../../render/slack/home.js';
import { toRequest, type DiagnoseRequest } from '../../../request.js';
import type { Deps, SlackClient } from '../../deps.js';
import { WORKING_REACTION } from '../../ids.js';
import { slackToPlain } from '../../text.js';
import { diagnosisMessage, postInThread, runDiagnosis, type Asked } from '../../reply.js';

/** The fields of a message or app_mention event this handler reads. */
export interface MessageInput {
  type: 'message' | 'app_mention';
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
}

export type MessageOutcome = 'ignored' | 'silent' | 'duplicate' | 'answered' | 'usage' | 'failed';

/** What, if anything, to diagnose in a message. */
export function requestFor(msg: MessageInput, deps: Pick<Deps, 'hasConnectionError' | 'botUserId'>): DiagnoseRequest | 'usage' | null {
  // A mention's own tag is not part of the question.
  const raw = msg.text ?? '';
  const mention = new RegExp(`<@${deps.botUserId}(\\|[^>]*)?>`, 'g');
  const mentioned = msg.type === 'app_mention' || (deps.botUserId !== '' && mention.test(raw));
  const text = slackToPlain(raw.replace(mention, ' ')).trim();
  if (text.length > 0 && deps.hasConnectionError(text)) return { type: 'paste', text };
  if (!mentioned && msg.channel_type !== 'im') return null;
  // Spoken to directly, a bare target ("db 5432") is a question too.
  if (text === '' || /^help\??$/i.test(text)) return mentioned ? 'usage' : null;
  const parsed = toRequest(text);
  return parsed.ok && parsed.request.type !== 'paste' ? parsed.request : null;
}

export async function handleMessage(msg: MessageInput, client: SlackClient, deps: Deps): Promise<MessageOutcome> {
  // Edits, deletions, joins, bot posts … all carry a subtype; a person's new message has none.
  if (msg.subtype !== undefined || msg.bot_id !== undefined || !msg.user || msg.user === deps.botUserId) return 'ignored';
  const want = requestFor(msg, deps);
  if (want === null) return 'silent';
  // A mention in a channel arrives twice (message and app_mention) and Slack retries unacknowledged events.
  if (!deps.seen.first(`${msg.channel}:${msg.ts}`)) return 'duplicate';
  const threadTs = msg.thread_ts ?? msg.ts;
  if (want === 'usage') {
    await postInThread(client, msg.channel, threadTs, usageMessage(null)).catch((err: unknown) => deps.log.warn('post_failed', { source: 'mention', error: err }));
    return 'usage';
  }
  if (deps.work.draining) return 'silent';
  const asked: Asked = { source: msg.channel_type === 'im' ? 'dm' : msg.type === 'app_mention' || (msg.text ?? '').includes(`<@${deps.botUserId}`) ? 'mention' : 'message', user: msg.user, channel: msg.channel };
  // The reaction is a courtesy: a missing reactions:write scope must not stop the answer.
  const react = (add: boolean) =>
    (add ? client.reactions.add : client.reactions.remove)
      .call(client.reactions, { channel: msg.channel, timestamp: msg.ts, name: WORKING_REACTION })
      .catch((err: unknown) => deps.log.debug('reaction_failed', { error: err }));
  await react(true);
  try {
    const d = await runDiagnosis(deps, want, asked);
    await postInThread(client, msg.channel, threadTs, diagnosisMessage(deps, d, want, { requestedBy: null }));
    return 'answered';
  } catch (err) {
    deps.log.warn('message_reply_failed', { source: asked.source, channel: msg.channel, error: err });
    return 'failed';
  } finally {
    await react(false);
  }
}
