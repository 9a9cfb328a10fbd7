// /refused: ack at once (help and mistakes are answered in the ack itself), then a short visible message
// in the channel and the diagnosis in its thread. Where the bot may not post, the answer comes back
// privately through the command's response_url, with how to invite the bot.
import type { Diagnosis } from '../../../domain/types.js';
import { usageMessage } from '../../../render/slack/home.js';
import { escape, renderBlocks, shortMessage, type SlackMessage } from '../../../render/slack/blocks.js';
import { type DiagnoseRequest, toRequest } from '../../../request.js';
import type { Deps, SlackClient } from '../../deps.js';
import { slackToPlain } from '../../text.js';
import { type Asked, admitHere, agentServes, cannotPost, clipPaste, confirmAdmission, describeRequest, failureWords, inviteHint, originOf, overHere, postDiagnosis, runDiagnosis, unfinishedWords } from '../../reply.js';

export interface CommandInput {
  text: string;
  user_id: string;
  channel_id: string;
  team_id?: string;
  /** Unique per invocation: a command Slack hands over twice (to a second connection) is answered once. */
  trigger_id?: string;
}

export interface CommandIO {
  /** Slack wants this within 3 s; a message here is shown only to the person who typed the command. */
  ack(msg?: SlackMessage): Promise<void>;
  /** Posts through the command's response_url (ephemeral unless told otherwise). */
  respond(msg: SlackMessage & { response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean }): Promise<unknown>;
  client: SlackClient;
}

/** `… from office,k8s-prod` at the end of a one-line command: the agents to ask, checked against those known. */
const FROM = /^(?<rest>[^\n]*\S)\s+from\s+(?<names>[a-z0-9][a-z0-9-]{0,31}(?:\s*,\s*[a-z0-9][a-z0-9-]{0,31}){0,15})\s*$/i;

export function vantagesAsked(text: string, deps: Pick<Deps, 'agents'>, channel: string | null): { rest: string; names: string[] } | { error: string } | null {
  const m = FROM.exec(text);
  if (!m?.groups) return null;
  const names = [...new Set(m.groups.names!.split(',').map((n) => n.trim().toLowerCase()))];
  const known = deps.agents?.names() ?? [];
  if (known.length === 0) return { error: 'this bot has no probe agents (REFUSED_AGENTS is empty), so `from <agent>` cannot be used' };
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) return { error: `no probe agent is named ${unknown.map((n) => `"${n}"`).join(', ')}; the agents are ${known.join(', ')}` };
  const elsewhere = names.filter((n) => !agentServes(deps, n, channel));
  if (elsewhere.length > 0) return { error: `${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'is' : 'are'} bound to other channels by the operator (REFUSED_AGENT_CHANNELS), so ${elsewhere.length === 1 ? 'it' : 'they'} cannot be asked here` };
  return { rest: m.groups.rest!, names };
}

/** What is known of a command at its ack: the answer to give in the ack, or the request admitted. */
export type CommandStart = { reply: SlackMessage } | { reply?: undefined; req: DiagnoseRequest; asked: Asked };

/**
 * Everything before a command's ack, with no I/O: help and mistakes, a restart, this replica's rate limits, the
 * text read, a place in line. In HTTP mode it runs before Bolt sees the request (receiver.ts), so a burst's acks
 * wait for nothing but this.
 */
export function startRefusedCommand(cmd: CommandInput, deps: Deps): CommandStart {
  const text = slackToPlain(cmd.text).trim();
  if (text === '' || /^(help|-h|--help|\?)$/i.test(text)) return { reply: usageMessage(null) };
  if (deps.work.draining) return { reply: shortMessage(':hourglass: This instance of refused is restarting; try again in a moment.') };
  const asked: Asked = { source: 'command', user: cmd.user_id, channel: cmd.channel_id, team: cmd.team_id ?? null };
  // A person or channel over the limit is answered before the text is read: a flood costs no parsing.
  const over = overHere(deps, asked);
  if (over !== null) return { reply: shortMessage(over) };
  const from = vantagesAsked(text, deps, cmd.channel_id);
  if (from && 'error' in from) return { reply: usageMessage(from.error) };
  if (from) asked.vantages = from.names;
  const parsed = toRequest(clipPaste(deps, from ? from.rest : text));
  if (!parsed.ok) return { reply: usageMessage(parsed.error) };
  const req = parsed.request;
  if (req.type === 'paste' && !deps.hasConnectionError(req.text)) return { reply: usageMessage('I found no connection error and no host and port in that text') };
  // Refused before anything is posted: the answer is the ack itself, seen only by the asker. The ack waits for
  // this replica's own count only; the store, which counts every replica, is asked right after it.
  const refused = admitHere(deps, asked, req);
  if (refused !== null) return { reply: shortMessage(refused) };
  return { req, asked };
}

export async function handleRefusedCommand(cmd: CommandInput, io: CommandIO, deps: Deps): Promise<void> {
  const start = startRefusedCommand(cmd, deps);
  if (start.reply) {
    await io.ack(start.reply);
    return;
  }
  await io.ack();
  // Other commands' acks go out before this one's posts and probes start (a burst acks first, then works).
  deps.work.acked();
  await deps.work.afterAcks();
  await finishRefusedCommand(cmd, start, io, deps);
}

/** Everything after the ack of an admitted command: the store's verdict, the note in the channel, the diagnosis in its thread. */
export async function finishRefusedCommand(cmd: CommandInput, start: { req: DiagnoseRequest; asked: Asked }, io: Pick<CommandIO, 'respond' | 'client'>, deps: Deps): Promise<void> {
  const { req, asked } = start;
  // Over the limit across replicas (or the store down with REFUSED_LIMITS_WITHOUT_STORE=closed): still nothing
  // posted, and the answer is private, as an ack's would have been.
  const shared = await confirmAdmission(deps, asked, req);
  if (shared !== null) {
    await io.respond({ ...shortMessage(shared), response_type: 'ephemeral' }).catch((err: unknown) => deps.log.warn('respond_failed', { error: err }));
    return;
  }
  const what = describeRequest(req);

  // The visible parent first, so people see the question while the probes run.
  let parentTs: string | undefined;
  const asking = `<@${cmd.user_id}> asked me to check ${req.type === 'paste' ? 'a pasted error' : `\`${escape(what)}\``}.`;
  try {
    const parent = await io.client.chat.postMessage({
      channel: cmd.channel_id,
      text: `${asking} Diagnosis in the thread.`,
      unfurl_links: false,
    });
    parentTs = parent.ts;
  } catch (err) {
    if (!cannotPost(err)) {
      deps.log.warn('post_failed', { source: 'command', channel: cmd.channel_id, error: err });
    }
  }

  let d: Diagnosis;
  try {
    d = await runDiagnosis(deps, req, asked);
  } catch (err) {
    // The note in the channel promised a diagnosis in its thread; it now says there is none, and why.
    if (parentTs) {
      await io.client.chat
        .update({ channel: cmd.channel_id, ts: parentTs, text: `${asking} ${unfinishedWords(err)}` })
        .catch((e: unknown) => deps.log.warn('update_failed', { source: 'command', channel: cmd.channel_id, error: e }));
    }
    await io.respond({ ...shortMessage(failureWords(err)), response_type: 'ephemeral' }).catch(() => undefined);
    return;
  }

  if (parentTs) {
    try {
      const where = { channel: cmd.channel_id, threadTs: parentTs, team: cmd.team_id ?? null, user: cmd.user_id };
      await postDiagnosis(deps, io.client, where, d, req, { requestedBy: cmd.user_id, origin: originOf(asked, cmd.team_id ?? null) });
      return;
    } catch (err) {
      deps.log.warn('post_failed', { source: 'command', channel: cmd.channel_id, error: err });
    }
  }
  // Fallback: only the asker sees it, and it cannot be edited later, so it carries no buttons.
  const hint = inviteHint(cmd.channel_id, deps.botUserId);
  const msg = renderBlocks(d, { checkValue: null, requestedBy: cmd.user_id, note: hint });
  deps.log.info('ephemeral_fallback', { source: 'command', user: cmd.user_id, channel: cmd.channel_id });
  await io.respond({ ...msg, response_type: 'ephemeral' }).catch((err: unknown) => deps.log.warn('respond_failed', { error: err }));
}
