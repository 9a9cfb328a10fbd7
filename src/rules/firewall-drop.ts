// No answer at all: packets to the port vanish. A filter dropping them, or a host/route that swallows them.
import { hostPort } from '../domain/describe.js';
import { acceptQueue, allowPort, firewallFrontends, linux, macos, testPort, windows } from './commands.js';
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
      commands: testPort(),
    },
    {
      text: 'On the server, watch whether the connection attempts arrive at all (they arrive and get no answer: host firewall; they never arrive: something in between):',
      commands: [linux("sudo tcpdump -ni any 'tcp port {port} and tcp[tcpflags] & tcp-syn != 0'")],
    },
    {
      text: 'Read the host firewall rules and their counters:',
      commands: [
        linux('sudo nft list ruleset'),
        linux('sudo iptables -L -n -v'),
        ...firewallFrontends(),
        macos('/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate; /usr/libexec/ApplicationFirewall/socketfilterfw --getstealthmode'),
        macos('sudo pfctl -sr'),
        windows('Get-NetFirewallProfile | Select-Object Name, Enabled, DefaultInboundAction'),
        windows('Get-NetFirewallPortFilter -Protocol TCP | Where-Object LocalPort -eq {port} | Get-NetFirewallRule | Select-Object DisplayName, Enabled, Direction, Action'),
      ],
    },
    { text: 'In a cloud, check the security group / network security group / VPC firewall rule and the subnet\'s network ACL: port {port} must be allowed inbound from the client\'s source address (and a stateless network ACL must also let the replies out to the client\'s ephemeral ports).' },
    {
      text: 'Rule out a full accept queue on the server (Recv-Q reaching Send-Q, overflow counters growing):',
      commands: acceptQueue(),
    },
    {
      text: 'Once you know the host firewall is the one dropping, allow the port (from the client\'s network only, where you can):',
      commands: allowPort(),
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
    return { confidence: afterConnect ? 0.3 : 0.7, evidence: [`the client timed out connecting${facts.host ? ` to ${hostPort(facts.host, facts.port)}` : ''}${facts.errno ? ` (${facts.errno})` : ''}`] };
  },
};
