// A gateway answered 502 or 503 near the error: it is up, and its upstream is the one that failed.
import type { Pass } from '../draft.js';
import { skippable } from '../needs.js';

const GATEWAY_STATUS = skippable(/\b(502) Bad Gateway\b|\b(503) Service (?:Temporarily )?Unavailable\b/);
// The gateway's own log line ("'502 Bad Gateway' caused by: dial tcp 172.22.0.5:80: … refused").
const GATEWAY_LINE = /\b50[234]\b[^\n]{0,60}\b(?:Bad Gateway|Service (?:Temporarily )?Unavailable|Gateway Time-?out)\b[^\n]{0,40}\bcaused by\b|\b(?:Bad Gateway|Service Unavailable)\b[^\n]{0,20}caused by/i;

export const gateway: Pass = (d, ctx) => {
  const status = ctx.nearText.exec(GATEWAY_STATUS);
  if (!status || d.kind === 'dns' || d.kind === 'tls') return;
  const code = `http-${status[1] ?? status[2]}`;
  if (!d.hints.includes(code)) d.hints.push(code);
  if (!d.hints.includes('upstream')) d.hints.push('upstream');
  // The gateway's own line names the upstream it dialled: that endpoint is the one behind the proxy.
  if (!d.destination && !d.proxy && d.host && d.port !== null && GATEWAY_LINE.test(ctx.lines[ctx.root.line]!)) {
    d.destination = { host: d.host, port: d.port };
  }
};
