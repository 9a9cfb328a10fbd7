// No route to the host, or the host does not answer on its own network: the packets never reach a port.
import { perOs } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

const ROUTE = { unreachableWhy: 'no route, or the host is down' };
const NO_SOURCE = { unreachableWhy: 'this machine has no source address or free local port for it' };

export const hostUnreachable: Rule = {
  id: 'host-unreachable',
  title: '{Subject} cannot be reached from here ({unreachableWhy})',
  explanation:
    'The connection failed before any port was involved. ENETUNREACH ("Network is unreachable") means this machine ' +
    'has no route to that network at all: a missing VPN, a missing default route, or an IPv6 address on a machine ' +
    'without IPv6. EHOSTUNREACH ("No route to host") means a router or this machine gave up delivering to the host: ' +
    'on the same subnet nobody answered ARP / neighbour discovery (host down, wrong address), further away a router ' +
    'said so. A firewall rejecting with admin-prohibited produces the same EHOSTUNREACH, so if another port on the ' +
    'host answers, read the firewall-reject cause instead. EADDRNOTAVAIL ("Cannot assign requested address") never ' +
    'left this machine: it had no source address for the connection (an IPv6 target on a machine without IPv6) or ' +
    'no free local port (many short-lived connections left in TIME_WAIT; see `ss -s`).',
  steps: [
    {
      text: 'See which route and interface this machine would use:',
      commands: perOs({ linux: 'ip route get {address}', macos: 'route -n get {address}', windows: 'Find-NetRoute -RemoteIPAddress {address}' }),
    },
    {
      text: 'Check whether the host answers at all, and on the local subnet whether it answers ARP / neighbour discovery (FAILED / INCOMPLETE: nobody has that address):',
      commands: perOs({
        linux: 'ping -c 3 {address}; ip neigh show {address}',
        macos: 'ping -c 3 {address}; arp -n {address}',
        windows: 'ping -n 3 {address}; Get-NetNeighbor -IPAddress {address}',
      }),
    },
    { text: 'If the address is on a private network (10.x, 172.16–31.x, 192.168.x, fd00::/8), make sure the VPN or peering that leads there is up on this machine.' },
    {
      text: 'Trace where the path ends:',
      commands: perOs({ posix: 'traceroute -n {address}', windows: 'tracert -d {address}' }),
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man8/ip-route.8.html',
  when({ facts, view }) {
    if (view.probed) {
      const unreachable = view.unreachable;
      if (unreachable.length > 0) {
        const up = unreachable.some((a) => a.hostUp);
        const noRoute = unreachable.every((a) => a.errnos.includes('ENETUNREACH'));
        return { confidence: up ? 0.35 : noRoute ? 0.92 : 0.88, evidence: unreachable.map((a) => a.line), vars: ROUTE };
      }
      // EADDRNOTAVAIL on connect: no usable source address for that family (IPv6 without IPv6), i.e. no route.
      const noSource = view.addresses.filter((a) => a.errnos.includes('EADDRNOTAVAIL'));
      if (noSource.length > 0 && !view.anyOpen) return { confidence: 0.7, evidence: noSource.map((a) => a.line), vars: NO_SOURCE };
      // A host that is down behind a router shows no error at all, only silence.
      if (view.allTimeout && !view.addresses.some((a) => a.hostUp)) return { confidence: 0.3, evidence: view.timeout.map((a) => a.line), vars: ROUTE };
      return null;
    }
    if (facts.errno === 'EADDRNOTAVAIL') {
      return { confidence: 0.55, evidence: ['the client got EADDRNOTAVAIL ("Cannot assign requested address"): this machine had no source address or free local port for the connection'], vars: NO_SOURCE };
    }
    if (facts.kind === 'unreachable') {
      // Ping works: the host is routed and up, so this is a filter's answer (firewall-reject), not a missing route.
      if (hasHint(facts, 'ping-works')) return { confidence: 0.35, evidence: [`the client got ${facts.errno ?? 'a host unreachable error'}, though ping to the host works`], vars: ROUTE };
      return { confidence: facts.errno === 'ENETUNREACH' ? 0.6 : 0.55, evidence: [`the client got ${facts.errno ?? 'a host/network unreachable error'}`], vars: ROUTE };
    }
    // A timeout after the connection was made says the host was up.
    if (facts.kind === 'timeout' && !hasHint(facts, 'awaiting-response')) return { confidence: 0.1, evidence: ['a host that is down or off the network also shows as a timeout'], vars: ROUTE };
    return null;
  },
};
