// The connection was made and then reset: something accepted and changed its mind.
import { describeEvidence } from '../domain/describe.js';
import { anyOs, connectByHand, containerLogs, curlTelnet, linux, publishedPorts } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const connectionReset: Rule = {
  id: 'connection-reset',
  title: '{Target} accepts, then resets the connection',
  explanation:
    'A reset after the connection was set up means something took the connection and then threw it away. Common ' +
    'reasons: a Docker published port whose container has nothing listening inside (docker-proxy accepts, then ' +
    'closes or resets) or whose app listens on 127.0.0.1 inside the container; a server at its connection limit; a TLS or ' +
    'protocol mismatch the server answers with a reset; a load balancer with no healthy backend; or a NAT, firewall ' +
    'or proxy that drops idle connections, so pooled connections die between requests.',
  steps: [
    {
      text: 'Connect by hand and see when the reset comes (at once, or after sending something):',
      commands: [...connectByHand(), ...curlTelnet()],
    },
    {
      text: 'If the port is published by Docker, check what listens inside the container: the app must listen on 0.0.0.0 (or [::]) on the container port, not on 127.0.0.1 (the command falls back to netstat for images without ss):',
      commands: [
        publishedPorts(),
        anyOs("docker exec <container> sh -c 'ss -ltn 2>/dev/null || netstat -ltn'"),
        containerLogs(),
      ],
    },
    { text: 'Check the connection limit:', service: ['postgres'], commands: [anyOs("psql -h {host} -p {port} -c 'SHOW max_connections;' -c 'SELECT count(*) FROM pg_stat_activity;'")] },
    { text: 'Check the connection limit:', service: ['mysql'], commands: [anyOs("mysql -h {host} -P {port} -e \"SHOW VARIABLES LIKE 'max_connections'; SHOW STATUS LIKE 'Threads_connected'\"")] },
    {
      text: 'See who sends the reset (the server, or a box in between):',
      commands: [linux("sudo tcpdump -ni any 'tcp port {port} and tcp[tcpflags] & tcp-rst != 0'")],
    },
    { text: 'For errors on pooled connections after idle time, turn on TCP keepalive or a pool liveness check (pre-ping) and keep the pool\'s idle timeout below the network\'s.' },
  ],
  docs: 'https://man7.org/linux/man-pages/man7/tcp.7.html',
  when({ facts, view }) {
    if (view.probed) {
      const reset = view.reset.map((a) => a.line);
      const dropped = view.open.filter((a) => a.banner?.closed === 'reset').map((a) => describeEvidence(a.banner!));
      if (reset.length === 0 && dropped.length === 0) return null;
      return { confidence: 0.8, evidence: [...reset, ...dropped] };
    }
    if (facts.kind !== 'reset') return null;
    // Another protocol answered (service-mismatch tells it); the reset is how that looked, not the cause.
    if (hasHint(facts, 'other-protocol')) return null;
    return { confidence: 0.7, evidence: [`the connection was reset${facts.errno ? ` (${facts.errno})` : ''}`] };
  },
};
