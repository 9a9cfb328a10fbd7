// The host is known, its port is not: the same host written with a port (or in a URL, whose scheme implies one)
// near the error says it; else the command or code that dialled this host (mysql -h h -P 6033 above the error).
// A masked host (dial tcp x.x.x.x:8200) is not looked up again: its port goes with it.
import { escapeRegExp } from '../chars.js';
import { type Context, type Pass, WINDOW } from '../draft.js';
import { isPlaceholder, parsePort, parseUrl } from '../endpoint.js';
import { URL_G } from '../patterns.js';
import { schemeInfo } from '../services.js';

export const portForHost: Pass = (d, ctx) => {
  if (!d.host || d.port !== null || isPlaceholder(d.host)) return;
  const { root } = ctx;
  const same = writtenWithHost(ctx, d.host);
  if (same) {
    d.port = same.port;
    d.portInferred = same.inferred;
    d.scheme ??= same.scheme;
    if (same.scheme) d.tls ??= schemeInfo(same.scheme)?.tls ?? null;
    return;
  }
  // The nearest command or code before the error, else the nearest after it.
  const host = d.host;
  const typed = ctx.candidates().filter((c) => c.rank === 1 && c.host === host && c.port !== null);
  const before = typed.filter((c) => c.line <= root.line).sort((a, b) => b.line - a.line)[0];
  const after = typed.filter((c) => c.line > root.line).sort((a, b) => a.line - b.line)[0];
  const c = before ?? after;
  if (c) d.port = c.port;
};

interface PortFound {
  port: number;
  inferred: boolean;
  scheme: string | null;
}

/** The port written with `host` near the error: a hit that names both, host:port on a line, or a URL of that host. */
function writtenWithHost(ctx: Context, host: string): PortFound | null {
  const { hits, lines } = ctx;
  const root = ctx.root.line;
  const hit = hits.find((h) => h.host === host && h.port != null && Math.abs(h.line - root) <= WINDOW);
  if (hit) return { port: hit.port!, inferred: hit.portInferred, scheme: hit.scheme };
  const lo = Math.max(0, root - 15);
  const hi = Math.min(lines.length, root + 16);
  let fromUrl: PortFound | null = null;
  for (let i = lo; i < hi; i++) {
    const line = lines[i]!;
    if (!line.toLowerCase().includes(host)) continue;
    URL_G.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    // Links to code hosts are skipped elsewhere; here the URL's host is the failing host itself.
    while ((m = URL_G.exec(line)) !== null && n++ < 8) {
      const u = parseUrl(m[0].replace(/[.:,;)>]+$/, ''));
      if (u && u.host === host && u.port !== null) {
        if (!u.portInferred) return { port: u.port, inferred: false, scheme: u.scheme };
        fromUrl ??= { port: u.port, inferred: true, scheme: u.scheme };
      }
    }
    const esc = escapeRegExp(host);
    const bare = new RegExp(`(?:^|[\\s'"(\\[=@,/])${esc}:(\\d{1,5})(?![\\d.])`, 'i').exec(line);
    const p = bare ? parsePort(bare[1]) : null;
    if (p !== null && !fromUrl) return { port: p, inferred: false, scheme: null };
  }
  return fromUrl;
}
