// PHP: PDO's SQLSTATE, mysqli, stream sockets, Predis, and WordPress's database page.
import type { Service } from '../../domain/types.js';
import { byText, ep, merge, unix, type Extract } from '../patterns.js';
import type { Signature } from './row.js';

export const PHP: readonly Signature[] = [
  {
    // PHP under a web server whose own policy forbids the connect (SELinux's httpd_can_network_connect[_db]), over TCP:
    // SQLSTATE[HY000] [2002] Permission denied · mysqli (HY000/2002): Permission denied · stream_socket_client():
    // unable to connect to tcp://10.0.0.5:6379 (Permission denied) · Swift Mailer's Connection could not be established
    // with host 10.1.4.25 [Permission denied #13]. A socket path on the line leaves it to the rows below (a file's mode).
    id: 'php-connect-denied', runtime: 'php', client: null, kind: 'unreachable', weight: 3, pre: ['permission denied', 'operation not permitted'],
    re: /SQLSTATE\[HY000\] \[2002\] (Permission denied|Operation not permitted)|\(HY000\/2002\): (Permission denied|Operation not permitted)|unable to connect to ((?:tcp|tls|ssl):\/\/[^\s]{1,300}|[^\s:/]{1,255}:\d{1,5}) \((Permission denied|Operation not permitted)\)|Connection could not be established with host "?([^\s"[]{1,300}?)"? ?\[(Permission denied|Operation not permitted) #\d{1,3}\]/,
    extract: (m, line) => {
      if (/\.sock\b|unix:\/\//.test(line)) return null;
      const words = m[1] ?? m[2] ?? m[4] ?? m[6]!;
      const errno = /not permitted/.test(words) ? 'EPERM' : 'EACCES';
      if (m[1]) return { errno, client: 'pdo', service: 'mysql' as Service };
      if (m[2]) return { errno, client: 'mysqli', service: 'mysql' as Service };
      if (m[3]) return { errno, ...ep(m[3].replace(/^[a-z]+:\/\//, '')) };
      return { errno, client: 'swiftmailer', ...ep(m[5]!.replace(/^[a-z]+:\/\//, ''), false) };
    },
  },
  {
    // PDO: SQLSTATE[HY000] [2002] Connection refused · [2002] No such file or directory · SQLSTATE[08006] [7] …
    id: 'php-sqlstate', runtime: 'php', client: 'pdo', kind: null, weight: 3, pre: 'sqlstate[',
    re: /SQLSTATE\[(\w{5})\] \[(\d{1,5})\] ([^\n]{0,240})/,
    extract: (m) => {
      const code = Number(m[2]);
      const text = m[3]!;
      const service: Service | null = code >= 2000 && code < 2100 ? 'mysql' : m[1] === '08006' || code === 7 ? 'postgres' : null;
      const k = byText(text);
      if (!k.kind) return null;
      const e: Extract = { ...k, service };
      if (/actively refused/.test(text)) e.os = 'windows';
      const sock = /(\/[^\s'"]{1,300}\.sock)\b/.exec(text);
      if (k.kind === 'unix_socket' && sock) e.unixSocket = sock[1]!;
      return e;
    },
  },
  {
    // mysqli: mysqli::real_connect(): (HY000/2002): Connection refused
    id: 'php-mysqli', runtime: 'php', client: 'mysqli', service: 'mysql', kind: null, weight: 3, pre: '(hy000/',
    re: /\(HY000\/(\d{4})\): ([^\n]{1,200})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (!k.kind) return null;
      return /actively refused/.test(m[2]!) ? { ...k, os: 'windows' } : k;
    },
  },
  {
    // PHP streams: stream_socket_client(): unable to connect to tcp://127.0.0.1:6379 (Connection refused)
    id: 'php-stream-connect', runtime: 'php', client: null, kind: null, weight: 3, pre: 'unable to connect to',
    re: /unable to connect to ((?:tcp|tls|ssl|udp|unix):\/\/[^\s]{1,300}|[^\s:]{1,255}:\d{1,5}) \(([^)\n]{1,160})\)/,
    extract: (m) => {
      const target = m[1]!;
      const k = byText(m[2]);
      if (target.startsWith('unix://')) return unix(target.slice(7), m[2]);
      return merge(k, ep(target.replace(/^[a-z]+:\/\//, '')));
    },
  },
  {
    // Predis: Connection refused [tcp://127.0.0.1:6379]
    id: 'predis-endpoint', runtime: 'php', client: 'predis', service: 'redis', kind: null, weight: 0, pre: '://',
    re: /\[(?:tcp|tls|redis|unix):\/\/([^\]\s]{1,300})\]/,
    extract: (m) => (m[1]!.startsWith('/') ? { unixSocket: m[1]! } : ep(m[1])),
  },
  {
    // WordPress: … we can’t contact the database server at db:3306. This could mean …
    id: 'wordpress-db-server', runtime: 'php', client: 'wordpress', service: 'mysql', kind: null, weight: 0, pre: 'contact the database server at',
    re: /contact the database server at ((?:\[[^\]\s]{2,60}\]|[A-Za-z0-9_.-]{1,253})(?::\d{1,5})?)/,
    extract: (m) => ep(m[1]!.replace(/\.$/, ''), true),
  },
];
