// The MySQL client library's wording, whatever runtime wraps it: PyMySQL, mysqlclient, mysql-connector, the mysql
// command, Ruby's mysql2, PHP. The numbers in parentheses are the client's own (2002, 2003, 2005) or an errno.
import { byNumber, byText, ep, merge, unix } from '../patterns.js';
import type { Signature } from './row.js';

export const MYSQL: readonly Signature[] = [
  {
    // Can't connect to MySQL server on '10.20.0.54' (13) · ([Errno 13] Permission denied): the client's own machine would
    // not let it connect (SELinux's httpd_can_network_connect_db for PHP under httpd, a local filter). Before the
    // general row, which reads an unknown number as a refusal.
    id: 'mysql-connect-denied', runtime: null, client: null, service: 'mysql', kind: 'unreachable', weight: 3, pre: "can't connect to",
    re: /Can't connect to (?:MySQL|MariaDB) server on (?:u(?=['"]))?['"]?([^'"\s]{1,300})['"]? \((?:\[Errno )?(13|1)\b/,
    extract: (m) => ({ ...ep(m[1]), errno: m[2] === '1' ? 'EPERM' : 'EACCES' }),
  },
  {
    // PyMySQL / mysqlclient / mysql-connector / mysql CLI / mysql2 (ruby):
    // Can't connect to MySQL server on 'localhost' ([Errno 111] Connection refused) · on 'db:3306' (111)
    id: 'mysql-cant-connect', runtime: null, client: null, service: 'mysql', kind: null, weight: 3, pre: "can't connect to",
    re: /Can't connect to (?:MySQL|MariaDB) server on (?:u(?=['"]))?['"]?([^'"\s]{1,300})['"]?(?: \(([^\n]{1,160})\))?/,
    extract: (m) => {
      const detail = m[2] ?? '';
      const num = /^(?:\[Errno )?(\d{2,5})\b/.exec(detail);
      // 115 (EINPROGRESS) is what the MySQL client reports when its connect timed out.
      const timedOut = num?.[1] === '115' ? { kind: 'timeout' as const, errno: 'ETIMEDOUT' } : {};
      const e = merge(timedOut, num ? byNumber(num[1], detail) : byText(detail), byText(detail), ep(m[1]));
      if (!e.kind) e.kind = 'refused';
      return e;
    },
  },
  {
    // Unknown MySQL server host 'db' (-2) — the MySQL client's DNS failure (2005).
    id: 'mysql-unknown-host', runtime: null, client: null, service: 'mysql', kind: 'dns', weight: 3, pre: 'unknown mysql server host',
    re: /Unknown MySQL server host '([^'\s]{1,255})'/,
    extract: (m) => ({ ...ep(m[1], false), errno: 'ENOTFOUND' }),
  },
  {
    // Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)
    id: 'mysql-local-socket', runtime: null, client: null, service: 'mysql', kind: 'unix_socket', weight: 3, pre: 'through socket',
    re: /Can't connect to local (?:MySQL|MariaDB) server through socket '([^'\s]{1,300})'(?: \((\d{1,5})[^)]{0,80}\))?/,
    extract: (m) => unix(m[1]!, m[2] === '111' ? 'refused' : 'no such file'),
  },
];
