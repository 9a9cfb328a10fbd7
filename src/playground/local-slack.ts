// A Slack on loopback: the Web API methods a bot calls, response_url endpoints, and Socket Mode (a real
// WebSocket that sends envelopes and waits for their acks), over one small model of a workspace — messages
// and threads, edits, reactions, ephemeral messages, the App Home and modals. It checks what the bot sends
// the way Slack does (./limits.ts) and answers as Slack answers (invalid_blocks, message_not_found …).
//
// The playground serves it next to its page (./server.ts); the tests' fake Slack (test/slack/fake-slack.ts)
// serves it alone and adds its own fault injection through the hooks. Neither the bot nor src/slack/ knows
// which Slack it talks to.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  disconnectFrame,
  envelopeFrame,
  eventPayload,
  helloFrame,
  messageClickPayload,
  messageShortcutPayload,
  messageTs,
  slashCommandPayload,
  triggerId as newTriggerId,
  viewBody,
  viewClickPayload,
  viewClosedPayload,
  viewSubmissionPayload,
  type ClickedAction,
  type Conversation,
  type EnvelopeType,
  type MessageRef,
  type Person,
  type Workspace,
} from './envelopes.js';
import { findElement, messageProblems, metadataProblems, textOf, viewProblems } from './limits.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Call {
  method: string;
  args: Obj;
  token: string | null;
  at: number;
}

export interface Ack {
  envelopeId: string;
  type: EnvelopeType;
  payload: unknown;
  /** From this attempt's envelope to its ack. */
  ms: number;
  /** The connection the ack came on (SocketConnection.id). */
  connection: number;
  /** The envelope's retry_attempt: 0 for the first delivery. */
  attempt: number;
  /** The first attempt's envelope id: one payload keeps it over every redelivery. */
  first: string;
}

/** One envelope sent over Socket Mode: a first delivery or a redelivery of the same payload. */
export interface Delivery {
  envelopeId: string;
  /** The first attempt's envelope id (equal to envelopeId on a first delivery). */
  first: string;
  type: EnvelopeType;
  payload: Obj;
  attempt: number;
  /** '' on a first delivery, 'timeout' when the one before got no ack in time. */
  retryReason: string;
  connection: number;
  at: number;
}

/** An open Socket Mode connection, as tests see it (a copy). */
export interface SocketConnection {
  /** 1, 2, 3 … in the order they were accepted; a reconnect gets a new id. */
  id: number;
  /** The client's port: tells a test's own connection from a bot's. */
  remotePort: number;
  openedAt: number;
  /** Envelopes sent on it and acks that came back on it. */
  sent: number;
  acked: number;
  /** Sent a disconnect frame: while another connection is open, no new envelope goes to it. */
  draining: boolean;
}

/** Which connection gets an envelope: an index into `connections` (the candidates, oldest first). */
export type DeliverTo = (connections: readonly SocketConnection[], envelope: { type: EnvelopeType; payload: Obj; attempt: number }) => number;

export interface Redelivery {
  /** How long an envelope waits for its ack before it is sent again (Slack: 3 s). */
  afterMs: number;
  /** Redeliveries after the first attempt (Slack: up to 3). */
  retries: number;
}

export interface Metadata {
  event_type: string;
  event_payload: Obj;
}

/** A message in a conversation: a person's or the bot's, top level or in a thread. */
export interface StoredMessage {
  channel: string;
  ts: string;
  /** Set on thread replies only: the parent's ts. */
  thread_ts?: string;
  user: string;
  bot: boolean;
  text: string;
  /** What the sender gave; [] when it sent none (hasBlocks tells the two apart). */
  blocks: unknown[];
  hasBlocks: boolean;
  metadata?: Metadata;
  /** chat.update calls so far. */
  updates: number;
  reactions: { name: string; users: string[] }[];
  deleted?: boolean;
  /** Arrival order (ts strings of different seconds do not sort as text). */
  seq: number;
}

/** A message only one person sees (chat.postEphemeral, an ephemeral response_url post, a command's ack). */
export interface StoredEphemeral {
  channel: string;
  ts: string;
  thread_ts?: string;
  /** The one person who sees it. */
  user: string;
  text: string;
  blocks: unknown[];
  hasBlocks: boolean;
  seq: number;
}

/** What a click payload needs of the message the button sits on. */
export interface ClickedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot?: boolean;
  text: string;
  blocks: unknown[];
}

export interface StoredView {
  id: string;
  kind: 'home' | 'modal';
  user: string;
  view: Obj;
}

/** Where a response_url posts: the conversation, the person, and the message it may replace or delete. */
interface ResponseTarget {
  channel: string;
  user: string;
  threadTs?: string;
  source: { kind: 'message'; ts: string } | { kind: 'ephemeral'; ts: string } | null;
  uses: number;
  created: number;
}

export interface Hooks {
  /** Every Web API call, before anything else (the tests record them). */
  onCall?(call: Call): void;
  /** A canned HTTP answer instead of Slack's (the tests' rate limits, failing proxies, refusals). */
  intercept?(method: string, args: Obj): { status: number; headers?: Record<string, string>; body: string | Obj } | null;
  /** Something the bot sent that Slack would refuse or frown at. */
  onProblem?(problem: string): void;
  /** Every response_url post, as it arrived. */
  onResponse?(id: string, body: Obj): void;
  onAck?(ack: Ack): void;
  /** Every envelope as it is sent, redeliveries included. */
  onDeliver?(delivery: Delivery): void;
  /** True when Slack never got this ack (lost on the way, or too late): the envelope stays unacked. */
  loseAck?(ack: Ack): boolean;
}

export interface LocalSlackOptions {
  workspace: Workspace;
  botToken: string;
  appToken: string;
  /** http://127.0.0.1:PORT of the server this is mounted on; known once it listens. */
  baseUrl: () => string;
  /** The conversations that exist; absent, any id is taken as a channel the bot is in. */
  channels?: Conversation[];
  /** Names for user ids (the bot's own is known). */
  people?: Person[];
  /** The WebSocket URL apps.connections.open hands out; default this server's /socket-mode. */
  wsUrl?: () => string;
  hooks?: Hooks;
  /** Slack pings every connection; the Socket Mode client drops a link that stays silent for 30 s. */
  pingIntervalMs?: number;
  /** Send an Events API envelope again when its ack does not come in time; absent, never (as before). */
  redelivery?: Partial<Redelivery>;
}

/** Slack's own window for an ack (https://api.slack.com/apis/socket-mode#acknowledge). */
export const ACK_WINDOW_MS = 3000;
/** Socket Mode connections one app may hold at once, from any number of processes. */
export const MAX_CONNECTIONS = 10;
/** Slack retries an Events API delivery that got no ack up to 3 times. */
export const MAX_RETRIES = 3;
/** Acked envelope ids (and deleted messages) remembered, bounded: the playground runs for days. */
const ACKED_MEMORY = 1000;
/** A trigger_id opens a modal within 3 s of the interaction, once. */
const TRIGGER_MS = 3000;
/** A response_url takes up to 5 posts within 30 minutes. */
const RESPONSE_USES = 5;
const RESPONSE_MS = 30 * 60_000;
/** Web API bodies larger than this are not read (Slack's own messages stay far below it). */
const MAX_BODY = 2 * 1024 * 1024;

export const SOCKET_PATH = '/socket-mode';
export const RESPONSE_PATH = '/response/';
export const API_PATH = '/api/';

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body under a cap. */
export async function readRaw(req: IncomingMessage, max = MAX_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new BodyError(413, `the body is larger than ${Math.round(max / 1024)} KB`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseArg(value: string): unknown {
  // The WebClient JSON-encodes nested arguments (blocks, view, metadata) inside form bodies.
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** A Web API or response_url body: JSON, or form-encoded with JSON inside. */
export async function readArgs(req: IncomingMessage): Promise<Obj> {
  const raw = await readRaw(req);
  if (raw === '') return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new BodyError(400, 'the body is not JSON');
    }
    if (!isObj(parsed)) throw new BodyError(400, 'the body is not a JSON object');
    return parsed;
  }
  const out: Obj = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = parseArg(v);
  return out;
}

function send(res: ServerResponse, status: number, body: Obj | string, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers }).end(text);
}

type Reply = Obj & { ok: boolean };

/** Redelivery settings with Slack's defaults filled in: 3 s, 3 retries (fewer may be asked, never more). */
export function redeliveryOf(o: Partial<Redelivery>): Redelivery {
  const afterMs = o.afterMs !== undefined && Number.isFinite(o.afterMs) && o.afterMs >= 0 ? o.afterMs : ACK_WINDOW_MS;
  const retries = o.retries !== undefined && Number.isInteger(o.retries) ? Math.max(0, Math.min(o.retries, MAX_RETRIES)) : MAX_RETRIES;
  return { afterMs, retries };
}

/** A connection with its socket. */
interface Link extends SocketConnection {
  ws: WebSocket;
}

/** One payload on its way to the app: every attempt at it, until one is acked. */
interface Job {
  type: EnvelopeType;
  payload: Obj;
  first: string;
  /** Attempts made so far (one with no connection open counts: Slack tried). */
  attempts: number;
  /** Connections it was sent to, so a redelivery goes to another one when it can. */
  tried: number[];
  done: boolean;
  timer?: NodeJS.Timeout;
  resolve: (a: Ack) => void;
}

/** One attempt waiting for its ack. */
interface Pending {
  job: Job;
  attempt: number;
  connection: number;
  sent: number;
}

/** What became of something a person did: the app's ack (null when it did not ack in time), or why not. */
export type Delivered = { ok: true; ack: Ack | null } | { ok: false; status: 400 | 503; error: string };

export class LocalSlack {
  readonly workspace: Workspace;
  /** Channel messages by `${channel}:${ts}`, replies included, in arrival order. */
  readonly messages = new Map<string, StoredMessage>();
  readonly ephemerals: StoredEphemeral[] = [];
  readonly views = new Map<string, StoredView>();
  /** Socket Mode connections accepted so far (a reconnect makes it grow). */
  connectionsOpened = 0;
  /** Connections turned away because MAX_CONNECTIONS were open. */
  connectionsRefused = 0;
  /** Chooses the connection for each envelope; null: round-robin over the open ones. */
  deliverTo: DeliverTo | null = null;
  /** When an unacked Events API envelope is sent again; null: never. */
  redelivery: Redelivery | null;
  /** Bumped on every change a person could see. */
  version = 0;

  #opts: LocalSlackOptions;
  #hooks: Hooks;
  #wss = new WebSocketServer({ noServer: true });
  #links: Link[] = [];
  #tickets = new Set<string>();
  #pending = new Map<string, Pending>();
  #acked = new Set<string>();
  /** `${channel}:${ts}` of messages deleted outright (bounded), so a link to one is not found. */
  #gone = new Set<string>();
  #retryTimers = new Set<NodeJS.Timeout>();
  #roundRobin = 0;
  #responses = new Map<string, ResponseTarget>();
  #triggers = new Map<string, { created: number; used: boolean; user: string }>();
  #homes = new Map<string, string>();
  #modals = new Map<string, string[]>();
  #listeners = new Set<(version: number) => void>();
  #connectedWaiters = new Set<() => void>();
  #counter = 0;
  #seq = 0;
  #closed = false;

  constructor(opts: LocalSlackOptions) {
    this.#opts = opts;
    this.#hooks = opts.hooks ?? {};
    this.workspace = opts.workspace;
    this.redelivery = opts.redelivery ? redeliveryOf(opts.redelivery) : null;
  }

  get openSockets(): number {
    return this.#links.length;
  }

  get connected(): boolean {
    return this.#links.length > 0;
  }

  /** The open Socket Mode connections, oldest first (copies). */
  get connections(): SocketConnection[] {
    return this.#links.map(({ ws: _ws, ...c }) => ({ ...c }));
  }

  /** Redeliveries waiting for their time (0 once every payload is acked or out of attempts). */
  get redeliveriesScheduled(): number {
    return this.#retryTimers.size;
  }

  get apiUrl(): string {
    return `${this.#opts.baseUrl()}${API_PATH}`;
  }

  /** Called with the new version after every change a person could see; returns the unsubscribe. */
  onChange(fn: (version: number) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Resolves true once a Socket Mode link is open, false after `ms` without one. */
  waitConnected(ms: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#connectedWaiters.delete(done);
        resolve(this.connected);
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#connectedWaiters.add(done);
    });
  }

  nameOf(user: string): string {
    if (user === this.workspace.botUser) return this.#opts.people?.find((p) => p.id === user)?.name ?? 'bot';
    return this.#opts.people?.find((p) => p.id === user)?.name ?? user;
  }

  channel(id: string): Conversation | null {
    if (!this.#opts.channels) return { id, name: id === 'C100' ? 'general' : id.toLowerCase() };
    return this.#opts.channels.find((c) => c.id === id) ?? null;
  }

  #changed(): void {
    this.version += 1;
    for (const fn of this.#listeners) fn(this.version);
  }

  #problem(p: string): void {
    this.#hooks.onProblem?.(p);
  }

  #nextTs(): string {
    this.#counter += 1;
    return messageTs(this.#counter);
  }

  // ---------------------------------------------------------------- the workspace, as people change it

  /** Stores a person's message (top level, or a reply under `threadTs`). */
  addUserMessage(o: { channel: string; user: string; text: string; threadTs?: string }): StoredMessage {
    const msg: StoredMessage = { channel: o.channel, ts: this.#nextTs(), user: o.user, bot: false, text: o.text, blocks: [], hasBlocks: false, updates: 0, reactions: [], seq: ++this.#seq };
    if (o.threadTs) msg.thread_ts = o.threadTs;
    this.messages.set(`${o.channel}:${msg.ts}`, msg);
    this.#changed();
    return msg;
  }

  message(channel: string, ts: string): StoredMessage | null {
    return this.messages.get(`${channel}:${ts}`) ?? null;
  }

  ephemeral(channel: string, ts: string): StoredEphemeral | null {
    return this.ephemerals.find((e) => e.channel === channel && e.ts === ts) ?? null;
  }

  #addEphemeral(o: { channel: string; user: string; threadTs?: string; text: string; blocks: unknown }): StoredEphemeral {
    const e: StoredEphemeral = {
      channel: o.channel,
      ts: this.#nextTs(),
      user: o.user,
      text: o.text,
      blocks: Array.isArray(o.blocks) ? o.blocks : [],
      hasBlocks: Array.isArray(o.blocks),
      seq: ++this.#seq,
    };
    if (o.threadTs) e.thread_ts = o.threadTs;
    this.ephemerals.push(e);
    this.#changed();
    return e;
  }

  /** Words from Slack itself, seen only by one person (a command that got no answer, say). */
  notice(channel: string, user: string, text: string, threadTs?: string): void {
    this.#addEphemeral({ channel, user, text, blocks: undefined, ...(threadTs ? { threadTs } : {}) });
  }

  /** The modal on top of a person's stack, if one is open. */
  modalOf(user: string): StoredView | null {
    const id = this.#modals.get(user)?.at(-1);
    return id ? (this.views.get(id) ?? null) : null;
  }

  homeOf(user: string): StoredView | null {
    const id = this.#homes.get(user);
    return id ? (this.views.get(id) ?? null) : null;
  }

  /** A response_url for an interaction: where its posts go and what they may replace. */
  responseUrl(target: Omit<ResponseTarget, 'uses' | 'created'>): string {
    // Expired ones go as new ones come, so a playground left running for days stays small.
    const now = Date.now();
    for (const [old, t] of this.#responses) if (now - t.created > RESPONSE_MS) this.#responses.delete(old);
    const id = randomUUID();
    this.#responses.set(id, { ...target, uses: 0, created: Date.now() });
    return `${this.#opts.baseUrl()}${RESPONSE_PATH}${id}`;
  }

  /** A trigger_id for an interaction of `user`: it opens one modal, for that person, within 3 s. */
  triggerId(user: string): string {
    const now = Date.now();
    for (const [old, t] of this.#triggers) if (now - t.created > TRIGGER_MS) this.#triggers.delete(old);
    const id = newTriggerId();
    this.#triggers.set(id, { created: Date.now(), used: false, user });
    return id;
  }

  #ref(m: StoredMessage): MessageRef {
    return { channel: m.channel, ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), user: m.user, bot: m.bot, text: m.text, blocks: m.blocks };
  }

  #person(user: string): Person {
    return { id: user, name: this.nameOf(user) };
  }

  slashPayload(o: { text: string; command: string; user: string; channel: string }): Record<string, unknown> {
    const channel = this.channel(o.channel) ?? { id: o.channel, name: o.channel };
    return slashCommandPayload(this.workspace, {
      text: o.text,
      command: o.command,
      user: this.#person(o.user),
      channel,
      responseUrl: this.responseUrl({ channel: o.channel, user: o.user, source: null }),
      triggerId: this.triggerId(o.user),
    });
  }

  /** A click on a button of a message (or, `ephemeral`, of a message only the clicker sees). */
  messageClick(o: { message: ClickedMessage; ephemeral: boolean; user: string; action: ClickedAction }): Record<string, unknown> {
    const { ephemeral, message: m } = o;
    const ref: MessageRef = { channel: m.channel, ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), user: m.user ?? this.workspace.botUser, bot: m.bot ?? true, text: m.text, blocks: m.blocks };
    return messageClickPayload(this.workspace, {
      user: this.#person(o.user),
      channel: this.channel(m.channel) ?? { id: m.channel, name: m.channel },
      message: ref,
      ephemeral,
      action: o.action,
      responseUrl: this.responseUrl({ channel: m.channel, user: o.user, ...(m.thread_ts ? { threadTs: m.thread_ts } : {}), source: { kind: ephemeral ? 'ephemeral' : 'message', ts: m.ts } }),
      triggerId: this.triggerId(o.user),
    });
  }

  // ---------------------------------------------------------------- what a person does (the page's actions)

  /**
   * Delivers a payload over Socket Mode as Slack does for something a person did: waits (bounded) for a link,
   * then for the ack; a command or click that gets no ack in 3 s is told to the person, as Slack tells it.
   */
  async deliver(type: EnvelopeType, payload: Obj, who: { user: string; channel: string | null; threadTs?: string; what: string }): Promise<Delivered> {
    if (!(await this.waitConnected(10_000))) return { ok: false, status: 503, error: 'the bot is not connected to this local Slack yet (it is still starting, or it stopped); try again in a moment' };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ACK_WINDOW_MS);
      timer.unref();
    });
    const ack = await Promise.race([this.send(type, payload), late]).finally(() => clearTimeout(timer));
    if (ack === null && type !== 'events_api' && who.channel) {
      this.notice(who.channel, who.user, `${who.what} failed: the app did not answer within 3 seconds (operation_timeout).`, who.threadTs);
    }
    return { ok: true, ack };
  }

  /**
   * What a person typed, as Slack stores and sends it: &, < and > escaped (a typed "&lt;" stays four characters),
   * and "@name" of the bot turned into a mention, as Slack's clients do.
   */
  typed(text: string): string {
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const bot = this.nameOf(this.workspace.botUser).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return escaped.replace(new RegExp(`(^|\\s)@${bot}\\b`, 'g'), `$1<@${this.workspace.botUser}>`);
  }

  /** A person's message in a channel (or a thread): stored, then sent as a message event (and app_mention). */
  async say(o: { channel: string; user: string; text: string; threadTs?: string }): Promise<Delivered> {
    const msg = this.addUserMessage({ ...o, text: this.typed(o.text) });
    const event: Obj = {
      type: 'message',
      channel: o.channel,
      user: o.user,
      text: msg.text,
      ts: msg.ts,
      ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
      channel_type: o.channel.startsWith('D') ? 'im' : 'channel',
      team: this.workspace.team,
      client_msg_id: randomUUID(),
    };
    const sent = await this.deliver('events_api', eventPayload(this.workspace, event), { user: o.user, channel: o.channel, what: 'Your message' });
    if (sent.ok && msg.text.includes(`<@${this.workspace.botUser}>`)) {
      await this.deliver('events_api', eventPayload(this.workspace, { ...event, type: 'app_mention', channel_type: undefined }), { user: o.user, channel: o.channel, what: 'Your mention' });
    }
    return sent;
  }

  /** A slash command (its text escaped as Slack escapes it); a message in its ack is shown to the person who typed it. */
  command(o: { channel: string; user: string; command: string; text: string }): Promise<Delivered> {
    return this.deliver('slash_commands', this.slashPayload({ ...o, text: this.typed(o.text) }), { user: o.user, channel: o.channel, what: o.command });
  }

  /** A click on a button of a message or an ephemeral message. */
  clickMessage(o: { channel: string; ts: string; user: string; action: ClickedAction }): Promise<Delivered> {
    const m = this.message(o.channel, o.ts) ?? this.ephemeral(o.channel, o.ts);
    if (!m || ('deleted' in m && m.deleted)) return Promise.resolve({ ok: false, status: 400, error: `there is no message ${o.ts} in this channel` });
    if (!('bot' in m) && m.user !== o.user) return Promise.resolve({ ok: false, status: 400, error: `message ${o.ts} is not visible to ${o.user}` });
    const found = findElement(m.blocks, o.action.action_id, o.action.block_id);
    if (!found) return Promise.resolve({ ok: false, status: 400, error: `message ${o.ts} has no element with action_id ${o.action.action_id} in block ${o.action.block_id || '(any)'}` });
    const action = this.#clicked(found, o.action);
    return this.deliver('interactive', this.messageClick({ message: m, ephemeral: !('bot' in m), user: o.user, action }), { user: o.user, channel: o.channel, ...(m.thread_ts ? { threadTs: m.thread_ts } : {}), what: 'That button' });
  }

  /** The element as Slack describes it: its own value and label, not what the page claims. */
  #clicked(found: { element: Obj; blockId: string }, asked: ClickedAction): ClickedAction {
    const e = found.element;
    return {
      action_id: asked.action_id,
      block_id: found.blockId,
      type: typeof e.type === 'string' ? e.type : 'button',
      text: textOf(e.text),
      ...(typeof e.value === 'string' ? { value: e.value } : asked.value !== undefined ? { value: asked.value } : {}),
    };
  }

  /** A click on a button in the App Home or a modal. */
  clickView(o: { viewId: string; user: string; action: ClickedAction }): Promise<Delivered> {
    const v = this.views.get(o.viewId);
    if (!v || v.user !== o.user) return Promise.resolve({ ok: false, status: 400, error: `there is no open view ${o.viewId}` });
    const found = findElement(v.view.blocks, o.action.action_id, o.action.block_id);
    if (!found) return Promise.resolve({ ok: false, status: 400, error: `view ${o.viewId} has no element with action_id ${o.action.action_id}` });
    const payload = viewClickPayload(this.workspace, { user: this.#person(o.user), viewId: v.id, view: v.view, action: this.#clicked(found, o.action), triggerId: this.triggerId(o.user) });
    return this.deliver('interactive', payload, { user: o.user, channel: null, what: 'That button' });
  }

  /** A message shortcut on a message. */
  shortcut(o: { channel: string; ts: string; user: string; callbackId: string }): Promise<Delivered> {
    const m = this.message(o.channel, o.ts);
    if (!m || m.deleted) return Promise.resolve({ ok: false, status: 400, error: `there is no message ${o.ts} in this channel` });
    const payload = messageShortcutPayload(this.workspace, {
      callbackId: o.callbackId,
      user: this.#person(o.user),
      channel: this.channel(o.channel) ?? { id: o.channel, name: o.channel },
      message: this.#ref(m),
      responseUrl: this.responseUrl({ channel: o.channel, user: o.user, ...(m.thread_ts ? { threadTs: m.thread_ts } : {}), source: null }),
      triggerId: this.triggerId(o.user),
    });
    return this.deliver('interactive', payload, { user: o.user, channel: o.channel, ...(m.thread_ts ? { threadTs: m.thread_ts } : {}), what: 'The shortcut' });
  }

  /** The person opens the app's Home tab. */
  openHome(user: string): Promise<Delivered> {
    const home = this.homeOf(user);
    const event: Obj = { type: 'app_home_opened', user, channel: `D${this.workspace.team.slice(1)}`, tab: 'home', ...(home ? { view: viewBody(this.workspace, home.id, home.view) } : {}) };
    return this.deliver('events_api', eventPayload(this.workspace, event), { user, channel: null, what: 'The Home tab' });
  }

  /** The person submits the modal on top; the ack's response_action decides what happens to it. */
  async submitView(o: { viewId: string; user: string; values: Obj }): Promise<Delivered> {
    const v = this.views.get(o.viewId);
    if (v?.kind !== 'modal' || this.modalOf(o.user)?.id !== o.viewId) return { ok: false, status: 400, error: `there is no open modal ${o.viewId}` };
    const payload = viewSubmissionPayload(this.workspace, { user: this.#person(o.user), viewId: v.id, view: v.view, values: o.values, triggerId: this.triggerId(o.user) });
    const sent = await this.deliver('interactive', payload, { user: o.user, channel: null, what: 'The form' });
    if (!sent.ok) return sent;
    const answer = isObj(sent.ack?.payload) ? sent.ack.payload : {};
    const stack = this.#modals.get(o.user) ?? [];
    switch (answer.response_action) {
      case 'errors':
        // The modal stays open; the app named the fields to fix.
        v.view = { ...v.view, errors: answer.errors };
        break;
      case 'update':
        if (isObj(answer.view)) v.view = answer.view;
        break;
      case 'push':
        if (isObj(answer.view)) this.#openModal(o.user, answer.view);
        break;
      case 'clear':
        this.#closeAll(o.user);
        break;
      default:
        stack.pop();
        this.views.delete(v.id);
    }
    this.#changed();
    return sent;
  }

  /** The person closes the modal on top (Cancel or ×); the app hears of it when it asked to. */
  async closeView(o: { viewId: string; user: string }): Promise<Delivered> {
    const v = this.views.get(o.viewId);
    if (v?.kind !== 'modal' || this.modalOf(o.user)?.id !== o.viewId) return { ok: false, status: 400, error: `there is no open modal ${o.viewId}` };
    (this.#modals.get(o.user) ?? []).pop();
    this.views.delete(v.id);
    this.#changed();
    if (v.view.notify_on_close === true) {
      return this.deliver('interactive', viewClosedPayload(this.workspace, { user: this.#person(o.user), viewId: v.id, view: v.view }), { user: o.user, channel: null, what: 'Closing the form' });
    }
    return { ok: true, ack: null };
  }

  // ---------------------------------------------------------------- Socket Mode
  //
  // Slack lets one app hold up to ten connections at once (from one process or several) and hands each
  // envelope to one of them; an Events API envelope that gets no ack in time may come again, on another
  // connection, with retry_attempt counted up and retry_reason set. Commands and clicks are not sent again:
  // the person is told the app did not answer (deliver() above).

  /**
   * Sends an envelope and resolves with the first ack of it (of any attempt, when redelivery is on). It goes
   * to `o.connection` when given, else to the connection `deliverTo` picks, else round-robin.
   */
  send(type: EnvelopeType, payload: Obj, o: { connection?: number } = {}): Promise<Ack> {
    const link = o.connection === undefined ? this.#choose(type, payload, 0, []) : this.#links.find((l) => l.id === o.connection);
    if (!link) return Promise.reject(new Error(o.connection === undefined ? 'no Socket Mode connection' : `no open Socket Mode connection ${o.connection}`));
    return new Promise<Ack>((resolve) => {
      const job: Job = { type, payload, first: '', attempts: 0, tried: [], done: false, resolve };
      this.#attempt(job, link);
    });
  }

  /** The connection for an attempt: a live one (not told to reconnect), another than those tried before when there is one. */
  #choose(type: EnvelopeType, payload: Obj, attempt: number, tried: number[]): Link | null {
    const live = this.#links.filter((l) => !l.draining);
    // Only draining ones open: the newest, as before a reconnect completes.
    let pool = live.length > 0 ? live : this.#links.slice(-1);
    const fresh = pool.filter((l) => !tried.includes(l.id));
    if (fresh.length > 0) pool = fresh;
    if (pool.length === 0) return null;
    if (this.deliverTo) {
      const at = this.deliverTo(pool.map(({ ws: _ws, ...c }) => ({ ...c })), { type, payload, attempt });
      if (Number.isInteger(at) && at >= 0 && at < pool.length) return pool[at]!;
      this.#problem(`local slack: deliverTo chose ${String(at)} of ${pool.length} connections; sent round-robin instead`);
    }
    this.#roundRobin += 1;
    return pool[this.#roundRobin % pool.length]!;
  }

  #attempt(job: Job, link: Link | null): void {
    const attempt = job.attempts;
    job.attempts += 1;
    if (link) {
      const frame = envelopeFrame(job.type, job.payload);
      const envelopeId = String(frame.envelope_id);
      if (attempt === 0) job.first = envelopeId;
      const retryReason = attempt === 0 ? '' : 'timeout';
      frame.retry_attempt = attempt;
      frame.retry_reason = retryReason;
      job.tried.push(link.id);
      link.sent += 1;
      this.#pending.set(envelopeId, { job, attempt, connection: link.id, sent: performance.now() });
      this.#hooks.onDeliver?.({ envelopeId, first: job.first || envelopeId, type: job.type, payload: job.payload, attempt, retryReason, connection: link.id, at: Date.now() });
      link.ws.send(JSON.stringify(frame));
    }
    const r = this.redelivery;
    if (!r || job.type !== 'events_api' || job.attempts > r.retries || this.#closed) return;
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (job.done || this.#closed) return;
      this.#attempt(job, this.#choose(job.type, job.payload, job.attempts, job.tried));
    }, r.afterMs);
    timer.unref();
    job.timer = timer;
    this.#retryTimers.add(timer);
  }

  /** Slack's "please reconnect" frame, on one connection or on every one. */
  disconnect(reason = 'refresh_requested', connection?: number): void {
    for (const l of this.#links) {
      if (connection !== undefined && l.id !== connection) continue;
      l.draining = true;
      l.ws.send(JSON.stringify(disconnectFrame(reason)));
    }
  }

  /** Every link dropped without a word, as when a load balancer or NAT forgets it. */
  dropConnections(): void {
    for (const l of this.#links) l.ws.terminate();
  }

  /** One link dropped without a word; false when no such connection is open. */
  dropConnection(id: number): boolean {
    const l = this.#links.find((x) => x.id === id);
    l?.ws.terminate();
    return l !== undefined;
  }

  /** For the server's 'upgrade' event; true when the request was Socket Mode's. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== SOCKET_PATH) return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    // A ticket is good for one connection, as apps.connections.open's URLs are.
    if (this.#closed || !this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req.socket.remotePort ?? 0));
    return true;
  }

  #accept(ws: WebSocket, remotePort: number): void {
    ws.on('error', () => undefined);
    if (this.#links.length >= MAX_CONNECTIONS) {
      // apps.connections.open still hands out the URL; the eleventh WebSocket gets a disconnect frame with this
      // reason instead of hello (as apps report it: slackapi/bolt-js#2238, slackapi/node-slack-sdk#1654).
      this.connectionsRefused += 1;
      ws.send(JSON.stringify(disconnectFrame('too_many_websockets')), () => ws.close(1008, 'too_many_websockets'));
      return;
    }
    this.connectionsOpened += 1;
    const link: Link = { id: this.connectionsOpened, remotePort, openedAt: Date.now(), sent: 0, acked: 0, draining: false, ws };
    this.#links.push(link);
    const ping = setInterval(() => ws.ping(), this.#opts.pingIntervalMs ?? 10_000);
    ping.unref();
    ws.on('close', () => {
      clearInterval(ping);
      this.#links = this.#links.filter((l) => l !== link);
      this.#changed();
    });
    ws.on('message', (data) => this.#onFrame(link, String(data)));
    ws.send(JSON.stringify(helloFrame(this.workspace, this.#links.length)));
    for (const done of [...this.#connectedWaiters]) done();
    this.#changed();
  }

  #onFrame(link: Link, data: string): void {
    let msg: { envelope_id?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(data) as typeof msg;
    } catch {
      this.#problem(`socket: the bot sent something that is not JSON: ${data.slice(0, 100)}`);
      return;
    }
    const id = typeof msg.envelope_id === 'string' ? msg.envelope_id : null;
    if (!id) return;
    const pending = this.#pending.get(id);
    if (!pending) {
      if (this.#acked.has(id)) this.#problem(`socket: envelope ${id} acked twice`);
      return;
    }
    this.#pending.delete(id);
    this.#acked.add(id);
    if (this.#acked.size > ACKED_MEMORY) this.#acked.delete(this.#acked.values().next().value!);
    const { job } = pending;
    if (link.id !== pending.connection) this.#problem(`socket: envelope ${id} went out on connection ${pending.connection} and was acked on ${link.id}`);
    const ack: Ack = { envelopeId: id, type: job.type, payload: msg.payload, ms: performance.now() - pending.sent, connection: link.id, attempt: pending.attempt, first: job.first };
    if (this.#hooks.loseAck?.(ack)) return;
    link.acked += 1;
    this.#hooks.onAck?.(ack);
    const body = isObj(msg.payload) ? msg.payload : null;
    if (body && (body.text !== undefined || body.blocks !== undefined)) {
      const problems = messageProblems('ack', body);
      for (const p of problems) this.#problem(p);
      // A command's immediate answer is shown to whoever typed it, and to nobody else.
      const p = job.payload;
      if (job.type === 'slash_commands' && problems.length === 0 && typeof p.channel_id === 'string' && typeof p.user_id === 'string') {
        this.#addEphemeral({ channel: p.channel_id, user: p.user_id, text: typeof body.text === 'string' ? body.text : '', blocks: body.blocks });
      }
    }
    // A late ack of an earlier attempt after another one was acked is recorded (onAck) and changes nothing.
    if (job.done) return;
    job.done = true;
    if (job.timer) {
      clearTimeout(job.timer);
      this.#retryTimers.delete(job.timer);
    }
    job.resolve(ack);
  }

  // ---------------------------------------------------------------- HTTP: the Web API and response_url

  /** For the server's request handler; true when the path was the Web API's or a response_url's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith(API_PATH)) {
      void this.#api(req, res, path.slice(API_PATH.length)).catch((err: unknown) => this.#failed(res, err));
      return true;
    }
    if (path.startsWith(RESPONSE_PATH)) {
      void this.#response(req, res, path.slice(RESPONSE_PATH.length)).catch((err: unknown) => this.#failed(res, err));
      return true;
    }
    return false;
  }

  #failed(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof BodyError) {
      send(res, err.status, { ok: false, error: 'invalid_form_data', detail: err.message });
      return;
    }
    this.#problem(`local slack: ${err instanceof Error ? err.message : String(err)}`);
    send(res, 500, { ok: false, error: 'internal_error' });
  }

  async #response(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'method_not_allowed');
    const body = await readArgs(req);
    this.#hooks.onResponse?.(id, body);
    const target = this.#responses.get(id);
    if (!target || Date.now() - target.created > RESPONSE_MS) return send(res, 404, 'expired_url');
    target.uses += 1;
    if (target.uses > RESPONSE_USES) {
      this.#problem(`response_url: used more than ${RESPONSE_USES} times`);
      return send(res, 404, 'used_url');
    }
    if (body.delete_original === true || body.delete_original === 'true') {
      this.#deleteSource(target);
      return send(res, 200, 'ok');
    }
    const problems = messageProblems('response_url', body);
    for (const p of problems) this.#problem(p);
    if (problems.length > 0) return send(res, 400, 'invalid_blocks');
    const text = typeof body.text === 'string' ? body.text : '';
    if ((body.replace_original === true || body.replace_original === 'true') && target.source) {
      this.#replaceSource(target, text, body.blocks);
    } else if (body.response_type === 'in_channel') {
      this.#post({ channel: target.channel, text, blocks: body.blocks, ...(target.threadTs ? { thread_ts: target.threadTs } : {}) });
    } else {
      this.#addEphemeral({ channel: target.channel, user: target.user, text, blocks: body.blocks, ...(target.threadTs ? { threadTs: target.threadTs } : {}) });
    }
    send(res, 200, 'ok');
  }

  #deleteSource(t: ResponseTarget): void {
    if (!t.source) return;
    if (t.source.kind === 'message') this.#delete(t.channel, t.source.ts);
    else {
      const at = this.ephemerals.findIndex((e) => e.channel === t.channel && e.ts === t.source!.ts);
      if (at >= 0) this.ephemerals.splice(at, 1);
      this.#changed();
    }
  }

  #replaceSource(t: ResponseTarget, text: string, blocks: unknown): void {
    if (!t.source) return;
    const stored = t.source.kind === 'message' ? this.message(t.channel, t.source.ts) : null;
    const m = stored ?? this.ephemeral(t.channel, t.source.ts);
    if (!m) return;
    m.text = text;
    m.blocks = Array.isArray(blocks) ? blocks : [];
    m.hasBlocks = Array.isArray(blocks);
    if (stored) stored.updates += 1;
    this.#changed();
  }

  #post(o: { channel: string; text: string; blocks: unknown; thread_ts?: string; metadata?: Metadata }): StoredMessage {
    const msg: StoredMessage = {
      channel: o.channel,
      ts: this.#nextTs(),
      user: this.workspace.botUser,
      bot: true,
      text: o.text,
      blocks: Array.isArray(o.blocks) ? o.blocks : [],
      hasBlocks: Array.isArray(o.blocks),
      updates: 0,
      reactions: [],
      seq: ++this.#seq,
    };
    if (o.thread_ts) msg.thread_ts = o.thread_ts;
    if (o.metadata) msg.metadata = o.metadata;
    this.messages.set(`${o.channel}:${msg.ts}`, msg);
    this.#changed();
    return msg;
  }

  #delete(channel: string, ts: string): boolean {
    const m = this.message(channel, ts);
    if (!m || m.deleted) return false;
    const hasReplies = !m.thread_ts && [...this.messages.values()].some((r) => r.channel === channel && r.thread_ts === ts);
    if (hasReplies) {
      // Slack keeps a parent with replies as a stub.
      Object.assign(m, { deleted: true, text: 'This message was deleted.', blocks: [], hasBlocks: false, metadata: undefined });
    } else {
      this.messages.delete(`${channel}:${ts}`);
      this.#gone.add(`${channel}:${ts}`);
      if (this.#gone.size > ACKED_MEMORY) this.#gone.delete(this.#gone.values().next().value!);
    }
    this.#changed();
    return true;
  }

  async #api(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const args = await readArgs(req);
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : null;
    this.#hooks.onCall?.({ method, args, token, at: Date.now() });
    const canned = this.#hooks.intercept?.(method, args) ?? null;
    if (canned) return send(res, canned.status, canned.body, canned.headers);
    const want = method === 'apps.connections.open' ? this.#opts.appToken : this.#opts.botToken;
    if (token === null) return send(res, 200, { ok: false, error: 'not_authed' });
    if (token !== want) return send(res, 200, { ok: false, error: 'invalid_auth' });
    send(res, 200, this.#method(method, args));
  }

  #method(method: string, a: Obj): Reply {
    const ws = this.workspace;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: `https://${ws.teamDomain}.slack.com/`, team: ws.teamDomain, user: this.nameOf(ws.botUser), team_id: ws.team, user_id: ws.botUser, bot_id: ws.botId, is_enterprise_install: false };
      case 'apps.connections.open': {
        if (this.#opts.wsUrl) return { ok: true, url: this.#opts.wsUrl() };
        const ticket = randomUUID();
        this.#tickets.add(ticket);
        return { ok: true, url: `${this.#opts.baseUrl().replace(/^http/, 'ws')}${SOCKET_PATH}?ticket=${ticket}` };
      }
      case 'chat.postMessage':
        return this.#postMessage(a);
      case 'chat.update':
        return this.#update(a);
      case 'chat.delete': {
        const m = this.message(String(a.channel ?? ''), String(a.ts ?? ''));
        if (!m || m.deleted) return { ok: false, error: 'message_not_found' };
        if (!m.bot) return { ok: false, error: 'cant_delete_message' };
        this.#delete(m.channel, m.ts);
        return { ok: true, channel: m.channel, ts: m.ts };
      }
      case 'chat.getPermalink':
        return this.#permalink(a);
      case 'chat.postEphemeral': {
        const channel = String(a.channel ?? '');
        if (!this.channel(channel)) return { ok: false, error: 'channel_not_found' };
        if (typeof a.user !== 'string' || a.user === '') return { ok: false, error: 'user_not_in_channel' };
        const problems = messageProblems(method, a);
        for (const p of problems) this.#problem(p);
        if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
        const threadTs = typeof a.thread_ts === 'string' && a.thread_ts !== '' ? a.thread_ts : undefined;
        const e = this.#addEphemeral({ channel, user: a.user, text: typeof a.text === 'string' ? a.text : '', blocks: a.blocks, ...(threadTs ? { threadTs } : {}) });
        return { ok: true, message_ts: e.ts };
      }
      case 'reactions.add':
      case 'reactions.remove':
        return this.#reaction(method === 'reactions.add', a);
      case 'views.publish':
        return this.#publish(a);
      case 'views.open':
      case 'views.push': {
        const trigger = this.#useTrigger(a.trigger_id);
        if ('error' in trigger) return { ok: false, error: trigger.error };
        const problems = viewProblems(method, a.view, 'modal');
        for (const p of problems) this.#problem(p);
        if (problems.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
        if (method === 'views.open') this.#closeAll(trigger.user);
        const v = this.#openModal(trigger.user, a.view as Obj);
        this.#changed();
        return { ok: true, view: viewBody(ws, v.id, v.view) };
      }
      case 'views.update': {
        const v = typeof a.view_id === 'string' ? this.views.get(a.view_id) : [...this.views.values()].find((x) => x.view.external_id === a.external_id);
        if (!v) return { ok: false, error: 'not_found' };
        const problems = viewProblems(method, a.view, v.kind);
        for (const p of problems) this.#problem(p);
        if (problems.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
        v.view = a.view as Obj;
        this.#changed();
        return { ok: true, view: viewBody(ws, v.id, v.view) };
      }
      default:
        this.#problem(`unexpected Web API method ${method}`);
        return { ok: false, error: 'unknown_method' };
    }
  }

  #metadata(a: Obj, method: string): Metadata | null | 'bad' {
    if (a.metadata === undefined || a.metadata === '') return null;
    const problems = metadataProblems(method, a.metadata);
    if (problems.length > 0) {
      for (const p of problems) this.#problem(p);
      return 'bad';
    }
    const m = a.metadata as Metadata;
    return { event_type: m.event_type, event_payload: m.event_payload };
  }

  #postMessage(a: Obj): Reply {
    const channel = String(a.channel ?? '');
    if (!this.channel(channel)) return { ok: false, error: 'channel_not_found' };
    const problems = messageProblems('chat.postMessage', a);
    for (const p of problems) this.#problem(p);
    if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
    const metadata = this.#metadata(a, 'chat.postMessage');
    if (metadata === 'bad') return { ok: false, error: 'invalid_metadata_format' };
    let threadTs = typeof a.thread_ts === 'string' && a.thread_ts !== '' ? a.thread_ts : undefined;
    // A reply to a reply joins the parent's thread.
    const parent = threadTs ? this.message(channel, threadTs) : null;
    if (parent?.thread_ts) threadTs = parent.thread_ts;
    const msg = this.#post({ channel, text: typeof a.text === 'string' ? a.text : '', blocks: a.blocks, ...(threadTs ? { thread_ts: threadTs } : {}), ...(metadata ? { metadata } : {}) });
    return { ok: true, channel, ts: msg.ts, message: { type: 'message', user: msg.user, bot_id: this.workspace.botId, text: msg.text, ts: msg.ts, ...(threadTs ? { thread_ts: threadTs } : {}) } };
  }

  #update(a: Obj): Reply {
    const m = this.message(String(a.channel ?? ''), String(a.ts ?? ''));
    if (!m || m.deleted) return { ok: false, error: 'message_not_found' };
    if (!m.bot) return { ok: false, error: 'cant_update_message' };
    const problems = messageProblems('chat.update', a);
    for (const p of problems) this.#problem(p);
    if (problems.length > 0) return { ok: false, error: 'invalid_blocks', errors: problems };
    const metadata = this.#metadata(a, 'chat.update');
    if (metadata === 'bad') return { ok: false, error: 'invalid_metadata_format' };
    m.text = typeof a.text === 'string' ? a.text : '';
    m.blocks = Array.isArray(a.blocks) ? a.blocks : [];
    m.hasBlocks = Array.isArray(a.blocks);
    if (metadata) m.metadata = metadata;
    m.updates += 1;
    this.#changed();
    return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
  }

  #permalink(a: Obj): Reply {
    const channel = typeof a.channel === 'string' ? a.channel : '';
    if (channel === '' || !this.channel(channel)) return { ok: false, error: 'channel_not_found' };
    const ts = typeof a.message_ts === 'string' ? a.message_ts : '';
    if (!/^\d+\.\d+$/.test(ts)) return { ok: false, error: 'message_not_found' };
    const m = this.message(channel, ts);
    if (m?.deleted || this.#gone.has(`${channel}:${ts}`)) return { ok: false, error: 'message_not_found' };
    // The tests' fake never stores the messages of the events it sends (as with reactions): any ts is taken there.
    if (!m && this.#opts.channels) return { ok: false, error: 'message_not_found' };
    // A reply's link names its thread, as Slack's do.
    const thread = m?.thread_ts ? `?thread_ts=${m.thread_ts}&cid=${channel}` : '';
    return { ok: true, channel, permalink: `${this.#opts.baseUrl()}/archives/${channel}/p${ts.replace('.', '')}${thread}` };
  }

  #reaction(add: boolean, a: Obj): Reply {
    if (typeof a.name !== 'string' || a.name === '' || typeof a.timestamp !== 'string') return { ok: false, error: 'invalid_arguments' };
    const m = this.message(String(a.channel ?? ''), a.timestamp);
    // The tests' fake takes reactions on messages it never stored (the events it sends are not stored).
    if (!m) return this.#opts.channels ? { ok: false, error: 'message_not_found' } : { ok: true };
    const who = this.workspace.botUser;
    const r = m.reactions.find((x) => x.name === a.name);
    if (add) {
      if (r?.users.includes(who)) return { ok: false, error: 'already_reacted' };
      if (r) r.users.push(who);
      else m.reactions.push({ name: a.name, users: [who] });
    } else {
      if (!r?.users.includes(who)) return { ok: false, error: 'no_reaction' };
      r.users = r.users.filter((u) => u !== who);
      if (r.users.length === 0) m.reactions = m.reactions.filter((x) => x !== r);
    }
    this.#changed();
    return { ok: true };
  }

  #publish(a: Obj): Reply {
    const user = typeof a.user_id === 'string' ? a.user_id : '';
    if (user === '') return { ok: false, error: 'invalid_arguments' };
    const problems = viewProblems('views.publish', a.view, 'home');
    for (const p of problems) this.#problem(p);
    if (problems.length > 0) return { ok: false, error: isObj(a.view) && a.view.type === 'home' ? 'invalid_blocks' : 'invalid_arguments' };
    let id = this.#homes.get(user);
    if (!id) {
      id = this.#viewId();
      this.#homes.set(user, id);
    }
    this.views.set(id, { id, kind: 'home', user, view: a.view as Obj });
    this.#changed();
    return { ok: true, view: viewBody(this.workspace, id, a.view as Obj) };
  }

  #viewId(): string {
    return `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
  }

  #useTrigger(id: unknown): { user: string } | { error: string } {
    const t = typeof id === 'string' ? this.#triggers.get(id) : undefined;
    if (!t) return { error: 'invalid_trigger_id' };
    if (t.used || Date.now() - t.created > TRIGGER_MS) return { error: 'expired_trigger_id' };
    t.used = true;
    return { user: t.user };
  }

  #openModal(user: string, view: Obj): StoredView {
    const v: StoredView = { id: this.#viewId(), kind: 'modal', user, view };
    this.views.set(v.id, v);
    const stack = this.#modals.get(user) ?? [];
    stack.push(v.id);
    this.#modals.set(user, stack);
    return v;
  }

  #closeAll(user: string): void {
    for (const id of this.#modals.get(user) ?? []) this.views.delete(id);
    this.#modals.delete(user);
  }

  /** Closes every link; the server it is mounted on closes itself. */
  close(): void {
    this.#closed = true;
    for (const l of this.#links) l.ws.terminate();
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    this.#wss.close();
    this.#listeners.clear();
  }
}
