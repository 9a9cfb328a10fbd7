// libpq, PostgreSQL's client library, as psycopg2, psql, the pg gem and PHP's pgsql print it. Before version 14 one
// message spans three lines ("could not connect to server" / "Is the server running on host …" / "TCP/IP connections
// on port …"), hence the rows that join following lines (span).
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byText, unix } from '../patterns.js';
import type { Signature } from './row.js';

export const LIBPQ: readonly Signature[] = [
  {
    // libpq ≥ 14 over TCP, stopped on the client's own machine: connection to server at "10.0.0.5", port 5432 failed:
    // Permission denied (SELinux's httpd_can_network_connect_db for PHP under httpd) · Operation not permitted. Before
    // libpq-server-at, which takes "Permission denied" for a socket file's words.
    id: 'libpq-server-at-denied', runtime: null, client: null, service: 'postgres', kind: 'unreachable', weight: 3, pre: 'connection to server at',
    re: /connection to server at "([^"]{1,255})"(?: \(([^)\s]{1,60})\))?, port (\d{1,5}) failed: (Permission denied|Operation not permitted)/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      const addr = m[2] ? cleanHost(m[2]) : isIp(host) ? host : null;
      return { host, port: parsePort(m[3]), addresses: addr ? [addr] : [], errno: m[4] === 'Permission denied' ? 'EACCES' : 'EPERM' };
    },
  },
  {
    // libpq ≥ 14: connection to server at "localhost" (::1), port 5432 failed: Connection refused
    id: 'libpq-server-at', runtime: null, client: null, service: 'postgres', kind: null, weight: 3, pre: 'connection to server at',
    re: /connection to server at "([^"]{1,255})"(?: \(([^)\s]{1,60})\))?, port (\d{1,5}) failed: ([^\n]{0,160})/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      const addr = m[2] ? cleanHost(m[2]) : isIp(host) ? host : null;
      const k = byText(m[4]);
      if (!k.kind && /timeout expired/i.test(m[4]!)) Object.assign(k, { kind: 'timeout', errno: 'ETIMEDOUT' });
      return { ...k, host, port: parsePort(m[3]), addresses: addr ? [addr] : [] };
    },
  },
  {
    // libpq ≥ 14: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory
    id: 'libpq-socket', runtime: null, client: null, service: 'postgres', kind: 'unix_socket', weight: 3, pre: 'connection to server on socket',
    re: /connection to server on socket "([^"]{1,300})" failed: ([^\n]{0,160})/,
    extract: (m) => unix(m[1]!, m[2]),
  },
  {
    // libpq < 14, first line: could not connect to server: Connection refused
    id: 'libpq-could-not-connect', runtime: null, client: null, service: 'postgres', kind: null, weight: 3, pre: 'could not connect to server',
    re: /could not connect to server: ([^\n(]{1,160})/,
    extract: (m, line) => {
      const e = byText(m[1]);
      if (!e.kind) return null;
      if (e.kind === 'unix_socket') return e; // the socket path is two lines down
      const win = /\(0x[0-9A-Fa-f]{8}\/(\d{4,5})\)/.exec(line);
      if (win) e.os = 'windows';
      return e;
    },
  },
  {
    // libpq < 14, next two lines: Is the server running on host "localhost" (::1) and accepting / TCP/IP connections on port 5432?
    id: 'libpq-running-on-host', runtime: null, client: null, service: 'postgres', kind: null, weight: 1, span: 2,
    pre: 'is the server running on host',
    // An issue title cut short may end at "TCP/IP connections": the host is still named, the port is not.
    re: /Is the server running on host "([^"]{1,255})"(?: \(([^)\s]{1,60})\))? and accepting\s{1,40}TCP\/IP connections(?: on port (\d{1,5}))?/,
    extract: (m, line) => {
      const host = cleanHost(m[1]!);
      const addrs = [...line.matchAll(/Is the server running on host "[^"]{1,255}" \(([^)\s]{1,60})\)/g)].slice(0, 8).map((a) => cleanHost(a[1]!));
      if (!addrs.length && isIp(host)) addrs.push(host);
      return { host, port: parsePort(m[3]), addresses: [...new Set(addrs)] };
    },
  },
  {
    // libpq < 14: Is the server running locally and accepting / connections on Unix domain socket "/tmp/.s.PGSQL.5432"?
    id: 'libpq-unix-domain', runtime: null, client: null, service: 'postgres', kind: 'unix_socket', weight: 1, span: 1,
    pre: 'unix domain socket',
    re: /connections on Unix domain socket "([^"]{1,300})"/,
    extract: (m) => ({ unixSocket: m[1]!, errno: 'ENOENT' }),
  },
  {
    // libpq: could not translate host name "db" to address: Name or service not known
    id: 'libpq-translate', runtime: null, client: null, service: 'postgres', kind: 'dns', weight: 3, pre: 'could not translate host name',
    // The server's own log adds the service: could not translate host name "localhost", service "5432" to address
    re: /could not translate host name "([^"]{1,255})"(?:, service "(\d{1,5})")? to address/,
    extract: (m) => ({
      host: cleanHost(m[1]!), ...(m[2] ? { port: parsePort(m[2]) } : {}),
      errno: /temporary failure/i.test(m.input) ? 'EAI_AGAIN' : 'ENOTFOUND',
    }),
  },
  {
    // A Postgres client that requires TLS (sslmode=require, a GUI's default) against a server without it:
    // "Server does not support SSL, but SSL was required" (node-postgres, VS Code) · libpq's "server does not support SSL, but SSL was required".
    id: 'pg-ssl-not-supported', runtime: null, client: null, service: 'postgres', kind: 'tls', weight: 3, pre: 'does not support ssl',
    re: /[Ss]erver does not support SSL(?:, but SSL was required)?/,
    extract: () => ({ tls: true, hints: ['tls-plain'] }),
  },
  {
    // Postgres answers while it starts or recovers: FATAL:  the database system is starting up. The client reached a
    // server that is not ready yet (passes/server-starting.ts then tells the rules).
    id: 'pg-starting-up', runtime: null, client: null, service: 'postgres', kind: 'refused', weight: 2, pre: 'the database system is',
    re: /the database system is (?:starting up|in recovery mode|not yet accepting connections)/,
    extract: () => ({ errno: null, hints: ['server-starting'] }),
  },
];
