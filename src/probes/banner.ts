// Banner probe: on an open port, what actually answers. Server-first protocols (SSH, MySQL, SMTP, FTP) speak
// on their own, so we listen briefly; then we send one small probe suited to the expected service and read a
// bounded answer. A port that answers with the wrong protocol is a common "it's open but my client fails".
import type { Duplex } from 'node:stream';
import type { BannerEvidence, Family, Protocol, Service } from '../domain/types.js';
import { ipFamily } from '../policy/address.js';
import { classifySocketError } from './classify-socket-error.js';
import { excerpt, openSocket, release, roundMs, type ProbeContext } from './util.js';

/** Bytes read at most; a flooding server costs no more than this. */
export const MAX_BANNER_BYTES = 4096;
/** Longest wait for a server-first greeting before we speak; part of bannerMs. */
export const GREETING_WAIT_MS = 250;
/** Once unknown bytes arrived, wait this much longer for the rest before classifying. */
const SETTLE_MS = 30;

export type ProbeKind = 'http' | 'http2' | 'postgres' | 'redis' | 'mongodb' | 'kafka' | 'amqp';

/** Services whose clients speak first: no greeting will come, so the probe goes out at once. */
const CLIENT_FIRST = new Set<Service>(['http', 'grpc', 'postgres', 'redis', 'mongodb', 'kafka', 'amqp', 'elasticsearch', 'docker', 'kubernetes-api']);

export function probeFor(service: Service | null): ProbeKind {
  switch (service) {
    case 'postgres': return 'postgres';
    case 'redis': return 'redis';
    case 'mongodb': return 'mongodb';
    case 'kafka': return 'kafka';
    case 'amqp': return 'amqp';
    case 'grpc': return 'http2';
    // An HTTP HEAD is harmless for everything else and most servers answer it in a telling way.
    default: return 'http';
  }
}

/** Chosen so a reply can be matched to our request (MongoDB responseTo, Kafka correlation id). */
const REQUEST_ID = 0x52_46_55_53; // "RFUS"

function hostHeader(host: string, port: number): string {
  const h = ipFamily(host) === 6 ? `[${host}]` : host;
  return port === 80 ? h : `${h}:${port}`;
}

function mongoHello(): Buffer {
  // OP_MSG (2013) with one body section holding the BSON document { hello: 1, $db: "admin" }.
  const doc = Buffer.concat([
    Buffer.from([0x10]), Buffer.from('hello\0'), int32(1),
    Buffer.from([0x02]), Buffer.from('$db\0'), int32(6), Buffer.from('admin\0'),
    Buffer.from([0x00]),
  ]);
  const bson = Buffer.concat([int32(doc.length + 4), doc]);
  const body = Buffer.concat([int32(0), int32(REQUEST_ID), int32(0), int32(2013), int32(0), Buffer.from([0]), bson]);
  body.writeInt32LE(body.length, 0);
  return body;
}

function kafkaApiVersions(): Buffer {
  // ApiVersions (key 18) v0: the one request every broker answers before authentication.
  const client = Buffer.from('refused');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(REQUEST_ID, 4);
  body.writeInt16BE(client.length, 8);
  client.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n, 0);
  return b;
}

export function probeBytes(kind: ProbeKind, host: string, port: number): Buffer {
  switch (kind) {
    // SSLRequest: length 8, code 80877103. Any Postgres answers one byte, 'S' or 'N', before authentication.
    case 'postgres': return Buffer.from([0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f]);
    case 'redis': return Buffer.from('PING\r\n');
    case 'mongodb': return mongoHello();
    case 'kafka': return kafkaApiVersions();
    // AMQP 0-9-1 protocol header; the broker answers Connection.Start (or its own header when versions differ).
    case 'amqp': return Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');
    // HTTP/2 connection preface (gRPC): a server answers with a SETTINGS frame.
    case 'http2': return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    case 'http': return Buffer.from(`HEAD / HTTP/1.0\r\nHost: ${hostHeader(host, port)}\r\nUser-Agent: refused\r\n\r\n`);
  }
}

export interface BannerClass {
  protocol: Protocol;
  detail: string;
}

function firstLine(buf: Buffer): string {
  const end = buf.indexOf(0x0a);
  return excerpt(buf.subarray(0, end === -1 ? Math.min(buf.length, 120) : end).filter((b) => b !== 0x0d));
}

/**
 * What the bytes are, given which probe (if any) was sent. Pure. Returns protocol 'unknown' for bytes we do not
 * recognise and 'silent' for none.
 */
export function classifyBanner(buf: Buffer, sent: ProbeKind | null): BannerClass {
  if (buf.length === 0) return { protocol: 'silent', detail: '' };
  const text = buf.toString('latin1', 0, Math.min(buf.length, 512));
  const b0 = buf[0]!;

  // A TLS record (alert 0x15 or handshake 0x16, version 3.x): a TLS server rejecting our plaintext.
  if ((b0 === 0x15 || b0 === 0x16) && buf[1] === 0x03 && buf.length >= 3 && buf[2]! <= 0x04) {
    return { protocol: 'tls', detail: b0 === 0x15 ? `TLS alert ${excerpt(buf.subarray(0, 7))}` : 'TLS handshake record' };
  }
  if (/^SSH-\d\.\d+-/.test(text)) return { protocol: 'ssh', detail: firstLine(buf) };
  if (/^HTTP\/\d(\.\d)? \d{3}/.test(text)) {
    // Go and nginx answer plain HTTP on a TLS port with a 400 that says so: the port speaks TLS.
    if (/Client sent an HTTP request to an HTTPS server|plain HTTP request was sent to HTTPS port/i.test(text)) {
      return { protocol: 'tls', detail: firstLine(buf) };
    }
    return { protocol: 'http', detail: firstLine(buf) };
  }
  // HTTP/2 frame header: 3-byte length, type 0x04 (SETTINGS) or 0x07 (GOAWAY), flags, stream 0.
  if (sent === 'http2' && buf.length >= 9 && (buf[3] === 0x04 || buf[3] === 0x07) && buf.readUInt32BE(5) === 0) {
    return { protocol: 'http', detail: buf[3] === 0x04 ? 'HTTP/2 SETTINGS frame' : 'HTTP/2 GOAWAY frame' };
  }
  if (text.startsWith('AMQP')) return { protocol: 'amqp', detail: `AMQP protocol header ${excerpt(buf.subarray(4, 8))}` };
  // AMQP method frame on channel 0 carrying Connection.Start (class 10, method 10).
  if (buf.length >= 11 && b0 === 0x01 && buf[1] === 0 && buf[2] === 0 && buf.readUInt16BE(7) === 10 && buf.readUInt16BE(9) === 10) {
    return { protocol: 'amqp', detail: 'AMQP Connection.Start' };
  }
  if (/^220[ -]/.test(text)) {
    return { protocol: /ftp/i.test(firstLine(buf)) ? 'ftp' : 'smtp', detail: firstLine(buf) };
  }
  // Postgres answers an SSLRequest with exactly one byte, or (very old / broken) an ErrorResponse.
  if (sent === 'postgres' && buf.length === 1 && (b0 === 0x53 || b0 === 0x4e)) {
    return { protocol: 'postgres', detail: b0 === 0x53 ? "SSLRequest answered 'S' (TLS available)" : "SSLRequest answered 'N' (no TLS)" };
  }
  if (b0 === 0x45 && buf.length >= 6 && /^E[\s\S]{4}S(FATAL|ERROR|PANIC)\0/.test(text)) {
    return { protocol: 'postgres', detail: `ErrorResponse ${excerpt(buf.subarray(5, 80))}` };
  }
  if (/^[+-]/.test(text) && /\r\n/.test(text) && (/^\+PONG\r\n/.test(text) || /^-(ERR|NOAUTH|DENIED|WRONGPASS|LOADING|MISCONF)\b/.test(text))) {
    return { protocol: 'redis', detail: firstLine(buf) };
  }
  // MySQL packet: 3-byte little-endian length, sequence 0, then protocol 10 (greeting) or 0xff (error, e.g. host not allowed).
  if (buf.length >= 5 && buf[3] === 0) {
    const len = buf[0]! | (buf[1]! << 8) | (buf[2]! << 16);
    if (len > 0 && len < 1024 && buf[4] === 0x0a) {
      const end = buf.indexOf(0, 5);
      return { protocol: 'mysql', detail: `MySQL greeting, server ${excerpt(buf.subarray(5, end === -1 ? Math.min(buf.length, 40) : end), 60)}` };
    }
    if (len > 0 && len < 1024 && buf[4] === 0xff && buf.length >= 7) {
      return { protocol: 'mysql', detail: `MySQL error ${buf.readUInt16LE(5)}: ${excerpt(buf.subarray(7, Math.min(buf.length, 4 + len)), 100)}` };
    }
  }
  // MongoDB reply (OP_MSG 2013 or legacy OP_REPLY 1) to our hello, or its note for people who speak HTTP to it.
  if (buf.length >= 16 && buf.readInt32LE(8) === REQUEST_ID && [1, 2013].includes(buf.readInt32LE(12))) {
    return { protocol: 'mongodb', detail: 'MongoDB reply to hello' };
  }
  if (/trying to access MongoDB over HTTP/i.test(text)) return { protocol: 'mongodb', detail: firstLine(buf) };
  if (sent === 'kafka' && buf.length >= 8 && buf.readInt32BE(4) === REQUEST_ID) {
    return { protocol: 'kafka', detail: 'Kafka ApiVersions response' };
  }
  return { protocol: 'unknown', detail: excerpt(buf.subarray(0, 80)) };
}

export interface BannerTarget {
  /** The host as written, for the Host header. */
  host: string;
  address: string;
  family: Family;
  port: number;
  service: Service | null;
}

export interface BannerResult extends BannerEvidence {
  /** Which probe went out, if any (not part of the evidence; the tls follow-up reads it). */
  sent: ProbeKind | null;
  bytes: number;
}

export async function probeBanner(ctx: ProbeContext, t: BannerTarget): Promise<BannerResult> {
  const { now } = ctx.deps;
  let started = now();
  const base = { type: 'banner' as const, address: t.address, port: t.port };
  const budget = ctx.timeouts.bannerMs;
  let socket: Duplex;
  try {
    socket = await openSocket(ctx, { address: t.address, family: t.family, port: t.port }, Math.min(ctx.timeouts.connectMs, budget), (at) => {
      started = at;
    });
  } catch (err) {
    // The port answered the tcp probe but not this connect: that flapping is itself worth showing.
    const c = classifySocketError(err);
    return { ...base, protocol: 'silent', detail: `connect failed: ${c.errno ?? c.outcome}`, closed: c.outcome === 'refused' || c.outcome === 'reset' ? 'reset' : null, connectError: { outcome: c.outcome, errno: c.errno }, ms: roundMs(now() - started), sent: null, bytes: 0 };
  }
  const s = socket;
  const kind = probeFor(t.service);
  const waitForGreeting = t.service === null || !CLIENT_FIRST.has(t.service);

  return new Promise<BannerResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let sent: ProbeKind | null = null;
    let closed: 'reset' | 'eof' | null = null;
    let finished = false;
    let greetTimer: NodeJS.Timeout | undefined;
    let settleTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(greetTimer);
      clearTimeout(settleTimer);
      clearTimeout(overall);
      ctx.signal.removeEventListener('abort', finish);
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
      s.off('close', finish);
      release(ctx, s);
      const buf = Buffer.concat(chunks, size);
      const c = classifyBanner(buf, sent);
      resolve({ ...base, protocol: c.protocol, detail: c.detail, closed, ms: roundMs(now() - started), sent, bytes: size });
    };
    const send = () => {
      if (finished || size > 0 || s.destroyed) return;
      sent = kind;
      s.write(probeBytes(kind, t.host, t.port));
    };
    const onData = (chunk: Buffer) => {
      const room = MAX_BANNER_BYTES - size;
      const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(take);
      size += take.length;
      if (size >= MAX_BANNER_BYTES) return finish();
      if (classifyBanner(Buffer.concat(chunks, size), sent).protocol !== 'unknown') return finish();
      clearTimeout(settleTimer);
      settleTimer = setTimeout(finish, SETTLE_MS);
    };
    const onEnd = () => {
      closed = 'eof';
      finish();
    };
    const onError = (err: Error) => {
      const c = classifySocketError(err);
      closed = c.outcome === 'reset' ? 'reset' : closed;
      finish();
    };
    const overall = setTimeout(finish, Math.max(0, budget - (now() - started)));
    s.on('data', onData);
    s.once('end', onEnd);
    s.on('error', onError);
    s.once('close', finish);
    ctx.signal.addEventListener('abort', finish, { once: true });
    if (ctx.signal.aborted) return finish();
    if (waitForGreeting) greetTimer = setTimeout(send, Math.min(GREETING_WAIT_MS, Math.floor(budget / 2)));
    else send();
  });
}
