// The floor for row 1: node:http alone, answering every POST with an empty 200 once its body is read. No
// signature check, no parsing, no Bolt: what any Slack app written in Node pays on this machine before its own
// code runs. Run as a child process by bench/rows/bot.ts; prints JSON lines like the bot: listening, then ready.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const say = (event: string, extra: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...extra })}\n`);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
say('listening', { port: (server.address() as AddressInfo).port });
say('slack_ready');
process.on('SIGTERM', () => process.exit(0));
