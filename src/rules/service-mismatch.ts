// The port answers, in another protocol than the client speaks: it is some other service's port.
import { describeEvidence } from '../domain/describe.js';
import { SERVICE_PORTS } from '../parse/services.js';
import { containers, linux, listenersOn, macos } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, spoke } from './view.js';

export const serviceMismatch: Rule = {
  id: 'service-mismatch',
  title: 'Port {port} answers in {found}, not {expected}',
  explanation:
    'Something listens on the port, but it is not the service the client expects: the first bytes it sends back ' +
    'belong to another protocol. The client then fails with a protocol error, a reset or a hang rather than a clean ' +
    'refusal. Usually the port number is wrong (an admin UI, a metrics endpoint or another database on that port), ' +
    'a port mapping or port-forward points at the wrong container or pod, or a proxy sits in front.',
  steps: [
    {
      text: 'On the server, find the process that owns port {port}:',
      commands: listenersOn('{port}', { windows: 'process' }),
    },
    { text: '{expected} usually listens on {usualPort}; check the port in the client\'s connection settings.', requires: 'usualPort' },
    {
      text: 'If containers or port-forwards are involved, see which one holds port {port} on the host (the PORTS column reads host:port->container port):',
      commands: [
        containers(['Names', 'Image', 'Ports']),
        linux('pgrep -af port-forward   # a kubectl port-forward holding the port'),
        macos('pgrep -lf port-forward   # a kubectl port-forward holding the port'),
      ],
    },
  ],
  docs: 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml',
  when({ facts, view }) {
    // From the text alone: the client read an answer in another protocol (a Redis client got "H" from "HTTP/1.1").
    if (!view.probed && hasHint(facts, 'other-protocol')) {
      const service = facts.service ?? null;
      const usual = service ? SERVICE_PORTS[service][0] : undefined;
      return {
        confidence: 0.85,
        evidence: [`the client connected and read an answer that is not its protocol${facts.matched ? `: ${facts.matched}` : ''}`],
        vars: { found: 'another protocol', expected: service ?? 'the client\'s protocol', ...(usual !== undefined && usual !== facts.port ? { usualPort: String(usual) } : {}) },
      };
    }
    const expected = view.expected;
    // TLS against plain is tls-mismatch's story; here the protocols themselves differ.
    if (expected === null || expected === 'tls') return null;
    const other = view.open.filter((a) => spoke(a.protocol) && a.protocol !== expected && a.protocol !== 'tls');
    const first = other[0];
    if (!first || !first.banner) return null;
    const service = facts.service ?? view.target?.service ?? null;
    // A service's first port is its default (the parser's one table of them).
    const usual = service ? SERVICE_PORTS[service][0] : undefined;
    return {
      confidence: 0.9,
      evidence: other.map((a) => `${describeEvidence(a.banner!)}; the client expects ${expected}`),
      vars: { found: first.protocol!, expected: service ?? expected, ...(usual !== undefined && usual !== first.port ? { usualPort: String(usual) } : {}) },
    };
  },
};
