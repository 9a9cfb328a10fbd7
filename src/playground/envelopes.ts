// What Slack sends an app over Socket Mode, built as Slack builds it: the frames (hello, disconnect, an
// envelope around each payload) and the payloads themselves (a slash command, an Events API callback, a
// button click, a message shortcut, a modal submitted or closed). Shapes follow
// https://api.slack.com/apis/socket-mode and https://api.slack.com/reference/interaction-payloads; the
// local Slack and the tests' fake Slack both send these, so the bot meets one shape everywhere.
import { randomUUID } from 'node:crypto';

/** The names of one simulated workspace and app. */
export interface Workspace {
  team: string;
  teamDomain: string;
  appId: string;
  botUser: string;
  botId: string;
}

export interface Person {
  id: string;
  name: string;
}

export interface Conversation {
  id: string;
  name: string;
}

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

/** Slack's greeting once a Socket Mode connection is open. */
export function helloFrame(ws: Workspace, connections: number): Record<string, unknown> {
  return { type: 'hello', num_connections: connections, debug_info: { host: 'local-slack', approximate_connection_time: 3600 }, connection_info: { app_id: ws.appId } };
}

/** Slack's "please reconnect" frame, sent before it recycles a connection. */
export function disconnectFrame(reason: string): Record<string, unknown> {
  return { type: 'disconnect', reason, debug_info: { host: 'local-slack' } };
}

/** A payload in its envelope; the app answers with {envelope_id, payload?} within 3 s. */
export function envelopeFrame(type: EnvelopeType, payload: Record<string, unknown>, envelopeId: string = randomUUID()): Record<string, unknown> {
  return { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' };
}

/** A trigger id as Slack makes them: digits, a dot, more digits, a hex tail. */
export function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomUUID().replace(/-/g, '')}`;
}

/** A message ts: seconds, a dot, six digits. The counter keeps them unique and in order within a second. */
export function messageTs(counter: number, now: number = Date.now()): string {
  return `${Math.floor(now / 1000)}.${String(counter % 1_000_000).padStart(6, '0')}`;
}

export function slashCommandPayload(ws: Workspace, o: { text: string; command: string; user: Person; channel: Conversation; responseUrl: string; triggerId: string }): Record<string, unknown> {
  return {
    token: 'legacy-verification',
    team_id: ws.team,
    team_domain: ws.teamDomain,
    channel_id: o.channel.id,
    channel_name: o.channel.name,
    user_id: o.user.id,
    user_name: o.user.name,
    command: o.command,
    text: o.text,
    api_app_id: ws.appId,
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId,
  };
}

/** An Events API callback around one event (message, app_mention, app_home_opened …). */
export function eventPayload(ws: Workspace, event: Record<string, unknown>): Record<string, unknown> {
  return {
    token: 'legacy-verification',
    team_id: ws.team,
    api_app_id: ws.appId,
    event: { event_ts: event.ts ?? `${(Date.now() / 1000).toFixed(6)}`, ...event },
    type: 'event_callback',
    event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: ws.team, user_id: ws.botUser, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** A message as Slack includes it in interaction payloads. */
export interface MessageRef {
  channel: string;
  ts: string;
  thread_ts?: string;
  user: string;
  bot?: boolean;
  text: string;
  blocks: unknown[];
}

function messageBody(ws: Workspace, m: MessageRef): Record<string, unknown> {
  return {
    type: 'message',
    user: m.user,
    ...(m.bot ? { bot_id: ws.botId, app_id: ws.appId } : {}),
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    text: m.text,
    ...(m.blocks.length > 0 ? { blocks: m.blocks } : {}),
  };
}

export interface ClickedAction {
  action_id: string;
  block_id: string;
  value?: string;
  text?: string;
  type?: string;
}

function action(a: ClickedAction): Record<string, unknown> {
  return {
    type: a.type ?? 'button',
    action_id: a.action_id,
    block_id: a.block_id,
    text: { type: 'plain_text', text: a.text ?? '', emoji: true },
    ...(a.value !== undefined ? { value: a.value } : {}),
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
  };
}

function teamOf(ws: Workspace): Record<string, unknown> {
  return { id: ws.team, domain: ws.teamDomain };
}

function userOf(ws: Workspace, user: Person): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: ws.team };
}

/** Who and where, as every interactive payload (clicks, view submissions and closes) starts. */
function interactiveHead(ws: Workspace, user: Person): Record<string, unknown> {
  return { team: teamOf(ws), user: userOf(ws, user), api_app_id: ws.appId, token: 'legacy-verification' };
}

/** A click on a message's button; an ephemeral message is named by its container and not included. */
export function messageClickPayload(
  ws: Workspace,
  o: { user: Person; channel: Conversation; message: MessageRef; ephemeral?: boolean; action: ClickedAction; responseUrl: string; triggerId: string },
): Record<string, unknown> {
  const m = o.message;
  return {
    type: 'block_actions',
    ...interactiveHead(ws, o.user),
    container: { type: 'message', message_ts: m.ts, channel_id: o.channel.id, is_ephemeral: o.ephemeral === true, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) },
    trigger_id: o.triggerId,
    channel: { id: o.channel.id, name: o.channel.name },
    ...(o.ephemeral ? {} : { message: messageBody(ws, m) }),
    state: { values: {} },
    response_url: o.responseUrl,
    actions: [action(o.action)],
  };
}

/** A view as Slack includes it in payloads: what the app sent, plus the ids and state Slack keeps. */
export function viewBody(ws: Workspace, id: string, view: Record<string, unknown>, values: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    team_id: ws.team,
    app_id: ws.appId,
    bot_id: ws.botId,
    hash: `${Math.floor(Date.now() / 1000)}.${id}`,
    previous_view_id: null,
    root_view_id: id,
    private_metadata: '',
    callback_id: '',
    external_id: '',
    clear_on_close: false,
    notify_on_close: false,
    ...view,
    state: { values },
  };
}

/** A click on a button in a view (the App Home or a modal). */
export function viewClickPayload(ws: Workspace, o: { user: Person; viewId: string; view: Record<string, unknown>; action: ClickedAction; triggerId: string }): Record<string, unknown> {
  return {
    type: 'block_actions',
    ...interactiveHead(ws, o.user),
    container: { type: 'view', view_id: o.viewId },
    trigger_id: o.triggerId,
    view: viewBody(ws, o.viewId, o.view),
    actions: [action(o.action)],
  };
}

/** A message shortcut ("…" menu → the app's shortcut) on a message. */
export function messageShortcutPayload(
  ws: Workspace,
  o: { callbackId: string; user: Person; channel: Conversation; message: MessageRef; responseUrl: string; triggerId: string },
): Record<string, unknown> {
  return {
    type: 'message_action',
    token: 'legacy-verification',
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    team: teamOf(ws),
    user: userOf(ws, o.user),
    channel: { id: o.channel.id, name: o.channel.name },
    is_enterprise_install: false,
    callback_id: o.callbackId,
    trigger_id: o.triggerId,
    response_url: o.responseUrl,
    message_ts: o.message.ts,
    message: messageBody(ws, o.message),
  };
}

export function viewSubmissionPayload(ws: Workspace, o: { user: Person; viewId: string; view: Record<string, unknown>; values: Record<string, unknown>; triggerId: string }): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...interactiveHead(ws, o.user),
    trigger_id: o.triggerId,
    view: viewBody(ws, o.viewId, o.view, o.values),
    response_urls: [],
    is_enterprise_install: false,
  };
}

export function viewClosedPayload(ws: Workspace, o: { user: Person; viewId: string; view: Record<string, unknown> }): Record<string, unknown> {
  return {
    type: 'view_closed',
    ...interactiveHead(ws, o.user),
    view: viewBody(ws, o.viewId, o.view),
    is_cleared: false,
    is_enterprise_install: false,
  };
}
