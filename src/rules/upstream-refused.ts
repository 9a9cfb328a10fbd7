// nginx (or any reverse proxy) is up and answering; the service behind it is not.
import { describeEvidence, hostPort } from '../domain/describe.js';
import { composePs, containerLogs, httpCheck, linux, serviceEndpoints, serviceStatus, ssListening } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const upstreamRefused: Rule = {
  id: 'upstream-refused',
  title: 'The proxy in front answers, but the server behind it ({upstreamLabel}) does not',
  explanation:
    'A 502 Bad Gateway, 503 or 504 from a reverse proxy (nginx, a load balancer, an ingress) means the proxy itself ' +
    'is reachable and running, and that it could not get an answer from the server it forwards to. nginx logs ' +
    '"connect() failed (111: Connection refused) while connecting to upstream" when the upstream port has no ' +
    'listener. The connection that fails is the proxy\'s, from the proxy\'s host: the app behind it crashed, ' +
    'listens on another port or interface, or, when nginx runs in a container, proxy_pass points at 127.0.0.1, ' +
    'which is the nginx container itself (use the upstream\'s service name instead).',
  steps: [
    {
      text: 'Read the proxy\'s error log; it names the upstream address it tried:',
      commands: [linux('sudo tail -n 50 /var/log/nginx/error.log'), containerLogs('<nginx-container>')],
    },
    {
      text: 'See where requests are sent (proxy_pass / upstream blocks):',
      commands: [linux("sudo nginx -T 2>/dev/null | grep -nE 'proxy_pass|upstream|server [^{]*;'")],
    },
    {
      text: 'From the proxy\'s host (or inside the nginx container), check the upstream directly:',
      requires: 'upstream',
      commands: httpCheck('http://{upstream}/', ['linux', 'macos']),
    },
    {
      text: 'On the upstream\'s host, check that something listens on port {upstreamPort}, and on which address (127.0.0.1 only is unreachable from a proxy on another host or in a container):',
      requires: 'upstreamPort',
      commands: [linux(ssListening('{upstreamPort}'))],
    },
    {
      text: 'Check that the app behind it is running (and not restarting):',
      commands: [serviceStatus('<app>'), composePs({ all: true }), serviceEndpoints()],
    },
    {
      text: 'If the log says "(13: Permission denied) while connecting to upstream" on RHEL, Fedora or CentOS, SELinux stops nginx from making network connections; allow it:',
      commands: [linux('sudo setsebool -P httpd_can_network_connect 1')],
    },
  ],
  docs: 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass',
  when({ facts, view }) {
    const gateway = view.http.filter((h) => h.status === 502 || h.status === 503 || h.status === 504);
    const hinted = hasHint(facts, 'nginx-upstream', 'upstream', 'http-502', 'http-503', 'http-504');
    if (gateway.length === 0 && !hinted) return null;
    const dest = facts.destination;
    const destView = view.targets.find((t) => t.role === 'destination');
    const destFailing = destView?.addresses.filter((a) => a.first !== 'open') ?? [];
    const evidence = [
      ...gateway.map((h) => describeEvidence(h)),
      ...(hinted ? ['the proxy reported that its upstream refused or failed'] : []),
      ...destFailing.map((a) => a.line),
    ];
    return {
      // "host not found in upstream" is a DNS problem first (dns-not-found tells it); this stays beside it.
      // A timeout (504, "upstream timed out") is the upstream not answering in time, not refusing: not-responding tells it.
      confidence: facts.kind === 'timeout' ? 0.45 : gateway.length > 0 || destFailing.length > 0 ? 0.95 : facts.kind === 'dns' ? 0.55 : 0.93,
      evidence,
      vars: dest
        ? { upstream: hostPort(dest.host, dest.port), upstreamLabel: hostPort(dest.host, dest.port), ...(dest.port !== null ? { upstreamPort: String(dest.port) } : {}) }
        : { upstreamLabel: 'see the proxy log' },
    };
  },
};
