// A filter that answers for the server: a REJECT rule sends back a reset or an ICMP error, which the
// client reports as refused or as "no route to host".
import { allowPort, firewallFrontends, linux, listenersOn, macos, windows } from './commands.js';
import type { Rule } from './types.js';
import { gatewayAnswered, hasHint } from './view.js';

export const firewallReject: Rule = {
  id: 'firewall-reject',
  title: 'A firewall may be rejecting connections to {target}',
  explanation:
    'A firewall rule can reject instead of drop, and then it answers in the server\'s place. With "reject with tcp ' +
    'reset" the client sees exactly what a closed port gives (ECONNREFUSED); iptables\' default ICMP port-unreachable ' +
    'is also reported as "connection refused" on Linux; an ICMP admin-prohibited answer shows up as EHOSTUNREACH / ' +
    '"No route to host" although the host is up. From the client side a rejecting filter and a closed port look the ' +
    'same; on the server, a listener in `ss -ltn` plus a growing counter on a REJECT rule settles it. When the host ' +
    'answers on another port but this one comes back unreachable, a rejecting filter is the likely reason. EPERM or ' +
    'EACCES on connect is this machine\'s own outgoing rules (an OUTPUT chain, an endpoint security agent) saying no.',
  steps: [
    {
      text: 'On the server, check whether a listener exists at all (if it does, yet clients are refused, a filter answers):',
      commands: listenersOn(),
    },
    {
      text: 'Look for REJECT rules and whether their packet counters grow while you retry:',
      commands: [
        linux('sudo nft list ruleset | grep -n reject'),
        linux('sudo iptables -L -n -v --line-numbers | grep -i reject'),
        ...firewallFrontends(),
        macos("sudo pfctl -vsr | grep -A2 'block return'"),
        windows('Get-NetFirewallRule -Enabled True -Direction Inbound -Action Block'),
      ],
    },
    {
      text: 'From the client, see what comes back and who sends it (a TCP reset, or ICMP "admin prohibited" / "port unreachable"; a source address other than the server means a firewall in between):',
      commands: [
        linux("sudo tcpdump -ni any '(host {address} and tcp port {port}) or icmp or icmp6'"),
        macos("sudo tcpdump -ni en0 '(host {address} and tcp port {port}) or icmp or icmp6'   # en0: the Mac's active network interface"),
      ],
    },
    {
      text: 'If the rule is on the server and the port should be open, allow it (from the client\'s network only, where you can):',
      commands: allowPort(),
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man8/iptables-extensions.8.html',
  when({ facts, view }) {
    const prohibited = hasHint(facts, 'admin-prohibited');
    if (view.probed) {
      // connect() itself was forbidden here: the local outgoing filter, not the far end.
      const forbidden = view.addresses.filter((a) => a.errnos.some((e) => e === 'EPERM' || e === 'EACCES'));
      if (forbidden.length > 0 && !view.anyOpen) return { confidence: 0.85, evidence: forbidden.map((a) => `${a.line}: this machine's own firewall refused to send it`) };
      const unreachable = view.unreachable;
      if (unreachable.length > 0) {
        const up = unreachable.filter((a) => a.hostUp);
        if (up.length > 0 || prohibited) {
          const evidence = [...unreachable.map((a) => a.line), ...view.nearby.filter((n) => n.outcome === 'open' || n.outcome === 'refused').map((n) => `${n.line} (so the host is up)`)];
          if (prohibited) evidence.push('the error says "administratively prohibited"');
          return { confidence: 0.9, evidence };
        }
        const netOnly = unreachable.every((a) => a.errnos.every((e) => e === 'ENETUNREACH'));
        return { confidence: netOnly ? 0.2 : 0.35, evidence: unreachable.map((a) => a.line) };
      }
      if (view.refused.length > 0 && !view.anyOpen) return { confidence: 0.25, evidence: view.refused.map((a) => a.line) };
      return null;
    }
    if (prohibited) return { confidence: 0.85, evidence: ['the error says "administratively prohibited": a firewall rejected the connection'] };
    // "No route to host" while ping to the same host works: the host is up and routed; a REJECT rule answers for the port
    // (firewalld's default on RHEL and Fedora rejects with icmp-host-prohibited).
    if (facts.kind === 'unreachable' && hasHint(facts, 'ping-works')) {
      return { confidence: 0.75, evidence: ['the paste shows ping to the host working, yet the connection got "no route to host": a firewall rejects the port'] };
    }
    // EADDRNOTAVAIL never left this machine (no source address or free local port): no firewall sends that.
    if (facts.errno === 'EADDRNOTAVAIL') return null;
    if (facts.kind === 'unreachable' || facts.errno === 'EHOSTUNREACH') {
      return { confidence: facts.errno === 'ENETUNREACH' ? 0.15 : 0.3, evidence: [`the client got ${facts.errno ?? 'an unreachable error'}, which a rejecting firewall can also cause`] };
    }
    // Loopback traffic is practically never filtered: for localhost this is noise, not an alternative.
    if (facts.kind === 'refused' && !view.loopback && !gatewayAnswered(facts)) return { confidence: 0.1, evidence: ['a refusal can also come from a firewall rule that rejects with a reset'] };
    return null;
  },
};
