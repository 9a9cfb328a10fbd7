// The reporter's client resolved the name (it got as far as a refusal or a timeout), yet it does not resolve
// from here: it lives in a network of its own (a Compose project, a cluster, a VPN's DNS) that this vantage
// point cannot see. Say so, and hand over the commands that look from inside that network.
import { anyOs, composeExec, composeLogs, composePs, nc, serviceEndpoints } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, saysNoSuchName } from './view.js';

export const privateName: Rule = {
  id: 'private-name',
  title: '{host} is a name inside your own network, which cannot be resolved from here',
  explanation:
    'The failing client did resolve this name: its error is about connecting, not about the name. From here the ' +
    'same name does not resolve, so it belongs to a network with its own DNS: a Docker Compose project (service ' +
    'names resolve only inside the project network), a Kubernetes cluster (service names resolve only in pods), or ' +
    'a VPN or office network with private DNS. A probe from here would test nothing; the check has to run inside ' +
    'that network. The other causes listed are what the error text itself points to.',
  steps: [
    {
      text: 'From the client container or pod, resolve the name and try the port:',
      commands: [
        composeExec('<client-service>', `sh -c 'getent hosts {host}; ${nc('{host}', '{port}')}'`),
        anyOs(`kubectl exec -it <client-pod> -- sh -c "getent hosts {host}; ${nc('{host}', '{port}')}"`),
      ],
    },
    {
      text: 'Look at the server side in that network (is it running, healthy, and does the Service have endpoints):',
      commands: [composePs({ all: true, service: '{host}' }), composeLogs('{host}'), serviceEndpoints('{host}')],
    },
    { text: 'If this tool should see such names, run it inside that network (as a Compose service or a pod), or give it a resolver that knows them.' },
  ],
  docs: 'https://docs.docker.com/compose/how-tos/networking/',
  when({ facts, view }) {
    const host = facts.host;
    if (!host || facts.kind === 'dns' || facts.kind === 'none') return null;
    const dns = view.dns;
    // Only "no such name" says the name is private; a resolver that timed out says nothing about the name.
    if (!dns || dns.literal || !saysNoSuchName(dns.error)) return null;
    const inside = hasHint(facts, 'in-container') || !host.includes('.') || /\.(?:svc|cluster\.local|internal|local|lan|corp|home\.arpa)$/i.test(host);
    // Not the cause of the failure, but why this answer rests on the text: right under what the text says.
    return {
      confidence: inside ? 0.5 : 0.4,
      evidence: [`the client reached the point of connecting to ${host}, so it resolved the name; from here it does not resolve (${dns.error})`],
    };
  },
};
