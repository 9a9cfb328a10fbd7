// The tests' fake Slack: the playground's local Slack (src/playground/local-slack.ts: the Web API methods the
// bot calls, response_url endpoints, a Socket Mode WebSocket that sends real envelopes and waits for their
// acks) alone on a loopback port, plus what only tests want: every call and ack recorded, faults on demand
// (rate limits, HTTP errors, channels the bot is not in), and envelope builders for payloads a test sends
// itself. Everything Slack would refuse lands in `violations`; a test fails when it is not empty.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { eventPayload } from '../../src/playground/envelopes.js';
import { findElement } from '../../src/playground/limits.js';
import { LocalSlack, redeliveryOf, type Ack, type Call, type DeliverTo, type Delivery, type Redelivery, type SocketConnection } from '../../src/playground/local-slack.js';

export { blockProblems } from '../../src/playground/limits.js';
export { MAX_CONNECTIONS, MAX_RETRIES } from '../../src/playground/local-slack.js';
export type { Ack, Call, DeliverTo, Delivery, Redelivery, SocketConnection } from '../../src/playground/local-slack.js';

export const BOT_TOKEN = 'xoxb-1111-2222-fakebottoken';
export const APP_TOKEN = 'xapp-1-A111-3333-fakeapptoken';
export const BOT_USER = 'UBOT';
export const BOT_ID = 'BBOT';
export const TEAM = 'T111';

/** A message the bot posted (chat.postMessage), as it stands after any chat.update (the local Slack keeps more). */
export interface Posted {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  updates: number;
}

export interface FakeOptions {
  /** ws URL handed out by apps.connections.open; the default is this server's own. */
  wsUrl?: string;
  /** Send an unacked Events API envelope again (afterMs, default 3000; retries, default and at most 3). */
  redelivery?: Partial<Redelivery>;
}

/** A Socket Mode client the test holds itself: it sees every frame and acks only when told to. */
export interface TestConnection {
  /** Its SocketConnection.id in the fake; 0 when the fake turned it away (too_many_websockets). */
  id: number;
  /** Every frame it received, parsed (hello, envelopes, disconnect). */
  frames: Record<string, unknown>[];
  /** The envelopes among them. */
  envelopes(): Record<string, unknown>[];
  ack(envelopeId: string, payload?: Record<string, unknown>): void;
  /** Resolves once the fake closed it or close() did. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly violations: string[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly acks: Ack[] = [];
  /** Every envelope sent, redeliveries included, in order. */
  readonly deliveries: Delivery[] = [];
  /** Acks the bot sent that this Slack never got (loseAcksFrom). */
  readonly lostAcks: Ack[] = [];
  /** Channels where chat.postMessage and chat.postEphemeral answer not_in_channel. */
  readonly notInChannel = new Set<string>();
  /** Channels where chat.postMessage (only) fails with the given error: channel_not_found for a DM the bot is not part of, restricted_action for a read-only channel. */
  readonly postMessageError = new Map<string, string>();
  port = 0;
  readonly slack: LocalSlack;

  #server: Server;
  #rateLimits = new Map<string, { retryAfter: number; times: number }>();
  #httpErrors = new Map<string, { status: number; times: number }>();
  #losing = new Map<number, number>();
  /** Channels that do not exist for the bot: chat.getPermalink answers channel_not_found. */
  readonly missingChannels = new Set<string>();

  private constructor(opts: FakeOptions) {
    this.slack = new LocalSlack({
      workspace: { team: TEAM, teamDomain: 'fake', appId: 'A111', botUser: BOT_USER, botId: BOT_ID },
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      baseUrl: () => `http://127.0.0.1:${this.port}`,
      people: [
        { id: 'U100', name: 'alice' },
        { id: BOT_USER, name: 'refused' },
      ],
      ...(opts.wsUrl ? { wsUrl: () => opts.wsUrl! } : {}),
      ...(opts.redelivery ? { redelivery: opts.redelivery } : {}),
      hooks: {
        onCall: (call) => this.calls.push(call),
        intercept: (method, args) => this.#fault(method, args),
        onProblem: (p) => this.violations.push(p),
        onResponse: (id, body) => this.responses.push({ id, body }),
        onAck: (ack) => {
          this.acks.push(ack);
          // Slack drops a payload that is not acked within 3 s; the bot must stay far inside that.
          if (ack.ms > 3000) this.violations.push(`socket: ack took ${Math.round(ack.ms)} ms (> 3000)`);
        },
        onDeliver: (d) => this.deliveries.push(d),
        loseAck: (ack) => {
          const left = this.#losing.get(ack.connection) ?? 0;
          if (left <= 0) return false;
          this.#losing.set(ack.connection, left - 1);
          this.lostAcks.push(ack);
          return true;
        },
      },
    });
    this.#server = createServer((req, res) => {
      if (!this.slack.handle(req, res)) res.writeHead(404).end();
    });
    this.#server.on('upgrade', (req, socket, head) => {
      if (!this.slack.upgrade(req, socket, head)) socket.destroy();
    });
  }

  static async start(opts: FakeOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(opts);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** Messages the bot posted, by `${channel}:${ts}`. */
  get posted(): Map<string, Posted> {
    return this.slack.messages;
  }

  /** WebSocket connections accepted so far (a reconnect makes it grow). */
  get connectionsOpened(): number {
    return this.slack.connectionsOpened;
  }

  /** Web API base URL, as SLACK_API_URL takes it. */
  get apiUrl(): string {
    return this.slack.apiUrl;
  }

  get openSockets(): number {
    return this.slack.openSockets;
  }

  /** The open Socket Mode connections, oldest first. */
  get connections(): SocketConnection[] {
    return this.slack.connections;
  }

  /** Connections turned away with too_many_websockets (more than MAX_CONNECTIONS open). */
  get connectionsRefused(): number {
    return this.slack.connectionsRefused;
  }

  /** Picks the connection for each envelope (an index into the candidates it is given); null: round-robin. */
  get deliverTo(): DeliverTo | null {
    return this.slack.deliverTo;
  }

  set deliverTo(fn: DeliverTo | null) {
    this.slack.deliverTo = fn;
  }

  /** Redelivery of unacked Events API envelopes; null turns it off. */
  get redelivery(): Redelivery | null {
    return this.slack.redelivery;
  }

  set redelivery(o: Partial<Redelivery> | null) {
    this.slack.redelivery = o ? redeliveryOf(o) : null;
  }

  /** Redeliveries still to come (0 once every envelope is acked or out of attempts). */
  get redeliveriesScheduled(): number {
    return this.slack.redeliveriesScheduled;
  }

  /** The next `times` acks that arrive on `connection` never reach Slack (lost, or too late): redelivery kicks in. */
  loseAcksFrom(connection: number, times = Number.POSITIVE_INFINITY): void {
    this.#losing.set(connection, times);
  }

  /** Every attempt at one payload (by the first attempt's envelope id), in order. */
  deliveriesOf(first: string): Delivery[] {
    return this.deliveries.filter((d) => d.first === first);
  }

  /** Acks of one payload's attempts. */
  acksOf(first: string): Ack[] {
    return this.acks.filter((a) => a.first === first);
  }

  #fault(method: string, args: Record<string, unknown>) {
    const limited = this.#rateLimits.get(method);
    if (limited && limited.times > 0) {
      limited.times -= 1;
      return { status: 429, headers: { 'retry-after': String(limited.retryAfter) }, body: { ok: false, error: 'ratelimited' } };
    }
    const failing = this.#httpErrors.get(method);
    if (failing && failing.times > 0) {
      failing.times -= 1;
      return { status: failing.status, body: 'upstream unavailable' };
    }
    const channel = String(args.channel ?? '');
    if ((method === 'chat.postMessage' || method === 'chat.postEphemeral') && this.notInChannel.has(channel)) return { status: 200, body: { ok: false, error: 'not_in_channel' } };
    if (method === 'chat.getPermalink' && this.missingChannels.has(channel)) return { status: 200, body: { ok: false, error: 'channel_not_found' } };
    const refused = method === 'chat.postMessage' ? this.postMessageError.get(channel) : undefined;
    if (refused) return { status: 200, body: { ok: false, error: refused } };
    return null;
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

  /** A fresh response_url for a payload (its ephemeral posts go to U100 in C100). */
  responseUrl(): string {
    return this.slack.responseUrl({ channel: 'C100', user: 'U100', source: null });
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

  /**
   * Sends an envelope over Socket Mode and resolves with the first ack of it (redeliveries included): to
   * `opts.connection` when given, else to the one `deliverTo` picks, else round-robin over the open ones.
   */
  send(type: 'events_api' | 'slash_commands' | 'interactive', payload: Record<string, unknown>, opts: { connection?: number } = {}): Promise<Ack> {
    return this.slack.send(type, payload, opts);
  }

  /** Slack's "please reconnect" frame (sent before it recycles a connection), on one connection or all. */
  disconnect(reason = 'refresh_requested', connection?: number): void {
    this.slack.disconnect(reason, connection);
  }

  /** The link lost without a word: every socket closed abruptly, as when a load balancer or NAT drops it. */
  dropConnections(): void {
    this.slack.dropConnections();
  }

  /** One connection lost without a word; false when it is not open. */
  dropConnection(id: number): boolean {
    return this.slack.dropConnection(id);
  }

  /**
   * A Socket Mode connection the test holds itself, opened as an app opens one (apps.connections.open with the
   * app token, then the WebSocket): a replica that never acks unless the test calls ack().
   */
  async openConnection(): Promise<TestConnection> {
    const res = await fetch(`${this.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${APP_TOKEN}` } });
    const body = (await res.json()) as { ok: boolean; url?: string; error?: string };
    if (!body.ok || !body.url) throw new Error(`apps.connections.open: ${body.error ?? 'no url'}`);
    const ws = new WebSocket(body.url);
    let port = 0;
    ws.once('upgrade', (upgrade) => (port = upgrade.socket.localPort ?? 0));
    const frames: Record<string, unknown>[] = [];
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    ws.on('error', () => undefined);
    // The first frame says whether it was taken (hello) or turned away (disconnect).
    const first = new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.on('message', (data) => {
        let frame: Record<string, unknown>;
        try {
          frame = JSON.parse(String(data)) as Record<string, unknown>;
        } catch {
          frame = { type: 'not-json', data: String(data) };
        }
        frames.push(frame);
        if (frames.length === 1) resolve(frame);
      });
      void closed.then(() => reject(new Error('the connection closed before its first frame')));
    });
    first.catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const hello = await first;
    const id = hello.type === 'hello' ? (this.connections.find((c) => c.remotePort === port)?.id ?? 0) : 0;
    return {
      id,
      frames,
      envelopes: () => frames.filter((f) => typeof f.envelope_id === 'string'),
      ack: (envelopeId, payload) => ws.send(JSON.stringify({ envelope_id: envelopeId, ...(payload ? { payload } : {}) })),
      closed,
      close: async () => {
        if (ws.readyState !== WebSocket.CLOSED) ws.close();
        await closed;
      },
    };
  }

  slashCommand(text: string, opts: { user?: string; channel?: string } = {}): Record<string, unknown> {
    return this.slack.slashPayload({ text, command: '/refused', user: opts.user ?? 'U100', channel: opts.channel ?? 'C100' });
  }

  event(event: Record<string, unknown>): Record<string, unknown> {
    return eventPayload(this.slack.workspace, event);
  }

  /** A block_actions payload for a click on a button of a message this fake holds. */
  click(message: Posted, actionId: string, opts: { user?: string; value?: string; blockId?: string } = {}): Record<string, unknown> {
    const button = this.findButton(message.blocks, actionId);
    const value = opts.value ?? button?.value;
    return this.slack.messageClick({
      message,
      ephemeral: false,
      user: opts.user ?? 'U100',
      action: { action_id: actionId, block_id: opts.blockId ?? button?.blockId ?? 'b', text: 'x', ...(value !== undefined ? { value } : {}) },
    });
  }

  findButton(blocks: unknown[], actionId: string): { value: string; blockId: string } | null {
    const found = findElement(blocks, actionId);
    return found && typeof found.element.value === 'string' ? { value: found.element.value, blockId: found.blockId } : null;
  }

  /** Thread replies under `ts`, oldest first. */
  thread(channel: string, ts: string): Posted[] {
    return [...this.posted.values()].filter((m) => m.channel === channel && m.thread_ts === ts);
  }

  async close(): Promise<void> {
    this.slack.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/** A request signed as Slack signs it (v0 HMAC over "v0:timestamp:body"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
