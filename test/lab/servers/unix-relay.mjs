// Carries TCP connections from a lab namespace to a Unix socket, for test/lab/agents.test.ts. A Unix socket named
// by a path belongs to the file system, not to a network namespace: a process inside the lab that connects to
// --listen reaches whatever the test listens on at --to, in the machine's own namespace, and no packet leaves the
// lab (the test's end is its own fake Slack on 127.0.0.1). Plain JS so it runs without a build.
//
//   node unix-relay.mjs --listen 127.0.0.1:4000 --to /tmp/fake-slack.sock [--ttl 300]
//
// Prints "READY" once it listens. Exits by itself after --ttl seconds.
import net from 'node:net';
import { parseArgs } from 'node:util';

// node --test runs every .mjs under a test/ folder as a test file: without arguments, leave quietly.
if (process.argv.length <= 2) process.exit(0);

const { values } = parseArgs({
  options: { listen: { type: 'string' }, to: { type: 'string' }, ttl: { type: 'string', default: '300' } },
});
const m = /^(.+):(\d+)$/.exec(values.listen ?? '');
if (!m || !values.to) {
  process.stderr.write('usage: unix-relay.mjs --listen host:port --to /path/to.sock\n');
  process.exit(2);
}

const server = net.createServer((inbound) => {
  const outbound = net.connect(values.to);
  inbound.pipe(outbound).pipe(inbound);
  const end = () => {
    inbound.destroy();
    outbound.destroy();
  };
  inbound.on('error', end);
  outbound.on('error', end);
  inbound.on('close', end);
  outbound.on('close', end);
});
server.listen(Number(m[2]), m[1], () => process.stdout.write('READY\n'));
setTimeout(() => process.exit(0), Number(values.ttl) * 1000).unref();
