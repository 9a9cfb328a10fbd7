import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OSES } from '../../src/domain/types.js';
import { parse } from '../../src/parse/index.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import { permissionDenied } from '../../src/rules/permission-denied.js';
import { ctx, facts, noProbe, probePlan, ranking, ruleCases, skipPlan, tcp, unix } from './helpers.js';

const nginx = facts({
  kind: 'unreachable', errno: 'EACCES', host: '127.0.0.1', port: 8082, client: 'nginx', runtime: 'other', service: 'http',
  destination: { host: '127.0.0.1', port: 8082 }, hints: ['nginx-upstream', 'upstream'],
});
const pdo = facts({ kind: 'unreachable', errno: 'EACCES', host: '10.20.0.54', port: 3306, client: 'pdo', runtime: 'php', service: 'mysql' });
const lan = facts({ kind: 'unreachable', errno: 'EHOSTUNREACH', host: '192.168.2.47', port: 22, runtime: 'node', hints: ['local-network-privacy'] });
const typed = facts({ kind: 'none', host: '10.0.0.5', port: 5432, hints: ['typed'] });
const at = { host: '10.0.0.5', port: 5432 };

ruleCases(permissionDenied, {
  fires: [
    { name: 'nginx "(13: Permission denied) while connecting to upstream" to a TCP upstream', ctx: ctx(nginx, [], noProbe(nginx)), min: 0.96, evidence: /upstream 127\.0\.0\.1:8082/, vars: { sebool: 'httpd_can_network_connect', web: '1', linux: '1' } },
    { name: 'PHP to MySQL: the database boolean', ctx: ctx(pdo, [], noProbe(pdo)), min: 0.9, vars: { sebool: 'httpd_can_network_connect_db', web: '1' } },
    { name: 'PHP mail: the sendmail boolean', ctx: ctx(facts({ ...pdo, service: null, client: 'swiftmailer', port: null }), [], noProbe(pdo)), min: 0.9, vars: { sebool: 'httpd_can_sendmail' } },
    { name: 'EPERM from any client', ctx: ctx(facts({ kind: 'unreachable', errno: 'EPERM', runtime: 'go' }), [], noProbe(pdo)), min: 0.9, evidence: /EPERM/ },
    { name: 'macOS Local Network privacy: EHOSTUNREACH from one app', ctx: ctx(lan, [], noProbe(lan)), min: 0.8, max: 0.85, vars: { macos: '1' } },
    { name: 'macOS Local Network privacy, and the address answers from here', ctx: ctx(lan, [tcp('192.168.2.47', 'open', { host: '192.168.2.47', port: 22 })], probePlan(lan)), min: 0.9 },
    { name: 'the probes: EPERM on every address', ctx: ctx(typed, [tcp('10.0.0.5', 'error', { ...at, errno: 'EPERM' }), tcp('fd00::5', 'error', { ...at, errno: 'EPERM' })]), min: 0.92, evidence: /refused on this machine before anything was sent/ },
    { name: 'the probes: EACCES over IPv4 (a security module, a sandbox)', ctx: ctx(typed, [tcp('10.0.0.5', 'error', { ...at, errno: 'EACCES' })]), min: 0.92 },
    { name: 'the probes: EACCES over IPv6 only, which a router\'s admin-prohibited also gives: lower', ctx: ctx(typed, [tcp('fd00::5', 'error', { ...at, errno: 'EACCES' })]), max: 0.5, evidence: /administratively prohibited/ },
  ],
  quiet: [
    { name: 'a unix socket that says permission denied (a file\'s mode)', ctx: ctx(facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/docker.sock', errno: 'EACCES' }), [], noProbe(pdo)) },
    { name: 'a denied unix socket probe', ctx: ctx(facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/docker.sock' }), [unix('/var/run/docker.sock', 'denied', 'EACCES')], skipPlan(pdo, 'unix-socket')) },
    { name: 'a plain refusal', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')]) },
    { name: 'EHOSTUNREACH without the Mac clues', ctx: ctx(facts({ kind: 'unreachable', errno: 'EHOSTUNREACH', host: '192.168.2.47' }), [], noProbe(lan)) },
    { name: 'one address denied, another open', ctx: ctx(typed, [tcp('fd00::5', 'error', { ...at, errno: 'EACCES' }), tcp('10.0.0.5', 'open', at)]) },
  ],
});

describe('permission-denied in the ranking', () => {
  it('nginx (13: Permission denied) to a TCP upstream: permission-denied above upstream-refused, no unix socket story', () => {
    const f = parse('2023/03/16 15:22:30 [crit] 18009#18009: *18 connect() to 127.0.0.1:8082 failed (13: Permission denied) while connecting to upstream, client: 192.168.10.25, server: repo, request: "GET /ui/ HTTP/2.0", upstream: "http://127.0.0.1:8082/ui/", host: "repo-01"');
    assert.equal(f.kind, 'unreachable');
    assert.equal(f.errno, 'EACCES');
    assert.equal(f.unixSocket, null);
    const ids = ranking(ctx(f, [], noProbe(f)));
    assert.equal(ids[0], 'permission-denied', ids.join(' > '));
    assert.ok(ids.includes('upstream-refused'));
    assert.ok(!ids.includes('unix-socket-missing'), ids.join(' > '));
  });

  it('nginx to a unix: upstream stays a socket\'s story', () => {
    const f = parse('2024/01/02 10:00:00 [crit] 12#12: *3 connect() to unix:/run/php/php8.2-fpm.sock failed (13: Permission denied) while connecting to upstream, client: 10.0.0.1, server: app, request: "GET / HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "app"');
    assert.equal(f.kind, 'unix_socket');
    assert.equal(f.unixSocket, '/run/php/php8.2-fpm.sock');
    assert.equal(ranking(ctx(f, [], noProbe(f)))[0], 'unix-socket-missing');
  });

  it('shapes of EACCES / EPERM on a TCP connect read as permission-denied first', () => {
    const shapes: [string, string][] = [
      ['PDO', 'PDOException: SQLSTATE[HY000] [2002] Permission denied'],
      ['mysqli', "mysqli::real_connect(): (HY000/2002): Permission denied"],
      ['MySQL (13)', "2003:Can't connect to MySQL server on '10.20.0.54' (13)"],
      ['PHP stream', 'stream_socket_client(): unable to connect to tcp://10.0.0.5:6379 (Permission denied)'],
      ['Swift Mailer', 'Swift_TransportException: Connection could not be established with host 10.1.4.25 [Permission denied #13]'],
      ['libpq', 'psql: error: connection to server at "10.0.0.5", port 5432 failed: Permission denied'],
      ['Python', 'Traceback (most recent call last):\n  File "client.py", line 45, in _open\n    self.sock.connect((self.addr, self.port))\nsocket.error: [Errno 13] Permission denied'],
      ['urllib3', "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.com', port=443): Max retries exceeded with url: / (Caused by NewConnectionError('<x>: Failed to establish a new connection: [Errno 13] Permission denied'))"],
      ['Go', 'dial tcp 10.0.0.5:443: connect: permission denied'],
      ['Go EPERM', 'dial tcp 10.0.0.5:443: connect: operation not permitted'],
      ['Node', 'Error: connect EACCES 10.0.0.5:443 - Local (0.0.0.0:0)'],
      ['Node EPERM', 'Error: connect EPERM 10.0.0.5:443 - Local (0.0.0.0:0)'],
      ['Ruby', 'Errno::EACCES: Permission denied - connect(2) for "10.0.0.5" port 443'],
      ['JVM', 'java.net.SocketException: Permission denied: connect'],
      ['Android', 'java.net.SocketException: socket failed: EACCES (Permission denied)'],
    ];
    for (const [name, text] of shapes) {
      const f = parse(text);
      const ids = ranking(ctx(f, [], noProbe(f)));
      assert.equal(ids[0], 'permission-denied', `${name}: ${ids.join(' > ')} (kind ${f.kind}, errno ${f.errno}, signature ${f.signature})`);
    }
  });

  it('file and bind errors with the same words are not a denied connection', () => {
    for (const text of [
      "PermissionError: [Errno 13] Permission denied: '/var/log/app.log'",
      'Error: EACCES: permission denied, open \'/etc/app.conf\'',
      'Error: listen EACCES: permission denied 0.0.0.0:80',
      'Traceback (most recent call last):\n  File "/usr/lib/python3.11/socketserver.py", line 473, in server_bind\n    self.socket.bind(self.server_address)\nPermissionError: [Errno 13] Permission denied',
      'Errno::EACCES: Permission denied @ rb_sysopen - /var/app/log/production.log',
      "PermissionError: [Errno 1] Operation not permitted",
    ]) {
      const f = parse(text);
      assert.ok(!ranking(ctx(f, [], noProbe(f))).includes('permission-denied'), `${text}: ${f.kind} ${f.errno} ${f.signature}`);
    }
  });

  it('steps: SELinux for a web server on Linux, the Mac setting for Local Network, commands for every OS overall', () => {
    const steps = (f: ReturnType<typeof facts>) => evaluate([permissionDenied], buildContext(f, [], noProbe(f)))[0]!.steps;
    const web = steps(nginx).flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
    assert.match(web, /sudo setsebool -P httpd_can_network_connect 1/);
    assert.match(web, /ausearch -m avc/);
    assert.match(web, /aa-status/);
    assert.match(web, /nft list ruleset/);
    assert.doesNotMatch(web, /Local Network/);
    const mac = steps(lan).flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
    assert.match(mac, /Privacy & Security → Local Network/);
    assert.doesNotMatch(mac, /setsebool/);
    const rule = RULES.find((r) => r.id === 'permission-denied')!;
    const oses = new Set(rule.steps.flatMap((s) => (s.commands ?? []).map((c) => c.os)));
    for (const os of OSES) assert.ok(oses.has(os), `no ${os} command`);
  });
});
