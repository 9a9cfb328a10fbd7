// Listeners for the network lab, one process per lab host. Plain JS so it runs without a build.
//
//   node listen.mjs --mode <mode> --listen 10.213.2.2:5432 [--listen [fd7a:213:0:2::2]:5432] [options]
//
// Modes:
//   silent     accept and hold the connection; never speak
//   http       answer every request with 200 and a short body
//   https      the same over TLS (--cert, --key: PEM files)
//   postgres   enough of the PostgreSQL wire protocol to look like one: 'N' to SSLRequest/GSSENCRequest,
//              AuthenticationOk + ReadyForQuery to a startup message
//   ssh        speak an SSH identification line first, as sshd does
//   proxy      an HTTP reverse proxy to --upstream host:port that answers 502 when the upstream fails
//
// Prints "READY" once every address listens. Exits by itself after --ttl seconds (default 300).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// node --test runs every .mjs under a test/ folder as a test file: without arguments, leave quietly.
if (process.argv.length <= 2) process.exit(0);

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    listen: { type: 'string', multiple: true, default: [] },
    backlog: { type: 'string', default: '511' },
    cert: { type: 'string' },
    key: { type: 'string' },
    upstream: { type: 'string' },
    ttl: { type: 'string', default: '300' },
  },
});

const verbose = process.env.REFUSED_LAB_VERBOSE === '1';
const say = (line) => { if (verbose) process.stderr.write(`[${values.mode}] ${line}\n`); };

function splitHostPort(text) {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) throw new Error(`not host:port: ${text}`);
  return { host: m[1], port: Number(m[2]) };
}

function httpHandler(req, res) {
  say(`${req.socket.remoteAddress} ${req.method} ${req.url}`);
  res.writeHead(200, { 'content-type': 'text/plain', server: 'rflab' });
  res.end('ok\n');
}

function postgresConnection(socket) {
  say(`postgres connection from ${socket.remoteAddress}`);
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    // Untyped messages first: length (4 bytes, itself included) then a 4-byte code.
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(0);
      if (len < 8 || len > 10000) { socket.destroy(); return; }
      if (buf.length < len) return;
      const code = buf.readUInt32BE(4);
      buf = buf.subarray(len);
      if (code === 80877103 || code === 80877104) {
        socket.write('N'); // no SSL, no GSS encryption: the client goes on in plain text
      } else if (code === 196608) {
        // Protocol 3.0 startup: AuthenticationOk, then ReadyForQuery (idle).
        const ok = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
        const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
        socket.write(Buffer.concat([ok, ready]));
      } else {
        socket.destroy();
        return;
      }
    }
  });
}

function proxyHandler(req, res) {
  const up = splitHostPort(values.upstream ?? '');
  say(`proxy ${req.method} ${req.url} → ${up.host}:${up.port}`);
  const forward = http.request({ host: up.host, port: up.port, method: req.method, path: req.url, headers: req.headers, timeout: 2000 }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    upRes.pipe(res);
  });
  const fail = (why) => {
    say(`upstream ${up.host}:${up.port} failed: ${why}`);
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(502, { 'content-type': 'text/html', server: 'rflab-proxy' });
    res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n');
  };
  forward.on('error', (err) => fail(err.code ?? err.message));
  forward.on('timeout', () => { forward.destroy(); fail('timeout'); });
  req.pipe(forward);
}

function makeServer() {
  switch (values.mode) {
    case 'silent':
      return net.createServer((s) => { say(`hold ${s.remoteAddress}`); s.on('error', () => {}); });
    case 'http':
      return http.createServer(httpHandler);
    case 'https':
      return https.createServer({ cert: readFileSync(values.cert ?? ''), key: readFileSync(values.key ?? '') }, httpHandler);
    case 'postgres':
      return net.createServer((s) => { s.on('error', () => {}); postgresConnection(s); });
    case 'ssh':
      return net.createServer((s) => {
        s.on('error', () => {});
        say(`ssh banner to ${s.remoteAddress}`);
        s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
      });
    case 'proxy':
      return http.createServer(proxyHandler);
    default:
      throw new Error(`unknown --mode ${values.mode}`);
  }
}

if (values.listen.length === 0) throw new Error('give at least one --listen host:port');
const servers = values.listen.map(() => makeServer());
await Promise.all(values.listen.map((text, k) => new Promise((resolve, reject) => {
  const { host, port } = splitHostPort(text);
  const server = servers[k];
  server.once('error', reject);
  // ipv6Only: a listener on a v6 address must not also take v4 (matters only for "::").
  server.listen({ host, port, backlog: Number(values.backlog), ipv6Only: net.isIPv6(host) }, resolve);
})));
process.stdout.write('READY\n');
setTimeout(() => process.exit(0), Number(values.ttl) * 1000);
