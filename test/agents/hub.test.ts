// The bot's end (src/agents/hub.ts) on a loopback HTTP server: real agents in this process and hand-made ones
// (the ws client) that misbehave on purpose. Every outcome of ask() is checked by its state and its words,
// never by how long it took.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newAgentToken } from '../../src/agents/token.js';
import { CLOSE_REPLACED } from '../../src/agents/hub.js';
import { MAX_RESULT_BYTES, resultMessage } from '../../src/agents/protocol.js';
import { closedPort, handAgent, logText, nextMessage, NO_LOOPBACK, startAgent, startHub, targetRequest, type TestHub, until } from './harness.js';

const office = newAgentToken();
const k8s = newAgentToken();
const lab = newAgentToken();

describe('AgentHub with a real agent', () => {
  let h: TestHub;
  before(async () => {
    h = await startHub({ office, 'k8s-prod': k8s, lab });
  });
  after(async () => {
    await h.close();
  });

  it('runs a job on the agent and returns its diagnosis of a closed loopback port', async () => {
    const agent = startAgent({ url: h.url, token: office, version: '9.9.9', host: 'office-box' });
    try {
      await until(() => h.hub.connected().includes('office') && h.hub.list()[0]!.version !== null, 'the agent to connect and say hello');
      const port = await closedPort();
      const [r] = await h.hub.ask(['office'], targetRequest('127.0.0.1', port), 10_000);
      assert.equal(r!.name, 'office');
      assert.equal(r!.kind, 'agent');
      assert.equal(r!.state, 'answered', r!.detail ?? '');
      assert.equal(r!.detail, null);
      const d = r!.diagnosis!;
      // The agent's own name is the vantage point, and what it saw is its own evidence.
      assert.equal(d.vantage.host, 'office');
      assert.equal(d.vantage.surface, 'chat');
      assert.equal(d.causes[0]!.id, 'not-listening');
      assert.ok(d.evidence.some((e) => e.type === 'tcp' && e.port === port && e.outcome === 'refused'));
      const info = h.hub.list().find((a) => a.name === 'office')!;
      assert.deepEqual(
        { connected: info.connected, from: info.from, version: info.version, host: info.host },
        { connected: true, from: '127.0.0.1', version: '9.9.9', host: 'office-box' },
      );
      assert.ok(info.since !== null && !Number.isNaN(Date.parse(info.since)));
      assert.ok(agent.log.lines.some((l) => l.event === 'agent_job_done' && l.cause === 'not-listening'));
    } finally {
      await agent.stop();
    }
    await until(() => !h.hub.connected().includes('office'), 'the hub to see the agent go');
    assert.ok(h.log.lines.some((l) => l.event === 'agent_disconnected' && l.name === 'office'));
  });

  it("says refused when the agent's own policy will not probe the target", async () => {
    const agent = startAgent({ name: 'k8s-prod', url: h.url, token: k8s, policy: NO_LOOPBACK });
    try {
      await until(() => h.hub.connected().includes('k8s-prod'), 'the agent to connect');
      const [r] = await h.hub.ask(['k8s-prod'], targetRequest('127.0.0.1', await closedPort()), 10_000);
      assert.equal(r!.state, 'refused');
      assert.ok(r!.diagnosis, 'the diagnosis comes along: it says what the policy refused');
      assert.equal(r!.diagnosis!.probed, false);
      assert.ok(r!.diagnosis!.plan.skipped.some((s) => s.reason === 'policy'));
      assert.equal(r!.diagnosis!.causes[0]!.id, 'blocked-by-policy');
      // The detail is the agent's own reason, with its contact.
      assert.match(r!.detail ?? '', /loopback/i);
      assert.match(r!.detail ?? '', /#agents-owners/);
    } finally {
      await agent.stop();
    }
  });

  it('answers offline at once for a known agent that is not connected, and error for an unknown name', async () => {
    const results = await h.hub.ask(['lab', 'nowhere'], targetRequest('127.0.0.1', 9), 60_000);
    assert.deepEqual(
      results.map((r) => [r.name, r.state]),
      [
        ['lab', 'offline'],
        ['nowhere', 'error'],
      ],
    );
    assert.match(results[0]!.detail!, /not connected/);
    assert.match(results[1]!.detail!, /no agent is named "nowhere"/);
    assert.deepEqual(
      h.hub.list().map((a) => a.name),
      ['office', 'k8s-prod', 'lab'],
    );
    assert.deepEqual(h.hub.names(), ['office', 'k8s-prod', 'lab']);
  });

  it('refuses a wrong token with 401 before the upgrade, logs it, and never logs the token', async () => {
    const wrong = newAgentToken();
    await assert.rejects(handAgent(h.url, 'office', wrong), (err: { status?: number }) => err.status === 401);
    await assert.rejects(handAgent(h.url, 'office', k8s), (err: { status?: number }) => err.status === 401);
    const refused = h.log.lines.filter((l) => l.event === 'agent_refused');
    assert.ok(refused.length >= 2);
    assert.ok(refused.every((l) => l.name === 'office' && l.from === '127.0.0.1' && /wrong token/.test(String(l.reason))));
    const text = logText(h.log);
    assert.ok(!text.includes(wrong) && !text.includes(k8s) && !text.includes(office), 'no token in the log');
    assert.ok(!h.hub.connected().includes('office'));
  });

  it('refuses an unknown name, a missing name and a missing token with 401', async () => {
    await assert.rejects(handAgent(h.url, 'stranger', office), (err: { status?: number }) => err.status === 401);
    await assert.rejects(handAgent(h.url, '', office), (err: { status?: number }) => err.status === 401);
    await assert.rejects(handAgent(h.url, 'office', ''), (err: { status?: number }) => err.status === 401);
    const reasons = h.log.lines.filter((l) => l.event === 'agent_refused').map((l) => String(l.reason));
    assert.ok(reasons.some((r) => /unknown agent name/.test(r)));
    assert.ok(reasons.some((r) => /no agent name/.test(r)));
    assert.ok(reasons.some((r) => /no token/.test(r)));
  });

  it('a real agent with a wrong token is told so in our words and keeps trying', async () => {
    const agent = startAgent({ url: h.url, token: newAgentToken() });
    try {
      await until(() => agent.log.lines.filter((l) => l.event === 'agent_cannot_connect').length >= 2, 'two refused attempts');
      const first = agent.log.lines.find((l) => l.event === 'agent_cannot_connect')!;
      assert.match(
        String(first.message),
        /the bot refused this agent's token; check that REFUSED_AGENTS on the bot has the line `refused agent-token office` printed/,
      );
      assert.equal(first.status, 401);
      const second = agent.log.lines.filter((l) => l.event === 'agent_cannot_connect')[1]!;
      assert.match(String(second.message), /\(as before\)/);
    } finally {
      await agent.stop();
    }
  });
});

describe('AgentHub with hand-made agents', () => {
  let h: TestHub;
  before(async () => {
    h = await startHub({ office, 'k8s-prod': k8s, lab });
  });
  after(async () => {
    await h.close();
  });

  it('an agent that takes the job and then closes is a timeout at once, before the deadline', async () => {
    const ws = await handAgent(h.url, 'office', office);
    await until(() => h.hub.connected().includes('office'), 'the hub to take the agent');
    const job = nextMessage(ws);
    // A deadline far longer than any test: the answer must come from the closed connection, not the timer.
    const asking = h.hub.ask(['office'], targetRequest('127.0.0.1', 9), 120_000);
    const frame = JSON.parse(await job) as { type: string; body: string; sig: string };
    assert.equal(frame.type, 'job');
    assert.ok(frame.sig.length > 20);
    ws.terminate();
    const [r] = await asking;
    assert.equal(r!.state, 'timeout');
    assert.match(r!.detail!, /connection closed before it answered/);
    assert.doesNotMatch(r!.detail!, /no answer within/);
  });

  it('an agent that never answers is a timeout at the deadline', async () => {
    const ws = await handAgent(h.url, 'office', office);
    await until(() => h.hub.connected().includes('office'), 'the hub to take the agent');
    const [r] = await h.hub.ask(['office'], targetRequest('127.0.0.1', 9), 200);
    assert.equal(r!.state, 'timeout');
    assert.equal(r!.detail, 'no answer within 200 ms');
    ws.close();
  });

  it('an answer that is not a diagnosis, an error, and an oversize answer are each an error, never a crash', async () => {
    const ws = await handAgent(h.url, 'lab', lab);
    await until(() => h.hub.connected().includes('lab'), 'the hub to take the agent');
    const answers = [
      (id: string) => JSON.stringify({ type: 'result', id, diagnosis: { verdict: 'all fine', causes: 'none' } }),
      (id: string) => resultMessage(id, { error: 'the engine fell over' }),
      (id: string) => JSON.stringify({ type: 'result', id, diagnosis: { pad: 'x'.repeat(MAX_RESULT_BYTES) } }),
      (id: string) => `{"type":"result","id":"${id}", not json`,
    ];
    let next = 0;
    ws.on('message', (data) => {
      const { body } = JSON.parse(String(data)) as { body: string };
      const { id } = JSON.parse(body) as { id: string };
      ws.send(answers[next++]!(id));
    });
    const results = [];
    for (let i = 0; i < answers.length; i++) results.push((await h.hub.ask(['lab'], targetRequest('127.0.0.1', 9), 60_000))[0]!);
    assert.deepEqual(
      results.map((r) => r.state),
      ['error', 'error', 'error', 'error'],
    );
    assert.match(results[0]!.detail!, /not a diagnosis this bot can read/);
    assert.match(results[1]!.detail!, /could not run the job: the engine fell over/);
    assert.match(results[2]!.detail!, /KB, more than the 512 KB the bot reads/);
    assert.match(results[3]!.detail!, /not a result \(not JSON\)/);
    // Still connected and still useful after all that.
    assert.ok(h.hub.connected().includes('lab'));
    ws.close();
  });

  it("a frame past the socket's hard cap closes the connection and the job is an error", async () => {
    const ws = await handAgent(h.url, 'lab', lab);
    await until(() => h.hub.connected().includes('lab'), 'the hub to take the agent');
    ws.on('message', (data) => {
      const { body } = JSON.parse(String(data)) as { body: string };
      const { id } = JSON.parse(body) as { id: string };
      ws.send(JSON.stringify({ type: 'result', id, diagnosis: { pad: 'x'.repeat(3 * MAX_RESULT_BYTES) } }));
    });
    const [r] = await h.hub.ask(['lab'], targetRequest('127.0.0.1', 9), 60_000);
    assert.equal(r!.state, 'error');
    assert.match(r!.detail!, /larger than the bot reads/);
  });

  it('ignores binary frames, hellos in another name and late results', async () => {
    const ws = await handAgent(h.url, 'office', office);
    await until(() => h.hub.connected().includes('office'), 'the hub to take the agent');
    ws.send(Buffer.from([1, 2, 3]));
    ws.send(JSON.stringify({ type: 'hello', name: 'lab', version: '1', host: 'h' }));
    ws.send(JSON.stringify({ type: 'result', id: 'no-such-job', error: 'late' }));
    await until(() => h.log.lines.some((l) => l.event === 'agent_late_result'), 'the late result to be read');
    assert.ok(h.log.lines.some((l) => l.event === 'agent_bad_message' && /binary/.test(String(l.problem))));
    assert.ok(h.log.lines.some((l) => l.event === 'agent_name_mismatch' && l.says === 'lab'));
    assert.ok(h.hub.connected().includes('office'));
    ws.close();
  });

  it('a second connection with the same name replaces the first, which is closed with a reason', async () => {
    const first = await handAgent(h.url, 'k8s-prod', k8s);
    await until(() => h.hub.connected().includes('k8s-prod'), 'the first connection');
    const closed = new Promise<number>((resolve) => first.once('close', (code) => resolve(code)));
    const job = nextMessage(first);
    const asking = h.hub.ask(['k8s-prod'], targetRequest('127.0.0.1', 9), 120_000);
    await job;
    const second = await handAgent(h.url, 'k8s-prod', k8s);
    assert.equal(await closed, CLOSE_REPLACED);
    const [r] = await asking;
    assert.equal(r!.state, 'timeout');
    assert.match(r!.detail!, /connected again before it answered/);
    assert.ok(h.log.lines.some((l) => l.event === 'agent_replaced' && l.name === 'k8s-prod'));
    assert.ok(h.hub.connected().includes('k8s-prod'));
    second.close();
  });

  it('holds at most maxInFlight jobs per agent and cancels with the signal', async () => {
    const small = await startHub({ office }, { maxInFlight: 2 });
    try {
      const ws = await handAgent(small.url, 'office', office);
      await until(() => small.hub.connected().includes('office'), 'the hub to take the agent');
      const controller = new AbortController();
      const waiting = [
        small.hub.ask(['office'], targetRequest('127.0.0.1', 9), 120_000, controller.signal),
        small.hub.ask(['office'], targetRequest('127.0.0.1', 9), 120_000, controller.signal),
      ];
      const [third] = await small.hub.ask(['office'], targetRequest('127.0.0.1', 9), 120_000);
      assert.equal(third!.state, 'error');
      assert.match(third!.detail!, /busy: 2 jobs/);
      controller.abort();
      const cancelled = (await Promise.all(waiting)).flat();
      assert.deepEqual(
        cancelled.map((r) => [r.state, r.detail]),
        [
          ['error', 'cancelled before the agent answered'],
          ['error', 'cancelled before the agent answered'],
        ],
      );
      ws.close();
    } finally {
      await small.close();
    }
  });

  it('pings, and drops an agent that stops answering pings', async () => {
    const quick = await startHub({ office }, { pingMs: 30 });
    try {
      const ws = await handAgent(quick.url, 'office', office);
      await until(() => quick.hub.connected().includes('office'), 'the hub to take the agent');
      let pings = 0;
      ws.on('ping', () => pings++);
      await until(() => pings >= 2, 'two pings');
      assert.ok(quick.hub.connected().includes('office'), 'an agent that answers pings stays');
      // ws answers pings by itself; a paused socket does not.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      await until(() => !quick.hub.connected().includes('office'), 'the hub to drop the silent agent');
      assert.ok(quick.log.lines.some((l) => l.event === 'agent_unresponsive'));
      ws.terminate();
    } finally {
      await quick.close();
    }
  });

  it('close() ends the waits and refuses later agents with 503', async () => {
    const closing = await startHub({ office });
    const ws = await handAgent(closing.url, 'office', office);
    await until(() => closing.hub.connected().includes('office'), 'the hub to take the agent');
    const job = nextMessage(ws);
    const asking = closing.hub.ask(['office'], targetRequest('127.0.0.1', 9), 120_000);
    await job;
    closing.hub.close();
    const [r] = await asking;
    assert.equal(r!.state, 'error');
    assert.equal(r!.detail, 'the bot is shutting down');
    await assert.rejects(handAgent(closing.url, 'office', office), (err: { status?: number }) => err.status === 503);
    ws.terminate();
    closing.server.closeAllConnections();
    await new Promise<void>((resolve) => closing.server.close(() => resolve()));
  });

  it('logs refusals one by one up to 20 a minute, then counts them', async () => {
    let clock = 1_000_000;
    const flooded = await startHub({ office }, { now: () => clock });
    try {
      for (let i = 0; i < 25; i++) await assert.rejects(handAgent(flooded.url, 'office', 'rfa_wrong'), (err: { status?: number }) => err.status === 401);
      assert.equal(flooded.log.lines.filter((l) => l.event === 'agent_refused').length, 20);
      clock += 60_000;
      await assert.rejects(handAgent(flooded.url, 'office', 'rfa_wrong'));
      const more = flooded.log.lines.find((l) => l.event === 'agent_refused_more');
      assert.equal(more?.count, 5);
      assert.equal(flooded.log.lines.filter((l) => l.event === 'agent_refused').length, 21);
    } finally {
      await flooded.close();
    }
  });

  it('leaves other paths to the server', async () => {
    const { createServer } = await import('node:http');
    const { listen } = await import('./harness.js');
    const hubOnly = await startHub({ office });
    const taken: boolean[] = [];
    const server = createServer();
    server.on('upgrade', (req, socket, head) => {
      const took = hubOnly.hub.handleUpgrade(req, socket, head);
      taken.push(took);
      if (!took) socket.destroy();
    });
    const port = await listen(server);
    await assert.rejects(handAgent(`ws://127.0.0.1:${port}/other`, 'office', office));
    assert.deepEqual(taken, [false]);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await hubOnly.close();
  });
});
