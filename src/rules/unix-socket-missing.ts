// A unix socket path with no server behind it: daemon down, wrong path, stale file, or no permission.
import { describeEvidence } from '../domain/describe.js';
import type { Service } from '../domain/types.js';
import { anyOs, brewServices, linux, macos, perOs, posix, serviceRestart, serviceStart, serviceStatus, windows } from './commands.js';
import type { Rule } from './types.js';
import { SERVICE_UNITS } from './view.js';

const SERVICE_NAMES: Partial<Record<Service, string>> = {
  postgres: 'PostgreSQL', mysql: 'MySQL', redis: 'Redis', mongodb: 'MongoDB', docker: 'Docker', grpc: 'gRPC',
};

// Where the usual Linux packages put the socket, for steps when the error does not say.
const USUAL_SOCKETS: Partial<Record<Service, string>> = {
  postgres: '/var/run/postgresql/.s.PGSQL.5432', mysql: '/var/run/mysqld/mysqld.sock', docker: '/var/run/docker.sock',
};

export const unixSocketMissing: Rule = {
  id: 'unix-socket-missing',
  title: '{socketStory}',
  explanation:
    'The client talks to a unix socket file, not a TCP port. When the file is missing the daemon is not running (or ' +
    'puts its socket somewhere else); when the file exists but connecting is refused, the daemon died and left a ' +
    'stale file; when access is denied, your user may not open it (for Docker: not in the docker group). A client ' +
    'can also look in the wrong place: DOCKER_HOST or the Docker context, or a database client built with another ' +
    'default socket directory than the server uses.',
  steps: [
    {
      text: 'Look at the socket file, its owner and mode (no such file: the daemon is not running or uses another path; a leading s in the mode: a real socket):',
      commands: posix('ls -l {socket}'),
    },
    {
      text: 'Start (or check) the Docker daemon:',
      requires: 'docker',
      commands: [
        serviceStatus('docker'),
        serviceStart('docker'),
        macos('open -a Docker   # start Docker Desktop'),
        windows('Start-Process "$env:ProgramFiles\\Docker\\Docker\\Docker Desktop.exe"'),
      ],
    },
    {
      text: 'See which daemon the client is pointed at; a stale DOCKER_HOST or context sends it to a socket that is gone. Unset DOCKER_HOST, or switch to the context of the daemon that runs (default for a local Linux daemon, desktop-linux for Docker Desktop):',
      requires: 'docker',
      commands: [...perOs({ posix: 'echo "$DOCKER_HOST"; docker context ls', windows: 'echo $env:DOCKER_HOST; docker context ls' }), anyOs('docker context use <context>')],
    },
    {
      text: 'Permission denied on the Docker socket: add yourself to the docker group (it is as powerful as root), then log out and in again (or run newgrp docker) and check that the group shows up:',
      requires: 'dockerDenied',
      commands: [linux('sudo usermod -aG docker "$USER"'), linux('id -nG')],
    },
    {
      text: 'Permission denied: your user may not open {socket}. Compare its owner, group and mode (ls -l above) with your groups, and run the client as a user in that group:',
      requires: 'denied',
      unless: 'docker',
      commands: posix('id -nG'),
    },
    {
      text: 'Check the PostgreSQL server and where it puts its socket (or connect over TCP with -h localhost):',
      service: ['postgres'],
      commands: [linux('pg_lsclusters'), serviceStatus('postgresql'), brewServices(), anyOs("psql -h localhost -c 'SHOW unix_socket_directories;'")],
    },
    {
      text: 'Check the MySQL server and its socket setting (or connect over TCP):',
      service: ['mysql'],
      commands: [serviceStatus('mysql'), linux("grep -R '^socket' /etc/mysql/ 2>/dev/null"), anyOs('mysql --protocol=TCP -h 127.0.0.1 -u <user> -p')],
    },
    {
      text: 'A stale socket file (refused: the file is there, no process behind it): restart the service, which normally replaces the file; if it still refuses, stop the service, remove the file and start it again:',
      requires: 'stale',
      commands: [serviceRestart(), serviceStatus('{unit}', { sudo: true })],
    },
  ],
  docs: 'https://docs.docker.com/engine/install/linux-postinstall/',
  when({ facts, view }) {
    const u = view.unix;
    const path = u?.path ?? facts.unixSocket;
    if (!path && facts.kind !== 'unix_socket') return null;
    const docker = /docker\.sock/.test(path ?? '') || facts.service === 'docker';
    // Unknown path: the steps use the service's usual socket path, the title says whose socket it is.
    const vars: Record<string, string> = { socket: path ?? (facts.service ? USUAL_SOCKETS[facts.service] : undefined) ?? '<path-to-socket>' };
    const label = path ? `the socket ${path}` : `the ${facts.service ? `${SERVICE_NAMES[facts.service] ?? facts.service} ` : ''}unix socket`;
    const story = (denied: boolean) => (denied ? `Permission denied on ${label}: your user may not open it` : `Nothing serves ${label}`);
    vars.socketStory = story(false);
    if (docker) vars.docker = '1';
    if (u) {
      if (u.outcome === 'open') return null;
      if (u.outcome === 'denied') {
        vars.denied = '1';
        vars.socketStory = story(true);
        if (docker) vars.dockerDenied = '1';
      }
      if (u.outcome === 'refused') {
        vars.stale = '1';
        // The systemd unit, not the service's short name: redis → redis-server, mongodb → mongod.
        vars.unit = docker ? 'docker' : (facts.service ? SERVICE_UNITS[facts.service] ?? facts.service : '<service>');
      }
      const confidence = u.outcome === 'error' ? 0.7 : u.outcome === 'not-socket' ? 0.9 : u.outcome === 'missing' ? 0.95 : 0.93;
      return { confidence, evidence: [describeEvidence(u)], vars };
    }
    if (/EACCES|EPERM/.test(facts.errno ?? '')) {
      vars.denied = '1';
      vars.socketStory = story(true);
      if (docker) vars.dockerDenied = '1';
    }
    return {
      confidence: facts.kind === 'unix_socket' ? 0.93 : 0.6,
      evidence: [`the client used the unix socket ${path ?? '(path not shown)'}${facts.errno ? ` (${facts.errno})` : ''}`],
      vars,
    };
  },
};
