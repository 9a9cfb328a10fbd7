import assert from 'node:assert/strict';
import test from 'node:test';
import { toPort, toRequest } from '../../src/request.js';

test('two words: host and port', () => {
  assert.deepEqual(toRequest(['db.internal', '5432']), { ok: true, request: { type: 'target', host: 'db.internal', port: 5432 } });
  assert.deepEqual(toRequest('db.internal 5432'), { ok: true, request: { type: 'target', host: 'db.internal', port: 5432 } });
});

test('host:port, [v6]:port, bare v6 and bare host', () => {
  assert.deepEqual(toRequest('db:5432'), { ok: true, request: { type: 'target', host: 'db', port: 5432 } });
  assert.deepEqual(toRequest('[::1]:5432'), { ok: true, request: { type: 'target', host: '::1', port: 5432 } });
  assert.deepEqual(toRequest(['::1', '5432']), { ok: true, request: { type: 'target', host: '::1', port: 5432 } });
  assert.deepEqual(toRequest('fd00::5'), { ok: true, request: { type: 'target', host: 'fd00::5', port: null } });
  assert.deepEqual(toRequest('elasticsearch'), { ok: true, request: { type: 'target', host: 'elasticsearch', port: null } });
  assert.deepEqual(toRequest('db.internal'), { ok: true, request: { type: 'target', host: 'db.internal', port: null } });
});

test('URLs stay URLs, Slack link markup is unwrapped', () => {
  assert.deepEqual(toRequest('postgres://u:p@db:5432/app'), { ok: true, request: { type: 'url', url: 'postgres://u:p@db:5432/app' } });
  // Slack auto-links what was typed; the label is the person's own words.
  assert.deepEqual(toRequest('<http://localhost:8080/health|localhost:8080/health>'), { ok: true, request: { type: 'target', host: 'localhost', port: 8080 } });
  assert.deepEqual(toRequest('<http://db.internal|db.internal> 5432'), { ok: true, request: { type: 'target', host: 'db.internal', port: 5432 } });
  assert.deepEqual(toRequest('<http://localhost:8080/health>'), { ok: true, request: { type: 'url', url: 'http://localhost:8080/health' } });
});

test('bad ports and hosts get a clear message', () => {
  const r1 = toRequest(['db', '70000']);
  assert.equal(r1.ok, false);
  assert.match(!r1.ok ? r1.error : '', /not a TCP port/);
  const r2 = toRequest('db:0');
  assert.equal(r2.ok, false);
  const r3 = toRequest('bad_host!:80');
  assert.equal(r3.ok, false);
  assert.match(!r3.ok ? r3.error : '', /not a host name/);
  const r4 = toRequest('');
  assert.equal(r4.ok, false);
  assert.match(!r4.ok ? r4.error : '', /nothing to diagnose/);
});

test('anything else is a paste', () => {
  const text = 'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect';
  assert.deepEqual(toRequest(text), { ok: true, request: { type: 'paste', text } });
  assert.deepEqual(toRequest('ECONNREFUSED'), { ok: true, request: { type: 'paste', text: 'ECONNREFUSED' } });
});

test('toPort accepts 1–65535 only', () => {
  assert.equal(toPort('1'), 1);
  assert.equal(toPort('65535'), 65535);
  assert.equal(toPort('65536'), null);
  assert.equal(toPort('0'), null);
  assert.equal(toPort('12a'), null);
  assert.equal(toPort('-1'), null);
});
