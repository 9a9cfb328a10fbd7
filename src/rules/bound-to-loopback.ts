// The server listens, but only on its own loopback: from any other machine the port looks closed.
import { anyOs, linux, listenersOn, macos, publishedPorts, serviceRestart, windows } from './commands.js';
import type { Rule } from './types.js';
import { gatewayAnswered, hasHint } from './view.js';

export const boundToLoopback: Rule = {
  id: 'bound-to-loopback',
  title: 'The server may listen only on its own loopback, not on {address}',
  explanation:
    'Many servers listen on 127.0.0.1 (or ::1) by default: PostgreSQL (listen_addresses = localhost), MySQL and ' +
    'MariaDB packages (bind-address = 127.0.0.1), Redis (bind 127.0.0.1 -::1), MongoDB (net.bindIp: 127.0.0.1) and most dev ' +
    'servers. Such a server works from its own machine and refuses everyone else, which from outside is the same ' +
    'answer as no server at all. On the server, `ss -ltn` tells them apart: 127.0.0.1:PORT or [::1]:PORT means ' +
    'loopback only, 0.0.0.0:PORT, [::]:PORT or *:PORT means every interface, and no line means nothing listens. ' +
    'When opening it up, keep a firewall and authentication in front.',
  steps: [
    {
      text: 'On the server, see which address the listener is bound to: 127.0.0.1:{port} or [::1]:{port} means loopback only (change the bind address), 0.0.0.0:{port}, [::]:{port} or *:{port} means every interface, no line means nothing listens:',
      commands: listenersOn('{port}', { windows: 'address' }),
    },
    {
      text: "PostgreSQL: see the setting and which postgresql.conf is in use, then set listen_addresses = '*' (or the server's address) there, add a host line for the client's network to pg_hba.conf, and restart (a reload does not apply listen_addresses):",
      service: ['postgres'],
      commands: [
        linux("sudo -u postgres psql -c 'SHOW listen_addresses;' -c 'SHOW config_file;' -c 'SHOW hba_file;'"),
        serviceRestart('postgresql'),
        macos("psql -d postgres -c 'SHOW listen_addresses;' -c 'SHOW config_file;'"),
        windows("psql -U postgres -c 'SHOW listen_addresses;' -c 'SHOW config_file;'"),
      ],
    },
    {
      text: "MySQL / MariaDB: see the setting, then set bind-address = 0.0.0.0 (or the server's address) in the [mysqld] section (Debian/Ubuntu: /etc/mysql/mysql.conf.d/mysqld.cnf, or /etc/mysql/mariadb.conf.d/50-server.cnf for MariaDB) and restart; the account must also be allowed from the client's host ('user'@'%'), though that fails with an access error, not a refusal:",
      service: ['mysql'],
      commands: [
        anyOs("mysql -u root -p -e \"SHOW VARIABLES LIKE 'bind_address'\""),
        linux("grep -rn 'bind-address' /etc/mysql/"),
        serviceRestart('mysql'),
      ],
    },
    {
      text: "Redis: see the bind setting; set bind 0.0.0.0 (or the server's address) in redis.conf and restart. With protected-mode yes and no password, Redis also answers other machines with a DENIED error and hangs up, so set a password (requirepass) rather than turning protected mode off:",
      service: ['redis'],
      commands: [
        anyOs('redis-cli CONFIG GET bind'),
        anyOs('redis-cli CONFIG GET protected-mode'),
        linux("grep -nE '^(bind|protected-mode)' /etc/redis/redis.conf"),
        serviceRestart('{unit}'),
      ],
    },
    {
      text: "MongoDB: set net.bindIp in mongod.conf (e.g. 0.0.0.0, or 127.0.0.1 plus the server's address, comma-separated; or net.bindIpAll: true), then restart:",
      service: ['mongodb'],
      commands: [linux("grep -nE 'bindIp|port' /etc/mongod.conf"), serviceRestart('mongod')],
    },
    {
      text: 'Elasticsearch: set network.host in elasticsearch.yml (a non-loopback value turns on the production bootstrap checks; for one node also set discovery.type: single-node), then restart:',
      service: ['elasticsearch'],
      commands: [linux('grep -nE "^(network|http)\\.host" /etc/elasticsearch/elasticsearch.yml'), serviceRestart('elasticsearch')],
    },
    {
      text: 'Kafka: the listeners setting decides where the broker binds (an empty host such as PLAINTEXT://:9092 or 0.0.0.0 means every interface), and advertised.listeners what clients are told to connect to:',
      service: ['kafka'],
      commands: [anyOs("grep -E '^(listeners|advertised.listeners)=' config/server.properties")],
    },
    {
      text: 'A dev server: start it on all interfaces (flask run --host=0.0.0.0, uvicorn --host 0.0.0.0, vite --host, next dev -H 0.0.0.0, rails s -b 0.0.0.0, manage.py runserver 0.0.0.0:{port}; in Node, server.listen({port}, "0.0.0.0")).',
      service: ['http'],
    },
    {
      text: 'A Docker port published as 127.0.0.1:{port}:… is reachable from the host only; see the mapping, and publish it as -p {port}:<container port> (or with the server\'s address) to let other machines in:',
      commands: [publishedPorts()],
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man7/ip.7.html',
  when({ facts, view }) {
    // From the text: the server's own log or bind setting names a loopback address, and the client is not on that
    // loopback (another machine, or the host in front of a container whose port is published). Or a reset through a
    // published port for a server that works outside Docker: docker-proxy accepted, nothing listened behind it.
    if (!view.probed && (facts.kind === 'refused' || facts.kind === 'reset') && !gatewayAnswered(facts)) {
      const docker = hasHint(facts, 'published-port', 'in-container', 'works-outside-container');
      if (hasHint(facts, 'listens-loopback') && (docker || (facts.host !== null && !view.loopback))) {
        return { confidence: 0.85, evidence: ['the server\'s own log or bind setting in the paste names a loopback address (127.0.0.1, ::1 or localhost)', ...(docker ? ['and it runs in a container: its loopback is not the one the published port reaches'] : [])] };
      }
      if (facts.kind === 'reset' && hasHint(facts, 'works-outside-container')) {
        return { confidence: 0.7, evidence: ['it works outside the container and the connection is dropped once it runs in one: the server inside likely listens on its own loopback'] };
      }
      if (facts.kind === 'refused' && facts.host && !view.loopback && hasHint(facts, 'from-another-machine')) {
        return { confidence: 0.65, evidence: ['the client is another machine than the server; a server that listens on 127.0.0.1 only refuses exactly those'] };
      }
    }
    // When the target is itself loopback, binding to loopback cannot be what keeps it out.
    if (!facts.host || view.loopback) return null;
    if (view.probed) {
      if (!view.allRefused) return null;
      return { confidence: view.nearbyOpen.length > 0 ? 0.3 : 0.4, evidence: view.refused.map((a) => `${a.line} (a loopback-only listener gives the same answer)`) };
    }
    if (facts.kind !== 'refused' || gatewayAnswered(facts)) return null;
    return { confidence: 0.3, evidence: ['a server that listens on 127.0.0.1 only refuses other machines exactly like this'] };
  },
};
