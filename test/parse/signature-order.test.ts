// Where two rows of equal weight match one line, the table's order decides which one names the kind and the
// signature. These lines pin the places in signatures/index.ts where that order is load-bearing, with what the
// parser has always answered for them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '../../src/parse/index.js';
import { SIGNATURES } from '../../src/parse/signatures/index.js';
import { GENERIC } from '../../src/parse/signatures/generic.js';
import { NEGATIVES } from '../../src/parse/signatures/negatives.js';

test('generic rows come last, right after the negatives', () => {
  const ids = SIGNATURES.map((s) => s.id);
  const tail = [...NEGATIVES, ...GENERIC].map((s) => s.id);
  assert.deepEqual(ids.slice(-tail.length), tail);
});

const CASES: { why: string; text: string; signature: string; kind: string }[] = [
  {
    why: 'PyMySQL quoting an ssl error: the MySQL row, before Python\'s ssl row',
    text: `pymysql.err.OperationalError: (2003, "Can't connect to MySQL server on 'db.internal' ([SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1131))")`,
    signature: 'mysql-cant-connect',
    kind: 'tls',
  },
  {
    why: 'an [Errno] inside the MySQL message: Python\'s errno row, before the MySQL rows',
    text: `Can't connect to MySQL server on 'db.internal' ([Errno 111] Connection refused)`,
    signature: 'py-errno',
    kind: 'refused',
  },
  {
    why: 'Dart on Windows quoting Winsock: the Dart row, before the .NET file\'s "actively refused it"',
    text: 'Unhandled exception: SocketException: OS Error: No connection could be made because the target machine actively refused it., errno = 10061, address = 127.0.0.1, port = 51514',
    signature: 'dart-socket',
    kind: 'refused',
  },
  {
    why: 'PgJDBC\'s advice line: the JDBC row, before the generic "Connection to … refused"',
    text: 'org.postgresql.util.PSQLException: Connection to db.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.',
    signature: 'pgjdbc-refused',
    kind: 'refused',
  },
];

for (const c of CASES) {
  test(c.why, () => {
    const f = parse(c.text);
    assert.equal(f.signature, c.signature);
    assert.equal(f.kind, c.kind);
  });
}
