// The rules' reading of what the reporter's words say (hints from passes/reporter-context.ts), from the text alone:
// each new branch fires on its clue and stays out without it. Whole pastes at the end, written for this file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { boundToLoopback } from '../../src/rules/bound-to-loopback.js';
import { connectionReset } from '../../src/rules/connection-reset.js';
import { containerLocalhost } from '../../src/rules/container-localhost.js';
import { dnsMismatch } from '../../src/rules/dns-mismatch.js';
import { familyMismatch } from '../../src/rules/family-mismatch.js';
import { firewallReject } from '../../src/rules/firewall-reject.js';
import { hostNotSet } from '../../src/rules/host-not-set.js';
import { hostUnreachable } from '../../src/rules/host-unreachable.js';
import { kafkaAdvertisedListener } from '../../src/rules/kafka-advertised-listener.js';
import { notListening } from '../../src/rules/not-listening.js';
import { proxyRefused } from '../../src/rules/proxy-refused.js';
import { serviceMismatch } from '../../src/rules/service-mismatch.js';
import { tlsMismatch } from '../../src/rules/tls-mismatch.js';
import { upstreamRefused } from '../../src/rules/upstream-refused.js';
import { wrongPort } from '../../src/rules/wrong-port.js';
import type { Facts } from '../../src/domain/types.js';
import { ctx, facts, noProbe, ruleCases } from './helpers.js';

const text = (over: Partial<Facts>) => {
  const f = facts(over);
  return ctx(f, [], noProbe(f));
};
const lh = { host: '127.0.0.1', port: 6379, addresses: ['127.0.0.1'] };

ruleCases(familyMismatch, {
  fires: [
    { name: 'the other loopback works', ctx: text({ ...lh, port: 4200, hints: ['other-loopback-works'] }), min: 0.7, vars: { workingAddress: '::1' } },
    { name: 'the server log says 127.0.0.1, the client dialled localhost', ctx: text({ host: 'localhost', port: 8000, hints: ['listens-loopback', 'listens-loopback-v4'] }), min: 0.7, vars: { workingAddress: '127.0.0.1' } },
    { name: 'nginx dialled its upstream on [::1] only', ctx: text({ host: 'shop.example', port: 443, destination: { host: '::1', port: 8000 }, addresses: ['::1'], hints: ['nginx-upstream', 'upstream'] }), min: 0.9 },
  ],
  quiet: [
    { name: 'the server log names a loopback, but the client is in a container (container-localhost)', ctx: text({ host: 'localhost', port: 8000, hints: ['listens-loopback-v4', 'client-in-container'] }) },
    { name: 'nginx tried [::1] and 127.0.0.1 and both refused', ctx: text({ host: 'shop.example', port: 443, destination: { host: '::1', port: 3000 }, addresses: ['::1', '127.0.0.1'], hints: ['nginx-upstream', 'upstream'] }) },
    { name: 'nginx in a container on [::1]: its own loopback', ctx: text({ host: 'shop.example', port: 443, destination: { host: '::1', port: 3000 }, addresses: ['::1'], hints: ['nginx-upstream', 'upstream', 'in-container'] }) },
  ],
});

ruleCases(containerLocalhost, {
  fires: [
    { name: 'the client\'s shell or command is a container\'s', ctx: text({ ...lh, hints: ['client-in-container'] }), min: 0.9 },
    { name: 'compose in the text and the container side of a publish dialled from the host: listed, not first', ctx: text({ ...lh, port: 5432, hints: ['in-container', 'other-port-configured', 'dialled-container-port'] }), max: 0.5 },
  ],
  quiet: [
    { name: 'a container clue but a remote target', ctx: text({ host: '10.0.0.5', port: 6379, hints: ['client-in-container'] }) },
    { name: 'loopback and no container clue', ctx: text(lh) },
  ],
});

ruleCases(wrongPort, {
  fires: [
    { name: 'the container side of a published port, dialled from the host', ctx: text({ host: 'localhost', port: 5432, hints: ['other-port-configured', 'dialled-container-port'], notes: ['the configuration in the paste says port 5434 (published as 5434:5432); the error dialled 5432'] }), min: 0.85, evidence: /5434/, vars: { openPort: '5434' } },
    { name: 'a DSN with another port for the same host', ctx: text({ host: 'db.internal', port: 5432, hints: ['other-port-configured'], notes: ['the configuration in the paste says port 6432 (in postgres://…@db.internal:6432); the error dialled 5432'] }), min: 0.7, max: 0.8 },
  ],
  quiet: [
    { name: 'a timeout, whatever the configuration says', ctx: text({ kind: 'timeout', hints: ['other-port-configured'], notes: ['the configuration in the paste says port 6432 (x); the error dialled 5432'] }) },
  ],
});

describe('wrong-port without a second port stays a faint alternative', () => {
  it('refused, nothing configured: 0.3', () => assert.ok(wrongPort.when(text({}))!.confidence <= 0.4));
  it('the published port itself dialled from a container: no port mix-up story', () => {
    const m = wrongPort.when(text({ host: 'localhost', port: 5555, hints: ['other-port-configured', 'dialled-published-port', 'client-in-container'], notes: ['the configuration in the paste says port 5432 (published as 5555:5432); the error dialled 5555'] }));
    assert.ok(m!.confidence < 0.5);
  });
});

ruleCases(hostNotSet, {
  fires: [{ name: 'a library on its default endpoint although a setting is said to be set', ctx: text({ ...lh, hints: ['default-endpoint'] }), min: 0.9 }],
  quiet: [{ name: 'loopback alone is not a missing setting', ctx: text(lh) }],
});

ruleCases(serviceMismatch, {
  fires: [{ name: 'the text shows another protocol answering', ctx: text({ kind: 'reset', ...lh, service: 'redis', port: 8500, hints: ['other-protocol'] }), min: 0.8, vars: { usualPort: '6379' } }],
  quiet: [{ name: 'a reset with no protocol clue', ctx: text({ kind: 'reset', ...lh, service: 'redis' }) }],
});

ruleCases(connectionReset, {
  fires: [{ name: 'a plain reset', ctx: text({ kind: 'reset', errno: 'ECONNRESET' }), min: 0.5 }],
  quiet: [{ name: 'a reset that is another protocol answering', ctx: text({ kind: 'reset', hints: ['other-protocol'] }) }],
});

ruleCases(boundToLoopback, {
  fires: [
    { name: 'the server log names 127.0.0.1 and its port is published from a container', ctx: text({ kind: 'reset', host: 'localhost', port: 5000, hints: ['listens-loopback', 'listens-loopback-v4', 'published-port'] }), min: 0.75 },
    { name: 'a reset for a server that works outside Docker', ctx: text({ kind: 'reset', host: null, port: null, hints: ['works-outside-container'] }), min: 0.65 },
    { name: 'another machine is refused', ctx: text({ host: '192.168.1.23', port: 3000, hints: ['from-another-machine'] }), min: 0.6 },
  ],
  quiet: [
    { name: 'loopback target, server log on loopback, no container: a family story, not this', ctx: text({ host: 'localhost', port: 8000, hints: ['listens-loopback', 'listens-loopback-v4'] }) },
    { name: 'a reset with no clue', ctx: text({ kind: 'reset', host: 'localhost', port: 5000 }) },
  ],
});

ruleCases(firewallReject, {
  fires: [{ name: 'no route to host while ping works', ctx: text({ kind: 'unreachable', errno: 'EHOSTUNREACH', hints: ['ping-works'] }), min: 0.7 }],
  quiet: [{ name: 'loopback refusal', ctx: text(lh) }],
});

describe('host-unreachable steps back when ping works', () => {
  it('lower than firewall-reject', () => {
    const c = text({ kind: 'unreachable', errno: 'EHOSTUNREACH', hints: ['ping-works'] });
    assert.ok(hostUnreachable.when(c)!.confidence < firewallReject.when(c)!.confidence);
  });
  it('without the clue it leads', () => assert.ok(hostUnreachable.when(text({ kind: 'unreachable', errno: 'EHOSTUNREACH' }))!.confidence > firewallReject.when(text({ kind: 'unreachable', errno: 'EHOSTUNREACH' }))!.confidence));
});

ruleCases(kafkaAdvertisedListener, {
  fires: [{ name: 'NoBrokersAvailable', ctx: text({ host: 'events-kafka', port: 9092, service: 'kafka', hints: ['kafka-no-brokers'] }), min: 0.65 }],
  quiet: [{ name: 'not Kafka', ctx: text({ host: 'events', port: 9092 }) }],
});

ruleCases(dnsMismatch, {
  fires: [{ name: 'a service name the client resolved to 127.0.0.1', ctx: text({ host: 'pg-main', port: 5432, addresses: ['127.0.0.1'] }), min: 0.65, vars: { theirs: '127.0.0.1' } }],
  quiet: [
    { name: 'localhost resolving to loopback is its job', ctx: text({ host: 'localhost', addresses: ['127.0.0.1'] }) },
    { name: 'a name resolved to a real address', ctx: text({ host: 'pg-main', addresses: ['172.20.0.3'] }) },
  ],
});

ruleCases(tlsMismatch, {
  fires: [{ name: 'plain HTTP to 443 gets an empty reply', ctx: text({ kind: 'reset', host: 'api.example', port: 443, scheme: 'http', tls: false }), min: 0.7 }],
  quiet: [{ name: 'plain HTTP to 80 gets a reset', ctx: text({ kind: 'reset', host: 'api.example', port: 80, scheme: 'http', tls: false }) }],
});

describe('text-alone confidences that step back for a better story', () => {
  it('not-listening under a family clue or a default endpoint', () => {
    assert.ok(notListening.when(text({ host: '::1', port: 3000, addresses: ['::1'], runtime: 'node' }))!.confidence < 0.45);
    assert.ok(notListening.when(text({ ...lh, hints: ['default-endpoint'] }))!.confidence < 0.45);
    assert.ok(notListening.when(text(lh))!.confidence >= 0.5);
  });
  it('proxy-refused under a TLS error (the proxy answered)', () => {
    const p = { host: 'proxy.corp', port: 3128, proxy: { host: 'proxy.corp', port: 3128 }, hints: ['proxy'] };
    assert.ok(proxyRefused.when(text({ ...p, kind: 'tls', hints: ['proxy', 'tls-plain'] }))!.confidence <= 0.5);
    assert.ok(proxyRefused.when(text(p))!.confidence >= 0.9);
  });
  it('upstream-refused under a timeout (a timeout is not a refusal)', () => {
    const u = { destination: { host: '10.0.0.9', port: 8000 }, hints: ['nginx-upstream', 'upstream'] };
    assert.ok(upstreamRefused.when(text({ ...u, kind: 'timeout' }))!.confidence < 0.5);
    assert.ok(upstreamRefused.when(text(u))!.confidence > 0.9);
  });
});

describe('whole pastes from the text alone (chat)', () => {
  const first = async (paste: string) => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'chat', probe: false });
    return { ids: d.causes.map((c) => c.id), verdict: d.verdict };
  };
  const cases: [string, string, string][] = [
    ['Node 18 printing ::1', 'Error: connect ECONNREFUSED ::1:5173\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)', 'family-mismatch'],
    ['a container prompt and loopback', 'root@91c3aa0e5f12:/app# python manage.py migrate\ndjango.db.utils.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused', 'container-localhost'],
    ['the container side of a publish dialled from the host', 'docker-compose.yml:\n  db:\n    ports:\n      - "6543:5432"\n\n$ psql -h localhost -U app\npsql: error: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused', 'wrong-port'],
    ['kombu\'s default broker', 'worker-1  | consumer: Cannot connect to amqp://guest:**@127.0.0.1:5672//: [Errno 111] Connection refused.\nwe use redis for celery, not rabbitmq', 'host-not-set'],
    ['redis-cli on an HTTP port', '$ redis-cli -p 8500\n127.0.0.1:8500> ping\nError: Protocol error, got "H" as reply type byte', 'service-mismatch'],
    ['Postgres that has no TLS', 'Server does not support SSL, but SSL was required', 'tls-mismatch'],
    ['nginx read timeout', '2025/01/02 03:04:05 [error] 9#9: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.2, server: _, request: "GET / HTTP/1.1", upstream: "http://10.0.0.9:8000/", host: "a.example"', 'not-responding'],
    ['no route while ping works', '$ ping -c1 10.1.0.4\n64 bytes from 10.1.0.4: icmp_seq=1 ttl=64 time=0.4 ms\n$ nc -vz 10.1.0.4 8080\nnc: connect to 10.1.0.4 port 8080 (tcp) failed: No route to host', 'firewall-reject'],
    ['a Flask dev server in Docker bound to 127.0.0.1', '$ docker run -p 5000:5000 shop-api\n * Running on http://127.0.0.1:5000\n$ curl http://localhost:5000/\ncurl: (52) Empty reply from server', 'bound-to-loopback'],
    ['Postgres still starting, no client error', 'db-1  | FATAL:  the database system is starting up', 'service-starting'],
    ['a base URL from a variable that was not set', 'TypeError: Failed to parse URL from undefined/api/orders\n    at node:internal/deps/undici/undici:13502:13', 'host-not-set'],
    ['an API URL with undefined in it', 'GET http://localhost:3000/undefined/api/users net::ERR_CONNECTION_REFUSED', 'host-not-set'],
  ];
  for (const [name, paste, want] of cases) {
    it(`${name}: ${want}`, async () => {
      const r = await first(paste);
      assert.equal(r.ids[0], want, r.ids.join(' > '));
    });
  }
  it('a masked host: the verdict asks for the real one and keeps the port', async () => {
    const r = await first('redis.exceptions.ConnectionError: Error 111 connecting to xx.xx.xx.xx:6379. Connection refused.');
    assert.match(r.verdict, /masked/);
    assert.match(r.verdict, /\/refused <host> 6379/);
  });
});
