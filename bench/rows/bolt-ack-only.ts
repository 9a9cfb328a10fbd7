// The baseline for rows 1 and 2: a Bolt app that only acks /refused, with Bolt's own receivers (HTTPReceiver,
// SocketModeReceiver), the bot's Web API URL and the bot's ids given so Bolt calls nothing at start. The bot
// itself answers HTTP through src/slack/receiver.ts; this is what any Bolt app would do out of the box.
// Run as a child process by bench/rows/bot.ts; prints JSON lines like the bot: listening, then ready.
//   SLACK_BOT_TOKEN, SLACK_API_URL, and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';

const { App, HTTPReceiver, SocketModeReceiver, LogLevel } = bolt;

const say = (event: string, extra: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...extra })}\n`);
const env = process.env;
const clientOptions = { slackApiUrl: env.SLACK_API_URL ?? '' };

if (env.SLACK_APP_TOKEN) {
  const receiver = new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } });
  const app = new App({ token: env.SLACK_BOT_TOKEN, botId: 'BBOT', botUserId: 'UBOT', receiver, logLevel: LogLevel.ERROR, clientOptions });
  app.command('/refused', async ({ ack }) => {
    await ack();
  });
  receiver.client.on('connected', () => say('slack_connected'));
  await app.start();
} else {
  const receiver = new HTTPReceiver({ signingSecret: env.SLACK_SIGNING_SECRET ?? '', logLevel: LogLevel.ERROR, endpoints: '/slack/events' });
  const app = new App({ token: env.SLACK_BOT_TOKEN, botId: 'BBOT', botUserId: 'UBOT', receiver, logLevel: LogLevel.ERROR, clientOptions });
  app.command('/refused', async ({ ack }) => {
    await ack();
  });
  const server = createServer((req, res) => receiver.requestListener(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  say('listening', { port: (server.address() as AddressInfo).port });
  say('slack_ready');
}
process.on('SIGTERM', () => process.exit(0));
