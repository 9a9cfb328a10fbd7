// The root line names no endpoint: another line of the same error may (the pool line of a requests traceback,
// the "Is the server running on host" line under libpq's first line). The nearest such line wins, one with a
// port before one without.
import type { Pass } from '../draft.js';
import type { Hit } from '../scan.js';

export const borrowEndpoint: Pass = (d, ctx) => {
  const { root } = ctx;
  if (!d.host && !d.unixSocket) {
    let best: Hit | null = null;
    for (const h of ctx.related) {
      if (!h.host && !h.unixSocket) continue;
      if (!best) { best = h; continue; }
      const a = (h.port != null ? 0 : 1000) + Math.abs(h.line - root.line);
      const b = (best.port != null ? 0 : 1000) + Math.abs(best.line - root.line);
      if (a < b) best = h;
    }
    if (best) {
      d.borrowed = best;
      d.host = best.host;
      d.port = best.port;
      d.portInferred = best.portInferred;
      d.scheme ??= best.scheme;
      d.tls ??= best.tls;
      d.unixSocket ??= best.unixSocket;
      for (const a of best.addresses) if (!d.addresses.includes(a)) d.addresses.push(a);
      d.service ??= best.service;
    }
  } else if (d.host && d.port === null) {
    // A DNS failure or a wrapper that names only the host: the port may be written with the same host elsewhere.
    const host = d.host;
    const same = ctx.hits.find((h) => h.host === host && h.port != null);
    if (same) d.port = same.port;
  }
};
