// Ruby: Errno:: classes, connect(2) messages, Net::HTTP and redis-rb; and the getaddrinfo text that Ruby's SocketError
// shares with PHP's php_network_getaddresses.
import { cleanHost, isIp, parsePort, plausibleHost } from '../endpoint.js';
import { kindFromErrnoName } from '../errno.js';
import { byText, ep, merge, unix } from '../patterns.js';
import type { Signature } from './row.js';

export const RUBY: readonly Signature[] = [
  {
    // Errno::EADDRNOTAVAIL: Cannot assign requested address - connect(2) for "10.0.0.5" port 443 (no free source port)
    // · Errno::EACCES / Errno::EPERM … - connect(2) for … (a local policy). First: the rows below read "Permission
    // denied" as a socket file's words. A socket path, a bind(2) or a file operation is not this.
    id: 'ruby-connect-local', runtime: 'ruby', client: null, kind: 'unreachable', weight: 3,
    pre: ['errno::eaddrnotavail', 'errno::eacces', 'errno::eperm', 'connect(2) for'],
    re: /Errno::(EADDRNOTAVAIL|EACCES|EPERM)\b|(Permission denied|Operation not permitted|Cannot assign requested address) - connect\(2\) for/,
    extract: (m, line) => {
      const code = m[1] ?? (m[2] === 'Permission denied' ? 'EACCES' : m[2] === 'Operation not permitted' ? 'EPERM' : 'EADDRNOTAVAIL');
      if (/\.sock\b|\bunix\b|bind\(2\)|@ rb_|@ (?:dir|file|apply2files)_/.test(line)) return null;
      const at = / - connect\(2\) for (?:"([^"]{1,255})" port (\d{1,5})|(\[[0-9a-fA-F:.]{2,60}\]:\d{1,5}|[^\s"():]{1,255}:\d{1,5}))/.exec(line);
      // EACCES and EPERM are about TCP only with connect(2) on the line; a bare EADDRNOTAVAIL is one, less firmly.
      if (!at && code !== 'EADDRNOTAVAIL') return null;
      const e = at ? (at[3] ? ep(at[3]) : ep(`${at[1]!.includes(':') ? `[${at[1]}]` : at[1]}:${at[2]}`)) : {};
      return { ...e, errno: code, ...(at ? {} : { weight: 2 }) };
    },
  },
  {
    // Net::HTTP: Failed to open TCP connection to localhost:3000 (Connection refused - connect(2) for "localhost" port 3000)
    id: 'ruby-open-tcp', runtime: 'ruby', client: 'net/http', kind: null, weight: 3, pre: 'failed to open tcp connection to',
    re: /Failed to open TCP connection to ([^\s]{1,300}) \(([^\n]{1,240})\)/,
    extract: (m) => {
      const k = byText(m[2]);
      return k.kind ? merge(k, ep(m[1], false)) : ep(m[1], false);
    },
  },
  {
    // Errno::ECONNREFUSED: Connection refused - connect(2) for "localhost" port 6379 (host may be nil)
    id: 'ruby-connect2', runtime: 'ruby', client: null, kind: null, weight: 3, pre: 'connect(2)',
    // Newer Ruby writes the address as one token: connect(2) for [::1]:6379 · connect(2) for 127.0.0.1:5432
    re: /([^\n]{0,160}?) - connect\(2\)(?: for (?:"([^"]{1,255})"|([^\s"]{1,255})) port (\d{1,5})| for (\[[0-9a-fA-F:.]{2,60}\]:\d{1,5}|[^\s"():]{1,255}:\d{1,5}))?/,
    extract: (m, line) => {
      const name = /Errno::(E[A-Z]{3,20})/.exec(line)?.[1];
      // EADDRNOTAVAIL on connect is errno 99/49/10049 (errno.ts): no source address for that family, or no free local port.
      const k = name === 'EADDRNOTAVAIL' ? { kind: 'unreachable' as const, errno: name } : name && kindFromErrnoName(name) ? { kind: kindFromErrnoName(name), errno: name } : byText(m[1]);
      if (m[5]) {
        const e = ep(m[5]);
        return { ...k, ...e, os: /actively refused/.test(line) ? 'windows' : null };
      }
      const raw = m[2] ?? m[3];
      const host = raw ? cleanHost(raw) : null;
      return {
        ...k,
        host: host && plausibleHost(host) ? host : null,
        port: parsePort(m[4]),
        addresses: host && isIp(host) ? [host] : [],
        os: /actively refused/.test(line) ? 'windows' : null,
      };
    },
  },
  {
    // Errno::ECONNREFUSED alone, or in a wrapper's parentheses
    id: 'ruby-errno-class', runtime: 'ruby', client: null, kind: null, weight: 3, pre: 'errno::',
    re: /Errno::(E[A-Z]{3,20})\b/,
    extract: (m, line) => {
      const kind = kindFromErrnoName(m[1]!);
      if (kind) return { kind, errno: m[1]! };
      if (m[1] === 'ENOENT' || m[1] === 'EACCES') {
        const sock = /(\/[^\s'"]{1,300}\.sock)\b/.exec(line);
        return sock ? unix(sock[1]!, m[1] === 'EACCES' ? 'permission denied' : 'no such file') : null;
      }
      return null;
    },
  },
  {
    // redis-rb: Error connecting to Redis on localhost:6379 (Errno::ECONNREFUSED)
    id: 'redis-rb-connect', runtime: 'ruby', client: 'redis-rb', service: 'redis', kind: null, weight: 3, pre: 'error connecting to redis on',
    re: /Error connecting to Redis on ([^\s]{1,300}) \(([^)\n]{1,120})\)/,
    extract: (m) => {
      const name = /E[A-Z]{3,20}/.exec(m[2]!)?.[0];
      const k = name && kindFromErrnoName(name) ? { kind: kindFromErrnoName(name), errno: name } : byText(m[2]);
      return merge(k, ep(m[1]));
    },
  },
  {
    // getaddrinfo: Name or service not known (Ruby SocketError, PHP php_network_getaddresses)
    id: 'getaddrinfo-text', runtime: null, client: null, kind: 'dns', weight: 2, pre: 'getaddrinfo',
    re: /getaddrinfo(?: for ([^\s]{1,255}))?(?: failed)?: ([^\n]{1,120})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (k.kind !== 'dns') return null;
      return { ...k, ...(m[1] ? ep(m[1], false) : {}) };
    },
  },
];
