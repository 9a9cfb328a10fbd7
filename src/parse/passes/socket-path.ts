// Which socket file failed, when the error is about one but its line does not say the path.
import type { Pass } from '../draft.js';

export const findSocketPath: Pass = (d, ctx) => {
  const { root } = ctx;
  // libpq's "Connection refused" over two lines that name the socket it tried: a socket that refused.
  if (!d.host && !d.unixSocket && d.kind === 'refused') {
    const sock = ctx.hits.find((h) => h.unixSocket && h.line > root.line && h.line - root.line <= 3);
    if (sock) d.unixSocket = sock.unixSocket;
  }
  // A socket error without its path: another line of it, else any *.sock near the error.
  if (d.kind === 'unix_socket' && !d.unixSocket) {
    d.unixSocket = ctx.related.find((h) => h.unixSocket)?.unixSocket ?? /(\/[\w.\/-]{1,200}\.sock)\b/.exec(ctx.near)?.[1] ?? null;
  }
};
