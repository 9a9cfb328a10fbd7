// The tests' fake Slack: the playground's local Slack (src/playground/local-slack.ts: the Web API methods the
// bot calls, response_url endpoints, a Socket Mode WebSocket that sends real envelopes and waits for their
// acks) alone on a loopback port, plus what only tests want: every call and ack recorded, faults on demand
// (rate limits, HTTP errors, channels the bot is not in), and envelope builders for payloads a test sends
// itself. Everything Slack would refuse lands in `violations`; a test fails when it is not empty.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventPayload } from '../../src/playground/envelopes.js';
import { findElement } from '../../src/playground/limits.js';
import { LocalSlack, type Ack, type Call } from '../../src/playground/local-slack.js';

export { blockProblems } from '../../src/playground/limits.js';
export type { Ack, Call } from '../../src/playground/local-slack.js';

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
}

export class FakeSlack {
  readonly calls: Call[] = [];
  readonly violations: string[] = [];
  readonly responses: { id: string; body: Record<string, unknown> }[] = [];
  readonly acks: Ack[] = [];
  /** Channels where chat.postMessage and chat.postEphemeral answer not_in_channel. */
  readonly notInChannel = new Set<string>();
  /** Channels where chat.postMessage (only) fails with the given error: channel_not_found for a DM the bot is not part of, restricted_action for a read-only channel. */
  readonly postMessageError = new Map<string, string>();
  port = 0;
  readonly slack: LocalSlack;

  #server: Server;
  #rateLimits = new Map<string, { retryAfter: number; times: number }>();
  #httpErrors = new Map<string, { status: number; times: number }>();

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

  /** Sends an envelope over the (newest) Socket Mode connection and resolves with the bot's ack. */
  send(type: 'events_api' | 'slash_commands' | 'interactive', payload: Record<string, unknown>): Promise<Ack> {
    return this.slack.send(type, payload);
  }

  /** Slack's "please reconnect" frame (sent before it recycles a connection). */
  disconnect(reason = 'refresh_requested'): void {
    this.slack.disconnect(reason);
  }

  /** The link lost without a word: every socket closed abruptly, as when a load balancer or NAT drops it. */
  dropConnections(): void {
    this.slack.dropConnections();
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
