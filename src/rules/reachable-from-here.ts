// Everything answers from here: the failure lives on the reporter's side of the network.
import type { Rule } from './types.js';
import { spoke } from './view.js';

export const reachableFromHere: Rule = {
  id: 'reachable-from-here',
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
      commands: [
        { run: 'refused {host} {port}' },
        { run: 'nc -vz -w 3 {host} {port}', os: 'linux' },
        { run: 'nc -vz -G 3 {host} {port}', os: 'macos' },
        { run: 'Test-NetConnection {host} -Port {port}', os: 'windows' },
      ],
    },
    {
      text: 'Compare the name\'s answer there with the one here ({resolved}):',
      commands: [{ run: 'getent ahosts {host}', os: 'linux' }, { run: 'dscacheutil -q host -a name {host}', os: 'macos' }, { run: 'Resolve-DnsName {host}', os: 'windows' }],
    },
    {
      text: 'Check what the client really uses: the host and port in its config or environment, and any proxy variables:',
      commands: [
        { run: 'env | grep -iE "_proxy|host|port|url"', os: 'linux' },
        { run: 'env | grep -iE "_proxy|host|port|url"', os: 'macos' },
        { run: "Get-ChildItem Env: | Where-Object Name -match 'proxy|host|port|url'", os: 'windows' },
      ],
    },
    {
      text: 'If the client runs in a container or pod, check from inside it (if the image has nc): its network, DNS and localhost are its own:',
      commands: [{ run: 'docker exec <container> nc -vz -w 3 {host} {port}' }, { run: 'kubectl exec <pod> -- nc -vz -w 3 {host} {port}' }],
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
