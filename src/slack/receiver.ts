// Bolt's way in for HTTP mode, behind the gate (http-gate.ts). The gate has already read the body under its
// cap, checked the signature, the replay memory and the payload's shape, and parsed the body the way Bolt
// parses it. Bolt's own HTTPReceiver would then read, verify and parse the same body a second time and arm a
// timer per request; under a burst of slash commands that repeated work stood between every request and its
// ack. This receiver hands the parsed body straight to the App, and its ack writes the HTTP response at once.
// A slash command can be answered even before the App sees it (EarlyAck): Bolt's walk through its listeners
// then happens after the burst's acks, not between them.
// What it keeps of HTTPReceiver's behaviour: ssl_check and url_verification answered here, one ack per
// request (a second one throws), a request no listener acked answered 404 after Slack's 3 s (logged), a
// listener that throws before its ack answered 500 (401 for an authorization failure), retry headers passed on.
import type { ServerResponse } from 'node:http';
import bolt from '@slack/bolt';
import type { GatedRequest } from './http-gate.js';
import type { Log } from './log.js';

const { AuthorizationError, ReceiverMultipleAckError } = bolt;
type App = InstanceType<typeof bolt.App>;

/** Slack gives up on an unacknowledged request after 3 s; Bolt answers it 404 just after. */
export const UNACKED_MS = 3001;

function header(req: GatedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** An ack's body as Slack reads it: nothing, a text, or a JSON message. */
function reply(res: ServerResponse, body: unknown): void {
  if (res.headersSent || res.writableEnded) return;
  if (body === undefined || body === null || body === '') res.writeHead(200).end();
  else if (typeof body === 'string') res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A request answered before Bolt sees it: the ack's body, and, when there is more to do, `later` to hand the
 * rest to (it is given a function that runs the request through Bolt, whose ack then does nothing).
 */
export interface EarlyAnswer {
  response: unknown;
  context?: Record<string, unknown>;
  later?: (run: () => Promise<void>) => void;
}

/** Looks at a parsed request; answers it early, or returns null to leave it to Bolt's listeners and their acks. */
export type EarlyAck = (body: Record<string, unknown>) => EarlyAnswer | null;

export class GatedReceiver {
  #app: App | null = null;

  constructor(
    private readonly log: Log,
    private readonly early: EarlyAck | null = null,
  ) {}

  /** Called by the App it is given to. */
  init(app: App): void {
    this.#app = app;
  }

  /** The HTTP server is the bot's own (app.ts): nothing to start or stop here. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** One request the gate let through: answered here, or handed to the App with an ack that answers it. */
  handle(req: GatedRequest, res: ServerResponse): void {
    const body = req.body;
    if (body.ssl_check === '1' || body.type === 'url_verification') {
      reply(res, body.type === 'url_verification' ? { challenge: body.challenge } : undefined);
      return;
    }
    const app = this.#app;
    if (app === null) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not ready' }));
      return;
    }
    const retry = header(req, 'x-slack-retry-num');
    const event = { body, retryNum: retry === undefined ? undefined : Number.parseInt(retry, 10), retryReason: header(req, 'x-slack-retry-reason') };
    const early = this.early?.(body) ?? null;
    if (early !== null) {
      reply(res, early.response);
      early.later?.(() =>
        app.processEvent({ ...event, ack: async () => {}, customProperties: early.context ?? {} }).catch((err: unknown) => {
          this.log.error('listener_failed_after_ack', { error: err });
        }),
      );
      return;
    }
    let acked = false;
    const unacked = setTimeout(() => {
      if (acked) return;
      acked = true;
      this.log.warn('slack_request_unacked', { path: req.url, hint: `no listener acknowledged this request within ${UNACKED_MS} ms; answered 404` });
      if (!res.headersSent) res.writeHead(404).end();
    }, UNACKED_MS);
    unacked.unref();
    const ack = async (response?: unknown): Promise<void> => {
      if (acked) throw new ReceiverMultipleAckError();
      acked = true;
      clearTimeout(unacked);
      reply(res, response);
    };
    app
      .processEvent({ ...event, ack, customProperties: {} })
      .catch((err: unknown) => {
        if (res.headersSent) {
          this.log.error('listener_failed_after_ack', { error: err });
          return;
        }
        acked = true;
        clearTimeout(unacked);
        const status = err instanceof AuthorizationError ? 401 : 500;
        this.log.error('listener_failed_before_ack', { status, error: err });
        res.writeHead(status).end();
      });
  }
}
