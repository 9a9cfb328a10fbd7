// HTTP probe: one GET, headers only, no redirects followed, sent to the address the DNS probe found.
import type { Family, HttpEvidence } from '../domain/types.js';
import { classifySocketError } from './classify-socket-error.js';
import type { Release } from './limiter.js';
import { bounded, roundMs, takeSlot, type ProbeContext } from './util.js';

/** Body bytes read at most before the body is thrown away. */
export const MAX_HTTP_BODY_BYTES = 4096;

export interface HttpTarget {
  url: string;
  address: string;
  family: Family;
}

export async function probeHttp(ctx: ProbeContext, t: HttpTarget): Promise<HttpEvidence> {
  const { now } = ctx.deps;
  let started = now();
  const ms = ctx.timeouts.httpMs;
  let headersAt: number | null = null;
  const onHeaders = () => {
    headersAt = now();
  };
  // The clock restarts when the request goes out: loading the HTTP client is not the server's time.
  const onStart = () => {
    started = now();
  };
  // The request opens one connection of its own: it takes a socket slot like every other probe, before the timer.
  let slot: Release = () => {};
  try {
    slot = await takeSlot(ctx);
    started = now();
    const answer = await bounded(ctx.signal, ms, 'ETIMEDOUT', (signal) =>
      ctx.deps.httpRequest({ url: t.url, address: t.address, family: t.family, timeoutMs: ms, maxBodyBytes: MAX_HTTP_BODY_BYTES, onHeaders, onStart }, signal));
    return { type: 'http', url: t.url, status: answer.status, server: answer.server, ms: roundMs((headersAt ?? now()) - started), error: null };
  } catch (err) {
    const c = classifySocketError(err);
    const error = c.errno ?? (err instanceof Error ? err.message || err.name : String(err));
    return { type: 'http', url: t.url, status: null, server: null, ms: roundMs(now() - started), error };
  } finally {
    slot();
  }
}
