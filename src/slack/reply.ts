// The steps every surface shares: run a diagnosis (bounded, logged, remembered), build its message with
// signed buttons, and post it where it belongs, falling back when Slack will not let the bot post.
import { hostPort } from '../domain/describe.js';
import type { Diagnosis } from '../domain/types.js';
import { redact } from '../parse/redact.js';
import { renderBlocks, type RenderContext, type SlackMessage } from '../render/slack/blocks.js';
import type { DiagnoseRequest } from '../request.js';
import { encode, encodeCheck } from './button-value.js';
import type { Deps, SlackClient } from './deps.js';
import { snapshot } from './state.js';

/** Slack errors that mean "this bot may not post here", as opposed to a failure worth retrying. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_reply_to_message', 'team_access_not_granted', 'ekm_access_denied']);

/** The error code of a Slack Web API platform error ("not_in_channel"), or null for anything else. */
export function slackError(err: unknown): string | null {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : null;
}

export function cannotPost(err: unknown): boolean {
  const code = slackError(err);
  return code !== null && CANNOT_POST.has(code);
}

/** A request in a few words, for messages and logs; a paste is never echoed (it may hold secrets). */
export function describeRequest(req: DiagnoseRequest): string {
  switch (req.type) {
    case 'target':
      return hostPort(req.host, req.port);
    case 'url':
      return redact(req.url);
    case 'paste':
      return 'a pasted error';
  }
}

/** What was diagnosed, from the diagnosis itself when the request was a paste. */
export function targetOf(req: DiagnoseRequest, d: Diagnosis | null): string {
  if (req.type !== 'paste' || !d) return describeRequest(req);
  const f = d.facts;
  if (f.unixSocket) return f.unixSocket;
  return f.host ? hostPort(f.host, f.port) : 'a pasted error';
}

export interface Asked {
  source: 'command' | 'message' | 'mention' | 'dm' | 'shortcut' | 'recheck' | 'watch';
  user: string;
  channel: string | null;
}

/** Runs the engine under the work limits, and logs one line: who, where, what, outcome, how long. */
export async function runDiagnosis(deps: Deps, req: DiagnoseRequest, asked: Asked): Promise<Diagnosis> {
  const started = Date.now();
  try {
    const d = await deps.work.run((signal) => deps.diagnose(req, signal));
    const target = targetOf(req, d);
    deps.log.info('diagnosis', {
      source: asked.source,
      user: asked.user,
      channel: asked.channel,
      target,
      outcome: d.causes[0]?.id ?? 'none',
      verdict: d.verdict,
      probed: d.probed,
      ms: Date.now() - started,
    });
    if (asked.source !== 'watch') {
      deps.history.add(asked.user, { at: d.vantage.at.slice(0, 16).replace('T', ' '), what: target, verdict: d.verdict, channel: asked.channel });
    }
    return d;
  } catch (err) {
    deps.log.warn('diagnosis_failed', { source: asked.source, user: asked.user, channel: asked.channel, target: describeRequest(req), error: err, ms: Date.now() - started });
    throw err;
  }
}

/**
 * The request as a button may carry it: secrets masked. A button value travels to every client in the
 * channel, and a /refused text was only ever seen by the person who typed it.
 */
export function redactRequest(req: DiagnoseRequest): DiagnoseRequest {
  if (req.type === 'paste') return { type: 'paste', text: redact(req.text) };
  if (req.type === 'url') return { type: 'url', url: redact(req.url) };
  return req;
}

/** The diagnosis as a message, with signed Re-check/Watch and feedback buttons unless `buttons` is false. */
export function diagnosisMessage(deps: Deps, d: Diagnosis, req: DiagnoseRequest, extra: Omit<RenderContext, 'checkValue' | 'feedbackValue'> & { buttons?: boolean }): SlackMessage {
  const nowS = Math.floor(deps.now().getTime() / 1000);
  const buttons = extra.buttons ?? true;
  const ctx: RenderContext = {
    ...extra,
    // Re-check and Watch repeat the probes; with nothing probed (a pasted localhost, no target) there is
    // nothing to repeat, so the buttons would only promise something.
    checkValue: buttons && d.probed ? encodeCheck(redactRequest(req), snapshot(d), d.facts.matched, deps.key, nowS) : null,
    feedbackValue: buttons ? (i, cause) => encode({ k: 'fb', v: 1, t: nowS, c: String(cause.id).slice(0, 80), i }, deps.key) : null,
  };
  return renderBlocks(d, ctx);
}

/** Posts in a thread; returns the new message's ts. Throws Slack's error (callers decide on a fallback). */
export async function postInThread(client: SlackClient, channel: string, threadTs: string, msg: SlackMessage): Promise<string | undefined> {
  const res = await client.chat.postMessage({ channel, thread_ts: threadTs, text: msg.text, blocks: msg.blocks, unfurl_links: false, unfurl_media: false });
  return res.ts;
}

/** How to let the bot answer in the open, worded for where the person is. */
export function inviteHint(channel: string | null, botUserId: string): string {
  if (channel && (channel.startsWith('D') || channel.startsWith('G'))) {
    return `:lock: Only you can see this: I am not part of this conversation. DM me (<@${botUserId}>) or use a channel I am in to get answers everyone can see.`;
  }
  return `:lock: Only you can see this: I cannot post in this channel. Invite me with \`/invite <@${botUserId}>\` to get answers in threads.`;
}
