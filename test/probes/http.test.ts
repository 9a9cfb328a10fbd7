import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { describe, it } from 'node:test';
import type { HttpEvidence } from '../../src/domain/types.js';
import { makeContext, probeHttp, runProbes, type ProbeDeps } from '../../src/probes/index.js';
import { FAST, closedPort, fakeDnsServers, listen, makeFacts, makePlan, selfSignedCert, settle, target } from './helpers.js';

describe('http probe (node:http)', () => {
  it('status and server header, sent to the checked address with the URL Host header', async () => {
    const seen: IncomingMessage[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req);
      res.writeHead(200, { server: 'tiny/2.1' });
      res.end('ok');
    });
    const l = await listen('127.0.0.1', () => {}, server);
    try {
      // api.probe.invalid cannot resolve anywhere: the request reaching the server proves no second lookup.
      const url = `http://api.probe.invalid:${l.port}/health`;
      const ev = await probeHttp(makeContext(FAST), { url, address: '127.0.0.1', family: 4 });
      assert.deepEqual({ ...ev, ms: 0 }, { type: 'http', url, status: 200, server: 'tiny/2.1', ms: 0, error: null });
      assert.equal(seen[0]?.headers.host, `api.probe.invalid:${l.port}`);
      assert.equal(seen[0]?.method, 'GET');
      assert.equal(seen[0]?.url, '/health');
    } finally {
      await l.close();
    }
  });

  it('a redirect is the answer, not followed', async () => {
    let hits = 0;
    const l = await listen('127.0.0.1', () => {}, createHttpServer((_q, res) => {
      hits++;
      res.writeHead(301, { location: '/elsewhere' });
      res.end();
    }));
    try {
      const ev = await probeHttp(makeContext(FAST), { url: `http://127.0.0.1:${l.port}/`, address: '127.0.0.1', family: 4 });
      assert.equal(ev.status, 301);
      assert.equal(hits, 1);
    } finally {
      await l.close();
    }
  });

  it('a huge body is not read: the probe ends once headers are in', async () => {
    const l = await listen('127.0.0.1', () => {}, createHttpServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // Never ends: 64 KB now, and the probe must not wait for more.
      res.write(Buffer.alloc(65536, 0x42));
    }));
    try {
      const ev = await probeHttp(makeContext(FAST), { url: `http://127.0.0.1:${l.port}/`, address: '127.0.0.1', family: 4 });
      assert.equal(ev.status, 200);
      assert.ok(ev.ms < 1000, `took ${ev.ms}`);
    } finally {
      await l.close();
    }
  });

  it('refused: the error code, no status', async () => {
    const port = await closedPort();
    const ev = await probeHttp(makeContext(FAST), { url: `http://localhost:${port}/`, address: '127.0.0.1', family: 4 });
    assert.equal(ev.status, null);
    assert.equal(ev.error, 'ECONNREFUSED');
  });

  it('a server that never sends headers: bounded by httpMs', async () => {
    const l = await listen('127.0.0.1');
    try {
      const ev = await probeHttp(makeContext({ ...FAST, httpMs: 150 }), { url: `http://127.0.0.1:${l.port}/`, address: '127.0.0.1', family: 4 });
      assert.equal(ev.status, null);
      assert.ok(ev.error);
      assert.ok(ev.ms < 700, `ms ${ev.ms}`);
    } finally {
      await l.close();
    }
    await settle();
  });

  it('runProbes: the url of a target is requested on the first open address', async () => {
    const l = await listen('127.0.0.1', () => {}, createHttpServer((_q, res) => {
      res.writeHead(503, { server: 'gw' });
      res.end();
    }));
    try {
      const lookup: ProbeDeps['lookup'] = async () => [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }];
      const url = `http://web.probe.invalid:${l.port}/`;
      const ev = (await runProbes(
        makePlan([target('web.probe.invalid', l.port, { url, service: 'http' })]),
        makeFacts(),
        { lookup, ...fakeDnsServers({ 'web.probe.invalid': { v4: ['127.0.0.1'], v6: ['::1'] } }) },
      )).evidence;
      const http = ev.filter((e): e is HttpEvidence => e.type === 'http');
      assert.equal(http.length, 1);
      assert.equal(http[0]!.status, 503);
      assert.equal(http[0]!.server, 'gw');
    } finally {
      await l.close();
    }
  });
});

const cert = selfSignedCert();
describe('https probe', { skip: cert ? false : 'openssl is not available' }, () => {
  it('https with SNI by name and an untrusted cert still gives the status', async () => {
    let sni: string | undefined;
    const server = createHttpsServer({ key: cert!.key, cert: cert!.cert }, (req, res) => {
      sni = (req.socket as unknown as { servername: string }).servername;
      res.writeHead(204, { server: 'secure/1' });
      res.end();
    });
    const l = await listen('127.0.0.1', () => {}, server);
    try {
      const ev = await probeHttp(makeContext(FAST), { url: `https://probe.test:${l.port}/`, address: '127.0.0.1', family: 4 });
      assert.equal(ev.error, null);
      assert.equal(ev.status, 204);
      assert.equal(ev.server, 'secure/1');
      assert.equal(sni, 'probe.test');
    } finally {
      await l.close();
    }
  });
});
