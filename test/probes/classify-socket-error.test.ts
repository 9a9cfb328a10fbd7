import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { classifySocketError, isLocalFailure } from '../../src/probes/classify-socket-error.js';
import { ProbeTimeoutError } from '../../src/errors.js';
import { closedPort } from './helpers.js';

function sysErr(code: string, syscall = 'connect'): NodeJS.ErrnoException {
  return Object.assign(new Error(`${syscall} ${code} 10.0.0.5:5432`), { code, syscall, errno: -1 });
}

describe('classifySocketError', () => {
  const table: [string, string][] = [
    ['ECONNREFUSED', 'refused'],
    ['ETIMEDOUT', 'timeout'],
    ['ETIMEOUT', 'timeout'],
    ['ERR_SOCKET_CONNECTION_TIMEOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ABORT_ERR', 'timeout'],
    ['EHOSTUNREACH', 'unreachable'],
    ['ENETUNREACH', 'unreachable'],
    ['EHOSTDOWN', 'unreachable'],
    ['ENETDOWN', 'unreachable'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['EADDRNOTAVAIL', 'error'],
    ['ENOTFOUND', 'error'],
    ['EACCES', 'error'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'error'],
  ];
  for (const [code, outcome] of table) {
    it(`${code} → ${outcome}, keeping the code`, () => {
      assert.deepEqual(classifySocketError(sysErr(code)), { outcome, errno: code });
    });
  }

  it('our own timers', () => {
    assert.deepEqual(classifySocketError(new ProbeTimeoutError('ETIMEDOUT', 'x')), { outcome: 'timeout', errno: 'ETIMEDOUT' });
    assert.deepEqual(classifySocketError(new ProbeTimeoutError('ABORT_ERR', 'x')), { outcome: 'timeout', errno: 'ABORT_ERR' });
    assert.deepEqual(classifySocketError(AbortSignal.abort().reason), { outcome: 'timeout', errno: 'ABORT_ERR' });
  });

  it('an AggregateError from Node trying ::1 then 127.0.0.1', () => {
    const agg = new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')], '');
    assert.deepEqual(classifySocketError(agg), { outcome: 'refused', errno: 'ECONNREFUSED' });
  });

  it('an AggregateError whose errors differ: the first with a known meaning wins', () => {
    const agg = new AggregateError([new Error('odd'), sysErr('ENETUNREACH'), sysErr('ECONNREFUSED')], '');
    assert.deepEqual(classifySocketError(agg), { outcome: 'unreachable', errno: 'ENETUNREACH' });
  });

  it('an empty AggregateError falls back to its own code', () => {
    const agg = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    assert.deepEqual(classifySocketError(agg), { outcome: 'refused', errno: 'ECONNREFUSED' });
  });

  it("undici's wrappers: fetch failed → cause, UND_ERR_SOCKET → cause", () => {
    const fetchErr = new TypeError('fetch failed', { cause: sysErr('ECONNREFUSED') });
    assert.deepEqual(classifySocketError(fetchErr), { outcome: 'refused', errno: 'ECONNREFUSED' });
    const sockErr = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', cause: sysErr('ECONNRESET', 'read') });
    assert.deepEqual(classifySocketError(sockErr), { outcome: 'reset', errno: 'ECONNRESET' });
  });

  it('a code only written in the message, a bare string, and nothing at all', () => {
    assert.deepEqual(classifySocketError(new Error('connect EHOSTUNREACH 10.1.2.3:22')), { outcome: 'unreachable', errno: 'EHOSTUNREACH' });
    assert.deepEqual(classifySocketError('ECONNRESET'), { outcome: 'reset', errno: 'ECONNRESET' });
    assert.deepEqual(classifySocketError(new Error('something odd')), { outcome: 'error', errno: null });
    assert.deepEqual(classifySocketError(undefined), { outcome: 'error', errno: null });
  });

  it('out of descriptors, buffers or memory on this machine: an error that says nothing about the target', () => {
    for (const code of ['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'ESOCKETLIMIT']) {
      assert.deepEqual(classifySocketError(sysErr(code)), { outcome: 'error', errno: code }, code);
      assert.equal(isLocalFailure(classifySocketError(sysErr(code)).errno), true, code);
    }
    // Wrapped as undici and Node's AggregateError wrap them.
    assert.equal(isLocalFailure(classifySocketError(new TypeError('fetch failed', { cause: sysErr('EMFILE') })).errno), true);
    assert.equal(isLocalFailure(classifySocketError(new AggregateError([sysErr('ENFILE'), sysErr('ENFILE')], '')).errno), true);
    assert.equal(isLocalFailure(classifySocketError(new Error('connect EMFILE 10.0.0.5:5432 - Local (undefined:undefined)')).errno), true);
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL', 'EACCES', 'EPOLICY', null]) {
      assert.equal(isLocalFailure(code), false, String(code));
    }
  });

  it('a real refusal from a closed loopback port', async () => {
    const port = await closedPort();
    const err = await new Promise<Error>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('error', (e) => {
        s.destroy();
        resolve(e);
      });
    });
    assert.deepEqual(classifySocketError(err), { outcome: 'refused', errno: 'ECONNREFUSED' });
  });
});
