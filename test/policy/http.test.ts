// The real HTTP request (node:http, node:https) goes to the checked address only, keeps the URL's Host header, and follows
// no redirect. Every server here is on loopback; a redirect points at loopback too, so even a regression
// could not send traffic anywhere else.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { defaultDeps } from '../../src/probes/index.js';
import { defaultHttpRequest } from '../../src/probes/http-request.js';

interface Seen { path: string; host: string | undefined }

async function server(host: string, handle: (req: IncomingMessage, res: import('node:http').ServerResponse) => void) {
  const seen: Seen[] = [];
  const srv = createServer((req, res) => {
    seen.push({ path: req.url ?? '', host: req.headers.host });
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, () => resolve());
  });
  return { seen, port: (srv.address() as AddressInfo).port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

const opts = (url: string, address: string) => ({ url, address, family: 4 as const, timeoutMs: 2000, maxBodyBytes: 4096 });

describe('the HTTP probe\'s request', () => {
  let redirecting: Awaited<ReturnType<typeof server>>;
  before(async () => {
    redirecting = await server('127.0.0.1', (req, res) => {
      if (req.url === '/start') {
        res.writeHead(302, { location: `http://127.0.0.1:${redirecting.port}/followed` });
        res.end();
      } else {
        res.writeHead(200);
        res.end('followed');
      }
    });
  });
  after(() => redirecting.close());

  it('does not follow a redirect: the 302 is the answer', async () => {
    const answer = await defaultHttpRequest(opts(`http://127.0.0.1:${redirecting.port}/start`, '127.0.0.1'), AbortSignal.timeout(5000));
    assert.equal(answer.status, 302);
    assert.deepEqual(redirecting.seen.map((s) => s.path), ['/start']);
  });

  it('connects to the checked address, not where the URL\'s name would resolve, and keeps the Host header', async (t) => {
    // 127.0.0.2 is loopback on Linux; "localhost" in the URL would resolve to 127.0.0.1 or ::1, where nothing
    // listens on this port: only a request pinned to 127.0.0.2 reaches this server.
    let pinned: Awaited<ReturnType<typeof server>>;
    try {
      pinned = await server('127.0.0.2', (_req, res) => {
        res.writeHead(204, { server: 'pinned/1' });
        res.end();
      });
    } catch {
      t.skip('127.0.0.2 is not a loopback address here');
      return;
    }
    try {
      const answer = await defaultHttpRequest(opts(`http://localhost:${pinned.port}/health`, '127.0.0.2'), AbortSignal.timeout(5000));
      assert.equal(answer.status, 204);
      assert.equal(answer.server, 'pinned/1');
      assert.deepEqual(pinned.seen, [{ path: '/health', host: `localhost:${pinned.port}` }]);
    } finally {
      await pinned.close();
    }
  });

  it('refuses an address that is not a literal (that would be a second lookup)', async () => {
    await assert.rejects(defaultHttpRequest(opts('http://localhost:1/', 'localhost'), AbortSignal.timeout(5000)), { code: 'EPOLICY' });
  });
});

describe('the default connect', () => {
  it('refuses a name: the probes connect to checked address literals only', async () => {
    const deps = defaultDeps();
    await assert.rejects(deps.connect({ address: 'localhost', family: 4, port: 1 }, AbortSignal.timeout(1000)), { code: 'EPOLICY' });
    assert.throws(() => deps.tlsConnect({ host: 'localhost', port: 1 }), { code: 'EPOLICY' });
  });

  it('its default address check applies the built-in denies', () => {
    const deps = defaultDeps();
    assert.match(deps.checkAddress('169.254.169.254')!, /metadata/);
    assert.match(deps.checkAddress('::ffff:a9fe:a9fe', 80, 'rebind.example')!, /rebind\.example resolved to 169\.254\.169\.254/);
    assert.equal(deps.checkAddress('127.0.0.1', 80, 'localhost'), null);
  });
});
