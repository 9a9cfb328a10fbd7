// One side speaks TLS, the other plain TCP: the handshake fails or the first bytes are gibberish.
import { describeEvidence } from '../domain/describe.js';
import { anyOs, httpCheck, linux, macos, osByOs, posix, sClient } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, spoke } from './view.js';

// Ports where TLS comes first: a plain HTTP request there gets silence, an empty reply or a reset.
const TLS_PORTS: ReadonlySet<number> = new Set([443, 8443, 6443, 9443, 4443, 2376, 993, 995, 465, 636]);

export const tlsMismatch: Rule = {
  id: 'tls-mismatch',
  title: '{tlsStory} at {target}',
  explanation:
    'The port is open, but client and server disagree on TLS. A client that starts a TLS handshake against a plain ' +
    'server gets bytes that are not TLS ("wrong version number", "packet length too long", EPROTO) or a reset; a ' +
    'plain client against a TLS port gets garbage, a closed connection, or from nginx a 400 "plain HTTP request was ' +
    'sent to HTTPS port". Typical reasons: http:// vs https://, redis:// vs rediss://, sslmode / ssl options, or TLS ' +
    'ended at a load balancer or ingress so the port behind it speaks plain text. A TLS alert ("handshake failure", ' +
    '"protocol version") is the other disagreement: both sides speak TLS but share no protocol version or cipher, ' +
    'the server needs SNI (the name the client asks for), or it demands a client certificate.',
  steps: [
    {
      text: 'See whether the port speaks TLS (a certificate chain means yes; an immediate error means plain TCP):',
      commands: posix(`${sClient()} 2>&1 | head -n 15`),
    },
    {
      text: 'Try both schemes and see which one answers:',
      commands: osByOs(httpCheck('https://{endpoint}/'), httpCheck('http://{endpoint}/')),
    },
    {
      text: 'PostgreSQL: match the client\'s sslmode to the server\'s ssl setting:',
      service: ['postgres'],
      commands: [anyOs("psql 'host={host} port={port} sslmode=require' -c 'SHOW ssl;'")],
    },
    {
      text: 'Redis: rediss:// and --tls need a TLS port; redis:// needs a plain one:',
      service: ['redis'],
      commands: [anyOs('redis-cli -h {host} -p {port} --tls ping'), anyOs('redis-cli -h {host} -p {port} ping')],
    },
    {
      text: 'MySQL: check the client\'s ssl-mode against the server (a non-empty Ssl_cipher means the session uses TLS; require_secure_transport=ON refuses plain clients; MariaDB\'s client spells the option --ssl):',
      service: ['mysql'],
      commands: [anyOs("mysql -h {host} -P {port} -u <user> -p --ssl-mode=REQUIRED -e \"SHOW SESSION STATUS LIKE 'Ssl_cipher'; SHOW VARIABLES LIKE 'require_secure_transport'\"")],
    },
    {
      text: 'A handshake alert means both sides speak TLS but do not agree: see which TLS versions the server accepts, and whether it wants SNI or a client certificate ("Acceptable client certificate CA names" in the output):',
      requires: 'alert',
      commands: [
        linux(`${sClient('-tls1_2')} 2>&1 | head -n 20`),
        linux(`${sClient('-tls1_3')} 2>&1 | head -n 20`),
        macos(`${sClient('-tls1_2')} 2>&1 | head -n 20`),
      ],
    },
    { text: 'If TLS ends at a load balancer or ingress, clients behind it speak plain text and clients in front speak TLS; fix the scheme in the client\'s URL accordingly.' },
  ],
  docs: 'https://docs.openssl.org/master/man1/openssl-s_client/',
  when({ facts, view }) {
    // postgres and mysql negotiate TLS inside their own protocol, so their port greets in plain text even
    // when the client wants TLS; view.expected already knows that.
    const wantsTls = view.expected === 'tls';
    const wantsPlain = facts.tls === false || facts.scheme === 'http';
    const evidence: string[] = [];
    for (const a of view.open) {
      // A failed handshake (no certificate at all) where TLS was asked for: the server speaks something else.
      // A handshake that timed out met a port that says nothing at all (a TLS server answers a ClientHello at
      // once, a plain one with an error or a hang-up): that is not-responding's evidence, not a disagreement on TLS.
      if (a.tls && a.tlsFailed && a.tls.error && a.tls.error !== 'ETIMEDOUT' && facts.tls !== false) evidence.push(describeEvidence(a.tls));
      else if (wantsTls && spoke(a.protocol) && a.protocol !== 'tls' && a.banner) evidence.push(`${describeEvidence(a.banner)}, but the client expects TLS`);
      else if (wantsPlain && a.protocol === 'tls' && a.banner) evidence.push(`${describeEvidence(a.banner)}, but the client speaks plain TCP`);
    }
    const plainStory = { tlsStory: 'TLS on one side, plain TCP on the other' };
    if (evidence.length > 0) return { confidence: 0.9, evidence, vars: plainStory };
    // curl http:// against a TLS port gets an empty reply or a reset: the server waited for a ClientHello.
    if (!view.probed && facts.kind === 'reset' && facts.tls !== true && facts.scheme === 'http' && facts.port !== null && TLS_PORTS.has(facts.port)) {
      return { confidence: 0.75, evidence: [`plain HTTP to port ${facts.port}, a port that usually speaks TLS, and the server hung up without an answer`], vars: plainStory };
    }
    if (view.probed || facts.kind !== 'tls') return null;
    const handshake = `the client failed during the TLS handshake${facts.errno ? ` (${facts.errno})` : ''}`;
    // A certificate the client could judge came over TLS: both sides speak it, so this is only a side note.
    const cert = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|DEPTH_ZERO/i.test(facts.errno ?? '') || hasHint(facts, 'tls-cert');
    if (cert) return { confidence: 0.2, evidence: [handshake], vars: plainStory };
    // "wrong version number", "packet length too long", "HTTP response to HTTPS client": the bytes that came back
    // were not TLS at all. The paste itself proves it, so it leads even where nothing could be probed (chat, loopback).
    if (hasHint(facts, 'tls-plain')) {
      return { confidence: 0.91, evidence: [`${handshake}: the answer was not TLS (the error says so, e.g. "wrong version number")`], vars: plainStory };
    }
    // A handshake alert: the server spoke TLS and turned the client's offer down.
    if (hasHint(facts, 'tls-alert')) {
      return {
        confidence: 0.6,
        evidence: [`${handshake}: the server sent a TLS alert, so it speaks TLS but rejected what the client offered`],
        vars: { tlsStory: 'Client and server do not agree on TLS (version, cipher, SNI or client certificate)', alert: '1' },
      };
    }
    return { confidence: 0.6, evidence: [handshake], vars: plainStory };
  },
};
