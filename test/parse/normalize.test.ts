// Slack and terminal wrapping: ANSI colours, code fences, link markup, HTML entities, log prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/parse/index.js';
import { normalizeText, toLines } from '../../src/parse/normalize.js';

test('ANSI colour codes are removed, with or without the ESC byte', () => {
  assert.equal(normalizeText('\x1b[31mERROR\x1b[0m connect'), 'ERROR connect');
  assert.equal(normalizeText('[1;31mERROR[0m x'), 'ERROR x');
  const f = parse('\x1b[31mError: connect ECONNREFUSED \x1b[1m127.0.0.1:6379\x1b[0m');
  assert.equal(f.host, '127.0.0.1');
  assert.equal(f.port, 6379);
});

test('Slack code fences and inline code', () => {
  const f = parse('```Error: connect ECONNREFUSED 10.1.2.3:5672```');
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, '10.1.2.3');
  assert.equal(f.port, 5672);
  assert.equal(f.service, 'amqp');
  const g = parse("prisma says `Can't reach database server at `pg.internal`:`5432``");
  assert.equal(g.host, 'pg.internal');
  assert.equal(g.port, 5432);
});

test('Slack link markup and entities', () => {
  assert.equal(normalizeText('<http://localhost:3000/x|localhost:3000/x>'), 'http://localhost:3000/x');
  assert.equal(normalizeText('see <https://a.b/c>'), 'see https://a.b/c');
  assert.equal(normalizeText('a &lt;b&gt; &amp; c'), 'a <b> & c');
  const f = parse('requests.exceptions.ConnectionError: HTTPConnectionPool(host=&#39;api&#39;, port=8000): Max retries exceeded (Caused by NewConnectionError(&#39;&lt;urllib3.connection.HTTPConnection object&gt;: Failed to establish a new connection: [Errno 111] Connection refused&#39;))');
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, 'api');
  assert.equal(f.port, 8000);
});

test('docker-compose, BuildKit and timestamp prefixes are stripped from lines', () => {
  assert.deepEqual(toLines('web_1  | hello\n#9 0.329 world\n2024-01-01T10:00:00.123Z boot\napi-1    | 2024-03-16 10:16:25 x'), ['hello', 'world', 'boot', 'x']);
});

test('a traceback logged as JSON with escaped newlines is opened up', () => {
  const json = '{"level":"error","exc_info":"Traceback (most recent call last):\\n  File \\"/app/x.py\\", line 3, in <module>\\n    r.ping()\\nredis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused."}';
  const f = parse(json);
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, 'redis');
  assert.equal(f.port, 6379);
});

test('several errors: the root cause of a Java chain is the deepest Caused by', () => {
  const f = parse([
    'org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection',
    'Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30001ms.',
    'Caused by: org.postgresql.util.PSQLException: Connection to pg.internal:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.',
    'Caused by: java.net.ConnectException: Connection refused',
  ].join('\n'));
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, 'pg.internal');
  assert.equal(f.port, 5432);
});

test('a DNS failure names the host that failed, not the DNS server', () => {
  const f = parse('Error: dial tcp: lookup db on 127.0.0.11:53: no such host');
  assert.equal(f.kind, 'dns');
  assert.equal(f.host, 'db');
  assert.equal(f.port, null);
  assert.ok(f.hints.includes('in-container'));
});

test('a wrapper that says timeout does not outvote the errno inside it', () => {
  const f = parse('pymongo.errors.ServerSelectionTimeoutError: mongo:27017: [Errno 111] Connection refused, Timeout: 30s');
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, 'mongo');
});

test('never invents a host', () => {
  const f = parse('ConnectionRefusedError: [Errno 111] Connection refused');
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, null);
  assert.equal(f.port, null);
  assert.equal(f.os, 'linux');
});

test('parse never throws on odd input', () => {
  for (const x of ['', '\u0000\u0001', ':'.repeat(10000), '['.repeat(5000), 'connect ECONNREFUSED ' + ':'.repeat(400), '\n'.repeat(50000), 'a'.repeat(300000)]) {
    assert.doesNotThrow(() => parse(x));
  }
  // Called from JavaScript with a non-string, it still answers.
  assert.equal(parse(undefined as unknown as string).kind, 'none');
});
