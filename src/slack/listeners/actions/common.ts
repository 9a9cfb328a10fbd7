// What every button handler reads from a block_actions payload, and the private answers they give.
import { shortMessage, type SlackMessage } from '../../../render/slack/blocks.js';
import { decode, misplaced, type ButtonValue, type Place } from '../../button-value.js';
import type { Diagnosis } from '../../../domain/types.js';
import type { DiagnoseRequest } from '../../../request.js';
import type { Deps, SlackClient } from '../../deps.js';
import { admit, failureWords, runDiagnosis, type Asked } from '../../reply.js';

export interface ActionInput {
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
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

/** The workspace and conversation of a click; null when the payload does not say where it happened. */
export function placeOf(a: ActionInput): Place | null {
  const channel = a.channel?.id ?? a.container?.channel_id;
  if (!channel) return null;
  return { team: a.team?.id ?? a.user.team_id ?? null, channel };
}

const WHY: Record<'forged' | 'stale' | 'malformed' | 'misplaced', string> = {
  misplaced: ':no_entry: This button belongs to a message in another conversation, so it does nothing here. Run `/refused` again in this one.',
  forged: ':no_entry: This button could not be verified (it was not made by this bot, or the bot\'s key changed). Run `/refused` again.',
  stale: ':hourglass: This button is too old to trust. Run `/refused` again for a fresh diagnosis.',
  malformed: ':warning: This button carries data I cannot read (perhaps from an older version of the bot). Run `/refused` again.',
};

/**
 * Decodes a button's value, or answers the clicker privately and returns null. A genuine value is used only
 * in the workspace and conversation it was made for.
 */
export async function readValue<K extends ButtonValue['k']>(a: ActionInput, kind: K, io: ActionIO, deps: Deps): Promise<Extract<ButtonValue, { k: K }> | null> {
  const decoded = decode(a.action.value, deps.key, Math.floor(deps.now().getTime() / 1000));
  const place = placeOf(a);
  let reason: keyof typeof WHY;
  let where: string | null = null;
  if (!decoded.ok) reason = decoded.reason;
  else if (decoded.value.k !== kind) reason = 'malformed';
  else if (place === null || (where = misplaced(decoded.value, place)) !== null) reason = 'misplaced';
  else return decoded.value as Extract<ButtonValue, { k: K }>;
  deps.log.warn('button_rejected', { action: a.action.action_id, user: a.user.id, channel: place?.channel ?? null, reason, ...(where ? { other: where } : {}) });
  await tellPrivately(io, WHY[reason]);
  return null;
}

export function clock(d: Date): string {
  return `${d.toISOString().slice(11, 19)} UTC`;
}

/**
 * A click that runs the diagnosis again (Re-check, an answer): admitted under the same limits as /refused, then
 * run; a refusal or a failure is told to the clicker privately and null comes back.
 */
export async function runAgain(deps: Deps, io: ActionIO, asked: Asked, request: DiagnoseRequest, words: (err: unknown) => string = failureWords): Promise<Diagnosis | null> {
  const refusal = await admit(deps, asked, request);
  if (refusal !== null) {
    await tellPrivately(io, refusal);
    return null;
  }
  try {
    return await runDiagnosis(deps, request, asked);
  } catch (err) {
    await tellPrivately(io, words(err));
    return null;
  }
}
