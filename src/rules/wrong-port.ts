// Nothing on the port, but a neighbouring one answers, ideally in the expected protocol: a port mix-up.
import { hostPort } from '../domain/describe.js';
import { allListeners, anyOs, linux, macos, publishedPorts, testPort, windows } from './commands.js';
import type { Match, Rule } from './types.js';
import { CONFIGURED_PORT_NOTE } from '../parse/passes/reporter-context.js';
import { gatewayAnswered, hasHint, spoke, type NearbyView } from './view.js';

export const wrongPort: Rule = {
  id: 'wrong-port',
  title: 'The service may be on another port{thanPort}{openNote}',
  explanation:
    'The client may be knocking on a port where the service is not. Usually the server was started on another ' +
    'port than the client expects: a second instance that took the next free port (a second PostgreSQL cluster on ' +
    '5433, Vite moving from 5173 to 5174 or Create React App to 3001 when the first port is busy), a port changed ' +
    'in the server\'s config but not in the client\'s, a client falling back to the default port because its own ' +
    'setting was not read, or a container published on a different host port than the one inside it. When a port ' +
    'next to it answers, that is usually where the service went.',
  steps: [
    {
      text: 'Try the port that answers: {openTarget}{openProtocol}.',
      requires: 'openPort',
      commands: testPort('{openAddress}', '{openPort}'),
    },
    {
      text: 'On the server, list the listening ports with their processes to find where the service really is:',
      commands: allListeners(),
    },
    // Read the config files: a client with default settings does not reach a server that moved to another port.
    {
      text: 'Check the port in the server\'s config (pg_lsclusters, on Debian/Ubuntu, lists every cluster with its port):',
      service: ['postgres'],
      commands: [
        linux('pg_lsclusters'),
        linux("sudo grep -n '^port' /etc/postgresql/*/main/postgresql.conf"),
        macos('grep -n \'^port\' "$(brew --prefix)"/var/postgresql*/postgresql.conf'),
        windows("Select-String -Path \"$env:ProgramFiles\\PostgreSQL\\*\\data\\postgresql.conf\" -Pattern '^port'"),
      ],
    },
    {
      text: 'Check the port in the server\'s config:',
      service: ['mysql'],
      commands: [
        linux("sudo grep -rn '^port' /etc/mysql/"),
        macos('grep -n \'^port\' "$(brew --prefix)"/etc/my.cnf'),
        windows("Select-String -Path 'C:\\ProgramData\\MySQL\\*\\my.ini' -Pattern '^port'"),
      ],
    },
    {
      text: 'Check the port in the server\'s config:',
      service: ['redis'],
      commands: [
        linux("sudo grep -nE '^(port|bind)' /etc/redis/redis.conf"),
        macos('grep -nE \'^(port|bind)\' "$(brew --prefix)"/etc/redis.conf'),
      ],
    },
    {
      text: 'For a container, the host port can differ from the container port; see the mapping:',
      commands: [anyOs('docker ps --format "table {{.Names}}\\t{{.Ports}}"'), publishedPorts()],
    },
  ],
  docs: 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml',
  when({ facts, view }): Match | null {
    const thanPort = facts.port !== null ? ` than ${facts.port}` : '';
    if (!view.probed) {
      if (facts.kind !== 'refused' || gatewayAnswered(facts)) return null;
      // The paste's own configuration names another port than the one dialled (a Compose publish, a DSN).
      const configured = facts.notes.find((n) => n.startsWith(CONFIGURED_PORT_NOTE));
      if (configured && !hasHint(facts, 'dialled-published-port')) {
        const port = /^(\d{1,5})/.exec(configured.slice(CONFIGURED_PORT_NOTE.length))?.[1] ?? '';
        return {
          // The container side of a published port, dialled from the host, is a port mix-up for sure.
          confidence: hasHint(facts, 'dialled-container-port') ? 0.9 : 0.75,
          evidence: [configured, `the client dialled ${hostPort(facts.host ?? 'the server', facts.port)}`],
          vars: { openNote: port ? `: the configuration says ${port}` : '', thanPort, ...(port ? { openPort: port, openAddress: facts.host ?? '<host>', openTarget: hostPort(facts.host ?? '<host>', Number(port)), openProtocol: '' } : {}) },
        };
      }
      // An inferred (default) port is a guess; a server on a non-default port is then quite possible.
      return {
        confidence: facts.portInferred ? 0.35 : 0.15,
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
