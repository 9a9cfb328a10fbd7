// The pipeline end to end, in-process, with real sockets on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import type { Rule } from '../../src/rules/types.js';
import { loopback, type Loopback } from './helpers.js';

let lo: Loopback;
let openPort = 0;
let closedPort = 0;

before(async () => {
  lo = await loopback();
  ({ openPort, closedPort } = lo);
});
after(() => lo.close());

const fixedNow = () => new Date('2026-11-22T10:00:00Z');

test('a pasted Node refusal is parsed, probed from here, and ranked', async () => {
  const text = `Error: connect ECONNREFUSED 127.0.0.1:${closedPort}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect',\n  address: '127.0.0.1',\n  port: ${closedPort}\n}`;
  const d = await diagnose({ type: 'paste', text }, { surface: 'cli', hostname: 'jump-1', now: fixedNow });
  assert.equal(d.facts.kind, 'refused');
  assert.equal(d.facts.runtime, 'node');
  assert.equal(d.facts.port, closedPort);
  assert.equal(d.causes[0]!.id, 'not-listening');
  assert.ok(d.causes[0]!.evidence.some((line) => line.includes(`127.0.0.1:${closedPort}`)));
  assert.deepEqual(d.vantage, { host: 'jump-1', surface: 'cli', at: '2026-11-22T10:00:00.000Z' });
  assert.equal(d.probed, true);
  assert.match(d.verdict, new RegExp(String(closedPort)));
});

test('the same paste in chat is the reporter\'s machine: local-target, nothing probed', async () => {
  const text = `redis.exceptions.ConnectionError: Error 111 connecting to localhost:${closedPort}. Connection refused.`;
  const d = await diagnose({ type: 'paste', text }, { surface: 'chat' });
  assert.equal(d.causes[0]!.id, 'local-target');
  assert.equal(d.probed, false);
  assert.deepEqual(d.evidence, []);
  const commands = d.causes[0]!.steps.flatMap((s) => s.commands.map((c) => c.run)).join('\n');
  assert.match(commands, /ss -ltnp|lsof -iTCP|netstat -ano/);
});

test('an open port is reachable from here', async () => {
  const d = await diagnose({ type: 'target', host: '127.0.0.1', port: openPort }, { surface: 'cli', timeouts: { bannerMs: 300 } });
  assert.equal(d.causes[0]!.id, 'reachable-from-here');
  const tcp = d.evidence.filter((e) => e.type === 'tcp');
  assert.ok(tcp.length >= 1 && tcp.every((e) => e.type === 'tcp' && e.outcome === 'open'));
});

test('text alone (probe: false) still ranks causes and opens nothing', async () => {
  const d = await diagnose({ type: 'paste', text: "The connection to the server localhost:8080 was refused - did you specify the right host or port?" }, { surface: 'cli', probe: false });
  assert.equal(d.causes[0]!.id, 'kubectl-no-config');
  assert.equal(d.probed, false);
  assert.deepEqual(d.evidence, []);
});

test('a URL target keeps its scheme: postgres without a port infers 5432', async () => {
  const d = await diagnose({ type: 'url', url: 'postgres://app:s3cret@db.internal/app' }, { surface: 'cli', probe: false });
  assert.equal(d.facts.port, 5432);
  assert.equal(d.facts.portInferred, true);
  assert.equal(d.facts.service, 'postgres');
  assert.doesNotMatch(JSON.stringify(d), /s3cret/);
});

test('an operator rule that throws does not break the diagnosis', async () => {
  const broken: Rule = { id: 'broken', title: 'x', explanation: 'x', steps: [], when: () => { throw new Error('boom'); } };
  const d = await diagnose({ type: 'target', host: '127.0.0.1', port: closedPort }, { surface: 'cli', extraRules: [broken] });
  assert.equal(d.causes[0]!.id, 'not-listening');
  assert.ok(!d.causes.some((c) => c.id === 'broken'));
});

test('an aborted diagnosis still resolves with what it has', async () => {
  const controller = new AbortController();
  controller.abort();
  const d = await diagnose({ type: 'target', host: '127.0.0.1', port: closedPort }, { surface: 'cli', signal: controller.signal });
  assert.equal(d.schemaVersion, 1);
  assert.ok(d.durationMs < 1000);
});

test('the look at this machine may still be coming: the probes go out meanwhile, its answers rank the causes', async () => {
  const look = { container: { kind: 'docker' as const, clues: ['/.dockerenv exists'] }, proxy: [], localhost: null, listening: [] };
  let release: (l: typeof look) => void = () => {};
  const coming = new Promise<typeof look>((r) => {
    release = r;
  });
  const pending = diagnose({ type: 'target', host: '127.0.0.1', port: closedPort }, { surface: 'cli', local: coming });
  // Only once the look is in does the diagnosis end, and then it reads exactly as with the look given at once.
  setImmediate(() => release(look));
  const later = await pending;
  const atOnce = await diagnose({ type: 'target', host: '127.0.0.1', port: closedPort }, { surface: 'cli', local: look });
  assert.deepEqual(later.local, look);
  assert.deepEqual(later.facts.answers, atOnce.facts.answers);
  assert.equal(later.facts.answers?.clientWhere, 'container');
  assert.deepEqual(later.causes.map((c) => c.id), atOnce.causes.map((c) => c.id));
});

test('a look that fails fails the diagnosis (as an awaited look did), never as an unhandled rejection', async () => {
  const failing = Promise.reject(new Error('no /proc here'));
  await assert.rejects(diagnose({ type: 'target', host: '127.0.0.1', port: closedPort }, { surface: 'cli', local: failing }), /no \/proc here/);
});
