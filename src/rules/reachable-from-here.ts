// Everything answers from here: the failure lives on the reporter's side of the network.
import { anyOs, nc, perOs, resolveName, testPort } from './commands.js';
import type { Rule } from './types.js';
import { spoke } from './view.js';

export const reachableFromHere: Rule = {
  id: 'reachable-from-here',
  healthy: true,
  title: '{Target} accepts connections from here',
  explanation:
    'From this machine every address of the target accepted the connection (and, where checked, answered in the ' +
    'expected protocol). So the server is up and listening; what fails is specific to where the error happened: ' +
    'that machine\'s DNS answer, its network path (VPN, office network, a security group or firewall rule that allows ' +
    'this machine but not that one), a container or pod whose "localhost" is different, a proxy setting, or the ' +
    'client\'s own configuration pointing somewhere else. The error may also have been temporary and be gone.',
  steps: [
    {
      text: 'Run the same check on the machine (or in the container) where the error happened:',
      commands: [anyOs('refused {host} {port}'), ...testPort()],
    },
    {
      text: 'Compare the name\'s answer there with the one here ({resolved}):',
      commands: resolveName(),
    },
    {
      text: 'Check what the client really uses: the host and port in its config or environment, and any proxy variables:',
      commands: perOs({ posix: 'env | grep -iE "_proxy|host|port|url"', windows: "Get-ChildItem Env: | Where-Object Name -match 'proxy|host|port|url'" }),
    },
    {
      text: 'If the client runs in a container or pod, check from inside it (if the image has nc): its network, DNS and localhost are its own:',
      commands: [anyOs(`docker exec <container> ${nc('{host}', '{port}')}`), anyOs(`kubectl exec <pod> -- ${nc('{host}', '{port}')}`)],
    },
    { text: 'If the server only allows some sources (security group, pg_hba.conf, a firewall allow-list), check that the failing machine\'s source address is allowed, not just this one\'s.' },
  ],
  docs: 'https://learn.microsoft.com/en-us/powershell/module/nettcpip/test-netconnection',
  when({ view }) {
    const unixOpen = view.unix?.outcome === 'open';
    if (!view.allOpen && !unixOpen) return null;
    const expected = view.expected;
    // Open ports whose answer contradicts the client (wrong protocol, TLS trouble, a stuck listener, a 5xx)
    // are other causes' stories; this one then stays a footnote.
    const doubtful =
      view.open.some((a) => (expected !== null && spoke(a.protocol) && a.protocol !== expected) || a.tlsFailed || a.stuck || a.banner?.closed === 'reset') ||
      view.http.some((h) => h.status !== null && h.status >= 500);
    const evidence = [...view.open.map((a) => a.line), ...view.open.flatMap((a) => (a.banner && spoke(a.protocol) ? [`${a.address}:${a.port} answers (${a.protocol})`] : []))];
    if (unixOpen && view.unix) evidence.push(`unix ${view.unix.path} → accepts connections`);
    const resolved = view.dns && !view.dns.error && !view.dns.literal ? view.dns.addresses.map((a) => a.address).join(', ') : view.addresses.map((a) => a.address).join(', ');
    return { confidence: doubtful ? 0.3 : 0.85, evidence, vars: { resolved: resolved || 'the address probed here' } };
  },
};
