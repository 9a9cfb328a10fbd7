// Jobs between replicas (src/agents/relay.ts) on a real redis-server: two AgentHubs on two loopback HTTP servers
// play two replicas, each with a relay on the same Redis, and a real agent dials one of them. Asked through the
// other, the agent answers; gone, it is offline; its replica gone or hung, the asker says so by its deadline; Redis
// gone, the local agents still answer. Outcomes are checked by state and words, never by how long they took.
// Without redis-server the tests are skipped, except under CI, where they fail.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it, test } from 'node:test';
import { createClient } from 'redis';
import { jobChannel, AgentRelay, presenceKey, resultChannel } from '../../src/agents/relay.js';
import { newAgentToken, tokenHash } from '../../src/agents/token.js';
import { commandReply, type Harness, start, stop } from '../slack/harness.js';
import { freePort, ON_CI, type RedisServer, redisAvailable, redisSkip, startRedis } from '../store/redis-server.js';
import { closedPort, NO_LOOPBACK, startAgent, startHub, targetRequest, type TestAgent, type TestHub, until } from './harness.js';

if (ON_CI && !redisAvailable()) {
  test('the relay tests need redis-server', () => {
    assert.fail('redis-server is missing and CI is set: .ci/run should install redis-server (apt-get install --no-install-recommends redis-server)');
  });
}

const tokens = { office: newAgentToken(), lab: newAgentToken(), 'k8s-prod': newAgentToken() };

interface Replica {
  h: TestHub;
  relay: AgentRelay;
  close(): Promise<void>;
}

/** A hub on its own loopback server and a relay on `url`, refreshing presence often so list() follows quickly. */
async function replica(id: string, url: string, o: { connectTimeoutMs?: number } = {}): Promise<Replica> {
  const h = await startHub(tokens);
  const relay = new AgentRelay({ hub: h.hub, url, log: h.log, replicaId: id, refreshMs: 50, ...o });
  await relay.start();
  // start() gives up waiting after its connect timeout (3 s) and goes on subscribing in the background; on a
  // loaded machine that happened, and a job published before the subscription was lost. The tests with a real
  // Redis wait until the relay is subscribed; the one without (a short timeout) must not.
  if (o.connectTimeoutMs === undefined) await eventually(async () => relay.reachable, `${id} to subscribe on Redis`);
  return {
    h,
    relay,
    async close() {
      await relay.close();
      await h.close();
    },
  };
}

/** Waits for an async condition (a poll every 20 ms); the cap only keeps a broken test from hanging. */
async function eventually(cond: () => Promise<boolean>, what: string, capMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > capMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Raw = ReturnType<typeof createClient>;

describe('AgentRelay between two replicas on one Redis', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let raw: Raw;
  let a: Replica | null = null;
  let b: Replica | null = null;
  const agents: TestAgent[] = [];

  before(async () => {
    redis = await startRedis();
    raw = createClient({ url: redis.url });
    raw.on('error', () => undefined);
    await raw.connect();
  });
  after(async () => {
    raw.destroy();
    await redis.stop();
  });
  beforeEach(async () => {
    await raw.flushAll();
    a = await replica('replica-a', redis.url);
    b = await replica('replica-b', redis.url);
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await a?.close();
    await b?.close();
    a = b = null;
  });

  async function officeOnB(): Promise<TestAgent> {
    const agent = startAgent({ url: b!.h.url, token: tokens.office, version: '9.9.9', host: 'office-box' });
    agents.push(agent);
    await until(() => b!.h.hub.connected().includes('office') && b!.h.hub.list()[0]!.version !== null, 'the agent to connect to B and say hello');
    // B writes its presence on hello; A reads it on its next refresh.
    await until(() => a!.relay.list().find((x) => x.name === 'office')!.version === '9.9.9', "A to read the agent's presence");
    return agent;
  }

  it("an agent connected to B answers a job asked through A, with its diagnosis of a closed loopback port; A's App Home shows it connected", async () => {
    await officeOnB();
    assert.deepEqual(a!.h.hub.connected(), [], 'the agent is not connected to A itself');
    const info = a!.relay.list().find((x) => x.name === 'office')!;
    assert.deepEqual(
      { connected: info.connected, from: info.from, version: info.version, host: info.host },
      { connected: true, from: '127.0.0.1', version: '9.9.9', host: 'office-box' },
    );
    assert.deepEqual(a!.relay.connected(), ['office']);
    assert.deepEqual(a!.relay.names(), ['office', 'lab', 'k8s-prod']);

    const port = await closedPort();
    const [r, lab] = await a!.relay.ask(['office', 'lab'], targetRequest('127.0.0.1', port), 10_000);
    assert.equal(r!.name, 'office');
    assert.equal(r!.kind, 'agent');
    assert.equal(r!.state, 'answered', r!.detail ?? '');
    assert.equal(r!.detail, null);
    const d = r!.diagnosis!;
    assert.equal(d.vantage.host, 'office');
    assert.equal(d.causes[0]!.id, 'not-listening');
    assert.ok(d.evidence.some((e) => e.type === 'tcp' && e.port === port && e.outcome === 'refused'));
    // An agent connected nowhere is offline, in words that do not blame this replica.
    assert.equal(lab!.state, 'offline');
    assert.equal(lab!.detail, 'not connected to any replica');
    // B ran it for A.
    assert.ok(b!.h.log.lines.some((l) => l.event === 'relay_job' && l.name === 'office' && l.from === 'replica-a'));
  });

  it("says refused, with the agent's reason, when the agent's own policy refuses the target", async () => {
    const agent = startAgent({ name: 'k8s-prod', url: b!.h.url, token: tokens['k8s-prod'], policy: NO_LOOPBACK });
    agents.push(agent);
    await until(() => b!.h.hub.connected().includes('k8s-prod'), 'the agent to connect to B');
    await eventually(async () => (await raw.get(presenceKey('k8s-prod'))) !== null, "B's presence for the agent");
    const [r] = await a!.relay.ask(['k8s-prod'], targetRequest('127.0.0.1', await closedPort()), 10_000);
    assert.equal(r!.state, 'refused');
    assert.equal(r!.diagnosis!.causes[0]!.id, 'blocked-by-policy');
    assert.match(r!.detail ?? '', /#agents-owners/);
  });

  it('the agent disconnects: B deletes its presence and A says offline', async () => {
    const agent = await officeOnB();
    await agent.stop();
    await eventually(async () => (await raw.get(presenceKey('office'))) === null, "B to delete the agent's presence");
    const [r] = await a!.relay.ask(['office'], targetRequest('127.0.0.1', 9), 10_000);
    assert.equal(r!.state, 'offline');
    assert.equal(r!.detail, 'not connected to any replica');
    await until(() => !a!.relay.list().find((x) => x.name === 'office')!.connected, 'A to show the agent not connected');
  });

  it('B stops cleanly: it gives up its presence, and A says offline at once', async () => {
    await officeOnB();
    await b!.relay.close();
    assert.equal(await raw.get(presenceKey('office')), null);
    const [r] = await a!.relay.ask(['office'], targetRequest('127.0.0.1', 9), 60_000);
    assert.equal(r!.state, 'offline');
    assert.equal(r!.detail, 'not connected to any replica');
  });

  it("B crashes (its Redis connections drop, nothing cleaned up): its presence stays, and A's job reaches no one, so A says offline before the deadline", async () => {
    await officeOnB();
    b!.relay.destroy();
    assert.notEqual(await raw.get(presenceKey('office')), null, 'the presence outlives the crash until it expires');
    await eventually(
      async () => Number(await raw.sendCommand(['PUBSUB', 'NUMSUB', jobChannel('replica-b')]).then((x) => (x as unknown as unknown[])[1])) === 0,
      "Redis to see B's subscriber go",
    );
    const [r] = await a!.relay.ask(['office'], targetRequest('127.0.0.1', 9), 60_000);
    assert.equal(r!.state, 'offline');
    assert.match(r!.detail ?? '', /connected to another replica \(replica-b\), which no longer listens on the relay/);
  });

  it('a replica that takes the job and never answers (hung): A answers timeout by its deadline', async () => {
    const hung = createClient({ url: redis.url });
    hung.on('error', () => undefined);
    await hung.connect();
    try {
      const jobs: string[] = [];
      await hung.subscribe(jobChannel('replica-hung'), (m) => void jobs.push(m));
      await raw.set(presenceKey('office'), `replica-hung ${JSON.stringify({ since: null, from: '127.0.0.1', version: '1', host: 'h' })}`, { PX: 60_000 });
      const [r] = await a!.relay.ask(['office'], targetRequest('127.0.0.1', 9), 300);
      assert.equal(r!.state, 'timeout');
      assert.equal(r!.detail, 'no answer through the relay');
      // The job it was sent: the request, who asks, and a deadline a little shorter than the asker's own.
      await until(() => jobs.length === 1, 'the hung replica to have received the job');
      const job = JSON.parse(jobs[0]!);
      assert.equal(job.type, 'job');
      assert.equal(job.name, 'office');
      assert.equal(job.from, 'replica-a');
      assert.ok(job.deadlineMs >= 1 && job.deadlineMs <= 300);
      assert.equal(job.request.f.port, 9);
    } finally {
      hung.destroy();
    }
  });

  it('a replica that answers with something that is not a diagnosis, or too much: the asker says error', async () => {
    const fake = createClient({ url: redis.url });
    fake.on('error', () => undefined);
    await fake.connect();
    const pub = fake.duplicate();
    pub.on('error', () => undefined);
    await pub.connect();
    try {
      const answers = [
        (id: string) => JSON.stringify({ type: 'result', id, by: 'replica-fake', state: 'answered', detail: null, diagnosis: { hello: 1 } }),
        (id: string) => `{"type":"result","id":"${id}","pad":"${'x'.repeat(600 * 1024)}"}`,
        (id: string) => JSON.stringify({ type: 'result', id, by: 'replica-fake', state: 'answered', detail: null }),
        (id: string) => `{"id":"${id}", not json`,
      ];
      let next = 0;
      await fake.subscribe(jobChannel('replica-fake'), (m) => {
        const job = JSON.parse(m);
        void pub.publish(resultChannel(job.from), answers[next++]!(job.id));
      });
      await raw.set(presenceKey('office'), `replica-fake ${JSON.stringify({ since: null, from: null, version: null, host: null })}`, { PX: 60_000 });
      const details: string[] = [];
      for (let i = 0; i < answers.length; i++) {
        const [r] = await a!.relay.ask(['office'], targetRequest('127.0.0.1', 9), 20_000);
        assert.equal(r!.state, 'error', `answer ${i}: ${r!.detail}`);
        details.push(r!.detail ?? '');
      }
      assert.match(details[0]!, /not a diagnosis this bot can read/);
      assert.match(details[1]!, /KB, more than the .* KB the bot reads/);
      assert.match(details[2]!, /not a result \(diagnosis/);
      assert.match(details[3]!, /not JSON/);
      assert.ok(a!.h.log.lines.filter((l) => l.event === 'relay_bad_message').length >= 4);
    } finally {
      pub.destroy();
      fake.destroy();
    }
  });

  it('a job B cannot read is answered error to an asker it can name, and otherwise only logged', async () => {
    const asker = createClient({ url: redis.url });
    asker.on('error', () => undefined);
    await asker.connect();
    try {
      const got: string[] = [];
      await asker.subscribe(resultChannel('replica-x'), (m) => void got.push(m));
      // A request that is not a check request (a pasted text instead of parsed facts), and a deadline past the cap.
      await raw.publish(
        jobChannel('replica-b'),
        JSON.stringify({ type: 'job', id: 'j1', from: 'replica-x', name: 'office', deadlineMs: 5000, request: { text: 'curl 10.0.0.1' } }),
      );
      await raw.publish(
        jobChannel('replica-b'),
        JSON.stringify({ type: 'job', id: 'j2', from: 'replica-x', name: 'office', deadlineMs: 10_000_000, request: {} }),
      );
      await raw.publish(jobChannel('replica-b'), 'not json at all');
      await raw.publish(jobChannel('replica-b'), 'x'.repeat(70 * 1024));
      await until(() => got.length === 2, 'two error answers');
      const answers = got.map((m) => JSON.parse(m)).sort((x, y) => x.id.localeCompare(y.id));
      assert.deepEqual(
        answers.map((m) => [m.id, m.by, m.state, m.diagnosis]),
        [
          ['j1', 'replica-b', 'error', null],
          ['j2', 'replica-b', 'error', null],
        ],
      );
      assert.match(answers[0].detail, /could not read the job \(its request is not a check request\)/);
      await until(() => b!.h.log.lines.filter((l) => l.event === 'relay_bad_message').length >= 4, 'B to log the four bad jobs');
      assert.ok(b!.h.log.lines.some((l) => l.event === 'relay_bad_message' && /not JSON/.test(String(l.problem))));
      assert.ok(b!.h.log.lines.some((l) => l.event === 'relay_bad_message' && /more than the 64 KB/.test(String(l.problem))));
      // B is still there: it answers a good job.
      const [r] = await a!.relay.ask(['lab'], targetRequest('127.0.0.1', 9), 10_000);
      assert.equal(r!.state, 'offline');
    } finally {
      asker.destroy();
    }
  });

  it('the agent moves from B to A: A runs it locally, and B going later does not take its presence away', async () => {
    const onB = await officeOnB();
    await onB.stop();
    const onA = startAgent({ url: a!.h.url, token: tokens.office });
    agents.push(onA);
    await until(() => a!.h.hub.connected().includes('office'), 'the agent to connect to A');
    await eventually(async () => ((await raw.get(presenceKey('office'))) ?? '').startsWith('replica-a '), "A's presence for the agent");
    await b!.close();
    b = null;
    assert.ok(((await raw.get(presenceKey('office'))) ?? '').startsWith('replica-a '), "B's close leaves A's presence alone");
    const [r] = await a!.relay.ask(['office'], targetRequest('127.0.0.1', await closedPort()), 10_000);
    assert.equal(r!.state, 'answered', r!.detail ?? '');
  });
});

describe('AgentRelay without Redis', { skip: redisSkip() }, () => {
  it('Redis stops: A still answers for its own agent, and says offline (store unreachable) for the one on B; Redis back, the relay works again', async () => {
    const redis = await startRedis();
    const a = await replica('replica-a', redis.url);
    const b = await replica('replica-b', redis.url);
    const lab = startAgent({ name: 'lab', url: a.h.url, token: tokens.lab });
    const office = startAgent({ url: b.h.url, token: tokens.office });
    try {
      await until(() => a.h.hub.connected().includes('lab') && b.h.hub.connected().includes('office'), 'both agents to connect');
      await until(() => a.relay.connected().includes('office'), 'A to see the agent on B');
      await redis.kill9();
      await until(() => !a.relay.reachable, 'A to notice Redis is gone');
      const port = await closedPort();
      const [mine, theirs] = await a.relay.ask(['lab', 'office'], targetRequest('127.0.0.1', port), 10_000);
      assert.equal(mine!.state, 'answered', mine!.detail ?? '');
      assert.equal(mine!.diagnosis!.causes[0]!.id, 'not-listening');
      assert.equal(theirs!.state, 'offline');
      assert.match(theirs!.detail ?? '', /^store unreachable/);
      // App Home: the local agent connected, the other not (the relay cannot tell).
      assert.deepEqual(a.relay.connected(), ['lab']);
      assert.ok(a.h.log.lines.some((l) => l.event === 'relay_store_lost'));

      await redis.restart();
      await until(() => a.relay.reachable && b.relay.reachable, 'both relays to reconnect');
      // Redis came back empty: B writes its presence again on reconnecting.
      await until(() => a.relay.connected().includes('office'), 'A to see the agent on B again');
      const [again] = await a.relay.ask(['office'], targetRequest('127.0.0.1', port), 10_000);
      assert.equal(again!.state, 'answered', again!.detail ?? '');
    } finally {
      await lab.stop();
      await office.stop();
      await a.close();
      await b.close();
      await redis.stop();
    }
  });

  it('Redis unreachable from the start: start() returns, the local agent answers, the others are offline', async () => {
    const port = await freePort();
    const a = await replica('replica-a', `redis://127.0.0.1:${port}`, { connectTimeoutMs: 200 });
    const lab = startAgent({ name: 'lab', url: a.h.url, token: tokens.lab });
    try {
      await until(() => a.h.hub.connected().includes('lab'), 'the agent to connect');
      assert.equal(a.relay.reachable, false);
      assert.ok(a.h.log.lines.some((l) => l.event === 'relay_store_unreachable'));
      const [mine, other, unknown] = await a.relay.ask(['lab', 'office', 'nowhere'], targetRequest('127.0.0.1', await closedPort()), 10_000);
      assert.equal(mine!.state, 'answered', mine!.detail ?? '');
      assert.equal(other!.state, 'offline');
      assert.match(other!.detail ?? '', /^store unreachable/);
      assert.equal(unknown!.state, 'error');
      assert.match(unknown!.detail ?? '', /no agent is named "nowhere"/);
    } finally {
      await lab.stop();
      await a.close();
    }
  });

  it('refuses a replica id that could not name a channel', () => {
    assert.throws(
      () =>
        new AgentRelay({
          hub: {} as never,
          url: 'redis://127.0.0.1:1',
          log: { debug() {}, info() {}, warn() {}, error() {}, level: 'debug' },
          replicaId: 'a b',
        }),
      /replica id/,
    );
  });
});

describe('two bots on one Redis (app.ts builds the relay)', { skip: redisSkip() }, () => {
  it("a /refused on bot A runs on the agent connected to bot B, and A's App Home shows it connected; B stopped, A says offline", async () => {
    const redis = await startRedis();
    const agentsVar = `office:${tokenHash(tokens.office)},lab:${tokenHash(tokens.lab)}`;
    const env = { REFUSED_AGENTS: agentsVar, REFUSED_STORE_URL: redis.url, REFUSED_SAME_INCIDENT_MINUTES: '0' };
    let botA: Harness | null = null;
    let botB: Harness | null = null;
    let office: TestAgent | null = null;
    try {
      botA = await start(env);
      botB = await start(env);
      assert.ok(botA.log.lines.some((l) => l.event === 'relay_started'));
      office = startAgent({ url: `ws://127.0.0.1:${botB.bot.port}/agents`, token: tokens.office });
      await until(
        () => botA!.bot.deps.agents!.list().find((x) => x.name === 'office')!.connected,
        'bot A to see the agent on bot B (its next presence refresh)',
      );

      const port = await closedPort();
      await botA.fake.send('slash_commands', botA.fake.slashCommand(`127.0.0.1 ${port}`));
      const { reply } = await commandReply(botA.fake);
      const meta = (reply as unknown as { metadata?: { event_payload: { vantages?: { name: string; state: string }[] } } }).metadata;
      const states = Object.fromEntries((meta?.event_payload.vantages ?? []).map((v) => [v.name, v.state]));
      assert.equal(states.office, 'answered');
      assert.equal(states.lab, 'offline');
      assert.ok(botB.log.lines.some((l) => l.event === 'relay_job' && l.name === 'office'));

      await botA.fake.send('events_api', botA.fake.event({ type: 'app_home_opened', user: 'U100', channel: 'D100', tab: 'home', ts: '500.1' }));
      const home = JSON.stringify((await botA.fake.waitFor(() => botA!.fake.callsOf('views.publish')[0], 'views.publish')).args.view);
      assert.match(home, /office` :large_green_circle: connected/);

      // B stops: it gives the agent's presence up on the way out, so A says offline at once (the agent has not reconnected).
      await office.stop();
      office = null;
      await stop(botB);
      botB = null;
      const [r] = await botA.bot.deps.agents!.ask(['office'], targetRequest('127.0.0.1', port), 5000);
      assert.equal(r!.state, 'offline');
    } finally {
      await office?.stop();
      await stop(botB);
      await stop(botA);
      await redis.stop();
    }
  });
});
