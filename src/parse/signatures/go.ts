// Go: the net package's "dial tcp h:p: connect: …", reads and writes on an open connection, name lookups, net/http's
// request line (which names the URL as written), and pgx.
import type { Os } from '../../domain/types.js';
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byText, ep, merge, unix, url } from '../patterns.js';
import type { Signature } from './row.js';

export const GO: readonly Signature[] = [
  {
    // A TCP dial that failed on the client's own machine: connect: cannot assign requested address (Linux) / can't
    // assign … (macOS): no free source port · connect: permission denied / operation not permitted: a local policy ·
    // connectex: Only one usage of each socket address … (Windows out of ports) · connectex: An attempt was made to
    // access a socket in a way forbidden … Before go-dial, which reads "permission denied" as a unix socket's words.
    id: 'go-dial-local', runtime: 'go', client: null, kind: 'unreachable', weight: 3, pre: 'dial tcp',
    re: /\bdial tcp[46]? (\S{1,300}?): (?:connect|connectex|bind): ([Cc]annot assign requested address|[Cc]an't assign requested address|[Pp]ermission denied|[Oo]peration not permitted|Only one usage of each socket address|An attempt was made to access a socket in a way forbidden)/,
    extract: (m) => {
      const target = m[1]!;
      const far = target.includes('->') ? target.slice(target.lastIndexOf('->') + 2) : target;
      const words = m[2]!.toLowerCase();
      const errno = words.includes('assign') ? 'EADDRNOTAVAIL' : words.includes('only one usage') ? 'EADDRINUSE' : words.includes('not permitted') ? 'EPERM' : 'EACCES';
      const os = /only one usage|attempt was made/.test(words) ? { os: 'windows' as const } : words.includes("can't") ? { os: 'macos' as const } : {};
      return merge({ errno, ...os }, ep(far, false));
    },
  },
  {
    // dial tcp 127.0.0.1:5432: connect: connection refused · dial tcp [::1]:8080: connectex: … actively refused it.
    // dial tcp 10.0.0.5:443: i/o timeout · dial unix /var/run/docker.sock: connect: no such file or directory
    id: 'go-dial', runtime: 'go', client: null, kind: null, weight: 3, pre: 'dial ',
    re: /\bdial (tcp[46]?|udp[46]?|unix) (\S{1,300}?): ([^\n]{1,200})/,
    extract: (m) => {
      const net = m[1]!;
      const target = m[2]!;
      const text = m[3]!;
      if (net === 'unix') return unix(target, text);
      const k = byText(text);
      if (!k.kind) return null;
      // "dial tcp <nil>->10.0.0.5:443" / "dial tcp 10.0.0.1:5555->10.0.0.5:443": the far end is after the arrow.
      const far = target.includes('->') ? target.slice(target.lastIndexOf('->') + 2) : target;
      // "dial tcp :22": the port is written, the host is empty.
      if (/^:\d{1,5}$/.test(far)) return merge(k, { port: parsePort(far.slice(1)) });
      const e = ep(far, false);
      const os: Os | null = /connectex:|wsarecv|wsasend|actively refused/i.test(text) ? 'windows' : null;
      return merge(k, e, os ? { os } : {});
    },
  },
  {
    // read tcp 10.0.0.1:5555->10.0.0.5:443: read: connection reset by peer — the far end is after the arrow.
    id: 'go-read-write', runtime: 'go', client: null, kind: null, weight: 3, pre: '->',
    re: /\b(?:read|write) (?:tcp|udp)[46]? [^\s>]{1,300}->(\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:\[]{1,255}:\d{1,5}): (?:read|write): ([^\n]{1,120})/,
    extract: (m, line) => {
      // "lookup db on 10.96.0.10:53: read udp …->10.96.0.10:53" is the DNS query failing, not the target.
      if (/\blookup \S{1,255} on /.test(line)) return null;
      const k = byText(m[2]);
      return k.kind ? merge(k, ep(m[1])) : null;
    },
  },
  {
    // dial tcp: lookup db on 127.0.0.11:53: no such host — the host that failed is db, not the DNS server.
    id: 'go-lookup', runtime: 'go', client: null, kind: 'dns', weight: 3, pre: 'lookup ',
    // A DSN mangled by quotes may leave one before the name: lookup "db.example.com: · lookup \"db: no such host
    re: /\blookup (?:\\?")?([A-Za-z0-9_.-]{1,255})(?: on ([^\s]{1,100}))?: ([^\n]{1,160})/,
    extract: (m) => {
      const text = m[3]!;
      if (!/no such host|server misbehaving|i\/o timeout|name resolution|not known|timeout|no answer|connection refused/i.test(text)) return null;
      const hints = m[2] && /^127\.0\.0\.11:/.test(m[2]) ? ['in-container'] : [];
      return { host: cleanHost(m[1]!), errno: /temporary|timeout|misbehaving/i.test(text) ? 'EAI_AGAIN' : 'ENOTFOUND', hints };
    },
  },
  {
    // Go net/http: Get "http://localhost:8080/api": dial tcp [::1]:8080: … (the URL names the host as written)
    id: 'go-http-request', runtime: 'go', client: 'net/http', kind: null, weight: 0, pre: ['get ', 'post ', 'put ', 'delete ', 'patch ', 'head '],
    // Go before 1.14 printed the URL without quotes: Get http://localhost:9093/api: dial tcp …
    re: /\b(?:Get|Post|Put|Delete|Patch|Head) (?:\\?"([a-z][a-z0-9+.-]{1,20}:\/\/[^"\\]{1,1000})\\?"|([a-z][a-z0-9+.-]{1,20}:\/\/[^"\\\s]{1,1000}?)): /,
    extract: (m) => url(m[1] ?? m[2]),
  },
  {
    // pgx v5: failed to connect to user=postgres database=app: [::1]:5432 (localhost): dial error: …
    id: 'pgx-dial-error', runtime: 'go', client: 'pgx', service: 'postgres', kind: null, weight: 0, pre: 'dial error',
    re: /(\[[0-9a-fA-F:.%]{2,60}\]|[0-9A-Za-z_.-]{1,253}):(\d{1,5}) \(([^)\s]{1,255})\): dial error/,
    extract: (m) => {
      const addr = cleanHost(m[1]!);
      return { host: cleanHost(m[3]!), port: parsePort(m[2]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // pgx v4: failed to connect to host=localhost user=postgres database=app: dial error (…)
    id: 'pgx-host', runtime: 'go', client: 'pgx', service: 'postgres', kind: null, weight: 0, pre: 'failed to connect to host=',
    re: /failed to connect to host=([^\s]{1,255}) /,
    extract: (m) => ({ host: cleanHost(m[1]!) }),
  },
  {
    // Go net/http: Get "https://127.0.0.1:8200/v1/sys/seal-status": http: server gave HTTP response to HTTPS client
    id: 'go-http-to-https', runtime: 'go', client: 'net/http', kind: 'tls', weight: 3, pre: 'server gave http response to https client',
    re: /server gave HTTP response to HTTPS client/,
    extract: () => ({ hints: ['tls-plain'] }),
  },
  {
    // Go through HTTPS_PROXY: proxyconnect tcp: EOF · proxyconnect tcp: dial tcp 10.0.0.3:3128: connect: connection refused.
    // The proxy is the endpoint that failed; EOF means it hung up on the CONNECT (often a TLS/plain mix-up of the proxy URL).
    id: 'go-proxyconnect', runtime: 'go', client: 'net/http', kind: null, weight: 2, pre: 'proxyconnect tcp',
    re: /proxyconnect tcp: (?:dial tcp (?:\[([0-9a-fA-F:.]{2,60})\]|([^\s:]{1,255})):(\d{1,5}): )?([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[4]);
      const kind = k.kind ? k : /\bEOF\b/.test(m[4]!) ? { kind: 'reset' as const, errno: 'ECONNRESET' } : { kind: 'refused' as const, errno: 'ECONNREFUSED' };
      const host = m[1] ?? m[2];
      const port = m[3] ? Number(m[3]) : null;
      return merge(kind, host ? { host, port, proxy: { host, port } } : {}, { hints: ['proxy'] });
    },
  },
];
