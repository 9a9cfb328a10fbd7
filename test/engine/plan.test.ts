import assert from 'node:assert/strict';
import test from 'node:test';
import { facts } from './helpers.js';
import { DEFAULT_TIMEOUTS, MAX_NEARBY_PORTS, nearbyPorts, plan, resolveTimeouts } from '../../src/plan.js';
import { checkHost, checkPort, isLoopback } from '../../src/policy/index.js';


test('the command line probes localhost; the bot hands a pasted localhost back as local-target', () => {
  const f = facts({ host: 'localhost', port: 5432, service: 'postgres' });
  const cli = plan(f, { surface: 'cli' });
  assert.equal(cli.targets.length, 1);
  assert.deepEqual(cli.targets[0], { host: 'localhost', port: 5432, service: 'postgres', tls: null, url: null, role: 'target' });
  const chat = plan(f, { surface: 'chat' });
  assert.equal(chat.targets.length, 0);
  assert.equal(chat.skipped[0]!.reason, 'local-target');
  assert.match(chat.skipped[0]!.detail, /reporter's own machine/);
  for (const host of ['127.0.0.1', '::1', '127.1.2.3', 'LOCALHOST', 'localhost.', '::ffff:127.0.0.1', '0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::ffff:0.0.0.0']) {
    assert.equal(plan(facts({ host, port: 80 }), { surface: 'chat' }).skipped[0]?.reason, 'local-target', host);
  }
});

test('a typed loopback target in chat is refused unless the policy allows loopback; the command line probes it', () => {
  const refused = plan(facts({ kind: 'none', host: '127.0.0.1', port: 8080 }), { surface: 'chat', typed: true });
  assert.equal(refused.targets.length, 0);
  assert.equal(refused.skipped[0]!.reason, 'policy');
  assert.match(refused.skipped[0]!.detail, /own loopback/);
  assert.equal(plan(facts({ kind: 'none', host: '127.0.0.1', port: 8080 }), { surface: 'cli', typed: true }).targets.length, 1);
  const p = plan(facts({ kind: 'none', host: '127.0.0.1', port: 8080 }), { surface: 'chat', typed: true, policy: { allowLoopback: true, contact: null } });
  assert.equal(p.targets.length, 1);
  const denied = plan(facts({ kind: 'none', host: '127.0.0.1', port: 8080 }), { surface: 'chat', typed: true, policy: { allowLoopback: false, contact: '#infra' } });
  assert.equal(denied.skipped[0]!.reason, 'policy');
  assert.match(denied.skipped[0]!.detail, /own loopback.*ask #infra/);
});

test('--no-probe, no host, no port and unix sockets are skipped with a reason', () => {
  assert.equal(plan(facts({ host: 'db', port: 5432 }), { surface: 'cli', probe: false }).skipped[0]!.reason, 'no-probe');
  assert.equal(plan(facts({}), { surface: 'cli' }).skipped[0]!.reason, 'no-target');
  assert.deepEqual(plan(facts({ kind: 'none' }), { surface: 'cli' }).skipped, [], 'no error and no target: nothing to say');
  const noPort = plan(facts({ host: 'db' }), { surface: 'cli' });
  assert.equal(noPort.skipped[0]!.reason, 'no-target');
  assert.match(noPort.skipped[0]!.detail, /no port for db/);
  const sock = facts({ kind: 'unix_socket', unixSocket: '/var/run/docker.sock', service: 'docker' });
  assert.equal(plan(sock, { surface: 'cli' }).skipped[0]!.reason, 'unix-socket');
  assert.equal(plan(sock, { surface: 'chat' }).skipped[0]!.reason, 'local-target');
});

test('metadata, unspecified, multicast and broadcast are refused by policy before any socket', () => {
  for (const host of ['169.254.169.254', 'fd00:ec2::254', 'metadata.google.internal', '0.0.0.0', '::', '224.0.0.1', '255.255.255.255', 'fe80::1', 'ff02::1', '169.254.1.1']) {
    const p = plan(facts({ host, port: 80 }), { surface: 'cli' });
    assert.equal(p.targets.length, 0, host);
    assert.equal(p.skipped[0]!.reason, 'policy', host);
  }
  assert.equal(checkHost('10.0.0.5').allowed, true);
  assert.equal(checkPort(0).allowed, false);
  assert.equal(checkPort(65536).allowed, false);
  assert.ok(isLoopback('127.9.9.9') && isLoopback('::1') && !isLoopback('128.0.0.1') && !isLoopback('localhost.example'));
});

test('a proxy error probes the proxy and the destination behind it', () => {
  const p = plan(facts({ host: 'proxy.corp', port: 3128, proxy: { host: 'proxy.corp', port: 3128 }, destination: { host: 'pypi.org', port: 443 }, hints: ['proxy'] }), { surface: 'cli' });
  assert.deepEqual(p.targets.map((t) => [t.role, t.host, t.port]), [['proxy', 'proxy.corp', 3128], ['destination', 'pypi.org', 443]]);
});

test('http(s) targets carry a URL for the HTTP probe, without credentials', () => {
  const p = plan(facts({ kind: 'none', host: 'api', port: 8080, scheme: 'http' }), { surface: 'cli', url: 'http://user:secret@api:8080/health' });
  assert.equal(p.targets[0]!.url, 'http://api:8080/health');
  const v6 = plan(facts({ host: '::1', port: 443, scheme: 'https', tls: true }), { surface: 'cli' });
  assert.equal(v6.targets[0]!.url, 'https://[::1]:443/');
  assert.equal(plan(facts({ host: 'db', port: 5432, scheme: 'postgres' }), { surface: 'cli' }).targets[0]!.url, null);
});

test('nearby ports: the usual ports of the service and the neighbours, small and without the target', () => {
  const pg = nearbyPorts(5432, 'postgres');
  assert.ok(pg.includes(5433) && pg.includes(5431) && !pg.includes(5432));
  assert.ok(pg.length <= MAX_NEARBY_PORTS);
  assert.ok(nearbyPorts(80, 'http').includes(8080));
  assert.deepEqual(nearbyPorts(65535, null), [65534]);
  assert.equal(new Set(nearbyPorts(8080, 'http')).size, nearbyPorts(8080, 'http').length);
});

test('timeouts: defaults, overrides, and a deadline that leaves room for a connect', () => {
  assert.deepEqual(resolveTimeouts(undefined), DEFAULT_TIMEOUTS);
  const long = resolveTimeouts({ connectMs: 20000 });
  assert.ok(long.deadlineMs >= 20000 + long.dnsMs);
  assert.equal(resolveTimeouts({ deadlineMs: 500 }).deadlineMs, 500, 'an explicit deadline is kept');
});
