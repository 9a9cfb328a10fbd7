// The agent (src/agents/agent.ts) against a hand-made hub that sends it any frame, behind a CONNECT proxy, and
// against addresses where nothing answers; and the two commands (`refused agent`, `refused agent-token`).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { main } from '../../src/cli.js';
import { signJob, type Job } from '../../src/agents/protocol.js';
import { newAgentToken, parseAgents, signingKeyFromToken, tokenHash } from '../../src/agents/token.js';
import { closedPort, handHub, listen, nextMessage, startAgent, startHub, targetRequest, until } from './harness.js';

const token = newAgentToken();
const key = signingKeyFromToken(token);

type Frame = { type: string; id: string; diagnosis?: { verdict: string; causes: { id: string }[]; vantage: { host: string } }; error?: string };

describe('the agent checks every job', () => {
  it('sends its name and token, says hello, runs a signed job and refuses forged, unsigned, stale, future, replayed and bad ones', async () => {
    const hub = await handHub();
    const agent = startAgent({ url: hub.url, token, host: 'box-1', version: '1.2.3' });
    try {
      const { ws, headers } = await hub.connection();
      assert.equal(headers['x-refused-agent'], 'office');
      assert.equal(headers.authorization, `Bearer ${token}`);
      const hello = JSON.parse(await nextMessage(ws)) as Record<string, unknown>;
      assert.deepEqual(hello, { type: 'hello', name: 'office', version: '1.2.3', host: 'box-1' });

      const port = await closedPort();
      const request = targetRequest('127.0.0.1', port);
      const job = (id: string, t = Date.now()): Job => ({ id, t, request, deadlineMs: 10_000 });
      const ask = async (frame: string): Promise<Frame> => {
        const answer = nextMessage(ws);
        ws.send(frame);
        return JSON.parse(await answer) as Frame;
      };

      const good = signJob(job('good-1'), key);
      const ok = await ask(good);
      assert.equal(ok.id, 'good-1');
      assert.equal(ok.diagnosis?.causes[0]?.id, 'not-listening');
      assert.equal(ok.diagnosis?.vantage.host, 'office');

      const refusals: [string, string, RegExp][] = [
        ['replayed', good, /\(replayed\)/],
        ['forged', signJob(job('forged-1'), signingKeyFromToken(newAgentToken())), /\(forged\): the job signature does not match/],
        ['unsigned', JSON.stringify({ type: 'job', body: JSON.parse(signJob(job('unsigned-1'), key)).body }), /\(unsigned\)/],
        ['stale', signJob(job('stale-1', Date.now() - 60_000), key), /\(stale\): the job was sent 60 s ago/],
        ['future', signJob(job('future-1', Date.now() + 60_000), key), /\(future\)/],
        ['bad request', signJob({ ...job('bad-1'), request: { ...request, f: { ...request.f, host: 'db; rm -rf /' } } }, key), /\(bad-request\)/],
      ];
      for (const [what, frame, detail] of refusals) {
        const r = await ask(frame);
        assert.equal(r.diagnosis, undefined, what);
        assert.match(r.error ?? '', detail, what);
        assert.match(r.error ?? '', /the agent refused the job/, what);
      }
      // A frame that is not a job at all has no id to answer: it is logged and dropped, and the agent carries on.
      ws.send('{"type":"job"');
      ws.send(Buffer.from('binary'));
      const after = await ask(signJob(job('good-2'), key));
      assert.equal(after.diagnosis?.causes[0]?.id, 'not-listening');

      const refused = agent.log.lines.filter((l) => l.event === 'agent_job_refused').map((l) => l.reason);
      assert.deepEqual(refused, ['replayed', 'forged', 'unsigned', 'stale', 'future', 'bad-request', 'malformed', 'malformed']);
      // Only the two good jobs ran the engine.
      assert.deepEqual(
        agent.log.lines.filter((l) => l.event === 'agent_job').map((l) => l.id),
        ['good-1', 'good-2'],
      );
      assert.ok(!JSON.stringify(agent.log.lines).includes(token), 'the token is never logged');
    } finally {
      await agent.stop();
      await hub.close();
    }
  });

  it('its own policy is the last word: a job for a target it may not probe comes back refused by policy', async () => {
    const hub = await handHub();
    const agent = startAgent({ url: hub.url, token, policy: { allowLoopback: false, contact: null } });
    try {
      const { ws } = await hub.connection();
      await nextMessage(ws);
      const answer = nextMessage(ws);
      ws.send(signJob({ id: 'deny-1', t: Date.now(), request: targetRequest('127.0.0.1', 5432), deadlineMs: 10_000 }, key));
      const r = JSON.parse(await answer) as Frame & { diagnosis: { probed: boolean; plan: { skipped: { reason: string }[] } } };
      assert.equal(r.diagnosis.probed, false);
      assert.ok(r.diagnosis.plan.skipped.some((s) => s.reason === 'policy'));
    } finally {
      await agent.stop();
      await hub.close();
    }
  });

  it('drops a connection on which the bot has gone silent, and dials again', async () => {
    const hub = await handHub();
    const agent = startAgent({ url: hub.url, token, silenceMs: 150 });
    try {
      await hub.connection();
      await until(() => agent.log.lines.some((l) => l.event === 'agent_silence'), 'the agent to notice the silence');
      await until(() => agent.log.lines.filter((l) => l.event === 'agent_connected').length >= 2, 'the agent to dial again');
    } finally {
      await agent.stop();
      await hub.close();
    }
  });
});

describe('the agent says why it cannot connect', () => {
  it("nothing listening at the bot's address: our own engine says so, then the same cause is told short", async () => {
    const port = await closedPort();
    const agent = startAgent({ url: `ws://127.0.0.1:${port}/agents`, token });
    try {
      await until(() => agent.log.lines.filter((l) => l.event === 'agent_cannot_connect').length >= 2, 'two failed attempts');
      const [first, second] = agent.log.lines.filter((l) => l.event === 'agent_cannot_connect');
      assert.equal(first!.cause, 'not-listening');
      assert.match(String(first!.message), new RegExp(`cannot connect: cannot reach the bot at 127\\.0\\.0\\.1:${port}: Nothing is listening`));
      assert.ok(Array.isArray(first!.evidence) && (first!.evidence as string[]).some((e) => e.includes(String(port))));
      assert.match(String(second!.message), /\(as before\)/);
      // The pauses grow: 50 ms, then about 100, then about 200 (the test's own first and last pause).
      const waits = agent.log.lines.filter((l) => l.event === 'agent_cannot_connect').map((l) => Number(l.retryInMs));
      assert.ok(waits[0]! <= 60 && waits[1]! >= 80, `pauses ${waits.join(', ')}`);
    } finally {
      await agent.stop();
    }
  });

  it('an HTTP server that is not the bot: the status, and where to look', async () => {
    const server = createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (_req, socket: Socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    const port = await listen(server);
    const agent = startAgent({ url: `ws://127.0.0.1:${port}/agents`, token });
    try {
      await until(() => agent.log.lines.some((l) => l.event === 'agent_cannot_connect'), 'a failed attempt');
      const first = agent.log.lines.find((l) => l.event === 'agent_cannot_connect')!;
      assert.equal(first.status, 404);
      assert.match(String(first.message), /answered HTTP 404 instead of accepting the agent: is ws:\/\/127\.0\.0\.1:\d+\/agents the bot's PORT listener/);
    } finally {
      await agent.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the agent behind an HTTP proxy', () => {
  it('dials through HTTP_PROXY (a CONNECT proxy on loopback) and answers jobs through it', async () => {
    const h = await startHub({ office: token });
    const seen: string[] = [];
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    const tunnels = new Set<Socket>();
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      seen.push(`${req.method} ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      // Loopback only, as every test.
      if (host !== '127.0.0.1') return client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      tunnels.add(upstream).add(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const proxyPort = await listen(proxy);
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    // undici's EnvHttpProxyAgent reads the proxy when it is made (in runAgent) and NO_PROXY at each request.
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    delete process.env.http_proxy;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    const agent = startAgent({ url: h.url, token, useEnv: true, env: process.env });
    try {
      await until(() => h.hub.connected().includes('office'), 'the agent to connect through the proxy');
      assert.deepEqual(seen, [`CONNECT 127.0.0.1:${h.port}`]);
      assert.match(
        String(agent.log.lines.find((l) => l.event === 'agent_starting')?.message),
        new RegExp(`through the proxy http://127\\.0\\.0\\.1:${proxyPort} \\(HTTP_PROXY\\)`),
      );
      const [r] = await h.hub.ask(['office'], targetRequest('127.0.0.1', await closedPort()), 10_000);
      assert.equal(r!.state, 'answered');
    } finally {
      await agent.stop();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      for (const s of tunnels) s.destroy();
      await h.close();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

/** main() with captured output. */
function cli(argv: string[], env: NodeJS.ProcessEnv = {}, stop?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const done = main({
    argv,
    env,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readStdin: async () => ({ text: '', truncated: false, tty: false }),
    isTty: false,
    platform: 'linux',
    ...(stop ? { stop } : {}),
  });
  return { out, err, done };
}

describe('refused agent-token and refused agent', () => {
  it('agent-token prints a token once and the REFUSED_AGENTS line that accepts it', async () => {
    const { out, done } = cli(['agent-token', 'k8s-prod']);
    assert.equal(await done, 0);
    const text = out.join('');
    const printed = /^\s+(rfa_[A-Za-z0-9_-]{43})$/m.exec(text)?.[1];
    const line = /^\s+(k8s-prod:sha256:[0-9a-f]{64})$/m.exec(text)?.[1];
    assert.ok(printed && line, text);
    const { agents, problems } = parseAgents(line);
    assert.deepEqual(problems, []);
    assert.equal(`sha256:${agents.get('k8s-prod')}`, tokenHash(printed));
  });

  it('usage errors are clear and exit 2', async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['agent-token'], {}, /agent-token takes one agent name/],
      [['agent-token', 'Office'], {}, /"Office" is not an agent name/],
      [['agent', '--name', 'office'], {}, /refused agent needs --url <ws\(s\):\/\/bot:PORT\/agents>, --token <token> \(or REFUSED_AGENT_TOKEN\)/],
      [['agent', '--name', 'office', '--url', 'ftp://bot/agents'], { REFUSED_AGENT_TOKEN: token }, /--url must start with ws:\/\/ or wss:\/\//],
      [['agent', '--name', 'Office!', '--url', 'ws://127.0.0.1:1/agents', '--token', token], {}, /--name "Office!" is not an agent name/],
      [['agent', '--nme', 'office'], {}, /unknown option --nme; did you mean --name\?/],
      [
        ['agent', '--name', 'office', '--url', 'ws://127.0.0.1:1/agents', '--allow', '10.0.0.0/33'],
        { REFUSED_AGENT_TOKEN: token },
        /the probe policy has a problem/,
      ],
      [['agent', '--name', 'office', 'db', '5432'], {}, /takes no target/],
    ];
    for (const [argv, env, want] of cases) {
      const { err, done } = cli(argv, env);
      assert.equal(await done, 2, argv.join(' '));
      assert.match(err.join(''), want, argv.join(' '));
    }
  });

  it('`refused agent` connects with the token from REFUSED_AGENT_TOKEN, runs a job, and stops when told', async () => {
    const h = await startHub({ office: token });
    const stop = new AbortController();
    const { err, done } = cli(['agent', '--name', 'office', '--url', h.url, '--allow-loopback'], { REFUSED_AGENT_TOKEN: token }, stop.signal);
    try {
      await until(() => h.hub.connected().includes('office'), 'the command to connect');
      const [r] = await h.hub.ask(['office'], targetRequest('127.0.0.1', await closedPort()), 10_000);
      assert.equal(r!.state, 'answered');
      const [denied] = await h.hub.ask(['office'], targetRequest('169.254.169.254', 80), 10_000);
      assert.equal(denied!.state, 'refused');
    } finally {
      stop.abort();
      assert.equal(await done, 0);
      await h.close();
    }
    const text = err.join('');
    assert.match(text, /connected to ws:\/\/127\.0\.0\.1:\d+\/agents as office/);
    assert.match(text, /→ Nothing is listening/);
    assert.match(text, /agent office stopped/);
    assert.ok(!text.includes(token));
  });

  it('a host named agent is still a target', async () => {
    const { out, done } = cli(['agent', '5432', '--no-probe', '--no-local', '--json']);
    assert.notEqual(await done, 2);
    const d = JSON.parse(out.join('')) as { facts: { host: string; port: number } };
    assert.deepEqual([d.facts.host, d.facts.port], ['agent', 5432]);
  });
});
