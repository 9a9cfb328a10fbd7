// The bot end to end: started as `npm start` starts it (config from the environment, SLACK_API_URL pointing
// at a fake Slack on loopback), talking over a real Socket Mode WebSocket (or signed HTTP requests), with
// the real engine probing ports these tests open and close on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startBot, type BotHandle } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { memoryLog } from '../../src/slack/log.js';
import { APP_TOKEN, BOT_ID, BOT_TOKEN, BOT_USER, FakeSlack, slackSignature } from './fake-slack.js';
import { blocksText, closedPort, closeServer, commandReply, env, listen, SECRET, start, stop, type Harness } from './harness.js';

describe('Socket Mode against a fake Slack', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await stop(h);
    h = null;
  });

  it('connects through SLACK_API_URL with both tokens and serves /healthz and /readyz', async () => {
    h = await start();
    assert.equal(h.fake.callsOf('auth.test')[0]?.token, BOT_TOKEN);
    assert.equal(h.fake.callsOf('apps.connections.open')[0]?.token, APP_TOKEN);
    const health = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`http://127.0.0.1:${h.bot.port}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true, mode: 'socket' });
  });

  it('/refused host port: acks at once, posts a parent, and the diagnosis in its thread', async () => {
    h = await start();
    const port = await closedPort();
    const ack = await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    assert.ok(ack.ms < 1000, `ack took ${ack.ms} ms`);
    const { parent, reply } = await commandReply(h.fake);
    assert.match(parent.text, new RegExp(`<@U100> asked me to check \`127\\.0\\.0\\.1:${port}\``));
    assert.equal(reply.thread_ts, parent.ts);
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
    assert.ok(h.fake.findButton(reply.blocks, ACTION.recheck));
    assert.ok(h.fake.findButton(reply.blocks, ACTION.watch));
    assert.match(blocksText(reply), /Checked from `test-bot`/);
    assert.ok(reply.text.length > 0);
    const line = await h.fake.waitFor(() => h!.log.lines.find((l) => l.event === 'diagnosis'), 'the diagnosis log line');
    assert.equal(line.user, 'U100');
    assert.equal(line.channel, 'C100');
    assert.equal(line.target, `127.0.0.1:${port}`);
    assert.equal(line.source, 'command');
    assert.equal(typeof line.ms, 'number');
    assert.equal(typeof line.outcome, 'string');
  });

  it('/refused and /refused help answer with usage in the ack; a bad port says what is wrong', async () => {
    h = await start();
    for (const text of ['', 'help']) {
      const ack = await h.fake.send('slash_commands', h.fake.slashCommand(text));
      assert.match(JSON.stringify(ack.payload), /How to use refused/);
    }
    const bad = await h.fake.send('slash_commands', h.fake.slashCommand('db 99999'));
    assert.match(JSON.stringify(bad.payload), /not a TCP port/);
    const chatter = await h.fake.send('slash_commands', h.fake.slashCommand('why is everything slow today'));
    assert.match(JSON.stringify(chatter.payload), /no connection error/);
    assert.equal(h.fake.callsOf('chat.postMessage').length, 0);
  });

  it('a pasted traceback gets a thread reply; the bot itself, edits, repeats and chatter get none', async () => {
    h = await start();
    const paste = [
      'Traceback (most recent call last):',
      // Slack escapes &, < and > in message text.
      '  File "app.py", line 3, in &lt;module&gt;',
      '    conn = psycopg2.connect("postgresql://app:hunter2@localhost:5432/app")',
      'psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused',
      '\tIs the server running on that host and accepting TCP/IP connections?',
    ].join('\n');
    // The bot's own message, an edit, and plain chatter: all silent.
    await h.fake.send('events_api', h.fake.event({ type: 'message', subtype: 'bot_message', bot_id: BOT_ID, user: BOT_USER, text: paste, channel: 'C100', channel_type: 'channel', ts: '100.000001' }));
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: BOT_USER, text: paste, channel: 'C100', channel_type: 'channel', ts: '100.000002' }));
    await h.fake.send('events_api', h.fake.event({ type: 'message', subtype: 'message_changed', channel: 'C100', channel_type: 'channel', ts: '100.000003', message: { user: 'U100', text: paste, ts: '100.000000' } }));
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: 'lunch at noon?', channel: 'C100', channel_type: 'channel', ts: '100.000004' }));
    // A person's paste, delivered twice (Slack retries): one answer.
    const human = h.fake.event({ type: 'message', user: 'U100', text: paste, channel: 'C100', channel_type: 'channel', ts: '100.000005' });
    await h.fake.send('events_api', human);
    await h.fake.send('events_api', { ...human, event_id: 'EvRetry' });
    const reply = await h.fake.waitFor(() => h!.fake.thread('C100', '100.000005')[0], 'the thread reply');
    assert.match(blocksText(reply), /localhost/);
    // Loopback in a paste is the reporter's machine: named as such, not probed from the bot.
    assert.match(blocksText(reply), /Not probed/);
    await new Promise((r) => setTimeout(r, 200));
    const posts = h.fake.callsOf('chat.postMessage');
    assert.equal(posts.length, 1, JSON.stringify(posts.map((p) => p.args.thread_ts)));
    assert.equal(posts[0]!.args.thread_ts, '100.000005');
    assert.doesNotMatch(JSON.stringify(posts), /hunter2/);
    const reactions = h.fake.callsOf('reactions.add');
    assert.equal(reactions.length, 1);
    assert.equal(reactions[0]!.args.timestamp, '100.000005');
  });

  it('a paste inside a thread is answered in that thread; a DM with a bare target is answered', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `Error: connect ECONNREFUSED 127.0.0.1:${port}`, channel: 'C100', channel_type: 'channel', ts: '200.000002', thread_ts: '200.000001' }));
    await h.fake.waitFor(() => h!.fake.thread('C100', '200.000001')[0], 'the reply in the existing thread');
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `127.0.0.1 ${port}`, channel: 'D100', channel_type: 'im', ts: '300.000001' }));
    const dm = await h.fake.waitFor(() => h!.fake.thread('D100', '300.000001')[0], 'the DM reply');
    assert.match(blocksText(dm), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
    // A mention with a bare target is a question; the same target without the mention is chatter.
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `127.0.0.1 ${port}`, channel: 'C100', channel_type: 'channel', ts: '300.000002' }));
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `<@${BOT_USER}> 127.0.0.1:${port}`, channel: 'C100', channel_type: 'channel', ts: '300.000003' }));
    const mention = await h.fake.waitFor(() => h!.fake.thread('C100', '300.000003')[0], 'the mention reply');
    assert.match(blocksText(mention), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
    assert.equal(h.fake.thread('C100', '300.000002').length, 0);
    // A bare mention gets the usage.
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `<@${BOT_USER}>`, channel: 'C100', channel_type: 'channel', ts: '300.000004' }));
    const usage = await h.fake.waitFor(() => h!.fake.thread('C100', '300.000004')[0], 'the usage reply');
    assert.match(blocksText(usage), /How to use refused/);
  });

  it('Re-check edits the same message with who, when, and what changed', async () => {
    h = await start();
    const server = await listen();
    const port = (server.address() as { port: number }).port;
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1:${port}`));
    const { parent, reply } = await commandReply(h.fake);
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port} → open`));
    await closeServer(server);
    const ack = await h.fake.send('interactive', h.fake.click(reply, ACTION.recheck, { user: 'U200' }));
    assert.ok(ack.ms < 1000);
    const updated = await h.fake.waitFor(() => (reply.updates > 0 ? reply : null), 'chat.update of the reply');
    const update = h.fake.callsOf('chat.update')[0]!;
    assert.equal(update.args.ts, reply.ts);
    assert.equal(update.args.channel, 'C100');
    assert.equal(parent.updates, 0);
    const text = blocksText(updated);
    assert.match(text, /Re-checked at \d\d:\d\d:\d\d UTC by <@U200>/);
    // Who asked first stays on the message (the button carried it).
    const askedBy = /asked by <@(U\w+)>/.exec(blocksText(reply))?.[1];
    assert.ok(askedBy, 'the first answer says who asked');
    assert.match(text, new RegExp(`asked by <@${askedBy}>`));
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${port} was open, now refused`));
    assert.ok(updated.blocks.some((b) => (b as { block_id?: string }).block_id === BLOCK.changes));
    // The new buttons carry the new state: a second re-check sees no change.
    await h.fake.send('interactive', h.fake.click(updated, ACTION.recheck));
    await h.fake.waitFor(() => reply.updates > 1, 'the second update');
    assert.match(blocksText(reply), /Nothing changed since the last check/);
  });

  it('a URL with a password: probed, and the password appears in no message, button or log', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`http://app:hunter2@127.0.0.1:${port}/health`));
    const { parent, reply } = await commandReply(h.fake);
    assert.match(parent.text, /app:\*\*\*\*@127\.0\.0\.1/);
    const value = h.fake.findButton(reply.blocks, ACTION.recheck)!.value;
    assert.doesNotMatch(Buffer.from(value.split('.')[0]!, 'base64url').toString(), /hunter2/);
    assert.doesNotMatch(JSON.stringify(h.fake.calls), /hunter2/);
    await h.fake.send('interactive', h.fake.click(reply, ACTION.recheck));
    await h.fake.waitFor(() => reply.updates > 0, 'the re-check of the masked URL');
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
  });

  it('a forged or stale button value gets a clear private answer, not a crash', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    const real = h.fake.findButton(reply.blocks, ACTION.recheck)!.value;
    const [body] = real.split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
    forged.r = { type: 'target', host: '127.0.0.1', port: 1 };
    const forgedValue = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${real.split('.')[1]}`;
    await h.fake.send('interactive', h.fake.click(reply, ACTION.recheck, { value: forgedValue }));
    const answer = await h.fake.waitFor(() => h!.fake.responses.find((r) => /could not be verified/.test(JSON.stringify(r.body))), 'the private answer');
    assert.equal(answer.body.response_type, 'ephemeral');
    await h.fake.send('interactive', h.fake.click(reply, ACTION.watch, { value: 'garbage' }));
    await h.fake.waitFor(() => h!.fake.responses.find((r) => /could not be verified|cannot read/.test(JSON.stringify(r.body)) && r !== answer), 'the second private answer');
    assert.equal(reply.updates, 0);
    assert.ok(h.log.lines.some((l) => l.event === 'button_rejected' && l.reason === 'forged'));
  });

  it('Watch posts in the thread when a port starts accepting, and Stop watching ends it', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { parent, reply } = await commandReply(h.fake);
    await h.fake.send('interactive', h.fake.click(reply, ACTION.watch, { user: 'U300' }));
    const watching = await h.fake.waitFor(() => h!.fake.thread('C100', parent.ts).find((m) => /is watching/.test(blocksText(m))), 'the watching note');
    assert.match(blocksText(watching), new RegExp(`<@U300> is watching \`127\\.0\\.0\\.1:${port}\``));
    const server = await listen(port);
    try {
      const changed = await h.fake.waitFor(() => h!.fake.thread('C100', parent.ts).find((m) => /:rotating_light:/.test(blocksText(m))), 'the change post', 15_000);
      assert.match(blocksText(changed), new RegExp(`127\\.0\\.0\\.1:${port} was refused, now open`));
      assert.ok(h.fake.findButton(changed.blocks, ACTION.stopWatch));
      await h.fake.send('interactive', h.fake.click(changed, ACTION.stopWatch, { user: 'U300' }));
      await h.fake.waitFor(() => h!.fake.thread('C100', parent.ts).find((m) => /stopped watching/.test(blocksText(m))), 'the stop note');
      assert.equal(h.bot.deps.watches.size, 0);
    } finally {
      await closeServer(server);
    }
  });

  it('not_in_channel: the answer comes back privately with how to invite the bot', async () => {
    h = await start();
    h.fake.notInChannel.add('C999');
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { channel: 'C999' }));
    const answer = await h.fake.waitFor(() => h!.fake.responses.find((r) => /invite/i.test(JSON.stringify(r.body))), 'the ephemeral fallback');
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.match(JSON.stringify(answer.body), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
    assert.match(JSON.stringify(answer.body), /\/invite/);
  });

  it('a 429 with Retry-After: the message still arrives, after the wait', async () => {
    h = await start();
    h.fake.rateLimit('chat.postMessage', 1, 1);
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { parent } = await commandReply(h.fake);
    const posts = h.fake.callsOf('chat.postMessage');
    assert.ok(posts.length >= 3, `${posts.length} calls`);
    assert.ok(posts[1]!.at - posts[0]!.at >= 900, 'the retry waited for Retry-After');
    assert.ok(parent.ts);
  });

  it('a disconnect frame: the bot reconnects and keeps answering', async () => {
    h = await start();
    assert.equal(h.fake.connectionsOpened, 1);
    h.fake.disconnect();
    await h.fake.waitFor(() => h!.fake.connectionsOpened >= 2 && h!.fake.openSockets === 1 && h!.bot.isReady(), 'the reconnect', 10_000);
    assert.equal(h.fake.callsOf('apps.connections.open').length, 2);
    assert.ok(h.log.lines.some((l) => l.event === 'slack_disconnected'), 'the drop is logged');
    assert.equal((await fetch(`http://127.0.0.1:${h.bot.port}/readyz`)).status, 200);
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    await commandReply(h.fake);
  });

  it('Slack failing while the bot reconnects: it keeps trying and comes back', async () => {
    h = await start();
    h.fake.httpError('apps.connections.open', 503, 2);
    h.fake.disconnect();
    await h.fake.waitFor(() => h!.fake.connectionsOpened >= 2 && h!.bot.isReady(), 'the reconnect through two 503s', 15_000);
    assert.equal(h.fake.callsOf('apps.connections.open').length, 4);
  });

  it("the message shortcut answers in that message's thread", async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('interactive', {
      type: 'message_action',
      callback_id: 'refused_diagnose_message',
      trigger_id: 't1',
      response_url: h.fake.responseUrl(),
      team: { id: 'T111', domain: 'fake' },
      channel: { id: 'C100', name: 'general' },
      user: { id: 'U100', name: 'alice' },
      message: { type: 'message', user: 'U400', ts: '400.000001', text: `curl: (7) Failed to connect to 127.0.0.1 port ${port}: Connection refused` },
      message_ts: '400.000001',
      token: 'legacy',
      action_ts: '400.5',
    });
    const reply = await h.fake.waitFor(() => h!.fake.thread('C100', '400.000001')[0], 'the shortcut reply');
    // 127.0.0.1 in someone's paste is their machine: explained, not probed, and so no Re-check button.
    assert.match(blocksText(reply), /your own machine/);
    assert.equal(h.fake.findButton(reply.blocks, ACTION.recheck), null);
    // In a channel the bot is not in, the same shortcut answers privately, with how to invite the bot.
    h.fake.notInChannel.add('C998');
    await h.fake.send('interactive', {
      type: 'message_action',
      callback_id: 'refused_diagnose_message',
      trigger_id: 't2',
      response_url: h.fake.responseUrl(),
      team: { id: 'T111', domain: 'fake' },
      channel: { id: 'C998', name: 'private' },
      user: { id: 'U100', name: 'alice' },
      message: { type: 'message', user: 'U400', ts: '400.000002', text: `Error: connect ECONNREFUSED 127.0.0.1:${port}` },
      message_ts: '400.000002',
      token: 'legacy',
      action_ts: '400.6',
    });
    const fallback = await h.fake.waitFor(() => h!.fake.responses.find((r) => /\/invite/.test(JSON.stringify(r.body))), 'the private fallback');
    assert.equal(fallback.body.response_type, 'ephemeral');
    // A message with no connection error gets a private "nothing found", not a thread reply.
    await h.fake.send('interactive', {
      type: 'message_action',
      callback_id: 'refused_diagnose_message',
      trigger_id: 't3',
      response_url: h.fake.responseUrl(),
      team: { id: 'T111', domain: 'fake' },
      channel: { id: 'C100', name: 'general' },
      user: { id: 'U100', name: 'alice' },
      message: { type: 'message', user: 'U400', ts: '400.000003', text: 'lunch at noon?' },
      message_ts: '400.000003',
      token: 'legacy',
      action_ts: '400.7',
    });
    const none = await h.fake.waitFor(() => h!.fake.responses.find((r) => /no connection error/.test(JSON.stringify(r.body))), 'the private "nothing found"');
    assert.equal(none.body.response_type, 'ephemeral');
    assert.equal(h.fake.thread('C100', '400.000003').length, 0);
  });

  it('Fixed it is logged and acknowledged in the message', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    const fb = h.fake.findButton(reply.blocks, ACTION.fixed);
    assert.ok(fb, 'a feedback button on the first cause');
    await h.fake.send('interactive', h.fake.click(reply, ACTION.fixed, { user: 'U500' }));
    await h.fake.waitFor(() => reply.updates > 0, 'the feedback update');
    assert.match(blocksText(reply), /<@U500> says this fixed it/);
    const line = h.log.lines.find((l) => l.event === 'feedback');
    assert.ok(line);
    assert.equal(line.helpful, true);
    assert.equal(line.user, 'U500');
  });

  it('App Home shows usage, policy and the viewer\'s recent diagnoses', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    await commandReply(h.fake);
    await h.fake.send('events_api', h.fake.event({ type: 'app_home_opened', user: 'U100', channel: 'D100', tab: 'home', ts: '500.1' }));
    const call = await h.fake.waitFor(() => h!.fake.callsOf('views.publish')[0], 'views.publish');
    assert.equal(call.args.user_id, 'U100');
    const view = JSON.stringify(call.args.view);
    assert.match(view, /How to use it/);
    assert.match(view, /never probed/);
    assert.match(view, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});

describe('HTTP mode against a fake Slack', () => {
  let fake: FakeSlack;
  let bot: BotHandle;
  let log: ReturnType<typeof memoryLog>;
  before(async () => {
    fake = await FakeSlack.start();
    const e = env(fake, { SLACK_SIGNING_SECRET: SECRET });
    delete (e as Record<string, string | undefined>).SLACK_APP_TOKEN;
    const result = loadConfig(e);
    assert.ok(result.ok);
    assert.equal(result.config.mode, 'http');
    log = memoryLog('debug');
    bot = await startBot(result.config, { log });
    await bot.started;
  });
  after(async () => {
    await bot.stop();
    await fake.close();
    assert.deepEqual(fake.violations, []);
    const all = JSON.stringify(log.lines);
    assert.doesNotMatch(all, /fakebottoken|fakeapptoken|hunter2/);
    assert.ok(!all.includes(SECRET), 'the signing secret never reaches the log');
  });

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${bot.port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

  it('serves health and readiness on the same port', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${bot.port}/readyz`)).json(), { ready: true, mode: 'http' });
    assert.equal(fake.callsOf('apps.connections.open').length, 0);
  });

  it('accepts a signed slash command and answers in a thread', async () => {
    const port = await closedPort();
    const body = new URLSearchParams(fake.slashCommand(`127.0.0.1 ${port}`) as Record<string, string>).toString();
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const res = await post(body, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) });
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started < 1000);
    const { reply } = await commandReply(fake);
    // A button click arrives as a signed form post with a JSON `payload`.
    const click = `payload=${encodeURIComponent(JSON.stringify(fake.click(reply, ACTION.recheck, { user: 'U600' })))}`;
    const ts2 = Math.floor(Date.now() / 1000);
    const res2 = await post(click, { 'x-slack-request-timestamp': String(ts2), 'x-slack-signature': slackSignature(SECRET, ts2, click) });
    assert.equal(res2.status, 200);
    await fake.waitFor(() => reply.updates > 0, 'the re-check update');
    assert.match(blocksText(reply), /Re-checked at .* by <@U600>/);
  });

  it('answers /refused in the ack before Bolt sees it: help in the ack, one diagnosis for a command delivered twice', async () => {
    const signedPost = (payload: Record<string, unknown>, ts: number) => {
      const body = new URLSearchParams(payload as Record<string, string>).toString();
      return post(body, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) });
    };
    const now = Math.floor(Date.now() / 1000);
    const help = await signedPost(fake.slashCommand('help', { channel: 'C610' }), now);
    assert.equal(help.status, 200);
    const usage = (await help.json()) as { response_type?: string; text?: string };
    assert.equal(usage.response_type, 'ephemeral');
    assert.match(usage.text ?? '', /refused/i);

    const port = await closedPort();
    const command = fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U610', channel: 'C610' });
    // The same command twice (the same trigger_id), signed at two different seconds so the gate's replay memory
    // lets both through: the second is acked and not run.
    const [first, second] = await Promise.all([signedPost(command, now), signedPost(command, now - 1)]);
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.deepEqual([await first.text(), await second.text()], ['', '']);
    const parents = () => [...fake.posted.values()].filter((m) => m.channel === 'C610' && !m.thread_ts);
    const parent = await fake.waitFor(() => parents()[0], 'the note in the channel');
    await fake.waitFor(() => fake.thread('C610', parent.ts)[0], 'the diagnosis in its thread');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(parents().length, 1, 'one note for the command delivered twice');
    assert.equal(log.lines.filter((l) => l.event === 'duplicate_delivery' && l.kind === 'command').length, 1);
  });

  it("answers Slack's url_verification challenge when signed", async () => {
    const body = JSON.stringify({ type: 'url_verification', token: 'legacy', challenge: 'c-123' });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`http://127.0.0.1:${bot.port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SECRET, ts, body) },
      body,
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /c-123/);
  });

  it('accepts a signed event: a pasted error gets a thread reply, and Slack retrying it gets no second one', async () => {
    const port = await closedPort();
    const event = fake.event({ type: 'message', user: 'U100', text: `Error: connect ECONNREFUSED 127.0.0.1:${port}`, channel: 'C100', channel_type: 'channel', ts: '800.000001' });
    const body = JSON.stringify(event);
    const sendSigned = (retry: boolean) => {
      const ts = Math.floor(Date.now() / 1000);
      return fetch(`http://127.0.0.1:${bot.port}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': slackSignature(SECRET, ts, body),
          ...(retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}),
        },
        body,
      });
    };
    const started = performance.now();
    const res = await sendSigned(false);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started < 1000, 'the event is acknowledged before the diagnosis runs');
    const reply = await fake.waitFor(() => fake.thread('C100', '800.000001')[0], 'the thread reply');
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal((await sendSigned(true)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fake.thread('C100', '800.000001').length, 1);
  });

  it('refuses a forged signature and a stale timestamp', async () => {
    const body = new URLSearchParams(fake.slashCommand('127.0.0.1 1') as Record<string, string>).toString();
    const now = Math.floor(Date.now() / 1000);
    const before = fake.calls.length;
    const forged = await post(body, { 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature('0'.repeat(32), now, body) });
    assert.equal(forged.status, 401);
    const old = now - 10 * 60;
    const stale = await post(body, { 'x-slack-request-timestamp': String(old), 'x-slack-signature': slackSignature(SECRET, old, body) });
    assert.equal(stale.status, 401);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fake.calls.length, before, 'a refused request reaches no listener');
  });
});
