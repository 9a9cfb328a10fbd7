// Tests of the lab harness itself: that its hosts, names, filters and listeners behave as the scenarios
// assume, and that it leaves nothing behind. Independent of the engine.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { everyThirdDropped, hasPython, hostV4, Lab, labSupport, sweepStale } from './lab.js';

const support = labSupport();
const skip = support.ok ? false : `network lab needs root and ip netns: ${support.reason}`;
if (skip) console.error(`\n*** SKIPPED: the network lab harness tests: ${skip} ***\n`);

function namespaces(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
}

after(() => {
  // Whatever happened above, this process must leave no namespace of its own behind.
  if (!support.ok) return;
  const mine = namespaces().filter((n) => n.startsWith(`rflab-${process.pid}-`));
  assert.deepEqual(mine, [], 'namespaces left behind');
});

test('lab: hosts, routes and teardown', { skip, timeout: 20_000 }, async () => {
  const lab = await Lab.open();
  const db = await lab.host('db');
  assert.deepEqual(db.v4, ['10.213.1.2']);
  assert.deepEqual(db.v6, ['fd7a:213:0:1::2']);
  const names = lab.namespaces();
  for (const n of names) assert.ok(namespaces().includes(n), `${n} exists`);
  assert.ok(existsSync(`/etc/netns/${db.ns}/hosts`));

  // The client knows only its links: no default route, so no packet can head anywhere else.
  const routes4 = (await lab.exec(lab.client, ['ip', '-4', 'route'])).stdout;
  const routes6 = (await lab.exec(lab.client, ['ip', '-6', 'route'])).stdout;
  assert.doesNotMatch(routes4, /default/);
  assert.doesNotMatch(routes6, /default/);
  assert.match(routes4, /10\.213\.1\.0\/24 dev v1/);

  await lab.close();
  for (const n of names) {
    assert.ok(!namespaces().includes(n), `${n} removed`);
    assert.ok(!existsSync(`/etc/netns/${n}`), `/etc/netns/${n} removed`);
  }
});

test('lab: listeners, filters and unreachable addresses look as the scenarios need', { skip, timeout: 30_000 }, async (t) => {
  const lab = await Lab.open(t);
  const db = await lab.host('db');
  await lab.serve(db, 'http', [`${db.v4[0]}:8080`, `[${db.v6[0]}]:8080`, `127.0.0.1:9090`]);
  await lab.nft(db, `
table inet rflab {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 7001 drop
    tcp dport 7002 reject with icmpx type admin-prohibited
    tcp dport 7003 reject with tcp reset
  }
}
`);
  const c = lab.client;
  const v4 = db.v4[0]!;
  assert.equal((await lab.connect(c, v4, 8080)).result, 'open');
  assert.equal((await lab.connect(c, db.v6[0]!, 8080)).result, 'open');
  assert.equal((await lab.connect(c, v4, 9090)).result, 'ECONNREFUSED', 'a loopback listener is not reachable from outside');
  assert.equal((await lab.connect(db, '127.0.0.1', 9090)).result, 'open', 'but it listens inside its host');
  assert.equal((await lab.connect(c, v4, 7000)).result, 'ECONNREFUSED');
  const dropped = await lab.connect(c, v4, 7001, 400);
  assert.equal(dropped.result, 'timeout');
  assert.equal((await lab.connect(c, v4, 7002)).result, 'EHOSTUNREACH');
  // IPv6 admin-prohibited is EACCES on Linux. Here the first ICMPv6 error arrives while connect() still
  // holds the socket (TcpExt LockDroppedIcmps), is kept as a soft error, and the connect fails only when
  // the retransmitted SYN draws the second one, about 1 s later.
  const v6reject = await lab.connect(c, db.v6[0]!, 7002, 3000);
  assert.equal(v6reject.result, 'EACCES');
  assert.ok(v6reject.ms > 900, `IPv6 reject took ${v6reject.ms} ms`);
  assert.equal((await lab.connect(c, v4, 7003)).result, 'ECONNREFUSED');
  // No host behind the address: the neighbour lookup fails, fast thanks to the lab's sysctls.
  const empty = await lab.connect(c, hostV4(1, 77), 5432, 3000);
  assert.equal(empty.result, 'EHOSTUNREACH');
  assert.ok(empty.ms < 1500, `neighbour failure took ${empty.ms} ms`);
  // No route at all: refused by the client's own stack before any packet is sent.
  assert.equal((await lab.connect(c, '10.213.250.1', 5432)).result, 'ENETUNREACH');
});

test('lab: DNS server and per-host hosts files', { skip, timeout: 20_000 }, async (t) => {
  const lab = await Lab.open(t);
  const db = await lab.host('db');
  await lab.dns({ 'db.lab.test': [db.v4[0]!, db.v6[0]!], 'v4only.lab.test': [db.v4[0]!] });
  const c = lab.client;
  assert.deepEqual((await lab.resolve(c, 'db.lab.test')).sort(), [db.v4[0]!, db.v6[0]!].sort());
  assert.deepEqual(await lab.resolve(c, 'v4only.lab.test'), [db.v4[0]!]);
  assert.deepEqual(await lab.resolve(c, 'nosuch.lab.test'), []);
  // NXDOMAIN is an answer, so node says ENOTFOUND (not EAI_AGAIN, which would mean no server answered).
  const r = await lab.exec(c, [process.execPath, '-e', `require('node:dns').lookup('nosuch.lab.test',(e)=>process.stdout.write(e?e.code:'found'))`]);
  assert.equal(r.stdout, 'ENOTFOUND');
  // Another host sees the name differently through its own hosts file.
  const laptop = await lab.host('laptop');
  lab.setHosts(laptop, { 'db.lab.test': ['10.213.1.99'] });
  assert.deepEqual(await lab.resolve(laptop, 'db.lab.test'), ['10.213.1.99']);
  assert.deepEqual((await lab.resolve(c, 'db.lab.test')).sort(), [db.v4[0]!, db.v6[0]!].sort());
});

test('lab: a never-accepting listener opens a few connections, then drops', { skip: skip || (!hasPython() && 'python3 not found'), timeout: 20_000 }, async (t) => {
  const lab = await Lab.open(t);
  const db = await lab.host('db');
  await lab.noAccept(db, db.v4[0]!, 5432, 1);
  const results: string[] = [];
  for (let i = 0; i < 4; i++) results.push((await lab.connect(lab.client, db.v4[0]!, 5432, 400)).result);
  assert.deepEqual(results.slice(0, 2), ['open', 'open']);
  assert.deepEqual(results.slice(2), ['timeout', 'timeout']);
});

test('lab: numgen drops every third connection, retransmits included', { skip, timeout: 20_000 }, async (t) => {
  const lab = await Lab.open(t);
  const db = await lab.host('db');
  await lab.serve(db, 'silent', [`${db.v4[0]}:5432`]);
  await lab.nft(db, everyThirdDropped(5432));
  const results: string[] = [];
  for (let i = 0; i < 6; i++) results.push((await lab.connect(lab.client, db.v4[0]!, 5432, 1500)).result);
  assert.deepEqual(results, ['open', 'open', 'timeout', 'open', 'open', 'timeout']);
});

test('lab: stale namespaces of a dead run are swept', { skip, timeout: 10_000 }, () => {
  // A pid that is not running: the highest possible one is almost never in use; check to be sure.
  let dead = 4194303;
  while (dead > 4194200) {
    try { process.kill(dead, 0); dead--; } catch { break; }
  }
  const ns = `rflab-${dead}-1-client`;
  execFileSync('ip', ['netns', 'add', ns]);
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(`/etc/netns/${ns}/hosts`, '');
  const swept = sweepStale();
  assert.ok(swept.includes(ns));
  assert.ok(!namespaces().includes(ns));
  assert.ok(!existsSync(`/etc/netns/${ns}`));
});
