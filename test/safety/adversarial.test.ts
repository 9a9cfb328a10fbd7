// Hostile servers on loopback: each accepts and then misbehaves (stalls, floods, drips, resets mid-TLS).
// A whole diagnosis of each must end inside its deadline, read no more than its bounds, give back every
// file descriptor and keep memory flat over many rounds.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { diagnose, type DiagnoseRequest } from '../../src/diagnose.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DEADLINE = 1500;
// Timer granularity and the event loop under load: the diagnosis may overrun its deadline by this much.
const SLACK_MS = 400;
const timeouts = { connectMs: 500, dnsMs: 500, bannerMs: 300, tlsMs: 800, httpMs: 800, deadlineMs: DEADLINE };

const openFds = () => readdirSync('/proc/self/fd').length;

interface Hostile {
  name: string;
  onConnection: (s: Socket) => void;
}

const CHUNK = Buffer.alloc(64 * 1024, 'A');

const HOSTILE: Hostile[] = [
  // It reads (and drops) what comes, so it sees the client leave; it never answers.
  { name: 'accepts and stalls', onConnection: (s) => void s.resume() },
  {
    name: 'floods bytes without end',
    onConnection: (s) => {
      const pump = () => {
        while (!s.destroyed && s.write(CHUNK));
      };
      s.on('drain', pump);
      pump();
    },
  },
  {
    name: 'floods an HTTP header that never ends',
    onConnection: (s) => {
      s.write('HTTP/1.1 200 OK\r\nX-Filler: ');
      const pump = () => {
        while (!s.destroyed && s.write(CHUNK));
      };
      s.on('drain', pump);
      pump();
    },
  },
  {
    name: 'drips one byte every 50 ms',
    onConnection: (s) => {
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('x')), 50);
      s.on('close', () => clearInterval(t));
    },
  },
  {
    name: 'resets in the middle of the TLS handshake',
    onConnection: (s) => {
      // Wait for the ClientHello (or any first bytes), answer with half a TLS record, then reset.
      s.once('data', () => {
        s.write(Buffer.from([0x16, 0x03, 0x03, 0x10, 0x00, 0x02]));
        setTimeout(() => s.resetAndDestroy(), 20);
      });
    },
  },
  {
    name: 'answers TLS with garbage',
    onConnection: (s) => {
      s.once('data', () => s.write(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0xde, 0xad, 0xbe, 0xef])));
    },
  },
];

const servers: { hostile: Hostile; server: Server; port: number; sockets: Set<Socket> }[] = [];

before(async () => {
  for (const hostile of HOSTILE) {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
      hostile.onConnection(s);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ hostile, server, port: (server.address() as AddressInfo).port, sockets });
  }
});

after(async () => {
  for (const s of servers) {
    for (const sock of s.sockets) sock.destroy();
    await new Promise<void>((r) => s.server.close(() => r()));
  }
});

function requestsFor(port: number): DiagnoseRequest[] {
  return [
    { type: 'target', host: '127.0.0.1', port },
    { type: 'url', url: `http://127.0.0.1:${port}/health` },
    { type: 'url', url: `https://127.0.0.1:${port}/` },
    { type: 'url', url: `postgres://app:pw@127.0.0.1:${port}/app` },
  ];
}

describe('hostile servers: every diagnosis ends inside its deadline', () => {
  for (const hostile of HOSTILE) {
    it(hostile.name, async (t) => {
      const s = servers.find((x) => x.hostile === hostile)!;
      for (const req of requestsFor(s.port)) {
        const started = performance.now();
        const d = await diagnose(req, { surface: 'cli', timeouts });
        const ms = performance.now() - started;
        assert.ok(ms < DEADLINE + SLACK_MS, `${JSON.stringify(req)} took ${Math.round(ms)} ms (deadline ${DEADLINE})`);
        assert.ok(d.evidence.some((e) => e.type === 'tcp' && e.outcome === 'open'), 'the port accepted');
        // No banner, TLS or HTTP evidence carries more than a bounded amount of what the server sent.
        const size = JSON.stringify(d.evidence).length;
        assert.ok(size < 64 * 1024, `evidence of ${size} characters`);
        t.diagnostic(`${req.type === 'url' ? req.url.replace(/:\/\/.*@/, '://') : 'target'}: ${Math.round(ms)} ms, top cause ${d.causes[0]?.id ?? 'none'}`);
      }
    });
  }
});

describe('hostile servers: no descriptor or memory is kept', () => {
  it('40 rounds against every hostile server leave the descriptors where they were and the heap flat', async (t) => {
    // One warm-up round, so lazily loaded modules (undici, tls) count in the baseline.
    await Promise.all(servers.flatMap((s) => requestsFor(s.port).map((r) => diagnose(r, { surface: 'cli', timeouts }))));
    await new Promise((r) => setTimeout(r, 100));
    gc();
    const fds0 = openFds();
    const heap0 = process.memoryUsage().heapUsed;
    const rounds = 40;
    for (let i = 0; i < rounds; i++) {
      await Promise.all(servers.map((s) => diagnose({ type: 'url', url: `https://127.0.0.1:${s.port}/` }, { surface: 'cli', timeouts: { ...timeouts, deadlineMs: 600, tlsMs: 300, bannerMs: 100, httpMs: 300 } })));
    }
    // Sockets close on the next turns of the event loop; give them a moment, bounded.
    for (let i = 0; i < 20 && openFds() > fds0; i++) await new Promise((r) => setTimeout(r, 50));
    gc();
    const fds1 = openFds();
    t.diagnostic(`server-side sockets still open: ${servers.map((s) => `${s.hostile.name}=${s.sockets.size}`).join(', ')}`);
    const heap1 = process.memoryUsage().heapUsed;
    const growthMb = (heap1 - heap0) / 1024 / 1024;
    t.diagnostic(`${rounds} rounds x ${servers.length} servers: descriptors ${fds0} → ${fds1}, heap ${(heap0 / 1048576).toFixed(1)} → ${(heap1 / 1048576).toFixed(1)} MB`);
    assert.ok(fds1 <= fds0 + 2, `descriptors grew from ${fds0} to ${fds1}`);
    assert.ok(growthMb < 16, `heap grew by ${growthMb.toFixed(1)} MB`);
  });
});
