// The real HTTP request behind the http probe: node:http / node:https, pinned to the address the DNS probe
// already found and the policy checked. Redirects are never followed: a 301 is itself the answer, wherever it
// points. Node's own client (not undici, which took ~170 ms to load and made the first request look that slow)
// is loaded on first use and costs a few milliseconds.
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { ipFamily } from '../policy/address.js';
import { builtin } from './builtin.js';
import type { HttpAnswer, HttpRequestOptions } from './deps.js';

const policyError = (what: string) => Object.assign(new Error(what), { code: 'EPOLICY' });

/**
 * One GET, headers only. The connection goes to `options.address` whatever the URL names; the URL keeps its
 * host, so the Host header and the TLS server name (SNI) are the ones a client would send, and no second DNS
 * lookup (which could answer differently) happens. At most maxBodyBytes of the body are read, so a small
 * answer ends the connection cleanly and a large one is cut.
 */
export function defaultHttpRequest(options: HttpRequestOptions, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (ipFamily(options.address) === 0) throw policyError(`not an address literal: ${options.address}`);
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw policyError(`not a URL: ${options.url}`);
    }
    const tls = url.protocol === 'https:';
    if (!tls && url.protocol !== 'http:') throw policyError(`not an http(s) URL: ${options.url}`);
    if (signal.aborted) throw signal.reason;
    const name = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const request: RequestOptions & { servername?: string; rejectUnauthorized?: boolean } = {
      host: options.address,
      family: options.family,
      port: url.port === '' ? (tls ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { host: url.host, 'user-agent': 'refused (connection diagnosis)', accept: '*/*' },
      // A connection of its own, closed after the answer: nothing is pooled between diagnoses.
      agent: false,
      signal,
      // The tls probe records whether the certificate is trusted; here we want the status even when it is not.
      ...(tls ? { rejectUnauthorized: false, ...(ipFamily(name) === 0 ? { servername: name.replace(/\.$/, '') } : {}) } : {}),
    };
    let answer: HttpAnswer | null = null;
    let req: ClientRequest;
    const done = () => {
      if (answer) resolve(answer);
    };
    const onResponse = (res: IncomingMessage) => {
      options.onHeaders?.();
      const server = res.headers.server;
      answer = { status: res.statusCode ?? 0, server: Array.isArray(server) ? (server[0] ?? null) : (server ?? null) };
      // Headers are all we want; read at most a few KB so the connection ends cleanly, then drop the rest.
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > options.maxBodyBytes) {
          done();
          req.destroy();
        }
      });
      res.once('end', done);
      res.once('close', done);
      res.on('error', done);
    };
    const client = tls ? builtin.https() : builtin.http();
    // The clock starts here, once the client is loaded: loading it is this machine's time, not the server's.
    options.onStart?.();
    req = client.request(request, onResponse);
    // A small request written at once; without this, Nagle could hold it back behind a delayed ACK.
    req.setNoDelay(true);
    req.setTimeout(options.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => (answer ? done() : reject(err)));
    req.once('close', () => (answer ? done() : reject(Object.assign(new Error('the connection closed before an answer'), { code: 'ECONNRESET' }))));
    req.end();
  });
}
