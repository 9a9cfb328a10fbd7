// The handshake works, but the client does not trust the certificate (expired, wrong name, unknown CA).
import { describeEvidence } from '../domain/describe.js';
import { osByOs, posix, sClient, setEnv, windows } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

const CERT_ERRNO = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|DEPTH_ZERO/i;

export const tlsCertificate: Rule = {
  id: 'tls-certificate',
  title: 'The TLS certificate at {target} is not trusted{certNote}',
  explanation:
    'TLS itself works: the server answered the handshake. The client then refused the certificate: it expired, it ' +
    'was issued for another name than the one the client used, or it chains up to a CA the client does not know ' +
    '(a self-signed or company CA, a TLS-inspecting proxy, or a server that sends its certificate without the ' +
    'intermediate). Fix the server\'s certificate or chain, or give the client the CA; turning verification off ' +
    'only hides the problem.',
  steps: [
    {
      text: 'See why verification fails (e.g. "certificate has expired", "unable to get local issuer certificate" for an unknown CA or a missing intermediate, "self-signed certificate"):',
      commands: [...posix(`${sClient()} 2>/dev/null | grep -E 'depth=|verify error|Verify return code'`), windows('curl.exe -sSv https://{endpoint}/ -o NUL')],
    },
    {
      text: 'Show the certificate the server sends: names (SANs), issuer and dates:',
      commands: posix(`${sClient()} 2>/dev/null | openssl x509 -noout -text | grep -E 'Subject:|Issuer:|Not Before|Not After|DNS:|IP Address:'`),
    },
    {
      text: 'If the CA is your company\'s, hand it to the client instead of disabling checks (set it before the program starts; REQUESTS_CA_BUNDLE replaces the default bundle rather than adding to it):',
      commands: osByOs(
        setEnv('NODE_EXTRA_CA_CERTS', { posix: '/path/to/ca.pem', windows: 'C:\\path\\to\\ca.pem' }, 'Node'),
        setEnv('REQUESTS_CA_BUNDLE', { posix: '/path/to/bundle.pem', windows: 'C:\\path\\to\\bundle.pem' }, 'Python requests'),
      ),
    },
    { text: 'If the name does not match, connect with a name the certificate lists, or reissue it with {host} in its subject alternative names (the common name alone no longer counts). If the chain lacks an intermediate, configure the server to send the full chain (e.g. nginx ssl_certificate pointing at fullchain.pem).' },
  ],
  docs: 'https://nodejs.org/api/tls.html#x509-certificate-error-codes',
  when({ facts, view }) {
    const untrusted = view.addresses.filter((a) => a.tls?.verifyError);
    if (untrusted.length > 0) {
      return {
        confidence: 0.9,
        evidence: untrusted.map((a) => describeEvidence(a.tls!)),
        vars: { certNote: ` (${untrusted[0]!.tls!.verifyError!})` },
      };
    }
    if (view.probed || facts.kind !== 'tls') return null;
    const certErrno = CERT_ERRNO.test(facts.errno ?? '') ? facts.errno : null;
    // The parser says tls-cert for every certificate complaint it knows (x509: …, certificate verify failed …).
    if (certErrno || hasHint(facts, 'tls-cert')) {
      return { confidence: 0.75, evidence: [`the client rejected the server's certificate${certErrno ? ` (${certErrno})` : ''}`], vars: { certNote: certErrno ? ` (${certErrno})` : '' } };
    }
    // A handshake alert or plain bytes: the certificate was never the question (a client certificate at most).
    if (hasHint(facts, 'tls-plain', 'tls-alert')) {
      return { confidence: 0.15, evidence: ['the TLS handshake failed before any certificate was judged'], vars: { certNote: '' } };
    }
    // Most TLS failures people paste are certificate ones; without a sign either way, list it next.
    return { confidence: 0.4, evidence: ['the TLS handshake failed; an untrusted certificate is one common reason'], vars: { certNote: '' } };
  },
};
