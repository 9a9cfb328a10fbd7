import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEvidence, formatMs, hostPort } from '../../src/domain/describe.js';
import { banner, dns, http, nearby, tcp, tls, unix } from './helpers.js';

describe('formatMs', () => {
  it('keeps one decimal below ten milliseconds, drops it where it is zero', () => {
    assert.equal(formatMs(0.4), '0.4 ms');
    assert.equal(formatMs(1.23), '1.2 ms');
    assert.equal(formatMs(3), '3 ms');
    assert.equal(formatMs(9.96), '10 ms');
  });
  it('rounds tens and hundreds, switches to seconds at one', () => {
    assert.equal(formatMs(12.6), '13 ms');
    assert.equal(formatMs(250), '250 ms');
    assert.equal(formatMs(999.7), '1 s');
    assert.equal(formatMs(2000), '2 s');
    assert.equal(formatMs(2540), '2.5 s');
  });
  it('says so when the number is not a duration', () => {
    assert.equal(formatMs(Number.NaN), '? ms');
    assert.equal(formatMs(-1), '? ms');
  });
});

describe('hostPort', () => {
  it('brackets IPv6 literals only', () => {
    assert.equal(hostPort('fd00::5', 5432), '[fd00::5]:5432');
    assert.equal(hostPort('10.0.0.5', 5432), '10.0.0.5:5432');
    assert.equal(hostPort('db.internal', null), 'db.internal');
    assert.equal(hostPort('[::1]', 80), '[::1]:80');
  });
});

describe('describeEvidence', () => {
  it('tcp: address, outcome, time', () => {
    assert.equal(describeEvidence(tcp('10.0.0.5', 'refused')), 'tcp 10.0.0.5:5432 → refused in 0.4 ms');
    assert.equal(describeEvidence(tcp('fd00::5', 'open', { ms: 1.2 })), 'tcp [fd00::5]:5432 → open in 1.2 ms');
    assert.equal(describeEvidence(tcp('10.0.0.5', 'timeout')), 'tcp 10.0.0.5:5432 → no answer (ETIMEDOUT) after 2 s');
    assert.equal(describeEvidence(tcp('10.0.0.5', 'unreachable', { ms: 3 })), 'tcp 10.0.0.5:5432 → unreachable (EHOSTUNREACH) in 3 ms');
    assert.equal(describeEvidence(tcp('10.0.0.5', 'refused', { attempt: 2 })), 'tcp 10.0.0.5:5432 → refused in 0.4 ms (attempt 3)');
  });
  it('dns: answers, failures, literals and a disagreement', () => {
    assert.equal(describeEvidence(dns('db.internal', ['10.0.0.5', 'fd00::5'])), 'dns db.internal → 10.0.0.5, fd00::5 (system resolver) in 1.2 ms');
    assert.equal(describeEvidence(dns('nope.internal', [], { error: 'ENOTFOUND', ms: 3 })), 'dns nope.internal → not found (ENOTFOUND) (system resolver) in 3 ms');
    assert.equal(describeEvidence(dns('10.0.0.5', ['10.0.0.5'], { literal: true })), 'dns 10.0.0.5 is an address literal; no lookup needed');
    const split = dns('db.internal', ['10.0.0.5'], { dnsServers: [{ address: '10.0.0.9', family: 4 }], disagree: true });
    assert.equal(describeEvidence(split), 'dns db.internal → 10.0.0.5 (system resolver) in 1.2 ms; dns servers say 10.0.0.9 while the hosts file says 10.0.0.5');
  });
  it('banner: what answered', () => {
    assert.equal(describeEvidence(banner('127.0.0.1', 'postgres', { port: 5433 })), '127.0.0.1:5433 answers (postgres)');
    assert.equal(describeEvidence(banner('::1', 'silent', { ms: 1000 })), '[::1]:5432 accepts but says nothing for 1 s');
    assert.equal(describeEvidence(banner('10.0.0.5', 'silent', { closed: 'eof' })), '10.0.0.5:5432 accepts, then closes without a word');
    assert.equal(describeEvidence(banner('10.0.0.5', 'unknown', { closed: 'reset' })), '10.0.0.5:5432 accepts, then resets the connection');
    assert.equal(describeEvidence(banner('10.0.0.5', 'unknown', { detail: 'HELLO' })), '10.0.0.5:5432 answers with something unrecognised: "HELLO"');
  });
  it('tls: version, names, expiry, trust', () => {
    assert.equal(describeEvidence(tls('10.0.0.5')), 'tls 10.0.0.5:443 → TLSv1.3, cert for api.corp, expires 2027-01-02');
    assert.equal(
      describeEvidence(tls('10.0.0.5', { names: ['a.corp', 'b.corp', 'c.corp'], verifyError: 'CERT_HAS_EXPIRED', ok: false })),
      'tls 10.0.0.5:443 → TLSv1.3, cert for a.corp (+2 more), expires 2027-01-02, not trusted (CERT_HAS_EXPIRED)',
    );
    assert.equal(describeEvidence(tls('10.0.0.5', { ok: false, error: 'ERR_SSL_WRONG_VERSION_NUMBER', ms: 2 })), 'tls 10.0.0.5:443 → no handshake (ERR_SSL_WRONG_VERSION_NUMBER) in 2 ms');
  });
  it('http, nearby and unix', () => {
    assert.equal(describeEvidence(http('http://shop.corp/', 502, { server: 'nginx' })), 'http GET http://shop.corp/ → 502 (nginx) in 3 ms');
    assert.equal(describeEvidence(http('http://shop.corp/', null, { error: 'ECONNRESET' })), 'http GET http://shop.corp/ → failed (ECONNRESET) in 3 ms');
    assert.equal(describeEvidence(nearby('10.0.0.5', 5433, 'open')), 'nearby 10.0.0.5:5433 → open in 0.3 ms');
    assert.equal(describeEvidence(unix('/var/run/docker.sock', 'missing', 'ENOENT')), 'unix /var/run/docker.sock → missing');
    assert.equal(describeEvidence(unix('/var/run/docker.sock', 'denied', 'EACCES')), 'unix /var/run/docker.sock → permission denied (EACCES)');
  });
});
