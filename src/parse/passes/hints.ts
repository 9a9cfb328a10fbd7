// Tags for the rules: what the text around the error says about it beyond its kind and endpoint (a TLS
// certificate problem, a kubectl without a kubeconfig, a client inside a container, an empty host setting …).
// The order of the checks is the order the tags appear in.
import { looksInContainer } from '../context.js';
import type { Pass } from '../draft.js';

export const addHints: Pass = (d, ctx) => {
  const { near } = ctx;
  const hints = d.hints;
  const add = (tag: string) => { if (!hints.includes(tag)) hints.push(tag); };
  if (d.service === 'grpc') add('grpc');
  if (ADMIN_PROHIBITED.test(near)) add('admin-prohibited');
  if (d.kind === 'tls' && TLS_CERT.test(near)) add('tls-cert');
  // A TLS client met plain bytes (or a plain client met TLS): the classic http:// vs https:// mix-up.
  if (d.kind === 'tls' && TLS_PLAIN.test(near)) add('tls-plain');
  // Both sides spoke TLS and one of them sent an alert: no common version or cipher, SNI, or a client certificate.
  if (d.kind === 'tls' && !hints.includes('tls-cert') && !hints.includes('tls-plain') && TLS_ALERT.test(near)) add('tls-alert');
  // The connection was made; the timeout came while waiting for the answer (a slow or stuck server, not a drop).
  if (d.kind === 'timeout' && AWAITING_RESPONSE.test(near)) add('awaiting-response');
  if ((d.client === 'kubectl' || d.client === 'helm') && d.host === 'localhost' && d.port === 8080) add('kubectl-default');
  if (/AggregateError/.test(near) || (d.runtime === 'node' && d.addresses.length > 1)) add('aggregate');
  if (!hints.includes('in-container') && looksInContainer(ctx.clean, d.host)) hints.push('in-container');
  // The proxy itself failed, though its address is not in the text (requests, urllib3 SOCKS pools).
  if (PROXY_FAILED.test(near) && !hints.includes('proxy')) {
    hints.push('proxy');
    // The pool names where the request was going, not the proxy: keep it as the destination.
    if (!d.proxy && !d.destination && d.host) d.destination = { host: d.host, port: d.port };
  }
  // The client had no host at all: its setting was empty and the library printed nil / None / undefined.
  if (!d.host && HOST_UNSET.test(near)) hints.push('host-unset');
};

const ADMIN_PROHIBITED = /administratively prohibited|\badmin(?:istratively)?[ -]prohibited\b/i;

// Certificate verification failures (as opposed to a handshake that never happened).
const TLS_CERT = /x509: |does not match certificate's altnames|certificate signed by unknown authority|self[- ]signed certificate|CERT_HAS_EXPIRED|certificate has expired|certificate verify failed|CERTIFICATE_VERIFY_FAILED|unable to (?:get local issuer certificate|verify the first certificate)|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID|[Hh]ostname mismatch|doesn't match (?:any of the subject alternative names|certificate)|PKIX path building failed|ERR_CERT_[A-Z_]{2,40}|certificate is not valid for/;
const TLS_PLAIN = /wrong version number|WRONG_VERSION_NUMBER|first record does not look like a TLS handshake|packet length too long|http request to an https server|plain HTTP request was sent to HTTPS port|unknown protocol|record layer failure/i;
const TLS_ALERT = /alert handshake failure|handshake_failure|alert protocol version|PROTOCOL_VERSION|no protocols available|unsupported protocol|no shared cipher|NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|TLSV1_ALERT_[A-Z_]{2,40}|tls: handshake failure|tls: protocol version not supported|certificate required|alert bad certificate/;
const AWAITING_RESPONSE = /awaiting (?:response )?headers|Read timed out|ReadTimeout(?:Error)?\b|read timeout|UND_ERR_(?:HEADERS|BODY)_TIMEOUT|HeadersTimeoutError|ESOCKETTIMEDOUT|timeout awaiting response|SocketTimeoutException: Read timed out|net\/http: timeout awaiting response headers/i;
const PROXY_FAILED = /Cannot connect to proxy|Unable to connect to proxy|\bSOCKS(?:HTTPS?)?ConnectionPool\b/;
const HOST_UNSET = /\bfor nil port \d|\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED) (?:undefined|null)\b|\bconnecting to (?:None|nil|null|undefined):\d|\bhost[=:] ?['"]?(?:None|nil|null|undefined)['"]?[,;)\s]/;
