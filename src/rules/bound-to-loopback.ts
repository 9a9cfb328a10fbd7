// The server listens, but only on its own loopback: from any other machine the port looks closed.
import type { Rule } from './types.js';

export const boundToLoopback: Rule = {
  id: 'bound-to-loopback',
  title: 'The server may listen only on its own loopback, not on {address}',
  explanation:
    'Many servers listen on 127.0.0.1 (or ::1) by default: PostgreSQL (listen_addresses = localhost), MySQL and ' +
    'MariaDB packages (bind-address = 127.0.0.1), Redis (bind 127.0.0.1), MongoDB (bindIp 127.0.0.1) and most dev ' +
    'servers. Such a server works from its own machine and refuses everyone else, which from outside is the same ' +
    'answer as no server at all. On the server, `ss -ltn` tells them apart: 127.0.0.1:PORT or [::1]:PORT means ' +
    'loopback only, 0.0.0.0:PORT, [::]:PORT or *:PORT means every interface, and no line means nothing listens. ' +
    'When opening it up, keep a firewall and authentication in front.',
  steps: [
    {
      text: 'On the server, see which address the listener is bound to: 127.0.0.1:{port} or [::1]:{port} means loopback only (change the bind address), 0.0.0.0:{port}, [::]:{port} or *:{port} means every interface, no line means nothing listens:',
      commands: [
        { run: "sudo ss -ltnp 'sport = :{port}'", os: 'linux' },
        { run: 'sudo lsof -nP -iTCP:{port} -sTCP:LISTEN', os: 'macos' },
        { run: 'netstat -ano | findstr :{port}', os: 'windows' },
      ],
    },
    {
      text: "PostgreSQL: see the setting, then set listen_addresses = '*' (or the server's address) in postgresql.conf, allow the client's network in pg_hba.conf, and restart:",
      service: ['postgres'],
      commands: [{ run: "sudo -u postgres psql -c 'SHOW listen_addresses;'" }, { run: 'sudo systemctl restart postgresql', os: 'linux' }],
    },
    {
      text: 'MySQL / MariaDB: see the setting, then set bind-address = 0.0.0.0 (or the server\'s address) in the [mysqld] section of mysqld.cnf, and restart:',
      service: ['mysql'],
      commands: [{ run: "mysql -e \"SHOW VARIABLES LIKE 'bind_address'\"" }, { run: 'sudo systemctl restart mysql', os: 'linux' }],
    },
    {
      text: 'Redis: check bind (and protected-mode, which refuses remote clients without a password):',
      service: ['redis'],
      commands: [{ run: 'redis-cli CONFIG GET bind' }, { run: 'redis-cli CONFIG GET protected-mode' }],
    },
    {
      text: 'MongoDB: set net.bindIp in mongod.conf (e.g. 0.0.0.0 or the server\'s address), then restart:',
      service: ['mongodb'],
      commands: [{ run: 'grep -n bindIp /etc/mongod.conf', os: 'linux' }],
    },
    {
      text: 'Elasticsearch: set network.host in elasticsearch.yml:',
      service: ['elasticsearch'],
      commands: [{ run: 'grep -n network.host /etc/elasticsearch/elasticsearch.yml', os: 'linux' }],
    },
    {
      text: 'Kafka: the listeners setting decides where the broker binds (and advertised.listeners what clients are told):',
      service: ['kafka'],
      commands: [{ run: "grep -E '^(listeners|advertised.listeners)=' config/server.properties" }],
    },
    {
      text: 'A dev server: start it on all interfaces (flask run --host=0.0.0.0, uvicorn --host 0.0.0.0, vite --host, rails s -b 0.0.0.0, manage.py runserver 0.0.0.0:{port}).',
      service: ['http'],
    },
    {
      text: 'A Docker port published as 127.0.0.1:{port}:… is reachable from the host only; see the mapping:',
      commands: [{ run: 'docker port <container>' }],
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man7/ip.7.html',
  when({ facts, view }) {
    // When the target is itself loopback, binding to loopback cannot be what keeps it out.
    if (!facts.host || view.loopback) return null;
    if (view.probed) {
      if (!view.allRefused) return null;
      return { confidence: view.nearbyOpen.length > 0 ? 0.3 : 0.4, evidence: view.refused.map((a) => `${a.line} (a loopback-only listener gives the same answer)`) };
    }
    if (facts.kind !== 'refused') return null;
    return { confidence: 0.35, evidence: ['a server that listens on 127.0.0.1 only refuses other machines exactly like this'] };
  },
};
