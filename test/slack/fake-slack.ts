// A fake Slack on loopback: the Web API methods the bot calls, response_url endpoints, and a Socket Mode
// WebSocket that sends real envelopes and waits for their acks. It records every call and checks every
// message against Slack's Block Kit limits; a test fails when `violations` is not empty.
// Envelope shapes follow https://api.slack.com/apis/socket-mode (hello, disconnect, events_api,
// slash_commands, interactive); Web API calls arrive form-encoded (blocks as a JSON string) or as JSON.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT_TOKEN = 'xoxb-1111-2222-fakebottoken';
export const APP_TOKEN = 'xapp-1-A111-3333-fakeapptoken';
export const BOT_USER = 'UBOT';
export const BOT_ID = 'BBOT';
export const TEAM = 'T111';

export interface Call {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  at: number;
}

export interface Posted {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  updates: number;
}

export interface Ack {
  envelopeId: string;
  payload: unknown;
  ms: number;
}

/** Slack's documented limits (https://api.slack.com/reference/block-kit/blocks), checked independently of the bot's own renderer. */
const LIMIT = { messageBlocks: 50, viewBlocks: 100, section: 3000, header: 150, contextElements: 10, actionsElements: 25, buttonText: 75, buttonValue: 2000, actionId: 255, blockId: 255, totalText: 12_000, messageText: 40_000 };

function textOf(o: unknown): string {
  return typeof o === 'object' && o !== null && typeof (o as { text?: unknown }).text === 'string' ? (o as { text: string }).text : '';
}

/** Every problem a block list has under Slack's limits; empty when Slack would take it. */
export function blockProblems(blocks: unknown, where: string, maxBlocks = LIMIT.messageBlocks): string[] {
  const out: string[] = [];
  if (!Array.isArray(blocks)) return [`${where}: blocks is not an array`];
  if (blocks.length > maxBlocks) out.push(`${where}: ${blocks.length} blocks > ${maxBlocks}`);
  let total = 0;
  blocks.forEach((raw, i) => {
    const b = raw as Record<string, unknown>;
    const at = `${where} block ${i} (${String(b.type)})`;
    if (typeof b.block_id === 'string' && b.block_id.length > LIMIT.blockId) out.push(`${at}: block_id longer than ${LIMIT.blockId}`);
    switch (b.type) {
      case 'section': {
        const t = textOf(b.text);
        total += t.length;
        if (!b.text && !b.fields) out.push(`${at}: section without text or fields`);
        if (t.length > LIMIT.section) out.push(`${at}: text ${t.length} > ${LIMIT.section}`);
        if (b.text && t.length === 0) out.push(`${at}: empty text`);
        break;
      }
      case 'header': {
        const t = textOf(b.text);
        total += t.length;
        if (t.length > LIMIT.header) out.push(`${at}: header ${t.length} > ${LIMIT.header}`);
        break;
      }
      case 'context': {
        const els = b.elements as unknown[];
        if (!Array.isArray(els) || els.length === 0) out.push(`${at}: context without elements`);
        else {
          if (els.length > LIMIT.contextElements) out.push(`${at}: ${els.length} elements > ${LIMIT.contextElements}`);
          for (const e of els) {
            const t = textOf(e);
            total += t.length;
            if (t.length > LIMIT.section) out.push(`${at}: element text ${t.length} > ${LIMIT.section}`);
          }
        }
        break;
      }
      case 'actions': {
        const els = b.elements as Record<string, unknown>[];
        if (!Array.isArray(els) || els.length === 0) out.push(`${at}: actions without elements`);
        else {
          if (els.length > LIMIT.actionsElements) out.push(`${at}: ${els.length} elements > ${LIMIT.actionsElements}`);
          for (const e of els) {
            const label = textOf(e.text);
            total += label.length;
            if (label.length > LIMIT.buttonText) out.push(`${at}: button text ${label.length} > ${LIMIT.buttonText}`);
            if (typeof e.value === 'string' && e.value.length > LIMIT.buttonValue) out.push(`${at}: button value ${e.value.length} > ${LIMIT.buttonValue}`);
            if (typeof e.action_id !== 'string' || e.action_id.length > LIMIT.actionId) out.push(`${at}: bad action_id`);
          }
          const ids = els.map((e) => e.action_id);
          if (new Set(ids).size !== ids.length) out.push(`${at}: duplicate action_id in one block`);
        }
        break;
      }
      case 'divider':
        break;
      default:
        out.push(`${at}: unknown block type`);
    }
  });
  if (total > LIMIT.totalText) out.push(`${where}: ${total} characters of block text > ${LIMIT.totalText}`);
  return out;
}

function parseArg(value: string): unknown {
  // The WebClient JSON-encodes nested arguments (blocks, view) inside form bodies.
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = parseArg(v);
  return out;
}

export interface FakeOptions {
  /** ws URL handed out by apps.connections.open; the default is this server's own. */
  wsUrl?: string;
}

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly violations: string[] = [];
  readonly posted = new Map<string, Posted>();
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly acks: Ack[] = [];
  /** Channels where chat.postMessage and chat.postEphemeral answer not_in_channel. */
  readonly notInChannel = new Set<string>();
  /** Channels where chat.postMessage (only) fails with the given error: channel_not_found for a DM the bot is not part of, restricted_action for a read-only channel. */
  readonly postMessageError = new Map<string, string>();
  /** WebSocket connections accepted so far (a reconnect makes it grow). */
  connectionsOpened = 0;
  port = 0;

  #server: Server;
  #wss = new WebSocketServer({ noServer: true });
  #sockets = new Set<WebSocket>();
  #pendingAcks = new Map<string, { sent: number; resolve: (a: Ack) => void }>();
  #rateLimits = new Map<string, { retryAfter: number; times: number }>();
  #httpErrors = new Map<string, { status: number; times: number }>();
  #tsCounter = 1000;
  #opts: FakeOptions;

  private constructor(opts: FakeOptions) {
    this.#opts = opts;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('upgrade', (req, socket, head) => {
      if (!(req.url ?? '').startsWith('/link')) return socket.destroy();
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    });
  }

  static async start(opts: FakeOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** Web API base URL, as SLACK_API_URL takes it. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  get openSockets(): number {
    return this.#sockets.size;
  }

  /** The next `times` calls of `method` answer with an HTTP error status (a proxy or load balancer failing). */
  httpError(method: string, status: number, times = 1): void {
    this.#httpErrors.set(method, { status, times });
  }

  /** The next `times` calls of `method` answer 429 with Retry-After. */
  rateLimit(method: string, retryAfterS: number, times = 1): void {
    this.#rateLimits.set(method, { retryAfter: retryAfterS, times });
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A fresh response_url for a payload. */
  responseUrl(): string {
    return `http://127.0.0.1:${this.port}/response/${randomUUID()}`;
  }

  /** Polls until `probe` returns something truthy; bounded in time. */
  async waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Sends an envelope over the (newest) Socket Mode connection and resolves with the bot's ack. */
  send(type: 'events_api' | 'slash_commands' | 'interactive', payload: Record<string, unknown>): Promise<Ack> {
    const ws = [...this.#sockets].at(-1);
    if (!ws) return Promise.reject(new Error('no Socket Mode connection'));
    const envelopeId = randomUUID();
    const ack = new Promise<Ack>((resolve) => this.#pendingAcks.set(envelopeId, { sent: performance.now(), resolve }));
    ws.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return ack;
  }

  /** Slack's "please reconnect" frame (sent before it recycles a connection). */
  disconnect(reason = 'refresh_requested'): void {
    for (const ws of this.#sockets) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  /** The link lost without a word: every socket closed abruptly, as when a load balancer or NAT drops it. */
  dropConnections(): void {
    for (const ws of this.#sockets) ws.terminate();
  }

  slashCommand(text: string, opts: { user?: string; channel?: string } = {}): Record<string, unknown> {
    return {
      token: 'legacy-verification',
      team_id: TEAM,
      team_domain: 'fake',
      channel_id: opts.channel ?? 'C100',
      channel_name: 'general',
      user_id: opts.user ?? 'U100',
      user_name: 'alice',
      command: '/refused',
      text,
      api_app_id: 'A111',
      is_enterprise_install: 'false',
      response_url: this.responseUrl(),
      trigger_id: randomUUID(),
    };
  }

  event(event: Record<string, unknown>): Record<string, unknown> {
    return {
      token: 'legacy-verification',
      team_id: TEAM,
      api_app_id: 'A111',
      event: { event_ts: event.ts, ...event },
      type: 'event_callback',
      event_id: `Ev${randomUUID().slice(0, 8)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
  }

  /** A block_actions payload for a click on a button of a message this fake holds. */
  click(message: Posted, actionId: string, opts: { user?: string; value?: string; blockId?: string } = {}): Record<string, unknown> {
    const button = this.findButton(message.blocks, actionId);
    const value = opts.value ?? button?.value;
    return {
      type: 'block_actions',
      team: { id: TEAM, domain: 'fake' },
      user: { id: opts.user ?? 'U100', username: 'alice', team_id: TEAM },
      api_app_id: 'A111',
      token: 'legacy-verification',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
      trigger_id: randomUUID(),
      channel: { id: message.channel, name: 'general' },
      message: { type: 'message', user: BOT_USER, bot_id: BOT_ID, ts: message.ts, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}), text: message.text, blocks: message.blocks },
      response_url: this.responseUrl(),
      actions: [{ type: 'button', action_id: actionId, block_id: opts.blockId ?? button?.blockId ?? 'b', text: { type: 'plain_text', text: 'x' }, value, action_ts: String(Date.now() / 1000) }],
    };
  }

  findButton(blocks: unknown[], actionId: string): { value: string; blockId: string } | null {
    for (const b of blocks as { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] }[]) {
      if (b.type !== 'actions') continue;
      for (const e of b.elements ?? []) if (e.action_id === actionId && e.value !== undefined) return { value: e.value, blockId: b.block_id ?? '' };
    }
    return null;
  }

  /** Thread replies under `ts`, oldest first. */
  thread(channel: string, ts: string): Posted[] {
    return [...this.posted.values()].filter((m) => m.channel === channel && m.thread_ts === ts);
  }

  async close(): Promise<void> {
    for (const ws of this.#sockets) ws.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #accept(ws: WebSocket): void {
    this.connectionsOpened += 1;
    this.#sockets.add(ws);
    ws.on('close', () => this.#sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: { envelope_id?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        this.violations.push(`socket: the bot sent something that is not JSON: ${String(data).slice(0, 100)}`);
        return;
      }
      const pending = msg.envelope_id ? this.#pendingAcks.get(msg.envelope_id) : undefined;
      if (!pending || !msg.envelope_id) return;
      this.#pendingAcks.delete(msg.envelope_id);
      const ack = { envelopeId: msg.envelope_id, payload: msg.payload, ms: performance.now() - pending.sent };
      this.acks.push(ack);
      // Slack drops a payload that is not acked within 3 s; the bot must stay far inside that.
      if (ack.ms > 3000) this.violations.push(`socket: ack took ${Math.round(ack.ms)} ms (> 3000)`);
      const body = msg.payload as Record<string, unknown> | undefined;
      if (body && Array.isArray(body.blocks)) this.violations.push(...blockProblems(body.blocks, 'ack'));
      pending.resolve(ack);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.#sockets.size, debug_info: { host: 'fake-slack', approximate_connection_time: 3600 }, connection_info: { app_id: 'A111' } }));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let body: Record<string, unknown>;
    try {
      body = await readBody(req);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (url.pathname.startsWith('/response/')) {
      this.responses.push({ id: url.pathname.slice('/response/'.length), body });
      this.#checkMessage('response_url', body);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof body.token === 'string' ? body.token : null;
    this.calls.push({ method, args: body, token, at: Date.now() });
    const limited = this.#rateLimits.get(method);
    if (limited && limited.times > 0) {
      limited.times -= 1;
      res.writeHead(429, { 'retry-after': String(limited.retryAfter), 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const failing = this.#httpErrors.get(method);
    if (failing && failing.times > 0) {
      failing.times -= 1;
      res.writeHead(failing.status, { 'content-type': 'text/plain' }).end('upstream unavailable');
      return;
    }
    const reply = (data: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(data));
    };
    const wantToken = method === 'apps.connections.open' ? APP_TOKEN : BOT_TOKEN;
    if (token !== wantToken) return reply({ ok: false, error: 'invalid_auth' });
    switch (method) {
      case 'auth.test':
        return reply({ ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'refused', team_id: TEAM, user_id: BOT_USER, bot_id: BOT_ID });
      case 'apps.connections.open':
        return reply({ ok: true, url: this.#opts.wsUrl ?? `ws://127.0.0.1:${this.port}/link/?ticket=${randomUUID()}` });
      case 'chat.postMessage': {
        const channel = String(body.channel ?? '');
        if (this.notInChannel.has(channel)) return reply({ ok: false, error: 'not_in_channel' });
        const refused = this.postMessageError.get(channel);
        if (refused) return reply({ ok: false, error: refused });
        const problems = this.#checkMessage(method, body);
        if (problems.length > 0) return reply({ ok: false, error: 'invalid_blocks', errors: problems });
        const ts = `${Math.floor(Date.now() / 1000)}.${String(this.#tsCounter++).padStart(6, '0')}`;
        const msg: Posted = { channel, ts, text: String(body.text ?? ''), blocks: (body.blocks as unknown[]) ?? [], updates: 0 };
        if (typeof body.thread_ts === 'string') msg.thread_ts = body.thread_ts;
        this.posted.set(`${channel}:${ts}`, msg);
        return reply({ ok: true, channel, ts, message: { text: msg.text, ts } });
      }
      case 'chat.update': {
        const key = `${String(body.channel)}:${String(body.ts)}`;
        const msg = this.posted.get(key);
        if (!msg) return reply({ ok: false, error: 'message_not_found' });
        const problems = this.#checkMessage(method, body);
        if (problems.length > 0) return reply({ ok: false, error: 'invalid_blocks', errors: problems });
        msg.text = String(body.text ?? '');
        msg.blocks = (body.blocks as unknown[]) ?? [];
        msg.updates += 1;
        return reply({ ok: true, channel: body.channel, ts: body.ts });
      }
      case 'chat.postEphemeral': {
        if (this.notInChannel.has(String(body.channel))) return reply({ ok: false, error: 'not_in_channel' });
        if (typeof body.user !== 'string') return reply({ ok: false, error: 'user_not_in_channel' });
        this.#checkMessage(method, body);
        return reply({ ok: true, message_ts: `${Date.now() / 1000}` });
      }
      case 'reactions.add':
      case 'reactions.remove':
        if (typeof body.name !== 'string' || typeof body.timestamp !== 'string') return reply({ ok: false, error: 'invalid_arguments' });
        return reply({ ok: true });
      case 'views.publish': {
        const view = body.view as { type?: string; blocks?: unknown } | undefined;
        if (!view || view.type !== 'home') {
          this.violations.push('views.publish: view.type must be home');
          return reply({ ok: false, error: 'invalid_arguments' });
        }
        const problems = blockProblems(view.blocks, 'views.publish', LIMIT.viewBlocks);
        this.violations.push(...problems);
        return reply(problems.length > 0 ? { ok: false, error: 'invalid_blocks' } : { ok: true, view: { id: 'V1' } });
      }
      default:
        this.violations.push(`unexpected Web API method ${method}`);
        return reply({ ok: false, error: 'unknown_method' });
    }
  }

  #checkMessage(where: string, body: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const text = body.text;
    if (body.blocks !== undefined) {
      problems.push(...blockProblems(body.blocks, where));
      // Slack accepts blocks without text but then has nothing for notifications and screen readers.
      if (typeof text !== 'string' || text.trim() === '') problems.push(`${where}: blocks without a text fallback`);
    } else if (typeof text !== 'string' || text === '') problems.push(`${where}: no text and no blocks`);
    if (typeof text === 'string' && text.length > LIMIT.messageText) problems.push(`${where}: text ${text.length} > ${LIMIT.messageText}`);
    this.violations.push(...problems);
    return problems;
  }
}

/** A request signed as Slack signs it (v0 HMAC over "v0:timestamp:body"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
