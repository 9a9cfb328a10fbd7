// The HTTP gate's parts on their own: the replay memory, the payload shapes it lets through to Bolt,
// the connection cap and its arithmetic, and a server under the limits (slow headers closed, idle
// connections shed so /healthz still gets in). Real sockets on 127.0.0.1 only.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import {
  checkPayload,
  connectionCap,
  HTTP_LIMITS,
  limitServer,
  openFileLimit,
  SeenSignatures,
  serverOptions,
  SIGNATURE_WINDOW_S,
  SLACK_BODY_LIMIT_BYTES,
  slackGate,
  type GatedRequest,
} from '../../src/slack/http-gate.js';
import { memoryLog } from '../../src/slack/log.js';
import { FakeSlack, slackSignature } from './fake-slack.js';
import { SECRET } from './harness.js';

const FORM = 'application/x-www-form-urlencoded';
const form = (o: Record<string, string>) => Buffer.from(new URLSearchParams(o).toString());
const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SeenSignatures', () => {
  it('takes a signature once inside its window, again after it expired, and stays bounded', () => {
    const seen = new SeenSignatures(3);
    assert.equal(seen.first('a', 1000, 0), true);
    assert.equal(seen.first('a', 1000, 999), false, 'a replay inside the window');
    assert.equal(seen.first('a', 5000, 1000), true, 'the window is over: the timestamp check refuses it anyway');
    for (const s of ['b', 'c', 'd', 'e']) seen.first(s, 10_000, 2000);
    assert.equal(seen.size, 3);
    assert.equal(seen.first('e', 10_000, 2000), false);
  });

  it('sweeps expired entries before it evicts live ones', () => {
    const seen = new SeenSignatures(2);
    seen.first('old', 100, 0);
    seen.first('live', 10_000, 0);
    seen.first('new', 10_000, 500);
    assert.equal(seen.first('live', 10_000, 600), false, 'the live one was kept; the expired one made room');
  });
});

describe('checkPayload: what may reach Bolt', () => {
  it('passes what Slack sends', async () => {
    const fake = await FakeSlack.start();
    try {
      const message = { channel: 'C1', ts: '1.000001', text: 'x', blocks: [{ type: 'actions', block_id: 'b', elements: [{ type: 'button', action_id: 'go', value: 'v', text: { type: 'plain_text', text: 'Go' } }] }], updates: 0 };
      const good: [Buffer, string][] = [
        [form(fake.slashCommand('db 5432') as Record<string, string>), FORM],
        [form({ ssl_check: '1', token: 'x' }), FORM],
        [form({ payload: JSON.stringify(fake.click(message, 'go')) }), FORM],
        [form({ payload: JSON.stringify({ type: 'message_action', user: { id: 'U1' }, team: { id: 'T1' }, channel: { id: 'C1' }, callback_id: 'x', message: {} }) }), FORM],
        [form({ payload: JSON.stringify({ type: 'shortcut', user: { id: 'U1' }, team: null, callback_id: 'x' }) }), FORM],
        [form({ payload: JSON.stringify({ type: 'view_submission', user: { id: 'U1' }, team: { id: 'T1' }, view: { id: 'V1' } }) }), FORM],
        [json(fake.event({ type: 'message', user: 'U1', text: 'hi', channel: 'C1', ts: '2.000001' })), 'application/json'],
        [json(fake.event({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'home' })), 'application/json'],
        [json({ type: 'url_verification', challenge: 'c', token: 't' }), 'application/json'],
      ];
      for (const [body, type] of good) {
        const v = checkPayload(body, type);
        assert.ok(v.ok && v.kind === 'pass', body.toString());
        // The body as Bolt's own HTTPReceiver would have parsed it: the form, the interactivity payload, or the JSON.
        const text = body.toString();
        const form = type === FORM ? Object.fromEntries(new URLSearchParams(text)) : null;
        const expected = form === null ? JSON.parse(text) : typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
        assert.deepEqual({ ...v.body }, expected, text);
      }
      const limited = checkPayload(json({ type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1 }), 'application/json');
      assert.ok(limited.ok && limited.kind === 'rate_limited');
    } finally {
      await fake.close();
    }
  });

  it('names what is wrong with everything else', () => {
    const bad: [string, string, RegExp][] = [
      ['payload=null', FORM, /not a JSON object/],
      ['payload=[]', FORM, /not a JSON object/],
      ['payload=%7B', FORM, /not JSON/],
      ['payload=1&payload=2', FORM, /more than one/],
      ['payload=%7B%22type%22%3A%22dialog_cancellation%22%7D', FORM, /unknown payload type/],
      [`payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U' }, actions: 'go' }))}`, FORM, /actions/],
      [`payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U' }, actions: [{}], channel: null }))}`, FORM, /channel/],
      [`payload=${encodeURIComponent(JSON.stringify({ type: 'view_closed', user: { id: 'U' } }))}`, FORM, /view/],
      [`payload=${encodeURIComponent(JSON.stringify({ type: 'shortcut', user: { id: 'U' }, response_urls: null }))}`, FORM, /response_urls/],
      ['command=', FORM, /neither/],
      ['', FORM, /neither/],
      ['command=%2Frefused', `${FORM}; charset=utf-8`, /not JSON/],
      ['', 'application/json', /not JSON/],
      ['true', 'application/json', /not an object/],
      ['{"type":"event_callback"}', 'application/json', /without an event/],
      ['{"type":"event_callback","event":{"type":"message","user":null}}', 'application/json', /event.user/],
      ['{"type":"event_callback","event":{"type":"message","channel":7}}', 'application/json', /event.channel/],
      ['{"type":"event_callback","event":{"type":"subteam_created","subteam":"x"}}', 'application/json', /event.subteam/],
      ['{"type":"event_callback","event":{"type":"message"},"authorizations":"x"}', 'application/json', /authorizations/],
      ['{"event":{"type":"message"}}', 'application/json', /unknown envelope type/],
    ];
    for (const [body, type, why] of bad) {
      const v = checkPayload(Buffer.from(body), type);
      assert.equal(v.ok, false, `${type} ${body}`);
      if (!v.ok) assert.match(v.problem, why, `${type} ${body}`);
    }
  });
});

describe('the connection cap', () => {
  it('reads the soft open-file limit', () => {
    const limits = ['Limit                     Soft Limit           Hard Limit           Units', 'Max open files            1024                 524288               files'].join('\n');
    assert.equal(openFileLimit(() => limits), 1024);
    assert.equal(openFileLimit(() => limits.replace('1024 ', 'unlimited ')), null);
    assert.equal(
      openFileLimit(() => {
        throw new Error('no /proc here');
      }),
      null,
    );
  });

  it('leaves half of what the probes and the reserve do not need, never more than the named cap', () => {
    assert.equal(connectionCap(null, 128), HTTP_LIMITS.maxConnections);
    assert.equal(connectionCap(65_536, 128), HTTP_LIMITS.maxConnections);
    assert.equal(connectionCap(1024, 128), HTTP_LIMITS.maxConnections);
    assert.equal(connectionCap(512, 128), 160);
    assert.equal(connectionCap(256, 128), 32);
    assert.equal(connectionCap(64, 128), 16, 'a floor, however tight the limit');
    // The attack that starved the probes held ~1,100 idle connections against ulimit -n 1024: now at most
    // the cap is held, and the probes' sockets and the reserve still fit with room to spare.
    for (const limit of [256, 512, 1024, 4096]) assert.ok(connectionCap(limit, 128) + 128 + HTTP_LIMITS.reservedFds <= Math.max(limit, 16 + 128 + HTTP_LIMITS.reservedFds), `ulimit ${limit}`);
  });
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

function closeAll(server: Server): Promise<void> {
  return new Promise((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
}

const opened = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
    // Read (and drop) whatever comes, so the server's close is seen.
    s.resume();
  });

const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r())));

describe('a server under the limits', () => {
  const fast = { ...HTTP_LIMITS, headersTimeoutMs: 400, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, checkIntervalMs: 100, shedIdleMs: 100 };
  const health = (req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');

  it('closes a connection whose headers never finish, and one that never says anything', async () => {
    const server = createServer(serverOptions(fast), health);
    limitServer(server, { cap: 50, limits: fast });
    const port = await listen(server);
    try {
      const silent = await opened(port);
      const slow = await opened(port);
      slow.write('POST /slack/events HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 50);
      const t0 = performance.now();
      await Promise.all([closed(silent), closed(slow)]);
      clearInterval(drip);
      const ms = performance.now() - t0;
      assert.ok(ms < 2000, `both closed after ${Math.round(ms)} ms`);
    } finally {
      await closeAll(server);
    }
  });

  it('sheds connections that hold no request when near the cap, so a health check still gets in', async () => {
    const server = createServer(serverOptions(fast), health);
    // Long header timeout here: only the shedding may free the slots.
    const limits = { ...fast, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, checkIntervalMs: 30_000 };
    const guard = limitServer(server, { cap: 20, limits, log: memoryLog('debug') });
    const port = await listen(server);
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 30; i += 1) {
        const s = connect({ host: '127.0.0.1', port });
        s.on('error', () => undefined);
        idle.push(s);
        await sleep(i < 15 ? 5 : 20);
      }
      await sleep(150);
      for (let i = 0; i < 5; i += 1) {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      assert.ok(guard.shed() > 0, 'idle connections were shed');
    } finally {
      for (const s of idle) s.destroy();
      await closeAll(server);
    }
  });
});

describe('slackGate in front of a handler', () => {
  async function gated(): Promise<{ port: number; passed: GatedRequest[]; server: Server; log: ReturnType<typeof memoryLog> }> {
    const log = memoryLog('debug');
    const gate = slackGate({ signingSecret: SECRET, log });
    const passed: GatedRequest[] = [];
    const server = createServer((req, res) =>
      gate(req, res, (r, w) => {
        passed.push(r);
        w.writeHead(200).end('passed');
      }),
    );
    return { port: await listen(server), passed, server, log };
  }

  it('hands a signed request on with its body in rawBody and the stream fully read', async () => {
    const g = await gated();
    try {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'x'.repeat(SLACK_BODY_LIMIT_BYTES - 100) });
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`http://127.0.0.1:${g.port}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) }, body });
      assert.equal(await res.text(), 'passed');
      assert.equal(g.passed.length, 1);
      assert.equal(g.passed[0]!.rawBody.toString(), body);
      assert.deepEqual(g.passed[0]!.body, JSON.parse(body));
      assert.equal(g.passed[0]!.readableEnded, true);
    } finally {
      await closeAll(g.server);
    }
  });

  it('takes a timestamp up to the edge of the window, either way', async () => {
    const g = await gated();
    try {
      for (const offset of [-(SIGNATURE_WINDOW_S - 5), SIGNATURE_WINDOW_S - 5]) {
        const body = `command=%2Frefused&text=${offset}`;
        const ts = Math.floor(Date.now() / 1000) + offset;
        const res = await fetch(`http://127.0.0.1:${g.port}/`, { method: 'POST', headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) }, body });
        assert.equal(res.status, 200, `offset ${offset}`);
        await res.arrayBuffer();
      }
      assert.equal(g.passed.length, 2);
    } finally {
      await closeAll(g.server);
    }
  });

  it('refuses other methods and a wrong signature; summarises refusals instead of a line each', async () => {
    const g = await gated();
    try {
      assert.equal((await fetch(`http://127.0.0.1:${g.port}/`)).status, 405);
      const body = 'command=%2Frefused';
      const ts = Math.floor(Date.now() / 1000);
      for (let i = 0; i < 5; i += 1) {
        const res = await fetch(`http://127.0.0.1:${g.port}/`, { method: 'POST', headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature('wrong-secret', ts, body) }, body });
        assert.equal(res.status, 401);
        await res.arrayBuffer();
      }
      assert.equal(g.passed.length, 0);
      assert.equal(g.log.lines.filter((l) => l.event === 'http_refusals').length, 1, 'one summary line a minute at most');
      assert.equal(g.log.lines.filter((l) => l.event === 'http_refused').length, 5, 'one debug line each');
    } finally {
      await closeAll(g.server);
    }
  });
});
