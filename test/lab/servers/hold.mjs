// Opens connections and keeps them open, for the network lab's ephemeral-ports-exhausted scenario: with the client's
// local port range cut to a couple of ports, the held connections take every one of them for that destination.
//
//   node hold.mjs --to 10.213.1.2:5432 --count 2 [--ttl 300]
//
// Prints "READY" once every connection is open, then holds them until killed or --ttl seconds pass. A connection
// that fails is reported on stderr and ends the process (exit 1): the scenario then says what went wrong.
import net from 'node:net';
import { parseArgs } from 'node:util';

// node --test runs every .mjs under a test/ folder as a test file: without arguments, leave quietly.
if (process.argv.length <= 2) process.exit(0);

const { values } = parseArgs({
  options: {
    to: { type: 'string' },
    count: { type: 'string', default: '1' },
    ttl: { type: 'string', default: '300' },
  },
});

const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(values.to ?? '');
if (!m) {
  process.stderr.write(`hold.mjs: --to host:port, got ${values.to}\n`);
  process.exit(2);
}
const [, host, port] = m;
const held = [];
for (let i = 0; i < Number(values.count); i++) {
  await new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    s.once('connect', () => {
      process.stderr.write(`held ${s.localAddress}:${s.localPort} -> ${host}:${port}\n`);
      held.push(s);
      resolve();
    });
    s.once('error', (e) => {
      process.stderr.write(`hold.mjs: connection ${i + 1} failed: ${e.code ?? e.message}\n`);
      process.exit(1);
    });
  });
}
process.stdout.write('READY\n');
setTimeout(() => process.exit(0), Number(values.ttl) * 1000).unref();
// Keep the process alive while the sockets are open; they never send anything.
setInterval(() => {}, 1 << 30);
