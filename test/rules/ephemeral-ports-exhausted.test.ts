import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OSES } from '../../src/domain/types.js';
import { parse } from '../../src/parse/index.js';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { ephemeralPortsExhausted } from '../../src/rules/ephemeral-ports-exhausted.js';
import { RULES } from '../../src/rules/index.js';
import { ctx, facts, noProbe, probePlan, ranking, ruleCases, tcp } from './helpers.js';

const remote = facts({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '203.0.113.40', port: 443, runtime: 'go' });
const loaded = facts({ ...remote, hints: ['under-load'] });
const v6loop = facts({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '::1', port: 5672, runtime: 'python' });
const at = { host: '10.0.0.5', port: 8080 };
const probed = facts({ kind: 'none', host: '10.0.0.5', port: 8080, hints: ['typed'] });

ruleCases(ephemeralPortsExhausted, {
  fires: [
    { name: 'EADDRNOTAVAIL and words of load: first', ctx: ctx(loaded, [], noProbe(loaded)), min: 0.9, evidence: /many connections/ },
    { name: 'EADDRNOTAVAIL to a remote IPv4 address, the errno the only clue: still likely', ctx: ctx(remote, [], noProbe(remote)), min: 0.65, max: 0.75, evidence: /no free local port/ },
    { name: "Windows' 10048 on connect (WSAEADDRINUSE)", ctx: ctx(facts({ ...remote, errno: 'EADDRINUSE', os: 'windows', hints: ['under-load'] }), [], noProbe(remote)), min: 0.9, evidence: /Only one usage/ },
    { name: 'EADDRNOTAVAIL to ::1 without load: low (no IPv6 loopback is likelier)', ctx: ctx(v6loop, [], noProbe(v6loop)), max: 0.35 },
    { name: 'EADDRNOTAVAIL to localhost that went to IPv6, no load: low', ctx: ctx(facts({ ...v6loop, host: 'localhost', addresses: ['::1'] }), [], noProbe(v6loop)), max: 0.35 },
    { name: 'EADDRNOTAVAIL to ::1 under load: first after all', ctx: ctx(facts({ ...v6loop, hints: ['under-load'] }), [], noProbe(v6loop)), min: 0.9 },
    {
      name: 'the probes got EADDRNOTAVAIL over IPv4: this machine is out of ports',
      ctx: ctx(probed, [tcp('10.0.0.5', 'error', { ...at, errno: 'EADDRNOTAVAIL' }), tcp('10.0.0.5', 'error', { ...at, errno: 'EADDRNOTAVAIL', attempt: 1 })]),
      min: 0.9, evidence: /10\.0\.0\.5:8080 → .*no free local port/, vars: { Who: 'This machine' },
    },
    { name: 'the probes got EADDRNOTAVAIL over IPv6 only: low', ctx: ctx(probed, [tcp('fd00::5', 'error', { ...at, errno: 'EADDRNOTAVAIL' })]), max: 0.35 },
  ],
  quiet: [
    { name: 'a refusal', ctx: ctx(facts(), [], noProbe(facts())) },
    { name: 'EADDRINUSE with no connection error (a server that could not listen)', ctx: ctx(facts({ kind: 'none', errno: 'EADDRINUSE', host: null, port: null }), [], noProbe(facts())) },
    { name: 'the probes connect fine', ctx: ctx(probed, [tcp('10.0.0.5', 'open', at)]) },
    { name: 'unreachable for another reason', ctx: ctx(facts({ kind: 'unreachable', errno: 'EHOSTUNREACH' }), [tcp('10.0.0.5', 'unreachable')]) },
  ],
});

describe('ephemeral-ports-exhausted in the ranking', () => {
  it('under load it comes first, above host-unreachable', () => {
    const ids = ranking(ctx(loaded, [], noProbe(loaded)));
    assert.equal(ids[0], 'ephemeral-ports-exhausted', ids.join(' > '));
    assert.ok(ids.includes('host-unreachable'));
  });

  it('EADDRNOTAVAIL to ::1 without load keeps family-mismatch first', () => {
    const ids = ranking(ctx(v6loop, [], noProbe(v6loop)));
    assert.equal(ids[0], 'family-mismatch', ids.join(' > '));
    assert.ok(ids.includes('ephemeral-ports-exhausted'), 'listed lower');
  });

  it('probe evidence outranks host-unreachable\'s "no source address"', () => {
    const ids = ranking(ctx(probed, [tcp('10.0.0.5', 'error', { ...at, errno: 'EADDRNOTAVAIL' })], probePlan(probed)));
    assert.equal(ids[0], 'ephemeral-ports-exhausted', ids.join(' > '));
  });

  it('steps show the sockets by state, the TIME_WAIT peers and the port range on every OS, and the client\'s own fix', () => {
    const f = evaluate(RULES, buildContext(loaded, [], noProbe(loaded))).find((x) => x.id === 'ephemeral-ports-exhausted')!;
    const runs = f.steps.flatMap((s) => s.commands);
    for (const os of OSES) assert.ok(runs.some((c) => c.os === os), `no ${os} command`);
    const all = f.steps.flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
    assert.match(all, /ss -s/);
    assert.match(all, /ss -tan state time-wait \| wc -l/);
    assert.match(all, /net\.ipv4\.ip_local_port_range/);
    assert.match(all, /one http\.Client/, 'Go advice for a Go client');
    assert.match(f.title, /^The client ran out of local ports for new connections to 203\.0\.113\.40:443$/);
  });
});

describe('ephemeral-ports-exhausted from real shapes of the error', () => {
  const cases: [string, string][] = [
    ['Go', 'load test, ~2k rps:\ndial tcp 10.1.2.3:5001: connect: cannot assign requested address'],
    ['Go on macOS', 'benchmark run: dial tcp 10.1.2.3:5001: connect: can\'t assign requested address'],
    ['Node', 'bulk indexing, one http.request per doc, after ~30k requests:\nError: connect EADDRNOTAVAIL 127.0.0.1:8983 - Local (127.0.0.1:0)'],
    ['Python', 'in a loop over thousands of items:\nrequests.exceptions.ConnectionError: HTTPConnectionPool(host=\'10.0.0.5\', port=80): Max retries exceeded with url: / (Caused by NewConnectionError(\'<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 99] Cannot assign requested address\'))'],
    ['Ruby', 'under load: Errno::EADDRNOTAVAIL: Cannot assign requested address - connect(2) for "10.0.0.5" port 6379'],
    ['Windows 10048', 'load test: requests.exceptions.ConnectionError: HTTPConnectionPool(host=\'127.0.0.1\', port=3000): Max retries exceeded (Caused by NewConnectionError(\'<x>: Failed to establish a new connection: [WinError 10048] Only one usage of each socket address (protocol/network address/port) is normally permitted\'))'],
    ['redis-benchmark', '$ redis-benchmark -k 0 -n 1000000\nCould not connect to Redis at 127.0.0.1:6379: Can\'t assign requested address'],
    ['JVM', 'under load: java.net.NoRouteToHostException: Cannot assign requested address (Address not available)'],
  ];
  for (const [name, text] of cases) {
    it(`${name}: first`, () => {
      const f = parse(text);
      const ids = ranking(ctx(f, [], noProbe(f)));
      assert.equal(ids[0], 'ephemeral-ports-exhausted', `${ids.join(' > ')} (kind ${f.kind}, errno ${f.errno}, signature ${f.signature})`);
    });
  }

  it('a server that cannot bind its address is not a connection that ran out of ports', () => {
    for (const text of [
      'Error: listen EADDRNOTAVAIL: address not available 10.0.0.9:3000',
      'Traceback (most recent call last):\n  File "/usr/lib/python3.11/socketserver.py", line 473, in server_bind\n    self.socket.bind(self.server_address)\nOSError: [Errno 99] Cannot assign requested address',
      'nginx: [emerg] bind() to 10.0.0.9:80 failed (99: Cannot assign requested address)',
    ]) {
      const f = parse(text);
      assert.ok(!ranking(ctx(f, [], noProbe(f))).includes('ephemeral-ports-exhausted'), `${text}: ${f.kind} ${f.errno}`);
    }
  });
});
