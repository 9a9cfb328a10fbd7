import { tlsCertificate } from '../../src/rules/tls-certificate.js';
import { ctx, facts, noProbe, ruleCases, tcp, tls } from './helpers.js';

const https = facts({ host: 'api.corp', port: 443, scheme: 'https', tls: true, kind: 'tls' });
const at = { host: 'api.corp', port: 443 };

ruleCases(tlsCertificate, {
  fires: [
    { name: 'text alone: a TLS alert or plain bytes, the certificate is barely in question', ctx: ctx(facts({ kind: 'tls', hints: ['tls-alert'] }), [], noProbe(https)), max: 0.3 },
    { name: 'the handshake works, the certificate is not trusted', ctx: ctx(https, [tcp('10.0.0.7', 'open', at), tls('10.0.0.7', { ok: false, verifyError: 'CERT_HAS_EXPIRED' })]), min: 0.85, evidence: /not trusted \(CERT_HAS_EXPIRED\)/, vars: { certNote: ' (CERT_HAS_EXPIRED)' } },
    { name: 'text alone: a certificate hint from the parser', ctx: ctx(facts({ kind: 'tls', hints: ['tls-cert'] }), [], noProbe(https)), min: 0.6, max: 0.75 },
    { name: 'text alone: a TLS error of unknown sort, listed as also possible', ctx: ctx(facts({ kind: 'tls', errno: 'EPROTO' }), [], noProbe(https)), min: 0.3, max: 0.45 },
    { name: 'text alone: self-signed', ctx: ctx(facts({ kind: 'tls', errno: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), [], noProbe(https)), min: 0.6, max: 0.75 },
  ],
  quiet: [
    { name: 'a trusted certificate', ctx: ctx(https, [tcp('10.0.0.7', 'open', at), tls('10.0.0.7')]) },
    { name: 'no handshake at all (tls-mismatch)', ctx: ctx(https, [tcp('10.0.0.7', 'open', at), tls('10.0.0.7', { ok: false, error: 'ERR_SSL_WRONG_VERSION_NUMBER' })]) },
    { name: 'text alone: a refusal', ctx: ctx(facts(), [], noProbe(https)) },
  ],
});
