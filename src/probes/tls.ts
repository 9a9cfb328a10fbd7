// TLS probe: a handshake with SNI, never trusting blindly but never refusing either: verification is recorded
// (authorized / authorizationError), so an expired or wrong-name certificate is evidence, not a failure.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { Family, TlsEvidence } from '../domain/types.js';
import { parseAddress } from '../policy/address.js';
import { classifySocketError } from './classify-socket-error.js';
import type { Release } from './limiter.js';
import { ProbeTimeoutError } from '../errors.js';
import { deadlineError, release, roundMs, takeSlot, track, type ProbeContext } from './util.js';

export interface TlsTarget {
  /** The host as written: it becomes the SNI name unless it is an address literal. */
  host: string;
  address: string;
  family: Family;
  port: number;
  /** ALPN protocols to offer (h2, http/1.1 for HTTP-ish targets); none by default. */
  alpn?: string[];
}

/** Subject CN plus SAN entries (DNS names and IP addresses), without duplicates. */
export function certNames(cert: PeerCertificate | null | undefined): string[] {
  if (!cert) return [];
  const names: string[] = [];
  const cn = cert.subject?.CN as string | string[] | undefined;
  for (const n of Array.isArray(cn) ? cn : cn ? [cn] : []) names.push(n);
  for (const entry of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*(DNS|IP Address):(.+)$/.exec(entry);
    if (m?.[2]) names.push(m[2].trim());
  }
  return [...new Set(names)];
}

function isoDate(text: string | undefined): string | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

function errorText(err: unknown): string {
  const c = classifySocketError(err);
  if (c.errno) return c.errno;
  return err instanceof Error ? err.message : String(err);
}

export async function probeTls(ctx: ProbeContext, t: TlsTarget): Promise<TlsEvidence> {
  const { now } = ctx.deps;
  let started = now();
  // An address in any spelling (127.1, [::1]) is not a name: no SNI for it.
  const servername = parseAddress(t.host) === null ? t.host.replace(/\.$/, '') : null;
  const base = { type: 'tls' as const, address: t.address, port: t.port, servername };
  const failed = (error: string): TlsEvidence => ({
    ...base, ok: false, version: null, alpn: null, names: [], validTo: null, verifyError: null, error, ms: roundMs(now() - started),
  });
  if (ctx.signal.aborted) return failed(deadlineError().code);
  // A socket slot first, outside the handshake's timer: a wait in the queue is not the server's time.
  let slot: Release;
  try {
    slot = await takeSlot(ctx);
  } catch (err) {
    return failed(errorText(err));
  }
  started = now();

  return new Promise<TlsEvidence>((resolve) => {
    let socket: TLSSocket | undefined;
    let done = false;
    const finish = (ev: TlsEvidence) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      release(ctx, socket);
      slot();
      resolve(ev);
    };
    const onAbort = () => finish(failed(deadlineError().code));
    const timer = setTimeout(() => finish(failed(new ProbeTimeoutError('ETIMEDOUT', '').code)), ctx.timeouts.tlsMs);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      socket = track(ctx, ctx.deps.tlsConnect({
        host: t.address,
        port: t.port,
        // Not for address literals: SNI carries names only (RFC 6066 §3).
        ...(servername ? { servername } : {}),
        // We record trust instead of enforcing it; nothing is sent over this connection.
        rejectUnauthorized: false,
        ...(t.alpn?.length ? { ALPNProtocols: t.alpn } : {}),
      }, slot));
    } catch (err) {
      finish(failed(errorText(err)));
      return;
    }
    const tlsSocket = socket;
    tlsSocket.once('secureConnect', () => {
      const cert = tlsSocket.getPeerCertificate();
      const authError = tlsSocket.authorizationError as unknown;
      finish({
        ...base,
        ok: true,
        version: tlsSocket.getProtocol() ?? null,
        alpn: typeof tlsSocket.alpnProtocol === 'string' ? tlsSocket.alpnProtocol : null,
        names: certNames(cert),
        validTo: isoDate(cert?.valid_to),
        verifyError: tlsSocket.authorized ? null : authError instanceof Error ? errorText(authError) : authError ? String(authError) : 'UNVERIFIED',
        error: null,
        ms: roundMs(now() - started),
      });
    });
    tlsSocket.on('error', (err) => finish(failed(errorText(err))));
    tlsSocket.once('close', () => finish(failed('ECONNRESET')));
  });
}
