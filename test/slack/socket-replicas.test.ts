// Several Socket Mode connections on one fake Slack, as Slack allows (up to ten an app, from one process or
// several): each envelope goes to ONE of them, an Events API envelope that gets no ack in time comes again on
// another one (retry_attempt counted up, retry_reason "timeout"), and an eleventh connection is turned away.
// First the fake alone, with connections the test holds itself; then two real bots on one fake Slack.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBot, type BotHandle } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { LocalSlack } from '../../src/playground/local-slack.js';
import { memoryLog } from '../../src/slack/log.js';
import { BOT_TOKEN, FakeSlack, MAX_CONNECTIONS, MAX_RETRIES, type TestConnection } from './fake-slack.js';
import { closedPort, env } from './harness.js';

/** A person's message in C100 (chatter unless it holds an error). */
function message(fake: FakeSlack, ts: string, text = 'morning all, standup in 5'): Record<string, unknown> {
  return fake.event({ type: 'message', user: 'U100', text, channel: 'C100', channel_type: 'channel', ts });
}

async function api(fake: FakeSlack, method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('the fake Slack with several Socket Mode connections', () => {
  it('takes up to ten connections; the eleventh gets a too_many_websockets disconnect instead of hello', async () => {
    const fake = await FakeSlack.start();
    const held: TestConnection[] = [];
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++) held.push(await fake.openConnection());
      assert.equal(fake.connections.length, MAX_CONNECTIONS);
      assert.deepEqual(
        held.map((c) => c.id),
        fake.connections.map((c) => c.id),
      );
      assert.equal(held.at(-1)!.frames[0]!.num_connections, MAX_CONNECTIONS);
      const eleventh = await fake.openConnection();
      assert.equal(eleventh.id, 0);
      assert.equal(eleventh.frames[0]!.type, 'disconnect');
      assert.equal(eleventh.frames[0]!.reason, 'too_many_websockets');
      await eleventh.closed;
      assert.equal(fake.connections.length, MAX_CONNECTIONS);
      assert.equal(fake.connectionsRefused, 1);
      // One goes away: there is room again.
      await held.shift()!.close();
      await fake.waitFor(() => fake.connections.length === MAX_CONNECTIONS - 1, 'the closed connection to go');
      const again = await fake.openConnection();
      held.push(again);
      assert.equal(again.frames[0]!.type, 'hello');
      assert.equal(fake.connections.at(-1)!.id, again.id);
    } finally {
      await Promise.all(held.map((c) => c.close()));
      await fake.close();
    }
    assert.deepEqual(fake.violations, []);
  });

  it('sends each envelope to one connection, round-robin or as deliverTo or the caller says, and records who acked it', async () => {
    const fake = await FakeSlack.start();
    const [a, b] = [await fake.openConnection(), await fake.openConnection()];
    try {
      // The test's connections ack by envelope id, on the connection the fake says it went to.
      const acked = (c: TestConnection) => c.ack(fake.deliveries.at(-1)!.envelopeId);
      for (let i = 1; i <= 4; i++) {
        const sent = fake.send('events_api', message(fake, `800.00000${i}`));
        const to = fake.deliveries.at(-1)!.connection === a.id ? a : b;
        acked(to);
        const ack = await sent;
        assert.equal(ack.connection, to.id);
        assert.equal(ack.attempt, 0);
      }
      await fake.waitFor(() => a.envelopes().length + b.envelopes().length === 4, 'the envelopes to arrive');
      assert.equal(a.envelopes().length, 2);
      assert.equal(b.envelopes().length, 2);
      // The test's chooser, and a connection named by the caller.
      fake.deliverTo = (cs) => cs.findIndex((c) => c.id === b.id);
      const chosen = fake.send('events_api', message(fake, '800.000005'));
      acked(b);
      assert.equal((await chosen).connection, b.id);
      fake.deliverTo = null;
      const named = fake.send('events_api', message(fake, '800.000006'), { connection: a.id });
      acked(a);
      assert.equal((await named).connection, a.id);
      await assert.rejects(fake.send('events_api', message(fake, '800.000007'), { connection: 99 }), /no open Socket Mode connection 99/);
      assert.deepEqual(
        fake.connections.map((c) => [c.sent, c.acked]),
        [
          [3, 3],
          [3, 3],
        ],
      );
      for (const d of fake.deliveries)
        assert.deepEqual(
          fake.acksOf(d.first).map((x) => x.connection),
          [d.connection],
          'each envelope acked once, where it was sent',
        );
      // An envelope acked twice is a violation (Slack would take the first).
      a.ack(fake.deliveries.at(-1)!.envelopeId);
      await fake.waitFor(() => fake.violations.length > 0, 'the second ack to be seen');
      assert.match(fake.violations[0]!, /acked twice/);
      fake.violations.length = 0;
    } finally {
      await Promise.all([a.close(), b.close()]);
      await fake.close();
    }
    assert.deepEqual(fake.violations, []);
  });

  it('redelivers an unacked event to another connection, retry_attempt counted up, at most three times', async () => {
    const fake = await FakeSlack.start({ redelivery: { afterMs: 20 } });
    const [a, b] = [await fake.openConnection(), await fake.openConnection()];
    try {
      assert.deepEqual(fake.redelivery, { afterMs: 20, retries: MAX_RETRIES });
      void fake.send('events_api', message(fake, '810.000001'));
      const first = fake.deliveries[0]!.first;
      await fake.waitFor(() => fake.deliveriesOf(first).length === 1 + MAX_RETRIES && fake.redeliveriesScheduled === 0, 'every attempt');
      const attempts = fake.deliveriesOf(first);
      assert.deepEqual(
        attempts.map((d) => [d.attempt, d.retryReason]),
        [
          [0, ''],
          [1, 'timeout'],
          [2, 'timeout'],
          [3, 'timeout'],
        ],
      );
      assert.notEqual(attempts[1]!.connection, attempts[0]!.connection, 'the first redelivery goes to the other connection');
      // What the connections saw matches: one payload (the same event_id), a new envelope id each time.
      await fake.waitFor(() => a.envelopes().length + b.envelopes().length === 4, 'the envelopes to arrive');
      const seen = [...a.envelopes(), ...b.envelopes()];
      assert.deepEqual(seen.map((e) => e.retry_attempt).sort(), [0, 1, 2, 3]);
      assert.equal(new Set(seen.map((e) => (e.payload as { event_id: string }).event_id)).size, 1);
      assert.equal(new Set(seen.map((e) => e.envelope_id)).size, 4);

      // An ack stops it: the first redelivery acked, nothing more is scheduled.
      const sent = fake.send('events_api', message(fake, '810.000002'));
      const second = fake.deliveries.at(-1)!.first;
      // Later attempts may already be out (20 ms apart); the ack of the first redelivery still ends it.
      await fake.waitFor(() => fake.deliveriesOf(second).length >= 2, 'the first redelivery');
      const retry = fake.deliveriesOf(second)[1]!;
      (retry.connection === a.id ? a : b).ack(retry.envelopeId);
      const ack = await sent;
      assert.deepEqual([ack.attempt, ack.connection, ack.first], [1, retry.connection, second]);
      assert.equal(fake.redeliveriesScheduled, 0);

      // Commands and clicks are never sent again (Slack tells the person instead).
      void fake.send('slash_commands', fake.slashCommand('db 5432'));
      assert.equal(fake.redeliveriesScheduled, 0);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await fake.close();
    }
    assert.deepEqual(fake.violations, []);
  });

  it('redelivery is off unless asked for', async () => {
    const fake = await FakeSlack.start();
    const a = await fake.openConnection();
    try {
      assert.equal(fake.redelivery, null);
      void fake.send('events_api', message(fake, '820.000001'));
      assert.equal(fake.redeliveriesScheduled, 0);
      assert.equal(fake.deliveries.length, 1);
    } finally {
      await a.close();
      await fake.close();
    }
  });
});

describe('chat.getPermalink', () => {
  it('links a message or a reply by channel and ts; an unknown channel or a deleted message is an error', async () => {
    const fake = await FakeSlack.start();
    try {
      const parent = await api(fake, 'chat.postMessage', { channel: 'C100', text: 'checking db:5432' });
      const reply = await api(fake, 'chat.postMessage', { channel: 'C100', text: 'refused', thread_ts: parent.ts });
      const base = `http://127.0.0.1:${fake.port}/archives/C100/p`;
      const top = await api(fake, 'chat.getPermalink', { channel: 'C100', message_ts: parent.ts });
      assert.deepEqual(top, { ok: true, channel: 'C100', permalink: `${base}${String(parent.ts).replace('.', '')}` });
      const inThread = await api(fake, 'chat.getPermalink', { channel: 'C100', message_ts: reply.ts });
      assert.equal(inThread.permalink, `${base}${String(reply.ts).replace('.', '')}?thread_ts=${String(parent.ts)}&cid=C100`);
      // A person's message the fake only sent as an event: the fake does not store those, and links it anyway.
      assert.equal((await api(fake, 'chat.getPermalink', { channel: 'C100', message_ts: '705.000001' })).permalink, `${base}705000001`);
      fake.missingChannels.add('C404');
      assert.deepEqual(await api(fake, 'chat.getPermalink', { channel: 'C404', message_ts: parent.ts }), { ok: false, error: 'channel_not_found' });
      assert.equal((await api(fake, 'chat.getPermalink', { channel: 'C100', message_ts: 'yesterday' })).error, 'message_not_found');
      assert.equal((await api(fake, 'chat.getPermalink', { channel: 'C100' })).error, 'message_not_found');
      await api(fake, 'chat.delete', { channel: 'C100', ts: reply.ts });
      assert.equal((await api(fake, 'chat.getPermalink', { channel: 'C100', message_ts: reply.ts })).error, 'message_not_found');
      assert.equal(fake.callsOf('chat.getPermalink').length, 7);
    } finally {
      await fake.close();
    }
    assert.deepEqual(fake.violations, []);
  });

  it('in a workspace that lists its channels (the playground), an unknown channel or message is not found', async () => {
    let port = 0;
    const slack = new LocalSlack({
      workspace: { team: 'T1', teamDomain: 'play', appId: 'A1', botUser: 'UBOT', botId: 'BBOT' },
      botToken: BOT_TOKEN,
      appToken: 'xapp-unused',
      baseUrl: () => `http://127.0.0.1:${port}`,
      channels: [{ id: 'C1', name: 'general' }],
    });
    const server = createServer((req, res) => {
      if (!slack.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    try {
      const said = slack.addUserMessage({ channel: 'C1', user: 'U1', text: 'db refused' });
      const call = async (args: Record<string, unknown>) => {
        const res = await fetch(`${slack.apiUrl}chat.getPermalink`, {
          method: 'POST',
          headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(args),
        });
        return (await res.json()) as Record<string, unknown>;
      };
      assert.equal((await call({ channel: 'C1', message_ts: said.ts })).permalink, `http://127.0.0.1:${port}/archives/C1/p${said.ts.replace('.', '')}`);
      assert.equal((await call({ channel: 'C2', message_ts: said.ts })).error, 'channel_not_found');
      assert.equal((await call({ channel: 'C1', message_ts: '1.000001' })).error, 'message_not_found');
    } finally {
      slack.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

interface Replica {
  bot: BotHandle;
  log: ReturnType<typeof memoryLog>;
  /** Its Socket Mode connection's id in the fake. */
  connection: number;
}

/** Two bots on one fake Slack and one shared store, started one after the other so each one's connection is known. */
async function replicas(fake: FakeSlack): Promise<Replica[]> {
  const store = `sqlite:${join(mkdtempSync(join(tmpdir(), 'refused-replicas-')), 'refused.db')}`;
  const out: Replica[] = [];
  for (const name of ['replica-a', 'replica-b']) {
    const result = loadConfig(env(fake, { REFUSED_VANTAGE_NAME: name, REFUSED_STORE_URL: store }));
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
    const log = memoryLog('debug');
    const bot = await startBot(result.config, { log });
    await bot.started;
    await fake.waitFor(() => bot.isReady() && fake.connections.length === out.length + 1, `${name} to connect`);
    out.push({ bot, log, connection: fake.connections.at(-1)!.id });
  }
  return out;
}

async function stopAll(fake: FakeSlack, rs: Replica[]): Promise<void> {
  await Promise.all(rs.map((r) => r.bot.stop()));
  await fake.waitFor(() => fake.openSockets === 0, 'the Socket Mode links to close', 5000).catch(() => undefined);
  await fake.close();
}

describe('two bots in Socket Mode on one fake Slack', () => {
  let fake: FakeSlack;
  let rs: Replica[] = [];
  before(async () => {
    fake = await FakeSlack.start();
    rs = await replicas(fake);
  });
  after(async () => {
    await stopAll(fake, rs);
    assert.deepEqual(fake.violations, [], 'the fake Slack saw payloads that break Slack limits');
    assert.doesNotMatch(JSON.stringify(rs.map((r) => r.log.lines)), /fakebottoken|fakeapptoken/);
  });

  it('both connect: two connections, one each', () => {
    assert.equal(fake.connections.length, 2);
    assert.notEqual(rs[0]!.connection, rs[1]!.connection);
    assert.deepEqual(
      fake.connections.map((c) => c.id),
      rs.map((r) => r.connection),
    );
  });

  it('spreads envelopes over both; each is acked once, by the bot it went to', async () => {
    const before = fake.deliveries.length;
    const acks = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => fake.send('events_api', message(fake, `900.00000${i}`))));
    const sent = fake.deliveries.slice(before);
    assert.equal(sent.length, 6, 'redelivery is off: one envelope each');
    for (const r of rs) assert.equal(sent.filter((d) => d.connection === r.connection).length, 3, `connection ${r.connection} got its share`);
    for (const d of sent)
      assert.deepEqual(
        fake.acksOf(d.first).map((a) => [a.connection, a.attempt]),
        [[d.connection, 0]],
      );
    assert.deepEqual(acks.map((a) => a.envelopeId).sort(), sent.map((d) => d.envelopeId).sort());
  });

  it('an envelope a connection never acks comes again, retry_attempt 1, to a bot, which answers it', async () => {
    const silent = await fake.openConnection();
    try {
      // The first attempt goes to the connection that never acks; the redelivery may go to either bot. One
      // redelivery only, so a bot slow to ack on a busy machine cannot bring a third attempt.
      fake.redelivery = { afterMs: 300, retries: 1 };
      fake.deliverTo = (cs, e) => (e.attempt === 0 ? cs.findIndex((c) => c.id === silent.id) : 0);
      const port = await closedPort();
      const ack = await fake.send('events_api', message(fake, '910.000001', `Error: connect ECONNREFUSED 127.0.0.1:${port}`));
      fake.deliverTo = null;
      await fake.waitFor(() => silent.envelopes().length === 1, 'the first attempt to arrive');
      assert.deepEqual([silent.envelopes()[0]!.retry_attempt, silent.envelopes()[0]!.retry_reason], [0, '']);
      const attempts = fake.deliveriesOf(ack.first);
      assert.deepEqual(
        attempts.map((d) => [d.connection, d.attempt, d.retryReason]),
        [
          [silent.id, 0, ''],
          [ack.connection, 1, 'timeout'],
        ],
      );
      assert.ok(
        rs.some((r) => r.connection === ack.connection),
        'a bot acked the redelivery',
      );
      assert.equal(ack.attempt, 1);
      const reply = await fake.waitFor(() => fake.thread('C100', '910.000001')[0], 'the answer in the thread');
      assert.match(JSON.stringify(reply.blocks), new RegExp(`127\\.0\\.0\\.1:${port}`));
    } finally {
      fake.deliverTo = null;
      fake.redelivery = null;
      await silent.close();
    }
  });

  it("an ack that never reaches Slack: the event comes again on the other bot's connection", async () => {
    const [a, b] = rs as [Replica, Replica];
    fake.loseAcksFrom(a.connection, 1);
    fake.deliverTo = (cs, e) => (e.attempt === 0 ? cs.findIndex((c) => c.id === a.connection) : 0);
    fake.redelivery = { afterMs: 300, retries: 1 };
    try {
      const ack = await fake.send('events_api', message(fake, '920.000001'));
      assert.deepEqual([ack.connection, ack.attempt], [b.connection, 1]);
      assert.deepEqual(
        fake.lostAcks.map((l) => [l.connection, l.attempt, l.first]),
        [[a.connection, 0, ack.first]],
      );
      assert.deepEqual(
        fake.deliveriesOf(ack.first).map((d) => [d.connection, d.attempt]),
        [
          [a.connection, 0],
          [b.connection, 1],
        ],
      );
    } finally {
      fake.deliverTo = null;
      fake.redelivery = null;
    }
  });
});

describe('two bots and one event delivered to both', () => {
  it('is answered once across the replicas', async () => {
    const fake = await FakeSlack.start({ redelivery: { afterMs: 300, retries: 1 } });
    const rs = await replicas(fake);
    const [a, b] = rs as [Replica, Replica];
    try {
      // Bot A gets the event and acks, but Slack never hears of it: the event goes to bot B too.
      fake.loseAcksFrom(a.connection, 1);
      fake.deliverTo = (cs, e) => (e.attempt === 0 ? cs.findIndex((c) => c.id === a.connection) : 0);
      const port = await closedPort();
      const ack = await fake.send('events_api', message(fake, '930.000001', `Error: connect ECONNREFUSED 127.0.0.1:${port}`));
      assert.deepEqual([ack.connection, ack.attempt], [b.connection, 1]);
      await fake.waitFor(() => fake.thread('C100', '930.000001')[0], 'an answer in the thread');
    } finally {
      // Stopping lets every running diagnosis finish: whatever either replica was going to post is posted.
      await stopAll(fake, rs);
    }
    assert.equal(fake.thread('C100', '930.000001').length, 1, 'one answer, not one per replica');
    assert.equal(rs.flatMap((r) => r.log.lines.filter((l) => l.event === 'diagnosis')).length, 1, 'one diagnosis across both');
    // Positively skipped by the replica that got it second, not merely never read.
    assert.equal(rs.flatMap((r) => r.log.lines.filter((l) => l.event === 'duplicate_delivery' && l.kind === 'message')).length, 1);
    assert.deepEqual(fake.violations, []);
  });
});
