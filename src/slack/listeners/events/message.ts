// Messages: a paste in a channel the bot is in, a DM to the bot, or a mention of it. The bot answers in the
// message's thread when the text holds a connection error, and stays silent otherwise: on bots (itself
// above all), on edits and deletions, and on anything it has already answered. A paste is admitted like a
// command (per person and per channel limits, a bounded waiting line); a refusal, a failure, or a channel
// where the bot may not post is answered privately (chat.postEphemeral), a refusal once per window.
import type { Diagnosis } from '../../../domain/types.js';
import { usageMessage } from '../../../render/slack/home.js';
import { renderBlocks, shortMessage, type SlackMessage } from '../../../render/slack/blocks.js';
import { toRequest, type DiagnoseRequest } from '../../../request.js';
import type { Deps, SlackClient } from '../../deps.js';
import { WORKING_REACTION } from '../../ids.js';
import { slackToPlain } from '../../text.js';
import { admit, alreadyRefused, clipPaste, failureWords, originOf, postDiagnosis, postInThread, runDiagnosis, yieldToIo, type Asked } from '../../reply.js';
import { Draining } from '../../../errors.js';

/** The fields of a message or app_mention event this handler reads. */
export interface MessageInput {
  type: 'message' | 'app_mention';
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  /** The workspace, from the event or its envelope. */
  team?: string;
  ts: string;
  thread_ts?: string;
}

export type MessageOutcome = 'ignored' | 'silent' | 'duplicate' | 'answered' | 'usage' | 'refused' | 'private' | 'failed';

/**
 * Subtypes that are still a person's new message: with a file attached, or a thread reply also sent to the
 * channel. Every other subtype (message_changed, message_deleted, bot_message, channel_join …) is not.
 */
const PERSON_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/** What, if anything, to diagnose in a message. */
export function requestFor(msg: MessageInput, deps: Pick<Deps, 'hasConnectionError' | 'botUserId'>): DiagnoseRequest | 'usage' | null {
  // A mention's own tag is not part of the question.
  const raw = msg.text ?? '';
  const mention = new RegExp(`<@${deps.botUserId}(\\|[^>]*)?>`, 'g');
  const mentioned = msg.type === 'app_mention' || (deps.botUserId !== '' && mention.test(raw));
  const text = slackToPlain(raw.replace(mention, ' ')).trim();
  if (text.length > 0 && deps.hasConnectionError(text)) return { type: 'paste', text };
  if (!mentioned && msg.channel_type !== 'im') return null;
  // Spoken to directly (a mention, or a DM), "help" and a bare target ("db 5432") are questions too.
  if (/^help\??$/i.test(text)) return 'usage';
  if (text === '') return mentioned ? 'usage' : null;
  const parsed = toRequest(text);
  return parsed.ok && parsed.request.type !== 'paste' ? parsed.request : null;
}

/** A private line to the person who wrote the message, in its thread when there is one. */
async function privately(client: SlackClient, msg: MessageInput, body: SlackMessage, deps: Deps): Promise<boolean> {
  try {
    await client.chat.postEphemeral({
      channel: msg.channel,
      user: msg.user!,
      text: body.text,
      blocks: body.blocks,
      // An ephemeral reply shows in a thread only when the thread exists already.
      ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
    });
    return true;
  } catch (err) {
    deps.log.warn('ephemeral_failed', { user: msg.user, channel: msg.channel, error: err });
    return false;
  }
}

export async function handleMessage(msg: MessageInput, client: SlackClient, deps: Deps): Promise<MessageOutcome> {
  // Edits, deletions, joins, bot posts … all carry a subtype; a person's new message has none (or one of a few).
  if ((msg.subtype !== undefined && !PERSON_SUBTYPES.has(msg.subtype)) || msg.bot_id !== undefined || !msg.user || msg.user === deps.botUserId) return 'ignored';
  // Over the limit and told so already: the text is not even read (a flood of large pastes costs nothing).
  // Asked again after the yield, since the messages that arrived meanwhile may have used up the limit.
  const unread: Asked = { source: msg.channel_type === 'im' ? 'dm' : 'message', user: msg.user, channel: msg.channel };
  if (await alreadyRefused(deps, unread)) return 'refused';
  // Reading a large paste is the costly part: acks of whatever else arrived go out first.
  await yieldToIo();
  if (await alreadyRefused(deps, unread)) return 'refused';
  // Only the first part of a huge paste is read (parsing is bounded, and so is what a button may carry).
  const want = requestFor({ ...msg, text: clipPaste(deps, msg.text ?? '') }, deps);
  if (want === null) return 'silent';
  // A mention in a channel arrives twice (message and app_mention) and Slack retries unacknowledged events.
  if (!(await deps.deliveries.first(`msg:${msg.channel}:${msg.ts}`))) {
    deps.log.debug('duplicate_delivery', { kind: 'message', channel: msg.channel, ts: msg.ts });
    return 'duplicate';
  }
  const threadTs = msg.thread_ts ?? msg.ts;
  if (want === 'usage') {
    await postInThread(client, msg.channel, threadTs, usageMessage(null)).catch((err: unknown) => deps.log.warn('post_failed', { source: 'mention', error: err }));
    return 'usage';
  }
  const asked: Asked = { source: msg.channel_type === 'im' ? 'dm' : msg.type === 'app_mention' || (msg.text ?? '').includes(`<@${deps.botUserId}`) ? 'mention' : 'message', user: msg.user, channel: msg.channel, team: msg.team ?? null };
  if (deps.work.draining) {
    await privately(client, msg, shortMessage(failureWords(new Draining())), deps);
    return 'refused';
  }
  // Rate limits and the waiting line, as for /refused. A person pasting in a loop hears it once per window.
  const refusal = await admit(deps, asked, want);
  if (refusal !== null) {
    if (deps.notices.first(msg.user, deps.now().getTime())) await privately(client, msg, shortMessage(refusal), deps);
    return 'refused';
  }
  // The reaction is a courtesy: a missing reactions:write scope must not stop the answer.
  const react = (add: boolean) =>
    (add ? client.reactions.add : client.reactions.remove)
      .call(client.reactions, { channel: msg.channel, timestamp: msg.ts, name: WORKING_REACTION })
      .catch((err: unknown) => deps.log.debug('reaction_failed', { error: err }));
  await react(true);
  try {
    let d: Diagnosis;
    try {
      d = await runDiagnosis(deps, want, asked);
    } catch (err) {
      // Busy, shutting down, past the deadline, or a bug: the asker hears it, the channel is not spammed.
      await privately(client, msg, shortMessage(failureWords(err)), deps);
      return 'failed';
    }
    try {
      await postDiagnosis(deps, client, { channel: msg.channel, threadTs, team: msg.team ?? null, user: msg.user }, d, want, { requestedBy: null, origin: originOf(asked, msg.team ?? null) });
      return 'answered';
    } catch (err) {
      // A channel that took the message but not a reply (read-only, archived, posting restricted): the
      // answer goes to the asker alone, without buttons (an ephemeral message cannot be edited later).
      deps.log.info('ephemeral_fallback', { source: asked.source, user: msg.user, channel: msg.channel, error: err });
      // The bot reads this conversation, so it is a member: inviting it again would not help.
      const hint = ':lock: Only you can see this: I could not reply in this thread (posting may be restricted here, or the channel archived).';
      const fallback = renderBlocks(d, { checkValue: null, note: hint });
      return (await privately(client, msg, fallback, deps)) ? 'private' : 'failed';
    }
  } finally {
    await react(false);
  }
}
