// The playground's one HTTP server, on loopback: the local Slack (Web API, Socket Mode, response_url), the
// page (GET /, GET /page/<file> from src/playground/page/), and the page's own API under /playground/ —
// the state, a stream of changes (Server-Sent Events), and what a person does: send, click, open the Home
// tab, run the message shortcut, submit or close a modal. No accounts; the state lives in memory.
//
// A page on another site must not drive it: every request must name this server in its Host header (so a
// DNS-rebound name cannot reach it), a browser's Origin must be this server's, and the page's POSTs must
// be JSON (which a cross-site form or a "simple" fetch cannot send without a preflight this server refuses).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { COMMAND, SHORTCUT_DIAGNOSE } from '../slack/ids.js';
import type { Conversation, Person, Workspace } from './envelopes.js';
import { BodyError, LocalSlack, readRaw, type Delivered } from './local-slack.js';
import { pageState, type Cast } from './state.js';

export const PLAYGROUND: { workspace: Workspace; teamName: string; channel: Conversation; you: Person; bot: Person } = {
  workspace: { team: 'T0PLAYGRND', teamDomain: 'playground', appId: 'A0PLAYGRND', botUser: 'U0REFUSED', botId: 'B0REFUSED' },
  teamName: 'playground',
  channel: { id: 'C0PLAYGRND', name: 'playground' },
  you: { id: 'U0YOU', name: 'you' },
  bot: { id: 'U0REFUSED', name: 'refused' },
};

export const BANNER =
  'This is a local playground: the real refused bot, talking to a Slack simulated on this machine; nothing is sent to Slack, and the probes run from here. ' +
  'To connect a real workspace, put SLACK_BOT_TOKEN and SLACK_APP_TOKEN in .env (README: Slack bot).';

/** The page's POST bodies are small; a paste is at most Slack's 40,000 characters. */
const MAX_PAGE_BODY = 256 * 1024;
const MAX_TEXT = 40_000;
const SSE_PING_MS = 15_000;

/** The project root: the nearest ancestor with a package.json, from src/ (tsx) or dist/src/ (compiled). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** The page's files are served from the source tree: they are not TypeScript, so the build does not copy them. */
export const PAGE_DIR = join(projectRoot(), 'src', 'playground', 'page');

const ts = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'must be a message ts such as 1700000000.000100');
const id = (what: string) => z.string().min(1, `${what} is empty`).max(255, `${what} is longer than 255 characters`);

const SendBody = z.object({
  text: z.string().max(MAX_TEXT, `text is longer than Slack takes (${MAX_TEXT} characters)`),
  thread_ts: ts.optional(),
});
const ClickBody = z.discriminatedUnion('container', [
  z.object({ container: z.literal('message'), ts, action_id: id('action_id'), block_id: z.string().max(255), value: z.string().max(2000).optional() }),
  z.object({ container: z.literal('view'), view_id: id('view_id'), action_id: id('action_id'), block_id: z.string().max(255), value: z.string().max(2000).optional() }),
]);
const HomeBody = z.object({});
const ShortcutBody = z.object({ ts });
const SubmitBody = z.object({ view_id: id('view_id'), values: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))) });
const CloseBody = z.object({ view_id: id('view_id') });

/** A zod failure in words a person can act on: each field and what is wrong with it. */
export function problemWords(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = i.path.join('.');
      if (i.code === 'invalid_union' || (i.code === 'invalid_value' && path === 'container')) return 'container must be "message" or "view"';
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

export interface PlaygroundServerOptions {
  /** 0 picks a free port. */
  port: number;
  botToken: string;
  appToken: string;
  pageDir?: string;
  /** Something the bot sent that Slack would refuse: logged, as a developer wants to know. */
  onProblem?: (problem: string) => void;
}

export interface PlaygroundServer {
  url: string;
  port: number;
  slack: LocalSlack;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// The page renders what the bot sent; scripts and connections stay on this server whatever that holds.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A file of the page, or null when there is none. */
function readPageFile(file: string): Buffer | null {
  try {
    return statSync(file).isFile() ? readFileSync(file) : null;
  } catch {
    return null;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: number, error: string): void {
  json(res, status, { ok: false, error });
}

export async function startPlaygroundServer(o: PlaygroundServerOptions): Promise<PlaygroundServer> {
  let port = 0;
  const cast: Cast = { ...PLAYGROUND, banner: BANNER };
  const you = cast.you.id;
  const channel = cast.channel.id;
  const slack = new LocalSlack({
    workspace: cast.workspace,
    botToken: o.botToken,
    appToken: o.appToken,
    baseUrl: () => `http://127.0.0.1:${port}`,
    channels: [cast.channel],
    people: [cast.you, cast.bot],
    hooks: { ...(o.onProblem ? { onProblem: o.onProblem } : {}) },
  });
  const pageDir = resolve(o.pageDir ?? PAGE_DIR);
  const streams = new Set<ServerResponse>();

  /** Only this server's own names: a DNS-rebound name or another site's page is turned away. */
  const fromHere = (req: IncomingMessage): boolean => {
    const own = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
    if (!own.has((req.headers.host ?? '').toLowerCase())) return false;
    // No Origin: not a cross-site browser request (the bot, curl, a same-origin GET). "null" is a sandboxed page.
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return origin.startsWith('http://') && own.has(origin.slice('http://'.length).toLowerCase());
  };

  const serveFile = (res: ServerResponse, name: string, head: boolean): void => {
    const file = resolve(pageDir, name);
    const body = /^[a-z0-9][a-z0-9._/-]*$/i.test(name) && !name.includes('..') && file.startsWith(pageDir + sep) ? readPageFile(file) : null;
    if (body === null) {
      if (name === 'index.html') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(`The playground's page is missing (${join(pageDir, 'index.html')}). The local Slack runs; the page files are not there.\n`);
      } else refuse(res, 404, 'not found');
      return;
    }
    const ext = name.slice(name.lastIndexOf('.')).toLowerCase();
    res.writeHead(200, {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(ext === '.html' ? { 'content-security-policy': CSP, 'x-frame-options': 'DENY' } : {}),
    });
    res.end(head ? undefined : body);
  };

  const events = (req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const change = (v: number) => res.write(`event: change\ndata: ${JSON.stringify({ version: v })}\n\n`);
    // A page that connects (or reconnects) learns the current version at once.
    change(slack.version);
    // Changes come in bursts (a post, a reaction, an edit in one tick): one event per burst is enough.
    let pending: NodeJS.Timeout | null = null;
    const off = slack.onChange(() => {
      pending ??= setTimeout(() => {
        pending = null;
        change(slack.version);
      }, 15);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), SSE_PING_MS);
    ping.unref();
    streams.add(res);
    const done = () => {
      off();
      clearInterval(ping);
      if (pending) clearTimeout(pending);
      streams.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  };

  async function body<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; status: number; error: string }> {
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return { ok: false, status: 415, error: 'send JSON with Content-Type: application/json' };
    let raw: string;
    try {
      raw = await readRaw(req, MAX_PAGE_BODY);
    } catch (err) {
      return { ok: false, status: err instanceof BodyError ? err.status : 400, error: err instanceof Error ? err.message : 'the body could not be read' };
    }
    let parsed: unknown;
    try {
      parsed = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return { ok: false, status: 400, error: 'the body is not JSON' };
    }
    const r = schema.safeParse(parsed);
    return r.success ? { ok: true, value: r.data } : { ok: false, status: 400, error: problemWords(r.error) };
  }

  const answer = (res: ServerResponse, d: Delivered): void => (d.ok ? json(res, 200, { ok: true }) : refuse(res, d.status, d.error));

  const actions: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    send: async (req, res) => {
      const b = await body(req, SendBody);
      if (!b.ok) return refuse(res, b.status, b.error);
      const text = b.value.text;
      if (text.trim() === '') return refuse(res, 400, `text is empty: type an error to diagnose, or ${COMMAND} host port`);
      if (text.trimStart().startsWith('/')) {
        const trimmed = text.trim();
        const command = trimmed.split(/\s/, 1)[0]!;
        if (command !== COMMAND) return refuse(res, 400, `${command} is not a command here; this playground knows ${COMMAND}`);
        return answer(res, await slack.command({ channel, user: you, command, text: trimmed.slice(command.length).trim() }));
      }
      const threadTs = b.value.thread_ts;
      if (threadTs !== undefined) {
        const parent = slack.message(channel, threadTs);
        if (!parent || parent.thread_ts !== undefined) return refuse(res, 400, `thread_ts ${threadTs} is not a message at the top of this channel`);
      }
      return answer(res, await slack.say({ channel, user: you, text, ...(threadTs ? { threadTs } : {}) }));
    },
    click: async (req, res) => {
      const b = await body(req, ClickBody);
      if (!b.ok) return refuse(res, b.status, b.error);
      const c = b.value;
      const action = { action_id: c.action_id, block_id: c.block_id, ...(c.value !== undefined ? { value: c.value } : {}) };
      if (c.container === 'message') return answer(res, await slack.clickMessage({ channel, ts: c.ts, user: you, action }));
      return answer(res, await slack.clickView({ viewId: c.view_id, user: you, action }));
    },
    home: async (req, res) => {
      const b = await body(req, HomeBody);
      if (!b.ok) return refuse(res, b.status, b.error);
      return answer(res, await slack.openHome(you));
    },
    shortcut: async (req, res) => {
      const b = await body(req, ShortcutBody);
      if (!b.ok) return refuse(res, b.status, b.error);
      return answer(res, await slack.shortcut({ channel, ts: b.value.ts, user: you, callbackId: SHORTCUT_DIAGNOSE }));
    },
    submit: async (req, res) => {
      const b = await body(req, SubmitBody);
      if (!b.ok) return refuse(res, b.status, b.error);
      return answer(res, await slack.submitView({ viewId: b.value.view_id, user: you, values: b.value.values }));
    },
    close: async (req, res) => {
      const b = await body(req, CloseBody);
      if (!b.ok) return refuse(res, b.status, b.error);
      return answer(res, await slack.closeView({ viewId: b.value.view_id, user: you }));
    },
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!fromHere(req)) return refuse(res, 403, 'this playground answers only its own page, at its own loopback address');
    if (slack.handle(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith('/playground/')) {
      const name = path.slice('/playground/'.length);
      if (name === 'state' && method === 'GET') return json(res, 200, pageState(slack, cast));
      if (name === 'events' && method === 'GET') return events(req, res);
      const act = Object.hasOwn(actions, name) ? actions[name] : undefined;
      if (act && method === 'POST') return act(req, res);
      if (act || name === 'state' || name === 'events') return refuse(res, 405, `${method} is not allowed on ${path}`);
      return refuse(res, 404, `no ${path}; the page's API is state, events, send, click, home, shortcut, submit and close`);
    }
    if (method !== 'GET' && method !== 'HEAD') return refuse(res, 405, `${method} is not allowed on ${path}`);
    if (path === '/' || path === '/index.html') return serveFile(res, 'index.html', method === 'HEAD');
    if (path.startsWith('/page/')) {
      let name: string;
      try {
        name = decodeURIComponent(path.slice('/page/'.length));
      } catch {
        return refuse(res, 404, 'not found');
      }
      return serveFile(res, name, method === 'HEAD');
    }
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    return refuse(res, 404, 'not found');
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      o.onProblem?.(`playground: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) refuse(res, 500, 'the playground failed on this request; see its log');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!fromHere(req) || !slack.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    // Loopback only: the playground has no accounts, so nobody else may reach it.
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    slack,
    async close() {
      slack.close();
      for (const s of streams) s.end();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
}

/** Tokens only this run's local Slack accepts (the bot signs its buttons with a key derived from one). */
export function playgroundTokens(): { botToken: string; appToken: string } {
  return { botToken: `xoxb-playground-${randomBytes(12).toString('hex')}`, appToken: `xapp-playground-${randomBytes(12).toString('hex')}` };
}
