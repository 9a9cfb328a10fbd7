// Chaos tests with real bot processes (issue 13): several replicas of the bot as child processes on ONE fake Slack
// (each envelope goes to one Socket Mode connection), sharing one store, and real loopback ports as targets. A
// replica holding a watch is killed (`kill -9`, so it cannot say goodbye) or stopped (SIGTERM, it hands its leases
// back), and another replica takes the watch over and posts the change in the same thread; with SQLite, the next
// start of the bot resumes it. Rate limits are counted over both replicas, and Stop watching works from either.
// The takeover times are printed (t.diagnostic), never asserted: timings belong in `npm run bench`.
// Each Redis test uses its own database on one redis-server the file starts, so leftovers never cross tests.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext, test } from 'node:test';
import { ACTION } from '../../src/slack/ids.js';
import { ON_CI, type RedisServer, redisAvailable, redisSkip, startRedis } from '../store/redis-server.js';
import { type Run, spawnBot } from './child-bot.js';
import { FakeSlack, type Posted } from './fake-slack.js';
import { blocksText, closedPort, closeServer, env, listen } from './harness.js';
import { tempDir } from './state.js';

/** A replica dies: another may claim its watches this long after its last renewal. */
const LEASE_MS = 1500;

/** What every replica here runs with: a short lease and first check, short probes. */
const BASE: Record<string, string> = {
  REFUSED_WATCH_LEASE_MS: String(LEASE_MS),
  REFUSED_WATCH_FIRST_INTERVAL_MS: '200',
  REFUSED_CONNECT_TIMEOUT_MS: '500',
  // A target asked about again links the earlier thread: not what these tests look at.
  REFUSED_SAME_INCIDENT_MINUTES: '0',
};

if (ON_CI && !redisAvailable()) {
  test('the replica tests need redis-server', () => {
    assert.fail('redis-server is missing and CI is set: .ci/run should install redis-server (apt-get install --no-install-recommends redis-server)');
  });
}

/** One bot process and the id of its Socket Mode connection in the fake. */
interface Replica {
  name: string;
  run: Run;
  connection: number;
}

let fake: FakeSlack;
/** Every process started here, so `after` can kill what a failed test left running. */
const runs: Run[] = [];

function launch(extra: Record<string, string>): Run {
  const run = spawnBot(env(fake, { ...BASE, ...extra }));
  runs.push(run);
  return run;
}

async function killAll(): Promise<void> {
  await Promise.all(
    runs.map(async (r) => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      await r.exit;
    }),
  );
  runs.length = 0;
  await fake.waitFor(() => fake.connections.length === 0, "the dead replicas' connections to close", 5000).catch(() => undefined);
}

/** The exit code, within a bound: a process that does not stop fails the test with its last lines, never hangs it. */
async function exitOf(run: Run, timeoutMs = 15_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`process ${run.child.pid} did not exit within ${timeoutMs} ms; its last lines: ${JSON.stringify(run.lines.slice(-15))}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lines a process logged with this event (and these fields). */
function linesOf(run: Run, event: string, fields: Record<string, unknown> = {}): Record<string, unknown>[] {
  return run.lines.filter((l) => l.event === event && Object.entries(fields).every(([k, v]) => l[k] === v));
}

/** Every process's stdout was JSON lines, none at level error, and no token in them. */
function assertClean(): void {
  for (const r of runs) {
    assert.deepEqual(
      r.lines.filter((l) => l.level === 'error' || l.event === 'not-json'),
      [],
      `process ${r.child.pid} logged errors`,
    );
    assert.doesNotMatch(JSON.stringify(r.lines), /fakebottoken|fakeapptoken/);
  }
}

async function waitLineWith(run: Run, event: string, fields: Record<string, unknown>, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  return fake.waitFor(() => linesOf(run, event, fields)[0], `"${event}" ${JSON.stringify(fields)} from the bot`, timeoutMs);
}

/**
 * Starts `names.length` bots at once on one store and finds out which Socket Mode connection is whose: a chatter
 * message sent to each connection shows up (by envelope id) in the debug log of the process that received it.
 */
async function replicas(names: string[], store: string, extra: Record<string, string> = {}): Promise<Replica[]> {
  // What an earlier test left running (one that timed out never reached its `finally`) would take envelopes.
  await killAll();
  const started = names.map((name) => ({ name, run: launch({ REFUSED_VANTAGE_NAME: name, REFUSED_STORE_URL: store, ...extra }) }));
  await Promise.all(started.map((s) => s.run.waitLine('slack_connected', 30_000)));
  await fake.waitFor(() => fake.connections.length === names.length, `${names.length} Socket Mode connections`);
  const out: Replica[] = [];
  for (const c of fake.connections) {
    const ack = await fake.send(
      'events_api',
      fake.event({ type: 'message', user: 'U100', text: 'probe, nothing to see', channel: 'C0PROBE', channel_type: 'channel', ts: `${Date.now() / 1000}` }),
      { connection: c.id },
    );
    const who = await fake.waitFor(
      () => started.find((s) => s.run.lines.some((l) => l.event === 'bolt' && String(l.message).includes(ack.envelopeId))),
      `the process behind connection ${c.id}`,
    );
    out.push({ ...who, connection: c.id });
  }
  assert.deepEqual(out.map((r) => r.name).sort(), [...names].sort(), 'one connection each');
  return out;
}

/** `/refused <text>` from a person in a channel: the parent message and the diagnosis in its thread. */
async function ask(channel: string, user: string, text: string): Promise<{ parent: Posted; reply: Posted }> {
  await fake.send('slash_commands', fake.slashCommand(text, { user, channel }));
  const parent = await fake.waitFor(
    () => [...fake.posted.values()].find((m) => m.channel === channel && !m.thread_ts && /asked me to check/.test(m.text)),
    `the parent message in ${channel}`,
  );
  const reply = await fake.waitFor(() => fake.thread(channel, parent.ts)[0], `the diagnosis in ${channel}`);
  return { parent, reply };
}

/** Clicks Watch on the answer; resolves with the replica that started it, the watch id and the watching note. */
async function watchFrom(rs: Replica[], channel: string, user: string, parent: Posted, reply: Posted): Promise<{ holder: Replica; id: string; note: Posted }> {
  await fake.send('interactive', fake.click(reply, ACTION.watch, { user }));
  const holder = await fake.waitFor(() => rs.find((r) => linesOf(r.run, 'watch_started', { channel }).length > 0), 'a replica to start the watch');
  const id = String(linesOf(holder.run, 'watch_started', { channel })[0]!.id);
  const note = await fake.waitFor(() => fake.thread(channel, parent.ts).find((m) => /is watching/.test(blocksText(m))), 'the watching note');
  return { holder, id, note };
}

/**
 * A watch on a loopback port the test holds open: asked in `channel`, started by `user`, and checked once by the
 * replica holding it (it has renewed its lease, as a replica in service would have). `close()` closes the port
 * (the target now refuses) and may be called again; every test calls it in its finally.
 */
async function watchedPort(rs: Replica[], channel: string, user: string) {
  const server = await listen();
  const port = (server.address() as { port: number }).port;
  let open = true;
  const close = async () => {
    if (open) await closeServer(server);
    open = false;
  };
  try {
    const { parent, reply } = await ask(channel, user, `127.0.0.1 ${port}`);
    const { holder, id, note } = await watchFrom(rs, channel, user, parent, reply);
    await waitLineWith(holder.run, 'diagnosis', { source: 'watch' });
    return { port, parent, reply, note, holder, other: rs.find((r) => r !== holder), id, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The watch's post in the thread saying the target now refuses. A port closed while a check runs can show first
 * as "flapping" (one try answered, the next refused); the next check then says "now refused".
 */
function refusedPost(channel: string, parent: Posted): Promise<Posted> {
  return fake.waitFor(
    () => fake.thread(channel, parent.ts).find((m) => /:rotating_light:/.test(blocksText(m)) && /now refused/.test(blocksText(m))),
    'the change to refused in the thread',
    20_000,
  );
}

function msSince(at: number, line: Record<string, unknown>): number {
  return Date.parse(String(line.time)) - at;
}

before(async () => {
  fake = await FakeSlack.start();
});

after(async () => {
  await killAll();
  await fake.close();
  assert.deepEqual(fake.violations, [], 'the fake Slack saw payloads that break Slack limits');
});

describe('replicas on one Redis', { skip: redisSkip() }, () => {
  let redis: RedisServer | null = null;
  let db = 0;
  /** A fresh database on the file's redis-server: each test's keys apart from the others'. */
  const store = () => `${redis!.url}/${++db}`;

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await killAll();
    await redis?.stop();
  });

  it('kill -9 the replica holding a watch: the other takes it over within the lease and posts the change in the thread', {
    timeout: 60_000,
  }, async (t: TestContext) => {
    try {
      const rs = await replicas(['replica-a', 'replica-b'], store());
      const w = await watchedPort(rs, 'C301', 'U301');
      try {
        assert.match(blocksText(w.reply), new RegExp(`127\\.0\\.0\\.1:${w.port}`));
        const killedAt = Date.now();
        w.holder.run.child.kill('SIGKILL');
        await exitOf(w.holder.run);
        await w.close();

        const taken = await waitLineWith(w.other!.run, 'watch_taken_over', { id: w.id });
        t.diagnostic(`kill -9 → watch_taken_over: ${msSince(killedAt, taken)} ms (lease ${LEASE_MS} ms)`);
        const changed = await refusedPost('C301', w.parent);
        assert.match(blocksText(changed), new RegExp(`127\\.0\\.0\\.1:${w.port}.*changed`));
        assert.equal(linesOf(w.other!.run, 'watch_changed', { id: w.id }).length, 1, 'the survivor posted it');
        assert.equal(linesOf(w.holder.run, 'watch_changed', { id: w.id }).length, 0);
        assert.ok(fake.findButton(changed.blocks, ACTION.stopWatch), 'the change can be stopped from the thread');
        assertClean();
      } finally {
        await w.close();
      }
    } finally {
      await killAll();
    }
  });

  it('SIGTERM: the holder hands the watch back at once, the other takes it over and posts the change', { timeout: 60_000 }, async (t: TestContext) => {
    try {
      const rs = await replicas(['replica-a', 'replica-b'], store());
      const w = await watchedPort(rs, 'C302', 'U302');
      try {
        const termAt = Date.now();
        w.holder.run.child.kill('SIGTERM');
        const handed = await waitLineWith(w.holder.run, 'watches_handed_back', {});
        assert.equal(handed.count, 1);
        assert.equal(await exitOf(w.holder.run), 0, 'a clean exit');
        // Closed once the holder is gone, so no check of the dying replica can see it.
        await w.close();

        const taken = await waitLineWith(w.other!.run, 'watch_taken_over', { id: w.id });
        t.diagnostic(`SIGTERM → watches_handed_back: ${msSince(termAt, handed)} ms; → watch_taken_over: ${msSince(termAt, taken)} ms (lease ${LEASE_MS} ms)`);
        // A claim round in flight at SIGTERM used to take the watch back after the hand-back (Watches.#look now hands
        // such a claim back too); were it to happen again, the other replica would wait for the lease: said here.
        if (linesOf(w.holder.run, 'watch_taken_over', { id: w.id }).length > 0)
          t.diagnostic('the stopping holder claimed the watch back after handing it back: taken over when its lease ran out');
        const changed = await refusedPost('C302', w.parent);
        assert.match(blocksText(changed), new RegExp(`127\\.0\\.0\\.1:${w.port}.*changed`));
        assert.equal(linesOf(w.other!.run, 'watch_changed', { id: w.id }).length, 1);
        assert.equal(linesOf(w.holder.run, 'watch_ended').length, 0, 'handed back, not ended');
        assertClean();
      } finally {
        await w.close();
      }
    } finally {
      await killAll();
    }
  });

  it('a limit of 3 per person holds over both replicas: 3 of 8 commands are diagnosed, 5 refused privately', { timeout: 60_000 }, async () => {
    try {
      const rs = await replicas(['replica-a', 'replica-b'], store(), { REFUSED_RATE_PER_USER: '3' });
      const port = await closedPort();
      const first = fake.deliveries.length;
      const commands = Array.from({ length: 8 }, () => fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U304', channel: 'C304' }));
      const responseIds = new Set(commands.map((c) => String(c.response_url).split('/response/')[1]));
      const acks = await Promise.all(commands.map((c) => fake.send('slash_commands', c)));
      const sent = fake.deliveries.slice(first);
      assert.equal(sent.length, 8);
      for (const r of rs)
        assert.ok(
          sent.some((d) => d.connection === r.connection),
          `${r.name} got some of the commands`,
        );
      for (const a of acks) assert.deepEqual(fake.acksOf(a.first).length, 1, 'each command acked once');

      // A replica refuses in the ack what its own count already refuses; what only the count of both replicas (the
      // store) refuses is refused right after the ack, through the command's response_url. Both are private.
      const inAcks = acks.filter((a) => /the limit is 3/.test(JSON.stringify(a.payload ?? {})));
      for (const a of inAcks) assert.equal((a.payload as { response_type?: string }).response_type, 'ephemeral');
      const afterAcks = () => fake.responses.filter((r) => responseIds.has(r.id) && /the limit is 3/.test(String(r.body.text)));
      const parents = () => [...fake.posted.values()].filter((m) => m.channel === 'C304' && !m.thread_ts && /asked me to check/.test(m.text));
      await fake.waitFor(
        () => inAcks.length + afterAcks().length === 5 && parents().length === 3 && parents().every((p) => fake.thread('C304', p.ts).length > 0),
        'five private refusals and three diagnoses in their threads',
      );
      for (const r of afterAcks()) assert.equal(r.body.response_type, 'ephemeral');
      assert.equal(parents().length, 3);
      for (const p of parents()) assert.match(blocksText(fake.thread('C304', p.ts)[0]!), new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.equal(rs.flatMap((r) => linesOf(r.run, 'rate_limited', { user: 'U304' })).length, 5, 'five refusals logged across the replicas');
      assert.equal(rs.flatMap((r) => linesOf(r.run, 'diagnosis', { user: 'U304', source: 'command' })).length, 3, 'three diagnoses run across the replicas');
      assertClean();
    } finally {
      await killAll();
    }
  });

  it('Stop watching delivered to the other replica ends the watch; the holder lets it go and posts nothing more', { timeout: 60_000 }, async () => {
    try {
      const rs = await replicas(['replica-a', 'replica-b'], store());
      const w = await watchedPort(rs, 'C305', 'U305');
      try {
        const { holder, other, id, parent, port } = w;
        await fake.send('interactive', fake.click(w.note, ACTION.stopWatch, { user: 'U305' }), { connection: other!.connection });
        const stopped = await fake.waitFor(() => fake.thread('C305', parent.ts).find((m) => /stopped watching/.test(blocksText(m))), 'the stop note');
        assert.match(blocksText(stopped), new RegExp(`<@U305> stopped watching \`127\\.0\\.0\\.1:${port}\``));
        assert.equal(linesOf(other!.run, 'watch_ended', { id, reason: 'stopped', by: 'U305' }).length, 1, 'the other replica ended it');
        await waitLineWith(holder.run, 'watch_let_go', { id });

        // The port now refuses: a check that still ran anywhere would post the change.
        await w.close();
        const posts = fake.thread('C305', parent.ts).length;
        // One claim round of both replicas (every third of the lease) and more: the ended watch stays ended.
        await new Promise((r) => setTimeout(r, LEASE_MS));
        assert.equal(fake.thread('C305', parent.ts).length, posts, 'nothing more in the thread');
        assert.equal(fake.thread('C305', parent.ts).at(-1), stopped);
        for (const r of rs) {
          assert.equal(linesOf(r.run, 'watch_changed', { id }).length, 0, `${r.name} saw no change`);
          assert.equal(linesOf(r.run, 'watch_taken_over', { id }).length, 0, `${r.name} did not claim it again`);
        }
        assert.equal(linesOf(holder.run, 'watch_ended').length, 0, 'the holder said nothing');
        assertClean();
      } finally {
        await w.close();
      }
    } finally {
      await killAll();
    }
  });
});

describe('one replica on SQLite', () => {
  it('a watch handed back at SIGTERM is resumed by the next start on the same file, which posts the change', { timeout: 60_000 }, async (t: TestContext) => {
    const store = `sqlite:${join(tempDir('refused-replicas-'), 'refused.db')}`;
    try {
      const [first] = await replicas(['first'], store);
      const w = await watchedPort([first!], 'C303', 'U303');
      try {
        first!.run.child.kill('SIGTERM');
        assert.equal((await waitLineWith(first!.run, 'watches_handed_back', {})).count, 1);
        assert.equal(await exitOf(first!.run), 0);
        await fake.waitFor(() => fake.connections.length === 0, "the first process's connection to close");

        const restartAt = Date.now();
        const [next] = await replicas(['next'], store);
        const taken = await waitLineWith(next!.run, 'watch_taken_over', { id: w.id });
        t.diagnostic(`restart → watch_taken_over: ${msSince(restartAt, taken)} ms (a new process, start-up included)`);
        await w.close();
        const changed = await refusedPost('C303', w.parent);
        assert.match(blocksText(changed), new RegExp(`127\\.0\\.0\\.1:${w.port}.*changed`));
        assert.ok(linesOf(next!.run, 'watch_changed', { id: w.id }).length >= 1, 'the new process posted it');
        assertClean();
      } finally {
        await w.close();
      }
    } finally {
      await killAll();
    }
  });
});
