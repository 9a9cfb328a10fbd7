import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import type { Service } from '../../src/domain/types.js';
import { MAX_BANNER_BYTES, classifyBanner, probeBytes } from '../../src/probes/banner.js';
import { makeContext, probeBanner } from '../../src/probes/index.js';
import { FAST, listen, recordingConnect, settle } from './helpers.js';

async function bannerOf(onConnection: (s: Socket) => void, service: Service | null, bannerMs = FAST.bannerMs) {
  const l = await listen('127.0.0.1', onConnection);
  const rec = recordingConnect();
  try {
    const ev = await probeBanner(makeContext({ ...FAST, bannerMs }, { connect: rec.connect }), { host: 'localhost', address: '127.0.0.1', family: 4, port: l.port, service });
    for (const s of rec.sockets) assert.ok(s.destroyed, 'the banner socket is destroyed');
    return ev;
  } finally {
    await l.close();
  }
}

/** A server that answers the first chunk it receives with `reply(chunk)`. */
const answering = (reply: (chunk: Buffer) => Buffer | string | null) => (s: Socket) => {
  s.once('data', (chunk: Buffer) => {
    const r = reply(chunk);
    if (r !== null) s.write(r);
  });
};

function mysqlGreeting(version: string): Buffer {
  const payload = Buffer.concat([
    Buffer.from([0x0a]), Buffer.from(`${version}\0`), Buffer.from([1, 0, 0, 0]), Buffer.from('abcdefgh\0'), Buffer.from([0xff, 0xf7, 0x21, 0x02, 0x00]),
  ]);
  const header = Buffer.from([payload.length & 0xff, (payload.length >> 8) & 0xff, 0, 0]);
  return Buffer.concat([header, payload]);
}

describe('banner probe against real local servers', () => {
  it('SSH speaks first', async () => {
    const ev = await bannerOf((s) => s.write('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3\r\n'), null);
    assert.equal(ev.protocol, 'ssh');
    assert.equal(ev.detail, 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3');
    assert.equal(ev.sent, null, 'nothing is sent to a server that greets');
  });

  it('MySQL greeting packet', async () => {
    const ev = await bannerOf((s) => s.write(mysqlGreeting('8.0.36')), 'mysql');
    assert.equal(ev.protocol, 'mysql');
    assert.match(ev.detail, /8\.0\.36/);
  });

  it('SMTP and FTP 220 greetings', async () => {
    assert.equal((await bannerOf((s) => s.write('220 mx.local ESMTP Postfix\r\n'), null)).protocol, 'smtp');
    assert.equal((await bannerOf((s) => s.write('220 (vsFTPd 3.0.5)\r\n'), null)).protocol, 'ftp');
  });

  it('Redis answers PING, sent at once (client-first, no greeting wait)', async () => {
    let got = '';
    const ev = await bannerOf(answering((c) => {
      got = c.toString();
      return '+PONG\r\n';
    }), 'redis');
    assert.equal(got, 'PING\r\n');
    assert.equal(ev.protocol, 'redis');
    assert.equal(ev.detail, '+PONG');
    assert.ok(ev.ms < 200, `took ${ev.ms} ms`);
  });

  it('Redis with a password answers -NOAUTH', async () => {
    const ev = await bannerOf(answering(() => '-NOAUTH Authentication required.\r\n'), 'redis');
    assert.equal(ev.protocol, 'redis');
  });

  it("Postgres answers the SSLRequest with 'N'", async () => {
    let got: Buffer | null = null;
    const ev = await bannerOf(answering((c) => {
      got = c;
      return 'N';
    }), 'postgres');
    assert.deepEqual(got, Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
    assert.equal(ev.protocol, 'postgres');
    assert.match(ev.detail, /'N'/);
  });

  it('an HTTP server answers the HEAD (real node:http)', async () => {
    const server = createHttpServer((_req, res) => {
      res.setHeader('server', 'tiny/1.0');
      res.end('hello');
    });
    const l = await listen('127.0.0.1', () => {}, server);
    try {
      const ev = await probeBanner(makeContext(FAST), { host: 'localhost', address: '127.0.0.1', family: 4, port: l.port, service: 'http' });
      assert.equal(ev.protocol, 'http');
      assert.equal(ev.detail, 'HTTP/1.1 200 OK');
    } finally {
      await l.close();
    }
  });

  it('an unknown service that stays quiet gets the HTTP HEAD after the short greeting wait', async () => {
    let got = '';
    const ev = await bannerOf(answering((c) => {
      got = c.toString();
      return 'HTTP/1.0 404 Not Found\r\n\r\n';
    }), null);
    assert.match(got, /^HEAD \/ HTTP\/1\.0\r\nHost: localhost:\d+\r\n/);
    assert.equal(ev.protocol, 'http');
    assert.ok(ev.ms < 500, `took ${ev.ms}`);
  });

  it('a TLS server answering plaintext with an alert record', async () => {
    const ev = await bannerOf(answering(() => Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x0a])), 'http');
    assert.equal(ev.protocol, 'tls');
  });

  it('AMQP broker answers with its protocol header', async () => {
    const ev = await bannerOf(answering(() => Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')), 'amqp');
    assert.equal(ev.protocol, 'amqp');
  });

  it('MongoDB answers hello with a reply to our request id', async () => {
    const ev = await bannerOf(answering((c) => {
      const reply = Buffer.alloc(21);
      reply.writeInt32LE(21, 0);
      reply.writeInt32LE(7, 4);
      reply.writeInt32LE(c.readInt32LE(4), 8); // responseTo = our requestID
      reply.writeInt32LE(2013, 12);
      return reply;
    }), 'mongodb');
    assert.equal(ev.protocol, 'mongodb');
  });

  it('Kafka answers ApiVersions with our correlation id', async () => {
    const ev = await bannerOf(answering((c) => {
      const reply = Buffer.alloc(10);
      reply.writeInt32BE(6, 0);
      reply.writeInt32BE(c.readInt32BE(8), 4); // correlation id
      return reply;
    }), 'kafka');
    assert.equal(ev.protocol, 'kafka');
  });

  it('a server that accepts and says nothing is silent within bannerMs', async () => {
    const ev = await bannerOf(() => {}, null, 300);
    assert.equal(ev.protocol, 'silent');
    assert.equal(ev.closed, null);
    assert.ok(ev.ms >= 290 && ev.ms < 600, `ms ${ev.ms}`);
  });

  it('a server that accepts and closes at once: eof', async () => {
    const ev = await bannerOf((s) => s.end(), null);
    assert.equal(ev.closed, 'eof');
    assert.equal(ev.protocol, 'silent');
  });

  it('a server that resets: reset', async () => {
    const ev = await bannerOf((s) => s.resetAndDestroy(), null);
    assert.equal(ev.closed, 'reset');
  });

  it('a flooding server: the read stops at the bound and the detail stays short', async () => {
    const big = Buffer.alloc(1 << 20, 0x41);
    const ev = await bannerOf((s) => s.write(big), null);
    assert.equal(ev.protocol, 'unknown');
    assert.ok(ev.bytes <= MAX_BANNER_BYTES, `read ${ev.bytes}`);
    assert.ok(ev.detail.length <= 121, `detail ${ev.detail.length}`);
    assert.ok(ev.ms < 500);
  });

  it('unknown binary bytes are escaped', async () => {
    const ev = await bannerOf((s) => s.write(Buffer.from([0x00, 0x01, 0x7f, 0x41, 0x0d, 0x0a])), null);
    assert.equal(ev.protocol, 'unknown');
    assert.equal(ev.detail, '\\x00\\x01\\x7fA\\r\\n');
  });

  it('a connect refused during the banner (a listener that went away) is reported, not thrown', async () => {
    const l = await listen('127.0.0.1');
    await l.close();
    const ev = await probeBanner(makeContext(FAST), { host: 'h', address: '127.0.0.1', family: 4, port: l.port, service: null });
    assert.equal(ev.protocol, 'silent');
    assert.equal(ev.closed, 'reset');
    assert.match(ev.detail, /ECONNREFUSED/);
    await settle();
  });
});

describe('classifyBanner (pure)', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');
  it('recognises what the probes can meet', () => {
    assert.equal(classifyBanner(b(''), null).protocol, 'silent');
    assert.equal(classifyBanner(b('HTTP/1.1 301 Moved Permanently\r\n'), 'http').protocol, 'http');
    assert.equal(classifyBanner(b('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n'), 'http').protocol, 'tls');
    assert.equal(classifyBanner(b('HTTP/1.1 400 Bad Request\r\n\r\n<center>The plain HTTP request was sent to HTTPS port</center>'), 'http').protocol, 'tls');
    assert.equal(classifyBanner(b('\x16\x03\x03\x00\x2a'), null).protocol, 'tls');
    assert.equal(classifyBanner(b('-ERR unknown command \'HEAD\'\r\n'), 'http').protocol, 'redis');
    assert.equal(classifyBanner(b('-DENIED Redis is running in protected mode\r\n'), 'redis').protocol, 'redis');
    assert.equal(classifyBanner(b('S'), 'postgres').protocol, 'postgres');
    assert.equal(classifyBanner(b('S'), 'http').protocol, 'unknown', "a lone 'S' means Postgres only after an SSLRequest");
    assert.equal(classifyBanner(b('E\x00\x00\x00\x50SFATAL\x00VFATAL\x00C0A000\x00'), 'http').protocol, 'postgres');
    assert.equal(classifyBanner(b('It looks like you are trying to access MongoDB over HTTP on the native driver port.\n'), 'http').protocol, 'mongodb');
    assert.equal(classifyBanner(b('\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64'), 'http2').protocol, 'http');
    const mysqlDenied = Buffer.concat([Buffer.from([0x3c, 0, 0, 0, 0xff, 0x6a, 0x04]), b("Host '10.0.0.9' is not allowed to connect to this MySQL server")]);
    assert.equal(classifyBanner(mysqlDenied, null).protocol, 'mysql');
    assert.match(classifyBanner(mysqlDenied, null).detail, /1130/);
  });

  it('the HTTP probe carries the Host header, bracketing IPv6', () => {
    assert.match(probeBytes('http', '::1', 8080).toString(), /\r\nHost: \[::1\]:8080\r\n/);
    assert.match(probeBytes('http', 'web', 80).toString(), /\r\nHost: web\r\n/);
  });
});
