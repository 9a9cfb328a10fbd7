// Property-based tests: the parser takes whatever anyone pastes. It must never throw, never invent a
// target that the text does not contain, and never echo a secret that was in the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../src/parse/index.js';

// Pieces of real error messages, so the random texts reach deep into the signature table instead of
// bouncing off at the first regex.
const FRAGMENTS = [
  'connect ECONNREFUSED ', 'ECONNREFUSED', 'Connection refused', '[Errno 111]', 'Errno::ECONNREFUSED', 'os error 111',
  'dial tcp ', ': connect: connection refused', 'java.net.ConnectException: ', 'Connection refused: no further information',
  "HTTPConnectionPool(host='", "', port=", '): Max retries exceeded with url: /', 'NewConnectionError(',
  'Is the server running on host "', '" and accepting TCP/IP connections on port ', 'Error 111 connecting to ',
  'SQLSTATE[HY000] [2002] ', 'No connection could be made because the target machine actively refused it. ',
  'curl: (7) Failed to connect to ', ' port ', ' after 0 ms: ', 'Could not connect to Redis at ', 'getaddrinfo ENOTFOUND ',
  'i/o timeout', 'connection reset by peer', 'Connection to node -1 (', ') could not be established.',
  'failed to connect to all addresses', 'upstream: "http://', 'connect() failed (111: Connection refused) while connecting to upstream',
  'The connection to the server ', ' was refused - did you specify the right host or port?', 'unix:///var/run/docker.sock',
  'Cannot connect to the Docker daemon at ', 'AggregateError', 'TypeError: fetch failed', '  cause: Error: connect ECONNREFUSED ',
  'Traceback (most recent call last):', '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
  '\u001b[31m', '\u001b[0m', '```', '&gt;', '<http://', '|', '>', ':', '[', ']', '(', ')', "'", '"', '/', '@', '\n', ' ', '\t',
];
const HOSTS = ['db.internal', 'cache', '10.1.2.3', '::1', '127.0.0.1', 'localhost', 'fd00::5', 'api.example.test', 'kafka-0.kafka'];
const PORTS = ['5432', '6379', '0', '65535', '99999', '8080', '443', '-1', '0x50'];

const pasteLike = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 2, arbitrary: fc.constantFrom(...HOSTS) }, { weight: 2, arbitrary: fc.constantFrom(...PORTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), { maxLength: 40 })
  .map((parts) => parts.join(''));

const anyText = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }), pasteLike);

test('parse never throws, and always returns well-formed facts', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const f = parse(text);
      assert.ok(['refused', 'timeout', 'unreachable', 'dns', 'reset', 'unix_socket', 'tls', 'none'].includes(f.kind), `kind ${f.kind}`);
      assert.ok(f.port === null || (Number.isInteger(f.port) && f.port >= 1 && f.port <= 65535), `port ${f.port}`);
      assert.ok(f.host === null || (typeof f.host === 'string' && f.host.length > 0 && f.host.length <= 253), `host ${f.host}`);
      // The result must survive JSON (the --json output and button values are built from it).
      JSON.parse(JSON.stringify(f));
    }),
    { numRuns: 3000, seed: 20261130 },
  );
});

test('a host in the facts is always written somewhere in the text; a port too, unless it says it was inferred', () => {
  fc.assert(
    fc.property(pasteLike, (text) => {
      const f = parse(text);
      // Colour codes and Slack's formatting and link marks are stripped before parsing, which may join two
      // neighbours; compare with the text both as it is and without them.
      const raw = text.toLowerCase();
      const bare = raw.replace(/\u001b\[[0-9;]*m/g, '').replace(/[`*_~<>|]/g, '');
      const written = (s: string) => raw.includes(s) || bare.includes(s);
      if (f.host !== null) assert.ok(written(f.host.toLowerCase()), `host ${f.host} is not in ${JSON.stringify(text)}`);
      if (f.port !== null && !f.portInferred) assert.ok(written(String(f.port)), `port ${f.port} is not in ${JSON.stringify(text)}`);
    }),
    { numRuns: 3000, seed: 7 },
  );
});

test('text with no digits, no dots and no host names yields no target, whatever error words it holds', () => {
  const words = fc.constantFrom('connection', 'refused', 'ECONNREFUSED', 'error', 'failed', 'to', 'connect', 'server', 'port', 'host', 'timed', 'out', 'reset', 'by', 'peer', 'dial', 'tcp', 'is', 'the', 'running', 'on', ':', '(', ')', '"', "'", '\n');
  fc.assert(
    fc.property(fc.array(words, { maxLength: 60 }), (ws) => {
      const f = parse(ws.join(' '));
      assert.equal(f.host, null, `invented host ${f.host} from ${JSON.stringify(ws.join(' '))}`);
      assert.ok(f.port === null || f.portInferred, `invented port ${f.port}`);
    }),
    { numRuns: 2000, seed: 11 },
  );
});

test('a password in a connection URL anywhere in a noisy paste never reaches the facts', () => {
  const password = fc.stringMatching(/^[A-Za-z0-9!$%^&*()_+=-]{6,24}$/).filter((p) => /[A-Za-z]/.test(p) && !/^\d+$/.test(p));
  fc.assert(
    fc.property(pasteLike, password, fc.constantFrom('postgres', 'mysql', 'redis', 'amqp', 'mongodb', 'http'), fc.constantFrom(...HOSTS.filter((h) => !h.includes(':'))), (noise, pw, scheme, host) => {
      const text = `${noise}\nconnecting to ${scheme}://svc:${pw}@${host}:5432/app\nError: connect ECONNREFUSED ${host}:5432\n${noise}`;
      const out = JSON.stringify(parse(text));
      assert.ok(!out.includes(`:${pw}@`), `password ${pw} leaked: ${out}`);
    }),
    { numRuns: 1000, seed: 3 },
  );
});

test('adversarial shapes: deep nesting, huge numbers, long runs of separators', () => {
  const cases = [
    '('.repeat(50_000) + 'connect ECONNREFUSED 10.0.0.5:5432' + ')'.repeat(50_000),
    'connect ECONNREFUSED ' + '9'.repeat(100_000),
    `connect ECONNREFUSED ${'a.'.repeat(60_000)}b:5432`,
    `dial tcp ${':'.repeat(100_000)}: connect: connection refused`,
    `HTTPConnectionPool(host='${'x'.repeat(100_000)}', port=80)`,
    '\u0000'.repeat(10_000) + 'Connection refused',
    '\u001b['.repeat(50_000),
    '```'.repeat(30_000),
    '[Errno 111] Connection refused ' + '\uD800'.repeat(1000),
    // Secret shapes with no end: a key block that never closes, commands whose flag never comes, keys without values.
    `-----BEGIN RSA PRIVATE KEY-----\n${'QUJDRA=='.repeat(12_000)}\nconnect ECONNREFUSED 10.0.0.5:5432`,
    '-----BEGIN PRIVATE KEY-----'.repeat(4000) + ' dial tcp 10.0.0.5:5432: connect: connection refused',
    'mysql -u redis-cli -a curl -u sshpass -p '.repeat(2500) + 'Connection refused',
    'password=token:secret='.repeat(4500) + ' ECONNREFUSED',
  ];
  for (const text of cases) {
    const f = parse(text);
    assert.ok(f.host === null || f.host.length <= 253, `host of ${f.host?.length} characters`);
    assert.ok(f.port === null || (f.port >= 1 && f.port <= 65535));
  }
});
