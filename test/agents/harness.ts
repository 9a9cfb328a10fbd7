// Shared pieces of the agent tests: a hub on a loopback HTTP server, a real agent in this process, a hand-made
// agent (the ws client) and a hand-made hub (a bare WebSocket server), a closed loopback port, and waiting for a
// condition. Everything listens and dials on 127.0.0.1 only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { WebSocket, WebSocketServer } from 'ws';
import { AgentHub, type AgentHubOptions } from '../../src/agents/hub.js';
import { type AgentOptions, runAgent } from '../../src/agents/agent.js';
import { tokenHash } from '../../src/agents/token.js';
import type { Policy } from '../../src/policy/index.js';
import { factsFromEndpoint } from '../../src/parse/index.js';
import { checkRequest, type CheckRequest } from '../../src/slack/button-value.js';
import { memoryLog } from '../../src/slack/log.js';

export const LOOPBACK_ONLY: Policy = { allowLoopback: true, contact: null };
/** As a chat bot's default: this machine's loopback is refused. */
export const NO_LOOPBACK: Policy = { allowLoopback: false, contact: '#agents-owners' };

export type TestLog = ReturnType<typeof memoryLog>;

/** Waits for `cond` (a poll every 10 ms); fails naming `what` if it never holds. Not a timing assertion: the cap is only a guard. */
export async function until(cond: () => boolean, what: string, capMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > capMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A loopback port nobody listens on (a server bound it and let it go). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** What a typed `/refused 127.0.0.1 <port>` would carry. */
export function targetRequest(host: string, port: number): CheckRequest {
  return checkRequest({ type: 'target', host, port }, { facts: factsFromEndpoint(host, port) });
}

export interface TestHub {
  hub: AgentHub;
  log: TestLog;
  port: number;
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** A hub behind a loopback HTTP server that answers 404 to everything but the agents' upgrades. */
export async function startHub(tokens: Record<string, string>, options: Partial<AgentHubOptions> = {}): Promise<TestHub> {
  const log = memoryLog();
  const agents = new Map(Object.entries(tokens).map(([name, token]) => [name, tokenHash(token).slice('sha256:'.length)]));
  const hub = new AgentHub({ agents, log, ...options });
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!hub.handleUpgrade(req, socket, head)) socket.destroy();
  });
  const port = await listen(server);
  return {
    hub,
    log,
    port,
    url: `ws://127.0.0.1:${port}/agents`,
    server,
    async close() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestAgent {
  log: TestLog;
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real agent in this process. Without a dispatcher of its own it dials directly (a plain undici Agent), so a
 * proxy variable of the machine running the tests cannot send it elsewhere; the proxy test passes `useEnv`.
 */
export function startAgent(o: Partial<AgentOptions> & { url: string; token: string; useEnv?: boolean }): TestAgent {
  const log = memoryLog();
  const controller = new AbortController();
  const { useEnv, ...rest } = o;
  const done = runAgent({
    name: 'office',
    policy: LOOPBACK_ONLY,
    log,
    signal: controller.signal,
    backoff: { firstMs: 50, maxMs: 200 },
    env: {},
    ...(useEnv ? {} : { dispatcher: new Agent() }),
    ...rest,
  });
  return {
    log,
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

/** A hand-made agent: the ws client, with the headers the real one sends. Rejects with the HTTP status when refused. */
export function handAgent(url: string, name: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}`, 'x-refused-agent': name } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

/** The next text frame `ws` receives. */
export function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(String(data))));
}

export interface HandHub {
  url: string;
  /** The agent's connection, once it dialled. */
  connection(): Promise<{ ws: WebSocket; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

/** A hand-made hub: a bare WebSocket server that accepts any agent, so a test can send it any frame. */
export async function handHub(): Promise<HandHub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const first = new Promise<{ ws: WebSocket; headers: Record<string, string | string[] | undefined> }>((resolve) =>
    wss.once('connection', (ws, req) => resolve({ ws, headers: req.headers })),
  );
  return {
    url: `ws://127.0.0.1:${port}/agents`,
    connection: () => first,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Every string in the log lines, joined: for "the token never appears" checks. */
export function logText(log: TestLog): string {
  return JSON.stringify(log.lines);
}
