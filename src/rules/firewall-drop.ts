// No answer at all: packets to the port vanish. A filter dropping them, or a host/route that swallows them.
import { hostPort } from '../domain/describe.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const firewallDrop: Rule = {
  id: 'firewall-drop',
  title: 'Something drops packets to {target} (no answer at all)',
  explanation:
    'A closed port answers at once with a refusal; here nothing came back until the client gave up. That is what a ' +
    'firewall that silently drops does: the host firewall (nftables, iptables, ufw, firewalld, Windows Firewall), a ' +
    'cloud security group or network ACL that does not allow your source address, or a network in between. A host ' +
    'that is down behind a router and a listener whose accept queue is full (Linux drops new connections then) can ' +
    'look the same. Windows Firewall and macOS stealth mode drop by default. If another port on the same host ' +
    'answers, the host is up and this port is filtered.',
  steps: [
    {
      text: 'Confirm from the failing machine, with a short timeout:',
      commands: [
        { run: 'nc -vz -w 3 {host} {port}', os: 'linux' },
        { run: 'nc -vz -G 3 {host} {port}', os: 'macos' },
        { run: 'Test-NetConnection {host} -Port {port}', os: 'windows' },
      ],
    },
    {
      text: 'On the server, watch whether the connection attempts arrive at all (they arrive and get no answer: host firewall; they never arrive: something in between):',
      commands: [{ run: "sudo tcpdump -ni any 'tcp port {port} and tcp[tcpflags] & tcp-syn != 0'", os: 'linux' }],
    },
    {
      text: 'Read the host firewall rules and their counters:',
      commands: [
        { run: 'sudo nft list ruleset', os: 'linux' },
        { run: 'sudo iptables -L -n -v', os: 'linux' },
        { run: 'sudo ufw status verbose', os: 'linux' },
        { run: 'sudo firewall-cmd --list-all', os: 'linux' },
        { run: '/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate; /usr/libexec/ApplicationFirewall/socketfilterfw --getstealthmode', os: 'macos' },
        { run: 'sudo pfctl -sr', os: 'macos' },
        { run: 'Get-NetFirewallProfile | Select-Object Name, Enabled, DefaultInboundAction', os: 'windows' },
        { run: 'Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq {port} | Get-NetFirewallRule | Select-Object DisplayName, Enabled, Direction, Action', os: 'windows' },
      ],
    },
    { text: 'In a cloud, check the security group / network security group / VPC firewall rule and the subnet\'s network ACL: port {port} must be allowed inbound from the client\'s source address (and a stateless network ACL must also let the replies out to the client\'s ephemeral ports).' },
    {
      text: 'Rule out a full accept queue on the server (Recv-Q reaching Send-Q, overflow counters growing):',
      commands: [{ run: "ss -ltn 'sport = :{port}'", os: 'linux' }, { run: 'nstat -az TcpExtListenOverflows TcpExtListenDrops', os: 'linux' }],
    },
    {
      text: 'Once you know the host firewall is the one dropping, allow the port (from the client\'s network only, where you can):',
      commands: [
        { run: 'sudo ufw allow from <client network> to any port {port} proto tcp', os: 'linux' },
        { run: 'sudo firewall-cmd --permanent --add-port={port}/tcp && sudo firewall-cmd --reload', os: 'linux' },
        { run: "New-NetFirewallRule -DisplayName 'Allow TCP {port}' -Direction Inbound -Protocol TCP -LocalPort {port} -Action Allow", os: 'windows' },
      ],
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man8/iptables.8.html',
  when({ facts, view }) {
    if (view.probed) {
      if (view.allTimeout) {
        const up = view.addresses.some((a) => a.hostUp);
        const evidence = view.addresses.map((a) => a.line);
        if (up) evidence.push(...view.nearby.filter((n) => n.outcome === 'open' || n.outcome === 'refused').map((n) => n.line));
        return { confidence: up ? 0.93 : 0.9, evidence };
      }
      // Timeouts on some addresses, refusals or unreachables on the rest and nothing open: part of the story.
      if (view.timeout.length > 0 && !view.anyOpen) return { confidence: 0.5, evidence: view.timeout.map((a) => a.line) };
      return null;
    }
    if (facts.kind !== 'timeout') return null;
    // The connection was made and the answer never came: a drop is possible (a middlebox), no longer the first story.
    const afterConnect = hasHint(facts, 'awaiting-response');
    return { confidence: afterConnect ? 0.3 : 0.6, evidence: [`the client timed out connecting${facts.host ? ` to ${hostPort(facts.host, facts.port)}` : ''}${facts.errno ? ` (${facts.errno})` : ''}`] };
  },
};
