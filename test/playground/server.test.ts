// The playground's server, started as `npm start` starts it on a fresh clone: no Slack variables, no .env (the
// child runs in an empty working directory), PORT=0. The test drives it only through the page's API
// (/playground/…), as the page does: a command, a paste naming localhost, Re-check, the Home tab, bad bodies.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { PageMessage, PageState } from '../../src/playground/state.js';
import { spawnBot, type Run } from '../slack/child-bot.js';
import { closedPort } from '../slack/harness.js';


/**
 * A quiet listener on both loopbacks (::1 when this machine has it), so localhost answers whichever it resolves
 * to. It holds what it accepts, silent, as a server waiting for its client to speak; close() drops them all.
 */
async function listenLoopback(port: number): Promise<{ close(): Promise<void> }> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  for (const host of ['127.0.0.1', '::1']) {
    const s = createServer((sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
      sock.on('error', () => undefined);
    });
    try {
      await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, host, resolve));
      servers.push(s);
    } catch (err) {
      if (host === '127.0.0.1') throw err;
    }
  }
  return {
    async close() {
      for (const sock of sockets) sock.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

/** Polls until `probe` returns something; bounded, never a timed assertion. */
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function findButton(blocks: unknown[] | null, actionId: string): { block_id: string; value: string } | null {
  for (const b of (blocks ?? []) as { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] }[]) {
    for (const e of b.elements ?? []) if (e.action_id === actionId) return { block_id: b.block_id ?? '', value: e.value ?? '' };
  }
  return null;
}

const words = (m: PageMessage) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

describe('the playground server, as npm start runs it without Slack credentials', () => {
  let run: Run;
  let base = '';

  const state = async (): Promise<PageState> => (await fetch(`${base}playground/state`)).json() as Promise<PageState>;
  const post = (path: string, body: unknown, type = 'application/json') => fetch(`${base}playground/${path}`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  before(async () => {
    run = spawnBot({ PORT: '0', LOG_LEVEL: 'debug' });
    const line = await run.waitLine('playground');
    base = String(line.url);
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await until('the bot to connect', async () => (await state()).connected);
  });

  after(async () => {
    run.child.kill('SIGTERM');
    const code = await run.exit;
    assert.equal(code, 0, run.stderr());
    assert.ok(run.lines.some((l) => l.event === 'stopped'), 'the bot stopped cleanly');
    assert.ok(!run.lines.some((l) => l.event === 'playground_slack_refused'), `the local Slack refused something the bot sent: ${JSON.stringify(run.lines.filter((l) => l.event === 'playground_slack_refused'))}`);
    assert.ok(!run.lines.some((l) => l.event === 'unhandled_rejection' || l.event === 'listener_error'));
  });

  it('prints its URL plainly, binds loopback, and starts empty with the banner', async () => {
    const plain = run.lines.find((l) => l.event === 'not-json' && /^refused playground: http:\/\/127\.0\.0\.1:\d+\/ {2}\(local only/.test(String(l.line)));
    assert.ok(plain, 'a plain line with the URL');
    assert.ok(String(plain.line).includes(base));
    const s = await state();
    assert.equal(s.channel.id, 'C0PLAYGRND');
    assert.equal(s.you.id, 'U0YOU');
    assert.match(s.banner, /local playground/);
    assert.match(s.banner, /SLACK_BOT_TOKEN and SLACK_APP_TOKEN in \.env/);
    // The bot's own health listener took a free port of its own.
    const listening = run.lines.find((l) => l.event === 'listening');
    assert.ok(listening && String(listening.port) !== new URL(base).port);
    assert.equal(listening.host, '127.0.0.1');
  });

  it('serves the page', async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal((await fetch(`${base}page/..%2Fserver.ts`)).status, 404);
    assert.equal((await fetch(`${base}page/nothing-here.js`)).status, 404);
  });

  it('/refused 127.0.0.1 <closed port>: the parent in the channel and the diagnosis with blocks in its thread', async () => {
    const port = await closedPort();
    const res = await post('send', { text: `/refused 127.0.0.1 ${port}` });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { ok: true });
    const parent = await until('the parent message', async () => (await state()).messages.find((m) => m.bot && m.text.includes(`127.0.0.1:${port}`)));
    assert.match(parent.text, /<@U0YOU> asked me to check/);
    const reply = await until('the thread reply', async () => (await state()).messages.find((m) => m.ts === parent.ts)?.replies.find((r) => r.blocks !== null));
    assert.equal(reply.thread_ts, parent.ts);
    assert.equal(reply.user_name, 'refused');
    assert.match(words(reply), new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(words(reply), /[Nn]othing is listening/);
  });

  let pasteReply: PageMessage;
  let pastePort = 0;

  it('a pasted error naming localhost:<closed port> is probed here: the reply in the thread shows the refusal', async () => {
    pastePort = await closedPort();
    const text = `$ curl -sS http://localhost:${pastePort}/health\ncurl: (7) Failed to connect to localhost port ${pastePort} after 0 ms: Couldn't connect to server`;
    const res = await post('send', { text });
    assert.equal(res.status, 200, await res.clone().text());
    const mine = await until('the pasted message', async () => (await state()).messages.find((m) => !m.bot && m.text === text));
    assert.equal(mine.user, 'U0YOU');
    pasteReply = await until('the reply to the paste', async () => (await state()).messages.find((m) => m.ts === mine.ts)?.replies.find((r) => r.bot && r.blocks !== null));
    const said = words(pasteReply);
    assert.doesNotMatch(said, /[Nn]ot probed/, 'localhost in a paste is this machine in the playground');
    assert.match(said, new RegExp(`:${pastePort}\\b[^"]*refused|refused[^"]*:${pastePort}\\b`));
  });

  it('Re-check after the port opens: the same message is edited and says it accepts connections', async () => {
    assert.ok(pasteReply, 'the paste test ran first');
    const button = findButton(pasteReply.blocks, 'refused_recheck');
    assert.ok(button, 'the reply has a Re-check button');
    const listener = await listenLoopback(pastePort);
    try {
      const res = await post('click', { container: 'message', ts: pasteReply.ts, action_id: 'refused_recheck', block_id: button.block_id, value: button.value });
      assert.equal(res.status, 200, await res.clone().text());
      const edited = await until('the edited reply', async () => {
        const s = await state();
        const r = s.messages.flatMap((m) => m.replies).find((x) => x.ts === pasteReply.ts);
        return r?.edited && /accepts connections|reachable/i.test(words(r)) ? r : null;
      });
      assert.equal(edited.ts, pasteReply.ts);
      assert.doesNotMatch(words(edited).split('Also possible')[0]!, /[Nn]othing is listening on/);
    } finally {
      await listener.close();
    }
  });

  it('app_home_opened: the App Home is published for "you"', async () => {
    const res = await post('home', {});
    assert.equal(res.status, 200, await res.clone().text());
    const home = await until('the home view', async () => (await state()).home);
    assert.ok(home.blocks.length > 0);
    assert.match(JSON.stringify(home.blocks), /refused/);
  });

  it('tells the page about changes over Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}playground/events`, { signal: controller.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const before = (await state()).version;
    await post('send', { text: 'just chatting, no error here' });
    // The stream says the version at once, then again after the message arrived.
    await until('a change event past the message', async () => {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      const versions = [...text.matchAll(/event: change\ndata: \{"version":(\d+)\}/g)].map((m) => Number(m[1]));
      return versions.some((v) => v > before);
    });
    controller.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('a bad body gets 400 with words, never a crash', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['send', { text: 5 }, /text/],
      ['send', { text: '   ' }, /empty/],
      ['send', { text: '/deploy now' }, /\/deploy is not a command here/],
      ['send', { text: 'hi', thread_ts: 'yesterday' }, /thread_ts/],
      ['send', { text: 'hi', thread_ts: '1.000001' }, /not a message/],
      ['send', '{"text": ', /not JSON/],
      ['click', { container: 'x' }, /container must be "message" or "view"/],
      ['click', { container: 'message', ts: '1.000001', action_id: 'refused_recheck', block_id: 'b' }, /no message/],
      ['shortcut', {}, /ts/],
      ['submit', { view_id: 'V1', values: {} }, /no open modal/],
      ['close', { view_id: '' }, /view_id is empty/],
    ];
    for (const [path, body, why] of cases) {
      const res = await post(path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      const answer = (await res.json()) as { ok: boolean; error: string };
      assert.equal(answer.ok, false);
      assert.match(answer.error, why, `${path} ${JSON.stringify(body)}: ${answer.error}`);
    }
    // Not JSON at all: a cross-site form cannot post here.
    const form = await post('send', 'text=hi', 'application/x-www-form-urlencoded');
    assert.equal(form.status, 415);
    assert.match(((await form.json()) as { error: string }).error, /application\/json/);
    assert.equal((await fetch(`${base}playground/nothing`)).status, 404);
    assert.equal((await fetch(`${base}playground/send`)).status, 405);
    // Still alive and well.
    assert.equal((await fetch(`${base}playground/state`)).status, 200);
  });

  it('answers only its own name: another Host or Origin is refused', async () => {
    const { port } = new URL(base);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: Number(port), path: '/playground/state', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await status({ host: `rebound.example:${port}` }), 403);
    assert.equal(await status({ host: `127.0.0.1:${port}`, origin: 'http://evil.example' }), 403);
    assert.equal(await status({ host: `localhost:${port}`, origin: `http://localhost:${port}` }), 200);
  });
});
