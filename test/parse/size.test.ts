// A 1 MB paste parses (truncated safely) — no timing assertion, just that it completes with an answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/parse/index.js';

test('a 1 MB paste of log noise with the error near the top', () => {
  const noise = '2024-01-01T00:00:00Z INFO worker heartbeat ok host=app-1 port=8080 elapsed=12ms a=b\n';
  const text = 'Error: connect ECONNREFUSED 127.0.0.1:5432\n' + noise.repeat(Math.ceil(1_048_576 / noise.length));
  assert.ok(text.length >= 1_048_576);
  const f = parse(text);
  assert.equal(f.kind, 'refused');
  assert.equal(f.port, 5432);
});

test('a 1 MB single line of punctuation and near-misses', () => {
  const text = 'connect ECONNREFUSED [::::' + ':1.'.repeat(350_000) + " HTTPConnectionPool(host='" + "'".repeat(1000);
  const f = parse(text);
  assert.ok(['refused', 'none'].includes(f.kind));
});

test('a 1 MB paste of repeated errors', () => {
  const line = "redis.exceptions.ConnectionError: Error 111 connecting to cache:6379. Connection refused.\n";
  const f = parse(line.repeat(Math.ceil(1_048_576 / line.length)));
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, 'cache');
});
