// What the end-to-end tests share: the environment a test bot starts from (SLACK_API_URL pointing at a fake
// Slack on loopback), starting and stopping it with the checks every test ends with, and loopback ports to
// probe.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { startBot, type BotHandle, type Overrides } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { memoryLog } from '../../src/slack/log.js';
import { APP_TOKEN, BOT_TOKEN, FakeSlack, type Posted } from './fake-slack.js';
import { tempStoreUrl } from './state.js';

export const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, 'f');

export function env(fake: FakeSlack, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    REFUSED_VANTAGE_NAME: 'test-bot',
    // The tests' targets are ports they open on 127.0.0.1: typed loopback targets must be probed.
    REFUSED_ALLOW_LOOPBACK: 'true',
    REFUSED_CONNECT_TIMEOUT_MS: '1000',
    REFUSED_DEADLINE_MS: '8000',
    REFUSED_WATCH_MINUTES: '1',
    REFUSED_WATCH_FIRST_INTERVAL_MS: '100',
    SLACK_SOCKET_PING_TIMEOUT_MS: '300',
    REFUSED_SHUTDOWN_GRACE_MS: '2000',
    // Each bot its own store, so tests running side by side never share limits, deliveries or watches.
    REFUSED_STORE_URL: tempStoreUrl(),
    ...extra,
  };
}

export interface Harness {
  fake: FakeSlack;
  bot: BotHandle;
  log: ReturnType<typeof memoryLog>;
}

export async function start(extra: Record<string, string> = {}, overrides: Omit<Overrides, 'log'> = {}): Promise<Harness> {
  const fake = await FakeSlack.start();
  const result = loadConfig(env(fake, extra));
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  const log = memoryLog('debug');
  const bot = await startBot(result.config, { ...overrides, log });
  await bot.started;
  await fake.waitFor(() => bot.isReady(), 'the bot to be ready');
  return { fake, bot, log };
}

export async function stop(h: Harness | null): Promise<void> {
  if (!h) return;
  await h.bot.stop();
  // Let the bot finish its WebSocket close handshake first: a fake that goes away mid-handshake leaves a 30 s
  // timer in the Socket Mode client that holds the test process open.
  await h.fake.waitFor(() => h.fake.openSockets === 0, 'the Socket Mode link to close', 5000).catch(() => undefined);
  await h.fake.close();
  assert.deepEqual(h.fake.violations, [], 'the fake Slack saw payloads that break Slack limits');
  // Nothing a test pasted or a token may reach the log.
  const all = JSON.stringify(h.log.lines);
  assert.doesNotMatch(all, /fakebottoken|fakeapptoken|hunter2/);
}

/** A port on 127.0.0.1 that nothing listens on (opened, read, closed). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function listen(port = 0): Promise<Server> {
  const s = createServer((sock) => sock.end());
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, '127.0.0.1', resolve);
  });
  return s;
}

export const closeServer = (s: Server) => new Promise<void>((r) => s.close(() => r()));

export function blocksText(m: Posted | { blocks?: unknown }): string {
  return JSON.stringify(m.blocks ?? []);
}

/** The slash command's parent message and the diagnosis in its thread. */
export async function commandReply(fake: FakeSlack, channel = 'C100'): Promise<{ parent: Posted; reply: Posted }> {
  const parent = await fake.waitFor(() => [...fake.posted.values()].find((m) => m.channel === channel && !m.thread_ts && /asked me to check/.test(m.text)), 'the parent message');
  const reply = await fake.waitFor(() => fake.thread(channel, parent.ts)[0], 'the diagnosis in the thread');
  return { parent, reply };
}
