// The top cause for every scenario the engine must get right, with probes and from the text alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { evaluate } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import type { RuleContext } from '../../src/rules/types.js';
import { banner, ctx, dns, facts, http, nearby, noProbe, probePlan, ranking, skipPlan, tcp, tcpAttempts, tls, unix } from './helpers.js';

function expectTop(c: RuleContext, id: string, alsoBelow: string[] = []): void {
  const ids = ranking(c);
  assert.equal(ids[0], id, `top should be ${id}, got ${ids.join(' > ')}`);
  for (const other of alsoBelow) {
    const at = ids.indexOf(other);
    assert.ok(at > 0, `${other} should be listed below ${id}: ${ids.join(' > ')}`);
  }
}

const f = facts();
const pg = facts({ service: 'postgres', client: 'psycopg2' });

describe('ranking with probes', () => {
  it('nothing listens: not-listening, then bound-to-loopback with the step that tells them apart', () => {
    const c = ctx(pg, [dns('db.internal', ['10.0.0.5']), ...tcpAttempts('10.0.0.5', ['refused', 'refused', 'refused']), nearby('10.0.0.5', 5433, 'refused'), nearby('10.0.0.5', 5431, 'refused')]);
    expectTop(c, 'not-listening', ['bound-to-loopback', 'firewall-reject']);
    const bound = evaluate(RULES, c).find((x) => x.id === 'bound-to-loopback')!;
    assert.ok(bound.steps.some((s) => s.commands.some((cmd) => cmd.run === "sudo ss -ltnp 'sport = :5432'")));
    assert.match(bound.explanation, /127\.0\.0\.1:PORT/);
  });

  it('a server on its own loopback looks the same from outside: not-listening first, bound-to-loopback listed', () => {
    expectTop(ctx(pg, [tcp('10.0.0.5', 'refused'), tcp('fd00::5', 'refused')]), 'not-listening', ['bound-to-loopback']);
  });

  it('refused, and a reject-with-reset could be the cause: firewall-reject listed lower', () => {
    const c = ctx(f, [tcp('10.0.0.5', 'refused')]);
    expectTop(c, 'not-listening', ['firewall-reject']);
    const reject = evaluate(RULES, c).find((x) => x.id === 'firewall-reject')!;
    assert.ok(reject.confidence < 0.5);
  });

  it('every address times out: firewall-drop', () => {
    expectTop(ctx(f, [tcp('10.0.0.5', 'timeout'), tcp('fd00::5', 'timeout')]), 'firewall-drop', ['host-unreachable']);
  });

  it('EHOSTUNREACH with no sign of the host: host-unreachable, firewall-reject listed', () => {
    expectTop(ctx(f, [tcp('10.0.0.5', 'unreachable')]), 'host-unreachable', ['firewall-reject']);
  });

  it('ENETUNREACH (no route): host-unreachable', () => {
    expectTop(ctx(f, [tcp('10.0.0.5', 'unreachable', { errno: 'ENETUNREACH' })]), 'host-unreachable');
  });

  it('unreachable while the host answers on another port: firewall-reject, host-unreachable listed', () => {
    expectTop(ctx(f, [tcp('10.0.0.5', 'unreachable'), nearby('10.0.0.5', 5433, 'refused'), nearby('10.0.0.5', 22, 'open')]), 'firewall-reject', ['host-unreachable']);
  });

  it('unreachable and "administratively prohibited" in the paste: firewall-reject', () => {
    expectTop(ctx(facts({ kind: 'unreachable', hints: ['admin-prohibited'] }), [tcp('10.0.0.5', 'unreachable')]), 'firewall-reject', ['host-unreachable']);
  });

  it('connect() forbidden on this machine (EPERM): permission-denied, firewall-reject listed', () => {
    expectTop(ctx(f, [tcp('10.0.0.5', 'error', { errno: 'EPERM' }), tcp('fd00::5', 'error', { errno: 'EPERM' })]), 'permission-denied', ['firewall-reject']);
  });

  it('the service sits on the next port: wrong-port, naming it', () => {
    const c = ctx(pg, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'open'), banner('10.0.0.5', 'postgres', { port: 5433 })]);
    expectTop(c, 'wrong-port', ['not-listening']);
    assert.equal(evaluate(RULES, c)[0]!.title, 'The service may be on another port than 5432: port 5433 answers');
  });

  it('a neighbouring port is open with no banner: still wrong-port', () => {
    expectTop(ctx(f, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'open')]), 'wrong-port');
  });

  it('localhost: ::1 refuses, 127.0.0.1 answers: family-mismatch', () => {
    const lh = facts({ host: 'localhost', port: 3000, runtime: 'node' });
    const at = { host: 'localhost', port: 3000 };
    expectTop(ctx(lh, [dns('localhost', ['::1', '127.0.0.1']), tcp('::1', 'refused', at), tcp('127.0.0.1', 'open', at)]), 'family-mismatch');
  });

  it('a dual-stack name where only IPv4 is published: family-mismatch', () => {
    expectTop(ctx(f, [tcp('fd00::5', 'refused'), tcp('10.0.0.5', 'open')]), 'family-mismatch');
  });

  it('postgres expected, http answers: service-mismatch', () => {
    expectTop(ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'http')]), 'service-mismatch', ['reachable-from-here']);
  });

  it('TLS expected, plain TCP answers: tls-mismatch', () => {
    const https = facts({ host: 'api.corp', port: 443, scheme: 'https', tls: true, kind: 'tls' });
    const at = { host: 'api.corp', port: 443 };
    expectTop(ctx(https, [tcp('10.0.0.7', 'open', at), banner('10.0.0.7', 'http', { port: 443 }), tls('10.0.0.7', { ok: false, error: 'ERR_SSL_WRONG_VERSION_NUMBER' })]), 'tls-mismatch');
  });

  it('plain http:// against a TLS port: tls-mismatch', () => {
    const plain = facts({ port: 8443, scheme: 'http', tls: false, kind: 'reset' });
    expectTop(ctx(plain, [tcp('10.0.0.5', 'open', { port: 8443 }), banner('10.0.0.5', 'tls', { port: 8443 })]), 'tls-mismatch');
  });

  it('flapping across attempts: intermittent', () => {
    expectTop(ctx(pg, tcpAttempts('10.0.0.5', ['open', 'refused', 'timeout'])), 'intermittent');
  });

  it('a listener that accepts but never answers: not-responding', () => {
    expectTop(ctx(pg, [...tcpAttempts('10.0.0.5', ['open', 'open', 'open']), banner('10.0.0.5', 'silent', { ms: 1000 })]), 'not-responding');
  });

  it('the lookup fails: dns-not-found', () => {
    expectTop(ctx(facts({ kind: 'dns', errno: 'ENOTFOUND' }), [dns('db.internal', [], { error: 'ENOTFOUND' })]), 'dns-not-found');
  });

  it('the paste connected to another address than the name gives here: dns-mismatch', () => {
    expectTop(ctx(facts({ addresses: ['10.0.0.9'] }), [dns('db.internal', ['10.0.0.5']), tcp('10.0.0.5', 'open')]), 'dns-mismatch', ['reachable-from-here']);
  });

  it('the paste could not resolve the name, here it resolves and answers: dns-mismatch', () => {
    expectTop(ctx(facts({ kind: 'dns', errno: 'ENOTFOUND' }), [dns('db.internal', ['10.0.0.5']), tcp('10.0.0.5', 'open')]), 'dns-mismatch', ['reachable-from-here']);
  });

  it('a Compose service name that resolves only inside the project: the refusal decides, not our DNS', () => {
    const compose = facts({ host: 'db', service: 'postgres', addresses: ['172.20.0.2'], hints: ['in-container'] });
    expectTop(ctx(compose, [dns('db', [], { error: 'ENOTFOUND' })]), 'not-listening', ['private-name']);
  });

  it('DNS servers and the hosts file disagree: dns-mismatch', () => {
    const split = dns('db.internal', ['10.0.0.5'], { dnsServers: [{ address: '10.0.0.9', family: 4 }], disagree: true });
    expectTop(ctx(f, [split, tcp('10.0.0.5', 'refused')]), 'dns-mismatch');
  });

  it('everything open and the protocol answers: reachable-from-here', () => {
    expectTop(ctx(pg, [dns('db.internal', ['10.0.0.5', 'fd00::5']), tcp('10.0.0.5', 'open'), tcp('fd00::5', 'open'), banner('10.0.0.5', 'postgres'), banner('fd00::5', 'postgres')]), 'reachable-from-here');
  });

  it('a 502 from the proxy in front: upstream-refused', () => {
    const web = facts({ host: 'shop.corp', port: 80, scheme: 'http', service: 'http', kind: 'none' });
    expectTop(ctx(web, [tcp('10.0.0.8', 'open', { host: 'shop.corp', port: 80 }), banner('10.0.0.8', 'http', { port: 80 }), http('http://shop.corp/', 502, { server: 'nginx' })]), 'upstream-refused');
  });

  it('the nginx upstream hint, destination refused from here: upstream-refused', () => {
    const nginx = facts({ host: 'shop.corp', port: 443, destination: { host: '10.0.0.20', port: 3000 }, hints: ['nginx-upstream', 'upstream'] });
    const plan = probePlan(nginx, { targets: [{ host: '10.0.0.20', port: 3000, service: null, tls: null, url: null, role: 'destination' }] });
    expectTop(ctx(nginx, [tcp('10.0.0.20', 'refused', { host: '10.0.0.20', port: 3000 })], plan), 'upstream-refused', ['not-listening']);
  });

  it('the proxy refuses: proxy-refused', () => {
    const p = facts({ host: 'proxy.corp', port: 3128, proxy: { host: 'proxy.corp', port: 3128 }, hints: ['proxy'] });
    expectTop(ctx(p, [tcp('10.0.0.3', 'refused', { host: 'proxy.corp', port: 3128 })]), 'proxy-refused', ['not-listening']);
  });

  it('kubectl fell back to localhost:8080 (probed on the CLI): kubectl-no-config', () => {
    const k = facts({ host: 'localhost', port: 8080, client: 'kubectl', hints: ['kubectl-default'] });
    const at = { host: 'localhost', port: 8080 };
    expectTop(ctx(k, [tcp('::1', 'refused', at), tcp('127.0.0.1', 'refused', at)]), 'kubectl-no-config', ['not-listening']);
  });

  it('kafka broker on localhost (probed and refused): kafka-advertised-listener', () => {
    const k = facts({ host: 'localhost', port: 9092, service: 'kafka', hints: ['kafka-broker'] });
    expectTop(ctx(k, [tcp('127.0.0.1', 'refused', { host: 'localhost', port: 9092 })]), 'kafka-advertised-listener', ['not-listening']);
  });

  it('a broker address of localhost seen from a container: kafka-advertised-listener above container-localhost', () => {
    const k = facts({ host: 'localhost', port: 9092, service: 'kafka', hints: ['kafka-broker', 'in-container'] });
    expectTop(ctx(k, [], noProbe(k)), 'kafka-advertised-listener', ['container-localhost']);
  });

  it('a bootstrap address of localhost inside a container: container-localhost above kafka-advertised-listener', () => {
    const k = facts({ host: 'localhost', port: 9092, service: 'kafka', hints: ['kafka-bootstrap', 'in-container'] });
    expectTop(ctx(k, [], noProbe(k)), 'container-localhost', ['kafka-advertised-listener']);
  });

  it('localhost from a container (probed on the CLI): container-localhost', () => {
    const c = facts({ host: 'localhost', hints: ['in-container'] });
    expectTop(ctx(c, [tcp('127.0.0.1', 'refused', { host: 'localhost' })]), 'container-localhost', ['not-listening']);
  });

  it('the docker socket is missing: unix-socket-missing', () => {
    const d = facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/docker.sock', service: 'docker' });
    expectTop(ctx(d, [unix('/var/run/docker.sock', 'missing', 'ENOENT')], skipPlan(d, 'unix-socket', 'checked here')), 'unix-socket-missing');
  });

  it('the policy blocked the probe: blocked-by-policy, above what the text says', () => {
    const m = facts({ host: '169.254.169.254', port: 80 });
    expectTop(ctx(m, [], skipPlan(m, 'policy', 'a cloud metadata endpoint')), 'blocked-by-policy', ['not-listening']);
  });
});

describe('ranking on the chat surface', () => {
  const chat = (x: ReturnType<typeof facts>) => skipPlan(x, 'local-target', `${x.host} is the reporter's machine`, 'chat');

  it('loopback in a paste: local-target first', () => {
    const lh = facts({ host: '127.0.0.1', port: 5432, service: 'postgres' });
    expectTop(ctx(lh, [], chat(lh)), 'local-target', ['not-listening']);
  });

  it('localhost inside a container: container-localhost above local-target', () => {
    const c = facts({ host: 'localhost', hints: ['in-container'] });
    expectTop(ctx(c, [], chat(c)), 'container-localhost', ['local-target']);
  });

  it('kubectl on localhost:8080: kubectl-no-config above local-target', () => {
    const k = facts({ host: 'localhost', port: 8080, client: 'kubectl', hints: ['kubectl-default'] });
    expectTop(ctx(k, [], chat(k)), 'kubectl-no-config', ['local-target']);
  });

  it('a unix socket on the reporter\'s machine: unix-socket-missing', () => {
    const d = facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/docker.sock', service: 'docker' });
    expectTop(ctx(d, [], chat(d)), 'unix-socket-missing', ['local-target']);
  });

  it('loopback, but the paste proves plain HTTP answered a TLS client: tls-mismatch above local-target', () => {
    const v = facts({ kind: 'tls', host: '127.0.0.1', port: 8200, tls: true, hints: ['tls-plain'] });
    expectTop(ctx(v, [], chat(v)), 'tls-mismatch', ['local-target']);
  });
});

describe('ranking from the text alone (--no-probe)', () => {
  const text = (over: Parameters<typeof facts>[0]) => {
    const x = facts(over);
    return ctx(x, [], noProbe(x));
  };

  it('refused: not-listening, with bound-to-loopback, wrong-port and firewall-reject lower', () => {
    expectTop(text({}), 'not-listening', ['bound-to-loopback', 'wrong-port', 'firewall-reject']);
  });
  it('timeout: firewall-drop', () => expectTop(text({ kind: 'timeout', errno: 'ETIMEDOUT' }), 'firewall-drop', ['host-unreachable']));
  it('unreachable: host-unreachable', () => expectTop(text({ kind: 'unreachable', errno: 'EHOSTUNREACH' }), 'host-unreachable', ['firewall-reject']));
  it('EADDRNOTAVAIL to ::1: family-mismatch (no IPv6 here) above host-unreachable', () => expectTop(text({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '::1', port: 5672 }), 'family-mismatch', ['host-unreachable']));
  it('dns: dns-not-found', () => expectTop(text({ kind: 'dns', errno: 'ENOTFOUND' }), 'dns-not-found'));
  it('tls: tls-mismatch, with tls-certificate next', () => expectTop(text({ kind: 'tls', errno: 'EPROTO', tls: true }), 'tls-mismatch', ['tls-certificate']));
  it('tls with a certificate hint: tls-certificate', () => expectTop(text({ kind: 'tls', tls: true, hints: ['tls-cert'] }), 'tls-certificate', ['tls-mismatch']));
  it('a proxy that answered 502: upstream-refused above proxy-refused', () => expectTop(text({ host: '10.10.1.1', port: 8080, proxy: { host: '10.10.1.1', port: 8080 }, destination: { host: 'internal.service', port: 8443 }, hints: ['proxy', 'http-502', 'upstream'] }), 'upstream-refused', ['proxy-refused']));
  it('nginx cannot resolve its upstream: dns-not-found above upstream-refused', () => expectTop(text({ kind: 'dns', errno: 'ENOTFOUND', host: 'app', port: 3000, destination: { host: 'app', port: 3000 }, hints: ['nginx-upstream', 'upstream'] }), 'dns-not-found', ['upstream-refused']));
  it('tls with a certificate error: tls-certificate', () => expectTop(text({ kind: 'tls', errno: 'CERT_HAS_EXPIRED', tls: true }), 'tls-certificate', ['tls-mismatch']));
  it('reset: connection-reset', () => expectTop(text({ kind: 'reset', errno: 'ECONNRESET' }), 'connection-reset'));
  it('unix socket: unix-socket-missing', () => expectTop(text({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/docker.sock', service: 'docker' }), 'unix-socket-missing'));
  it('kubectl hint: kubectl-no-config', () => expectTop(text({ host: 'localhost', port: 8080, client: 'kubectl', hints: ['kubectl-default'] }), 'kubectl-no-config', ['not-listening']));
  it('kafka bootstrap (node -1) refused: not-listening, the listeners next', () => expectTop(text({ host: 'localhost', port: 9092, service: 'kafka', hints: ['kafka-bootstrap'] }), 'not-listening', ['kafka-advertised-listener']));
  it('proxy hint: proxy-refused', () => expectTop(text({ host: 'proxy.corp', port: 3128, proxy: { host: 'proxy.corp', port: 3128 }, hints: ['proxy'] }), 'proxy-refused', ['not-listening']));
  it('nginx upstream hint: upstream-refused', () => expectTop(text({ destination: { host: '127.0.0.1', port: 3000 }, hints: ['nginx-upstream', 'upstream'] }), 'upstream-refused', ['not-listening']));
  it('in-container hint with localhost: container-localhost', () => expectTop(text({ host: 'localhost', hints: ['in-container'] }), 'container-localhost', ['not-listening']));
  it('no error and no target: no causes', () => assert.deepEqual(ranking(text({ kind: 'none', host: null, port: null })), []));
  it('a typed target with probes off: no causes', () => assert.deepEqual(ranking(text({ kind: 'none' })), []));
});

// Whole pastes, parsed and ranked with probes off: what the audit of the fixture pastes found wrong.
describe('ranking of real-world pastes from the text alone', () => {
  const top = async (text: string, surface: 'cli' | 'chat' = 'cli', probe = false) => {
    const d = await diagnose({ type: 'paste', text }, { surface, probe });
    return { ids: d.causes.map((c) => c.id), titles: d.causes.map((c) => c.title), verdict: d.verdict };
  };

  it('a read timeout after connecting ("awaiting headers"): not-responding, not a firewall drop', async () => {
    const r = await top('Get "https://inventory.internal:8443/v1/items": context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
    assert.equal(r.ids[0], 'not-responding', r.ids.join(' > '));
    assert.ok(!r.ids.includes('host-unreachable'), 'the host answered the connect');
  });

  it('a connect timeout stays firewall-drop', async () => {
    const r = await top('Error: connect ETIMEDOUT 10.0.0.25:443');
    assert.equal(r.ids[0], 'firewall-drop');
  });

  it('"wrong version number": tls-mismatch, decisively above tls-certificate', async () => {
    const r = await top('aiohttp.client_exceptions.ClientConnectorSSLError: Cannot connect to host 192.168.7.41:8089 ssl:default [[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)]');
    assert.equal(r.ids[0], 'tls-mismatch');
    assert.match(r.titles[0]!, /^TLS on one side, plain TCP on the other at 192\.168\.7\.41:8089$/);
  });

  it('a TLS alert ("sslv3 alert handshake failure"): tls-mismatch says both sides speak TLS, not plain TCP', async () => {
    const r = await top('* Connected to pay.vendor.lan (10.12.0.4) port 443 (#0)\ncurl: (35) error:0A000410:SSL routines::sslv3 alert handshake failure');
    assert.equal(r.ids[0], 'tls-mismatch');
    assert.doesNotMatch(r.titles[0]!, /plain TCP/);
    assert.match(r.titles[0]!, /do not agree on TLS/);
  });

  it('a certificate error: tls-mismatch is only a faint side note', async () => {
    const d = await diagnose({ type: 'paste', text: 'Error: Get "https://registry.lab.local:5000/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority' }, { surface: 'cli', probe: false });
    assert.equal(d.causes[0]!.id, 'tls-certificate');
    assert.ok(d.causes.find((c) => c.id === 'tls-mismatch')!.confidence < 0.4);
  });

  it('traefik\'s 502 log line under a curl command: the upstream it dialled, not a proxy curl used', async () => {
    const r = await top('$ curl -si https://app.example.org/ | head -1\nHTTP/2 502\ntraefik log: level=debug msg="\'502 Bad Gateway\' caused by: dial tcp 172.22.0.5:80: connect: connection refused"');
    assert.equal(r.ids[0], 'upstream-refused');
    assert.match(r.verdict, /server behind it \(172\.22\.0\.5:80\)/);
    assert.ok(!r.ids.includes('proxy-refused'), r.ids.join(' > '));
  });

  it('envoy answered 503 for an upstream it could not reach: no causes about the front host\'s own port', async () => {
    const r = await top('$ curl -i http://shop.mesh.local/cart\nHTTP/1.1 503 Service Unavailable\nserver: envoy\nupstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111');
    assert.equal(r.ids[0], 'upstream-refused');
    // The front host answered: no cause may blame it (the unnamed upstream is "the server").
    for (const title of r.titles) assert.doesNotMatch(title, /shop\.mesh\.local/, title);
    assert.ok(!r.ids.includes('bound-to-loopback'), r.ids.join(' > '));
  });

  it('permission denied on the Docker socket: the title says so, not "nothing serves"', async () => {
    const r = await top('Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied');
    assert.equal(r.ids[0], 'unix-socket-missing');
    assert.match(r.titles[0]!, /^Permission denied on the socket \/var\/run\/docker\.sock/);
  });

  it('a socket error without a path: no doubled words in the title', async () => {
    const r = await top('In Connector.php line 70:\n\n  SQLSTATE[HY000] [2002] No such file or directory');
    assert.equal(r.ids[0], 'unix-socket-missing');
    assert.equal(r.titles[0], 'Nothing serves the MySQL unix socket');
  });

  it('refused on localhost: no firewall-reject among the alternatives', async () => {
    const r = await top('Error: connect ECONNREFUSED 127.0.0.1:6379');
    assert.equal(r.ids[0], 'not-listening');
    assert.ok(!r.ids.includes('firewall-reject'), r.ids.join(' > '));
  });

  it('chat: "localhost refused to connect" without a port is still the reporter\'s machine', async () => {
    const r = await top('This site can’t be reached\nlocalhost refused to connect.\nERR_CONNECTION_REFUSED', 'chat', true);
    assert.equal(r.ids[0], 'local-target', r.ids.join(' > '));
  });

  it('titles without a host start with a capital letter', async () => {
    const r = await top("{ [Error: getaddrinfo ENOTFOUND] code: 'ENOTFOUND', errno: 'ENOTFOUND', syscall: 'getaddrinfo' }");
    assert.equal(r.ids[0], 'dns-not-found');
    assert.match(r.verdict, /^The server does not resolve/);
  });
});
