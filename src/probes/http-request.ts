// The real HTTP request behind the http probe: undici, pinned to the address the DNS probe already found.
import type { LookupAddress } from 'node:dns';
import type { HttpAnswer, HttpRequestOptions } from './deps.js';

// undici takes a few hundred ms to load; most diagnoses never send an HTTP request, so load it on first use.
let undici: Promise<typeof import('undici')> | null = null;
const loadUndici = () => (undici ??= import('undici'));

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A lookup that answers every name with the one checked address, so the request does not run a second DNS
 * query (which could answer differently) while the URL keeps its Host header and SNI.
 * net.connect calls it with `all: true` when autoSelectFamily is on (Node ≥ 20 default), so both shapes are served.
 */
function pinnedLookup(address: string, family: 4 | 6) {
  return (_host: string, opts: { all?: boolean } | undefined, cb: LookupCallback) => {
    if (opts?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  };
}

export async function defaultHttpRequest(options: HttpRequestOptions, signal: AbortSignal): Promise<HttpAnswer> {
  const { Agent, request } = await loadUndici();
  const agent = new Agent({
    connect: {
      lookup: pinnedLookup(options.address, options.family),
      // The tls probe records whether the certificate is trusted; here we want the status even when it is not.
      rejectUnauthorized: false,
      timeout: options.timeoutMs,
    },
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
