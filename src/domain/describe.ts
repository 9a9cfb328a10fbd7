// Evidence → one line in words, for people ("tcp 10.0.0.5:5432 → refused in 0.4 ms"). Pure string work:
// renderers print these lines and rules quote them as the reasons a cause was picked.
import type { BannerEvidence, DnsAddress, DnsEvidence, Evidence, TcpEvidence, TlsEvidence, UnixSocketEvidence } from './types.js';

/** 0.4 ms, 1.2 ms, 3 ms, 250 ms, 2 s, 2.5 s: one decimal where it still tells something. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '? ms';
  const tenths = (n: number) => {
    const r = Math.round(n * 10) / 10;
    return Number.isInteger(r) ? String(r) : r.toFixed(1);
  };
  // Past ten milliseconds the decimal is noise; past a second, seconds read better.
  if (ms < 9.95) return `${tenths(ms)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  return `${tenths(ms / 1000)} s`;
}

/** host:port, with an IPv6 literal in brackets ([fd00::5]:5432). */
export function hostPort(host: string, port: number | null): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}

/**
 * A TCP outcome in words, the one home for them: `evidence` for an evidence line ("→ no answer"), `verdict` for
 * the one-line verdict ("failed on 10.0.0.5"), `state` for what a Re-check or a Watch compares and says changed
 * ("was not answering, now open").
 */
export const OUTCOME_WORDS: Record<'evidence' | 'verdict' | 'state', Record<TcpEvidence['outcome'], string>> = {
  evidence: { open: 'open', refused: 'refused', timeout: 'no answer', unreachable: 'unreachable', reset: 'reset', error: 'error' },
  verdict: { open: 'open', refused: 'refused', timeout: 'no answer', unreachable: 'unreachable', reset: 'reset', error: 'failed' },
  state: { open: 'open', refused: 'refused', timeout: 'not answering', unreachable: 'unreachable', reset: 'reset', error: 'error' },
};

function tcpLine(e: Pick<TcpEvidence, 'address' | 'port' | 'outcome' | 'errno' | 'ms'>, label: string, suffix = ''): string {
  const words = OUTCOME_WORDS.evidence[e.outcome];
  // The errno adds something only where the outcome word does not already say it.
  const errno = e.errno && !(e.outcome === 'refused' && e.errno === 'ECONNREFUSED') && e.outcome !== 'open' ? ` (${e.errno})` : '';
  const time = e.outcome === 'timeout' ? `after ${formatMs(e.ms)}` : `in ${formatMs(e.ms)}`;
  return `${label} ${hostPort(e.address, e.port)} → ${words}${errno} ${time}${suffix}`;
}

function addresses(list: readonly DnsAddress[]): string {
  return list.length === 0 ? 'no addresses' : list.map((a) => a.address).join(', ');
}

/** "dns servers say 10.0.0.9 while the hosts file says 10.0.0.5", or null when they agree. */
export function describeDnsDisagreement(e: DnsEvidence): string | null {
  if (!e.disagree || e.dnsServers === null) return null;
  return `dns servers say ${addresses(e.dnsServers)} while the hosts file says ${addresses(e.addresses)}`;
}

function dnsLine(e: DnsEvidence): string {
  if (e.literal) return `dns ${e.host} is an address literal; no lookup needed`;
  const answer = e.error ? `${e.error === 'ENOTFOUND' ? 'not found' : 'failed'} (${e.error})` : addresses(e.addresses);
  const line = `dns ${e.host} → ${answer} (system resolver) in ${formatMs(e.ms)}`;
  const disagreement = describeDnsDisagreement(e);
  return disagreement ? `${line}; ${disagreement}` : line;
}

function bannerLine(e: BannerEvidence): string {
  const where = hostPort(e.address, e.port);
  if (e.closed === 'reset') return `${where} accepts, then resets the connection`;
  if (e.protocol === 'silent') {
    return e.closed === 'eof' ? `${where} accepts, then closes without a word` : `${where} accepts but says nothing for ${formatMs(e.ms)}`;
  }
  if (e.protocol === 'unknown') return `${where} answers with something unrecognised${e.detail ? `: "${e.detail}"` : ''}`;
  return `${where} answers (${e.protocol})`;
}

function isoDate(text: string): string {
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString().slice(0, 10);
}

function tlsLine(e: TlsEvidence): string {
  const head = `tls ${hostPort(e.address, e.port)} →`;
  if (!e.ok && e.error) return `${head} no handshake (${e.error}) in ${formatMs(e.ms)}`;
  const parts = [e.version ?? 'handshake'];
  if (e.names.length > 0) parts.push(`cert for ${e.names[0]}${e.names.length > 1 ? ` (+${e.names.length - 1} more)` : ''}`);
  if (e.validTo) parts.push(`expires ${isoDate(e.validTo)}`);
  if (e.verifyError) parts.push(`not trusted (${e.verifyError})`);
  return `${head} ${parts.join(', ')}`;
}

const UNIX_WORDS: Record<UnixSocketEvidence['outcome'], string> = {
  open: 'accepts connections',
  missing: 'missing',
  refused: 'refused (the socket file is there, nothing serves it)',
  denied: 'permission denied',
  'not-socket': 'not a socket',
  error: 'error',
};

/** One line in words per evidence item. */
export function describeEvidence(e: Evidence): string {
  switch (e.type) {
    case 'dns':
      return dnsLine(e);
    case 'tcp':
      return tcpLine(e, 'tcp', e.attempt > 0 ? ` (attempt ${e.attempt + 1})` : '');
    case 'nearby':
      return tcpLine({ ...e, errno: null }, 'nearby');
    case 'banner':
      return bannerLine(e);
    case 'tls':
      return tlsLine(e);
    case 'http': {
      const answer = e.status !== null ? `${e.status}${e.server ? ` (${e.server})` : ''}` : `failed${e.error ? ` (${e.error})` : ''}`;
      return `http GET ${e.url} → ${answer} in ${formatMs(e.ms)}`;
    }
    case 'unix': {
      const errno = e.errno && (e.outcome === 'error' || e.outcome === 'denied') ? ` (${e.errno})` : '';
      return `unix ${e.path} → ${UNIX_WORDS[e.outcome]}${errno}`;
    }
  }
}
