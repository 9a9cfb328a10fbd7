import { tlsMismatch } from '../../src/rules/tls-mismatch.js';
import { banner, ctx, facts, noProbe, ruleCases, tcp, tls } from './helpers.js';

const https = facts({ host: 'api.corp', port: 443, scheme: 'https', tls: true, service: 'http' });
const at = { host: 'api.corp', port: 443 };

ruleCases(tlsMismatch, {
  fires: [
    { name: 'TLS expected, the handshake meets plain TCP', ctx: ctx(https, [tcp('10.0.0.7', 'open', at), tls('10.0.0.7', { ok: false, error: 'ERR_SSL_WRONG_VERSION_NUMBER', names: [], validTo: null, version: null })]), min: 0.85, evidence: /no handshake \(ERR_SSL_WRONG_VERSION_NUMBER\)/ },
    { name: 'TLS expected, the banner is plain http', ctx: ctx(https, [tcp('10.0.0.7', 'open', at), banner('10.0.0.7', 'http', { port: 443 })]), min: 0.85, evidence: /client expects TLS/ },
    { name: 'rediss:// against a plain redis port', ctx: ctx(facts({ service: 'redis', tls: true, scheme: 'rediss', port: 6379 }), [tcp('10.0.0.5', 'open', { port: 6379 }), banner('10.0.0.5', 'redis', { port: 6379 })]), min: 0.85 },
    { name: 'plain http:// against a TLS port', ctx: ctx(facts({ scheme: 'http', tls: false, port: 8443 }), [tcp('10.0.0.5', 'open', { port: 8443 }), banner('10.0.0.5', 'tls', { port: 8443 })]), min: 0.85, evidence: /speaks plain TCP/ },
    { name: 'text alone: a handshake error', ctx: ctx(facts({ kind: 'tls', errno: 'EPROTO' }), [], noProbe(https)), min: 0.5, max: 0.7 },
    { name: 'text alone: a certificate error is only a side note here', ctx: ctx(facts({ kind: 'tls', errno: 'CERT_HAS_EXPIRED' }), [], noProbe(https)), max: 0.4 },
    { name: 'text alone: the certificate hint (x509, verify failed) is a side note too', ctx: ctx(facts({ kind: 'tls', hints: ['tls-cert'] }), [], noProbe(https)), max: 0.4 },
    { name: 'text alone: "wrong version number" says the answer was not TLS', ctx: ctx(facts({ kind: 'tls', hints: ['tls-plain'] }), [], noProbe(https)), min: 0.8, evidence: /not TLS/, vars: { tlsStory: 'TLS on one side, plain TCP on the other' } },
    { name: 'text alone: a TLS alert is a disagreement between two TLS speakers', ctx: ctx(facts({ kind: 'tls', hints: ['tls-alert'] }), [], noProbe(https)), min: 0.5, max: 0.7, evidence: /TLS alert/, vars: { alert: '1' } },
  ],
  quiet: [
    { name: 'TLS expected and a good handshake', ctx: ctx(https, [tcp('10.0.0.7', 'open', at), banner('10.0.0.7', 'tls', { port: 443 }), tls('10.0.0.7')]) },
    { name: 'postgres with sslmode: the port greets in postgres', ctx: ctx(facts({ service: 'postgres', tls: true }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres')]) },
    { name: 'plain expected, plain answers', ctx: ctx(facts({ scheme: 'http', tls: false, port: 80 }), [tcp('10.0.0.5', 'open', { port: 80 }), banner('10.0.0.5', 'http', { port: 80 })]) },
    { name: 'refused', ctx: ctx(https, [tcp('10.0.0.7', 'refused', at)]) },
    {
      name: 'a port that accepts and never says anything: the handshake times out, which says nothing about TLS',
      ctx: ctx(facts({ port: 8080 }), [tcp('127.0.0.1', 'open', { port: 8080 }), tls('127.0.0.1', { port: 8080, ok: false, error: 'ETIMEDOUT', names: [], validTo: null, version: null })]),
    },
    { name: 'text alone: refused', ctx: ctx(facts(), [], noProbe(https)) },
  ],
});

ruleCases({ ...tlsMismatch, id: 'tls-mismatch (in-band TLS)' }, {
  fires: [],
  quiet: [
    {
      name: 'postgres sslmode=require: a direct TLS handshake fails, the port greets in postgres',
      ctx: ctx(facts({ service: 'postgres', tls: true }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres'), tls('10.0.0.5', { port: 5432, ok: false, error: 'ECONNRESET' })]),
    },
  ],
});
