// What every button handler reads from a block_actions payload, and the private answers they give.
import { shortMessage, type SlackMessage } from '../../../render/slack/blocks.js';
import { decode, type ButtonValue } from '../../button-value.js';
import type { Deps, SlackClient } from '../../deps.js';

export interface ActionInput {
  user: { id: string };
  channel?: { id: string };
  container?: { type?: string; message_ts?: string; channel_id?: string; thread_ts?: string; is_ephemeral?: boolean };
  message?: { ts: string; thread_ts?: string; text?: string; blocks?: unknown[] };
  action: { action_id: string; block_id?: string; value?: string };
}

export interface ActionIO {
  ack(): Promise<void>;
  /** Ephemeral to the clicker, through the payload's response_url. */
  respond(msg: SlackMessage & { response_type: 'ephemeral'; replace_original: false }): Promise<unknown>;
  client: SlackClient;
}

export function tellPrivately(io: ActionIO, text: string): Promise<unknown> {
  return io.respond({ ...shortMessage(text), response_type: 'ephemeral', replace_original: false }).catch(() => undefined);
}

/** The message the button sits on, when it is a real (editable) message. */
export function messageRef(a: ActionInput): { channel: string; ts: string; threadTs: string } | null {
  const channel = a.channel?.id ?? a.container?.channel_id;
  const ts = a.message?.ts ?? a.container?.message_ts;
  if (!channel || !ts || a.container?.is_ephemeral) return null;
  return { channel, ts, threadTs: a.message?.thread_ts ?? a.container?.thread_ts ?? ts };
}

const WHY: Record<'forged' | 'stale' | 'malformed', string> = {
  forged: ':no_entry: This button could not be verified (it was not made by this bot, or the bot\'s key changed). Run `/refused` again.',
  stale: ':hourglass: This button is too old to trust. Run `/refused` again for a fresh diagnosis.',
  malformed: ':warning: This button carries data I cannot read (perhaps from an older version of the bot). Run `/refused` again.',
};

/** Decodes a button's value, or answers the clicker privately and returns null. */
export async function readValue<K extends ButtonValue['k']>(a: ActionInput, kind: K, io: ActionIO, deps: Deps): Promise<Extract<ButtonValue, { k: K }> | null> {
  const decoded = decode(a.action.value, deps.key, Math.floor(deps.now().getTime() / 1000));
  if (decoded.ok && decoded.value.k === kind) return decoded.value as Extract<ButtonValue, { k: K }>;
  const reason = decoded.ok ? 'malformed' : decoded.reason;
  deps.log.warn('button_rejected', { action: a.action.action_id, user: a.user.id, reason });
  await tellPrivately(io, WHY[reason]);
  return null;
}

export function clock(d: Date): string {
  return `${d.toISOString().slice(11, 19)} UTC`;
}
