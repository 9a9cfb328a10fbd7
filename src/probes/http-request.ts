// The real HTTP request behind the http probe: undici, pinned to the address the DNS probe already found
// and the policy checked. Redirects are never followed: a 301 is itself the answer, wherever it points.
import { isIP } from 'node:net';
import type { HttpAnswer, HttpRequestOptions } from './deps.js';

// undici takes a few hundred ms to load; most diagnoses never send an HTTP request, so load it on first use.
let undici: Promise<typeof import('undici')> | null = null;
const loadUndici = () => (undici ??= import('undici'));

/**
 * undici's own connector, told to dial the one checked address whatever the URL names. The URL keeps its
 * host, so the Host header and the TLS server name (SNI) are the ones a client would send; net.connect and
 * tls.connect get an address literal, so no second DNS lookup (which could answer differently) happens.
 */
function pinnedConnector(buildConnector: typeof import('undici').buildConnector, address: string, timeoutMs: number): import('undici').buildConnector.connector {
  // The tls probe records whether the certificate is trusted; here we want the status even when it is not.
  const connect = buildConnector({ rejectUnauthorized: false, timeout: timeoutMs });
  return (opts, callback) => connect({ ...opts, hostname: address }, callback);
}

export async function defaultHttpRequest(options: HttpRequestOptions, signal: AbortSignal): Promise<HttpAnswer> {
  const { Agent, buildConnector, request } = await loadUndici();
  if (isIP(options.address) === 0) throw Object.assign(new Error(`not an address literal: ${options.address}`), { code: 'EPOLICY' });
  const agent = new Agent({
    connect: pinnedConnector(buildConnector, options.address, options.timeoutMs),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connections: 1,
  });
  try {
    // undici 7 follows no redirects unless a redirect interceptor is added: a 301 is itself the answer.
    const res = await request(options.url, {
      dispatcher: agent,
      method: 'GET',
      signal,
      headers: { 'user-agent': 'refused (connection diagnosis)', accept: '*/*' },
    });
    options.onHeaders?.();
    const server = res.headers['server'];
    // Headers are all we want; read at most a few KB so the connection ends cleanly, then drop the rest.
    await res.body.dump({ limit: options.maxBodyBytes }).catch(() => undefined);
    return { status: res.statusCode, server: Array.isArray(server) ? (server[0] ?? null) : (server ?? null) };
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
