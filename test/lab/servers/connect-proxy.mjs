// A small HTTP CONNECT proxy for test/lab/agents.test.ts: the office's way out. It opens each tunnel from
// --source (an address the office's nftables lets out, where its other addresses are dropped) and appends one
// line per CONNECT to --log, so the test can see the agent came through it. Anything but CONNECT gets 405.
// Plain JS so it runs without a build.
//
//   node connect-proxy.mjs --listen 127.0.0.1:3128 --source 10.213.2.3 --log /tmp/proxy.log [--ttl 300]
//
// Prints "READY" once it listens. Exits by itself after --ttl seconds.
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { parseArgs } from 'node:util';

// node --test runs every .mjs under a test/ folder as a test file: without arguments, leave quietly.
if (process.argv.length <= 2) process.exit(0);

const { values } = parseArgs({
  options: { listen: { type: 'string' }, source: { type: 'string' }, log: { type: 'string' }, ttl: { type: 'string', default: '300' } },
});
const m = /^(.+):(\d+)$/.exec(values.listen ?? '');
if (!m) {
  process.stderr.write('usage: connect-proxy.mjs --listen host:port [--source address] [--log file]\n');
  process.exit(2);
}
const note = (line) => {
  if (values.log) appendFileSync(values.log, `${line}\n`);
};

const server = http.createServer((req, res) => {
  note(`${req.method} ${req.url} 405`);
  res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only\n');
});
server.on('connect', (req, client, head) => {
  const to = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
  client.on('error', () => undefined);
  if (!to) {
    note(`CONNECT ${req.url} 400`);
    client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  const upstream = net.connect({ host: to[1], port: Number(to[2]), ...(values.source ? { localAddress: values.source } : {}) });
  upstream.on('connect', () => {
    note(`CONNECT ${req.url} 200`);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', (err) => {
    note(`CONNECT ${req.url} 502 ${err.code ?? err.message}`);
    if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
    client.destroy();
  });
  client.on('close', () => upstream.destroy());
});
server.listen(Number(m[2]), m[1], () => process.stdout.write('READY\n'));
setTimeout(() => process.exit(0), Number(values.ttl) * 1000).unref();
