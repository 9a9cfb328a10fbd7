// The message shortcut "Diagnose connection": the same answer as a paste, in that message's thread,
// on any message (a bot's, an old one, one in a thread). Nothing found → a private note, not a thread reply.
import type { Diagnosis } from '../../../domain/types.js';
import { renderBlocks, shortMessage, type SlackMessage } from '../../../render/slack/blocks.js';
import { toRequest, type DiagnoseRequest } from '../../../request.js';
import type { Deps, SlackClient } from '../../deps.js';
import { slackToPlain } from '../../text.js';
import { admit, clipPaste, failureWords, inviteHint, originOf, overLimit, postDiagnosis, runDiagnosis, type Asked } from '../../reply.js';

export interface ShortcutInput {
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
  channel: { id: string };
  message: { ts: string; thread_ts?: string; text?: string; attachments?: { text?: string; fallback?: string }[] };
}

export interface ShortcutIO {
  ack(): Promise<void>;
  respond(msg: SlackMessage & { response_type: 'ephemeral' }): Promise<unknown>;
  client: SlackClient;
}

/** A message's words: its text and any attachment text (bots often put errors in attachments). */
export function messageText(m: ShortcutInput['message']): string {
  const parts = [m.text ?? '', ...(m.attachments ?? []).map((a) => a.text ?? a.fallback ?? '')];
  return slackToPlain(parts.filter(Boolean).join('\n'));
}

export async function handleDiagnoseShortcut(s: ShortcutInput, io: ShortcutIO, deps: Deps): Promise<void> {
  await io.ack();
  const team = s.team?.id ?? s.user.team_id ?? null;
  const asked: Asked = { source: 'shortcut', user: s.user.id, channel: s.channel.id, team };
  // Over the limit: said before the message is read, so repeated clicks on a huge message cost no parsing.
  const over = await overLimit(deps, asked);
  if (over !== null) {
    await io.respond({ ...shortMessage(over), response_type: 'ephemeral' }).catch(() => undefined);
    return;
  }
  const text = clipPaste(deps, messageText(s.message));
  let req: DiagnoseRequest | null = null;
  if (deps.hasConnectionError(text)) req = { type: 'paste', text };
  else {
    const parsed = toRequest(text);
    if (parsed.ok && parsed.request.type !== 'paste') req = parsed.request;
  }
  if (!req) {
    await io.respond({ ...shortMessage(':mag: I found no connection error in that message (refused, timed out, unreachable, DNS, reset, TLS, unix socket).'), response_type: 'ephemeral' }).catch(() => undefined);
    return;
  }
  // The same limits as /refused: a shortcut is one click, so it must not be a way around them.
  const refusal = await admit(deps, asked, req);
  if (refusal !== null) {
    await io.respond({ ...shortMessage(refusal), response_type: 'ephemeral' }).catch(() => undefined);
    return;
  }
  let d: Diagnosis;
  try {
    d = await runDiagnosis(deps, req, asked);
  } catch (err) {
    await io.respond({ ...shortMessage(failureWords(err)), response_type: 'ephemeral' }).catch(() => undefined);
    return;
  }
  try {
    const where = { channel: s.channel.id, threadTs: s.message.thread_ts ?? s.message.ts, team, user: s.user.id };
    await postDiagnosis(deps, io.client, where, d, req, { requestedBy: s.user.id, origin: originOf(asked, team) });
  } catch (err) {
    deps.log.info('ephemeral_fallback', { source: 'shortcut', user: s.user.id, channel: s.channel.id, error: err });
    const hint = inviteHint(s.channel.id, deps.botUserId);
    const msg = renderBlocks(d, { checkValue: null, requestedBy: s.user.id, note: hint });
    await io.respond({ ...msg, response_type: 'ephemeral' }).catch((e: unknown) => deps.log.warn('respond_failed', { error: e }));
  }
}
