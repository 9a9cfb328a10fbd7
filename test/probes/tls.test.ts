import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import type { BannerEvidence, TlsEvidence } from '../../src/domain/types.js';
import { makeContext, probeTls, runProbes } from '../../src/probes/index.js';
import { certNames } from '../../src/probes/tls.js';
import { FAST, type Cert, type Listener, listen, makeFacts, makePlan, selfSignedCert, settle, target } from './helpers.js';

const cert: Cert | null = selfSignedCert();
const skip = cert ? false : 'openssl is not available to make a self-signed certificate';

describe('tls probe', { skip }, () => {
  let tlsL: Listener;
  let sniSeen: string[] = [];
  before(async () => {
    // SNICallback runs while the server reads the ClientHello, so it has run by the time the client is done.
    const server = createTlsServer({
      key: cert!.key,
      cert: cert!.cert,
      ALPNProtocols: ['http/1.1'],
      SNICallback: (name, cb) => {
        sniSeen.push(name);
        cb(null, undefined);
      },
    }, (s) => s.end());
    server.on('tlsClientError', () => {});
    tlsL = await listen('127.0.0.1', () => {}, server);
  });
  after(() => tlsL.close());

  it('a handshake by name: SNI sent, version, ALPN, names, validity, and the trust problem recorded', async () => {
    sniSeen = [];
    const ev = await probeTls(makeContext(FAST), { host: 'probe.test', address: '127.0.0.1', family: 4, port: tlsL.port, alpn: ['h2', 'http/1.1'] });
    assert.equal(ev.ok, true);
    assert.equal(ev.servername, 'probe.test');
    assert.deepEqual(sniSeen, ['probe.test']);
    assert.match(ev.version ?? '', /^TLSv1\.[23]$/);
    assert.equal(ev.alpn, 'http/1.1');
    assert.deepEqual(ev.names, ['probe.test', '127.0.0.1']);
    assert.ok(ev.validTo && new Date(ev.validTo).getTime() > Date.now());
    assert.match(ev.verifyError ?? '', /SELF_SIGNED/);
    assert.equal(ev.error, null);
  });

  it('a wrong name is recorded as a verification error, not a failure', async () => {
    const ev = await probeTls(makeContext(FAST), { host: 'other.test', address: '127.0.0.1', family: 4, port: tlsL.port });
    assert.equal(ev.ok, true);
    assert.ok(ev.verifyError, 'not trusted');
  });

  it('an IP literal sends no SNI', async () => {
    sniSeen = [];
    const ev = await probeTls(makeContext(FAST), { host: '127.0.0.1', address: '127.0.0.1', family: 4, port: tlsL.port });
    assert.equal(ev.ok, true);
    assert.equal(ev.servername, null);
    assert.deepEqual(sniSeen, [], 'no server_name extension');
  });

  it('runProbes: the banner sees a TLS port go quiet on plaintext, and the tls follow-up confirms it', async () => {
    const ev = (await runProbes(makePlan([target('127.0.0.1', tlsL.port)]), makeFacts())).evidence;
    const banner = ev.find((e) => e.type === 'banner');
    const tls = ev.find((e): e is TlsEvidence => e.type === 'tls');
    assert.ok(banner);
    assert.ok(tls, 'tls probed after the banner');
    assert.equal(tls.ok, true);
    // OpenSSL closes on plaintext without an alert; the handshake that followed says what the port speaks.
    assert.equal((banner as BannerEvidence).protocol, 'tls');
    assert.match((banner as BannerEvidence).detail, /TLS handshake succeeded/);
  });

  it('runProbes with target.tls: the handshake runs beside the banner', async () => {
    const ev = (await runProbes(makePlan([target('127.0.0.1', tlsL.port, { tls: true, service: 'http' })]), makeFacts())).evidence;
    assert.deepEqual(ev.map((e) => e.type), ['dns', 'tcp', 'banner', 'tls']);
    assert.equal((ev[3] as TlsEvidence).ok, true);
  });
});

describe('tls probe against things that are not TLS', () => {
  it('a plain HTTP server where TLS was expected: ok false, with the error', async () => {
    const l = await listen('127.0.0.1', () => {}, createHttpServer((_q, r) => r.end('plain')));
    try {
      const ev = await probeTls(makeContext(FAST), { host: 'localhost', address: '127.0.0.1', family: 4, port: l.port });
      assert.equal(ev.ok, false);
      assert.ok(ev.error, 'an error is named');
      assert.equal(ev.version, null);
    } finally {
      await l.close();
    }
  });

  it('a silent server: the handshake is bounded by tlsMs', async () => {
    const l = await listen('127.0.0.1');
    try {
      const ev = await probeTls(makeContext({ ...FAST, tlsMs: 150 }), { host: 'localhost', address: '127.0.0.1', family: 4, port: l.port });
      assert.equal(ev.ok, false);
      assert.equal(ev.error, 'ETIMEDOUT');
      assert.ok(ev.ms >= 140 && ev.ms < 600, `ms ${ev.ms}`);
    } finally {
      await l.close();
    }
  });

  it('a closed port', async () => {
    const l = await listen('127.0.0.1');
    await l.close();
    const ev = await probeTls(makeContext(FAST), { host: 'localhost', address: '127.0.0.1', family: 4, port: l.port });
    assert.equal(ev.ok, false);
    assert.equal(ev.error, 'ECONNREFUSED');
    await settle();
  });

  it('certNames reads CN and SAN entries once each', () => {
    const names = certNames({ subject: { CN: 'a.test' }, subjectaltname: 'DNS:a.test, DNS:b.test, IP Address:10.0.0.1' } as never);
    assert.deepEqual(names, ['a.test', 'b.test', '10.0.0.1']);
  });
});
