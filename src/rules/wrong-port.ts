// Nothing on the port, but a neighbouring one answers, ideally in the expected protocol: a port mix-up.
import { hostPort } from '../domain/describe.js';
import type { Match, Rule } from './types.js';
import { spoke, type NearbyView } from './view.js';

export const wrongPort: Rule = {
  id: 'wrong-port',
  title: 'The service may be on another port{thanPort}{openNote}',
  explanation:
    'The port the client used has no listener, but a port next to it does. Usually the server was started on ' +
    'another port than the client expects: a second instance that took the next port (PostgreSQL clusters on ' +
    '5433, dev servers moving to 3001 / 8081 when the first port is busy), a port changed in the server\'s config ' +
    'but not in the client\'s, or a container published on a different host port than its internal one.',
  steps: [
    { text: 'Try the port that answers: {openTarget}{openProtocol}.', requires: 'openPort', commands: [{ run: 'nc -vz {openAddress} {openPort}' }] },
    {
      text: 'On the server, list the listening ports with their processes to find where the service really is:',
      commands: [
        { run: 'sudo ss -ltnp', os: 'linux' },
        { run: 'sudo lsof -nP -iTCP -sTCP:LISTEN', os: 'macos' },
        { run: 'Get-NetTCPConnection -State Listen | Sort-Object LocalPort', os: 'windows' },
      ],
    },
    // Run on the server itself, where the client's defaults reach the running instance.
    { text: 'Check the port setting in the server\'s config:', service: ['postgres'], commands: [{ run: "sudo -u postgres psql -c 'SHOW port;'" }, { run: 'pg_lsclusters', os: 'linux' }] },
    { text: 'Check the port setting in the server\'s config:', service: ['mysql'], commands: [{ run: "mysql -e \"SHOW VARIABLES LIKE 'port'\"" }] },
    { text: 'Check the port setting in the server\'s config:', service: ['redis'], commands: [{ run: 'redis-cli CONFIG GET port' }, { run: "grep -E '^(port|bind)' /etc/redis/redis.conf", os: 'linux' }] },
    {
      text: 'For a container, the host port can differ from the container port; see the mapping:',
      commands: [{ run: 'docker ps --format "table {{.Names}}\\t{{.Ports}}"' }, { run: 'docker port <container>' }],
    },
  ],
  docs: 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml',
  when({ facts, view }): Match | null {
    const thanPort = facts.port !== null ? ` than ${facts.port}` : '';
    if (!view.probed) {
      if (facts.kind !== 'refused') return null;
      // An inferred (default) port is a guess; a server on a non-default port is then quite possible.
      return {
        confidence: facts.portInferred ? 0.4 : 0.3,
        evidence: [facts.portInferred ? `port ${facts.port} was not written in the error; it is the service's default` : 'a refusal can mean the client uses the wrong port'],
        vars: { openNote: '', thanPort },
      };
    }
    const targetBroken = !view.allOpen || view.open.some((a) => spoke(a.protocol) && view.expected !== null && a.protocol !== view.expected);
    if (!targetBroken) return null;
    const candidates = view.nearbyOpen;
    const pick = (test: (n: NearbyView) => boolean) => candidates.find(test);
    const best = (view.expected ? pick((n) => n.protocol === view.expected) : undefined) ?? pick((n) => !spoke(n.protocol)) ?? candidates[0];
    if (!best) {
      return view.allRefused ? { confidence: 0.2, evidence: ['no port next to it answers either (only a few were checked)'], vars: { openNote: '', thanPort } } : null;
    }
    const matches = view.expected !== null && best.protocol === view.expected;
    const confidence = matches ? 0.93 : spoke(best.protocol) ? 0.5 : view.allOpen ? 0.55 : 0.8;
    const failing = view.addresses.filter((a) => a.first !== 'open').map((a) => a.line);
    return {
      confidence,
      evidence: [...failing, best.line, ...(best.bannerLine ? [best.bannerLine] : [])],
      vars: {
        openPort: String(best.port),
        openAddress: best.address,
        openTarget: hostPort(best.address, best.port),
        openProtocol: best.protocol && spoke(best.protocol) ? ` (it speaks ${best.protocol})` : '',
        openNote: `: port ${best.port} answers`,
        thanPort,
      },
    };
  },
};
