// Docker: the CLI and the daemon socket, docker-py and compose v1, Docker Desktop's named pipe on Windows.
import { decodeUri } from '../endpoint.js';
import { ep, unix } from '../patterns.js';
import type { Signature } from './row.js';

export const DOCKER: readonly Signature[] = [
  {
    // docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?
    // permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock
    id: 'docker-daemon', runtime: 'cli', client: 'docker', service: 'docker', kind: null, weight: 3, pre: 'docker daemon',
    re: /(Cannot connect to|Can't connect to|Couldn't connect to|Could not connect to|permission denied while trying to connect to) (?:the )?Docker daemon(?: socket)? at ([a-z+]+:\/\/[^\s]{1,300}?)(?:\.?\s|\.?$|:)/i,
    extract: (m) => {
      const target = m[2]!;
      const denied = /permission denied/i.test(m[1]!);
      // fig / compose v1 print http+unix://var/run/docker.sock (the socket path lost its leading slash).
      // compose 1.x: http+docker://localunixsocket is its name for the default socket.
      if (/^http\+docker:\/\/localunixsocket/i.test(target)) return unix('/var/run/docker.sock', denied ? 'permission denied' : 'no such file', denied ? 'EACCES' : 'ENOENT');
      const sock = /^(?:http\+)?unix:\/\/(\/?[^\s]{1,300})/.exec(target);
      if (sock) {
        const path = sock[1]!.startsWith('/') ? sock[1]! : `/${sock[1]!}`;
        return unix(decodeUri(path), denied ? 'permission denied' : 'no such file', denied ? 'EACCES' : 'ENOENT');
      }
      return { kind: 'refused', errno: 'ECONNREFUSED', ...ep(target.replace(/^[a-z]+:\/\//, '')) };
    },
  },
  {
    // docker-compose v1 / docker-py: Error while fetching server API version: ('Connection aborted.', FileNotFoundError(2, …))
    // The Python client talks to the daemon over its unix socket (docker/transport/unixconn.py).
    id: 'docker-py-api-version', runtime: 'python', client: 'docker-py', service: 'docker', kind: 'unix_socket', weight: 3,
    pre: 'error while fetching server api version',
    re: /Error while fetching server API version: ([^\n]{0,200})/,
    extract: (m) => ({
      ...unix('/var/run/docker.sock', m[1], /Refused|111/.test(m[1]!) ? 'ECONNREFUSED' : /PermissionError|\b13\b/.test(m[1]!) ? 'EACCES' : 'ENOENT'),
    }),
  },
  {
    id: 'docker-py-unixconn', runtime: 'python', client: 'docker-py', service: 'docker', kind: null, weight: 0, pre: 'unixconn.py',
    re: /docker\/transport\/unixconn\.py/,
    extract: () => ({ unixSocket: '/var/run/docker.sock' }),
  },
  {
    // Docker Desktop on Windows: open //./pipe/docker_engine: The system cannot find the file specified.
    id: 'docker-pipe', runtime: 'cli', client: 'docker', service: 'docker', kind: 'unix_socket', weight: 3, pre: 'pipe/docker',
    re: /(\/\/\.\/pipe\/[A-Za-z_]{1,60}): ([^\n]{1,120})/,
    extract: (m) => ({ ...unix(m[1]!, m[2]), os: 'windows' }),
  },
];
