// Every address answered the SYN with a reset: the host is up, and nothing accepts on that port.
import { hostPort } from '../domain/describe.js';
import {
  brewServices, composeLogs, composePs, containerLogs, containers, linux, listenersOn, macos, serviceLogs, serviceStatus,
  testPort, windows, windowsServices,
} from './commands.js';
import type { Rule } from './types.js';
import { composeServiceName, gatewayAnswered, hasHint, loopbackFamilyClue } from './view.js';

export const notListening: Rule = {
  id: 'not-listening',
  title: 'Nothing is listening on {target}',
  explanation:
    'The host answered at once, with a refusal: its kernel received the connection request and had no socket ' +
    'listening on that port, so it sent back a reset. The machine is up and reachable; the service is not running, ' +
    'crashed at start (often on a config error or because the port was already taken), is still starting, or ' +
    'listens on another port or address. A server bound to its own loopback (127.0.0.1) looks exactly the same ' +
    'from outside, and so does a client configured with the wrong host or IP that lands on a machine with nothing on ' +
    'that port. On a Windows server, a listener whose backlog is full also refuses new connections.',
  steps: [
    {
      text: 'On the server, check whether anything listens on port {port}. No line: nothing does. A line with 127.0.0.1:{port} or [::1]:{port}: it listens on loopback only, so other machines are refused (see the bound-to-loopback cause). 0.0.0.0:{port}, [::]:{port} or *:{port}: it listens everywhere, so look at firewalls and the address the client uses:',
      commands: listenersOn('{port}', { windows: 'address' }),
    },
    {
      text: 'Check the service and why it stopped (the last log lines usually say: a config error, or "address already in use" when another process holds the port):',
      requires: 'unit',
      commands: [serviceStatus(), serviceLogs(), brewServices(), windows(windowsServices())],
    },
    {
      text: 'Start it, then check that it stays up and that the listener from the first step appears:',
      requires: 'unit',
      commands: [
        linux('sudo systemctl start {unit} && sleep 3 && systemctl is-active {unit}'),
        macos('brew services start <formula>'),
        windows(`${windowsServices()} | Start-Service`),
      ],
    },
    {
      text: 'If it runs in a container, check that it is up (not Exited or Restarting) and that port {port} is published to the host:',
      commands: [containers(['Names', 'Status', 'Ports'], { all: true }), containerLogs()],
    },
    {
      text: 'In Compose, a service that is still starting refuses connections: make the client wait until it is healthy (a healthcheck plus depends_on: condition: service_healthy), and check it did not crash:',
      requires: 'container',
      commands: [composePs({ all: true }), composeLogs('{composeService}')],
    },
    {
      text: 'From the client side, test the port directly (refused at once: still nothing there; a wait: a firewall drops it):',
      commands: testPort(),
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man8/ss.8.html',
  when({ facts, view }) {
    // A Compose service is reached by its service name; an address says nothing about which service it is.
    const composeService = composeServiceName(facts.host) ?? '<service>';
    const vars = hasHint(facts, 'in-container') ? { container: '1', composeService } : undefined;
    if (view.probed) {
      if (view.refused.length === 0 || view.anyOpen) return null;
      const evidence = view.addresses.map((a) => a.line);
      const nearbyClosed = view.nearby.filter((n) => n.outcome !== 'open');
      if (view.nearbyOpen.length > 0) return { confidence: 0.6, evidence, ...(vars ? { vars } : {}) };
      if (nearbyClosed.length > 0) evidence.push(`nearby ports ${nearbyClosed.map((n) => n.port).join(', ')}: nothing open either`);
      // All refused: decisive. Refused on some addresses and silent on others: still the likeliest story.
      return { confidence: view.allRefused ? 0.9 : 0.8, evidence, ...(vars ? { vars } : {}) };
    }
    // The host in the paste answered with a 50x; what refused is behind it (upstream-refused tells that story).
    if (facts.kind !== 'refused' || gatewayAnswered(facts)) return null;
    // The text points at the other loopback family, or at a library that went to its own default: still possible, not first.
    const elsewhere = loopbackFamilyClue(facts) !== null || hasHint(facts, 'default-endpoint', 'dialled-container-port', 'kafka-no-brokers');
    return {
      confidence: elsewhere ? 0.4 : 0.55,
      evidence: [`the client was refused${facts.host ? ` by ${hostPort(facts.host, facts.port)}` : ''}${facts.errno ? ` (${facts.errno})` : ''}`],
      ...(vars ? { vars } : {}),
    };
  },
};
