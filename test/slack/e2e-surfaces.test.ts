// More of the bot end to end, over the real Socket Mode WebSocket of the fake Slack: the rarer surfaces
// (/refused with a paste, a DM the bot is not part of, a read-only channel, file shares, a mention
// delivered twice), the limits (per person, the waiting line, watches per person), stale buttons, and
// watches ended cleanly on shutdown.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { diagnose, type DiagnoseRequest } from '../../src/diagnose.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { defaultPolicy } from '../../src/policy/index.js';
import { buttonKey, decode, encode, MAX_AGE_S } from '../../src/slack/button-value.js';
import { ACTION } from '../../src/slack/ids.js';
import { BOT_TOKEN, BOT_USER } from './fake-slack.js';
import { heldEngine } from './fixtures.js';
import { blocksText, closedPort, commandReply, start, stop, type Harness } from './harness.js';

const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('more surfaces against a fake Slack', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await stop(h);
    h = null;
  });

  it('/refused <pasted error>: the parent names no secret, the diagnosis is in the thread', async () => {
    h = await start();
    const port = await closedPort();
    // Slack escapes &, < and > in a command's text as in messages.
    const paste = [
      `psycopg2.OperationalError: connection to server at "127.0.0.1", port ${port} failed: Connection refused`,
      '\tIs the server running on that host and accepting TCP/IP connections?',
      `DATABASE_URL=postgresql://app:hunter2@127.0.0.1:${port}/app &amp;&amp; echo &lt;done&gt;`,
    ].join('\n');
    const ack = await h.fake.send('slash_commands', h.fake.slashCommand(paste));
    assert.ok(ack.ms < 1000, `ack took ${ack.ms} ms`);
    assert.deepEqual(ack.payload ?? {}, {}, 'a plain ack: nothing private to say');
    const { parent, reply } = await commandReply(h.fake);
    assert.match(parent.text, /asked me to check a pasted error/);
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(blocksText(reply), /psycopg2/);
    assert.doesNotMatch(JSON.stringify(h.fake.calls), /hunter2/);
    const line = await h.fake.waitFor(() => h!.log.lines.find((l) => l.event === 'diagnosis'), 'the diagnosis line');
    assert.equal(line.kind, 'command');
    assert.equal(line.target, `127.0.0.1:${port}`);
  });

  it('a paste longer than the bot reads, its only error at the end: that target is answered, and the cut is said once', async () => {
    h = await start({ REFUSED_MAX_PASTE_KB: '16' });
    const port = await closedPort();
    const noise = '2024-05-01T10:00:00Z INFO worker: heartbeat ok queue=jobs depth=0 elapsed=3ms\n'.repeat(600);
    const error = `Error: connect ECONNREFUSED 127.0.0.1:${port}`;
    const said = (m: { blocks?: unknown }) => blocksText(m).match(/:scissors: The paste was [\d.]+ KB; kept the first [\d,]+ lines and the last [\d,]+; [\d,]+ lines in between were not read\./g) ?? [];
    // In a channel.
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `${noise}${error}`, channel: 'C100', channel_type: 'channel', ts: '705.000001' }));
    const reply = await h.fake.waitFor(() => h!.fake.thread('C100', '705.000001')[0], 'the reply to the long paste');
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal(said(reply).length, 1, blocksText(reply));
    assert.doesNotMatch(blocksText(reply), /I read only/);
    // With /refused.
    await h.fake.send('slash_commands', h.fake.slashCommand(`${noise}${error}`));
    const command = await commandReply(h.fake);
    assert.match(blocksText(command.reply), new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal(said(command.reply).length, 1, blocksText(command.reply));
    const line = await h.fake.waitFor(() => h!.log.lines.find((l) => l.event === 'diagnosis' && l.kind === 'command'), 'the diagnosis line');
    assert.equal(line.target, `127.0.0.1:${port}`);
  });

  it('/refused in a DM the bot is not part of: a private answer that says how to reach the bot', async () => {
    h = await start();
    h.fake.postMessageError.set('D200', 'channel_not_found');
    const port = await closedPort();
    const ack = await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { channel: 'D200' }));
    assert.ok(ack.ms < 1000);
    const answer = await h.fake.waitFor(() => h!.fake.responses.find((r) => /not part of this conversation/.test(JSON.stringify(r.body))), 'the private answer');
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.match(JSON.stringify(answer.body), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
    assert.match(JSON.stringify(answer.body), new RegExp(`DM me \\(<@${BOT_USER}>\\)`));
    // An ephemeral answer cannot be edited later, so it offers no Re-check.
    assert.doesNotMatch(JSON.stringify(answer.body), new RegExp(ACTION.recheck));
    assert.equal(h.fake.posted.size, 0);
  });

  it('a paste in a channel where replies are refused: the asker gets the answer privately', async () => {
    h = await start();
    h.fake.postMessageError.set('C777', 'restricted_action');
    const port = await closedPort();
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `Error: connect ECONNREFUSED 127.0.0.1:${port}`, channel: 'C777', channel_type: 'channel', ts: '700.000001' }));
    const eph = await h.fake.waitFor(() => h!.fake.callsOf('chat.postEphemeral')[0], 'chat.postEphemeral');
    assert.equal(eph.args.user, 'U100');
    assert.equal(eph.args.channel, 'C777');
    assert.equal(eph.args.thread_ts, undefined, 'no thread to show it in yet');
    assert.match(JSON.stringify(eph.args.blocks), /Only you can see this/);
    assert.match(JSON.stringify(eph.args.blocks), new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(typeof eph.args.text === 'string' && eph.args.text.length > 0);
    assert.ok(h.log.lines.some((l) => l.event === 'ephemeral_fallback' && l.channel === 'C777'));
  });

  it('a paste with a file attached is answered; a mention delivered as message and app_mention is answered once', async () => {
    h = await start();
    const port = await closedPort();
    const text = `curl: (7) Failed to connect to 127.0.0.1 port ${port}: Connection refused`;
    await h.fake.send('events_api', h.fake.event({ type: 'message', subtype: 'file_share', user: 'U100', text, files: [{ id: 'F1', name: 'screenshot.png' }], channel: 'C100', channel_type: 'channel', ts: '710.000001' }));
    await h.fake.waitFor(() => h!.fake.thread('C100', '710.000001')[0], 'the reply to the file share');
    const mention = { user: 'U100', text: `<@${BOT_USER}> ${text}`, channel: 'C100', channel_type: 'channel', ts: '710.000002' };
    await h.fake.send('events_api', h.fake.event({ type: 'message', ...mention }));
    await h.fake.send('events_api', h.fake.event({ type: 'app_mention', ...mention }));
    await h.fake.waitFor(() => h!.fake.thread('C100', '710.000002')[0], 'the reply to the mention');
    await settle();
    assert.equal(h.fake.thread('C100', '710.000002').length, 1);
    assert.equal(h.fake.callsOf('chat.postMessage').length, 2);
  });

  it('per-person limits: one private word for a paste, then silence; Re-check and /refused say it too; others still get answers', async () => {
    h = await start({ REFUSED_RATE_PER_USER: '1' });
    const port = await closedPort();
    // The one allowed diagnosis: a typed target in a DM, probed, with a Re-check button.
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: `127.0.0.1 ${port}`, channel: 'D100', channel_type: 'im', ts: '720.000001' }));
    const dm = await h.fake.waitFor(() => h!.fake.thread('D100', '720.000001')[0], 'the DM reply');
    const paste = `Error: connect ECONNREFUSED 127.0.0.1:${port}`;
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: paste, channel: 'C100', channel_type: 'channel', ts: '720.000002' }));
    const notice = await h.fake.waitFor(() => h!.fake.callsOf('chat.postEphemeral')[0], 'the private notice');
    assert.equal(notice.args.user, 'U100');
    assert.match(String(notice.args.text), /You have asked 2 times in the last minute \(the limit is 1\); try again in ~\d+ s/);
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: paste, channel: 'C100', channel_type: 'channel', ts: '720.000003' }));
    await settle();
    assert.equal(h.fake.callsOf('chat.postEphemeral').length, 1, 'a second refused paste gets silence');
    assert.equal(h.fake.thread('C100', '720.000002').length + h.fake.thread('C100', '720.000003').length, 0);
    // An explicit click or command is answered each time.
    await h.fake.send('interactive', h.fake.click(dm, ACTION.recheck, { user: 'U100' }));
    await h.fake.waitFor(() => h!.fake.responses.find((r) => /You have asked/.test(JSON.stringify(r.body))), 'the private answer to the click');
    assert.equal(dm.updates, 0);
    const ack = await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U100' }));
    assert.match(JSON.stringify(ack.payload), /You have asked/);
    // Someone else is not limited by U100.
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U101', text: paste, channel: 'C100', channel_type: 'channel', ts: '720.000004' }));
    await h.fake.waitFor(() => h!.fake.thread('C100', '720.000004')[0], 'the reply to another person');
    const limited = h.log.lines.filter((l) => l.event === 'rate_limited');
    assert.ok(limited.length >= 4, JSON.stringify(limited));
    assert.ok(limited.every((l) => l.user === 'U100' && l.limit === 'user'));
  });

  it('a full waiting line: acks stay fast, a paste hears "busy" privately, and the running diagnosis still arrives', async () => {
    const engine = heldEngine();
    h = await start({ REFUSED_MAX_CONCURRENT: '1', REFUSED_MAX_QUEUED: '0' }, { diagnose: engine.diagnose });
    try {
      const first = await h.fake.send('slash_commands', h.fake.slashCommand('db.internal 5432', { user: 'U1' }));
      assert.ok(first.ms < 1000);
      await h.fake.waitFor(() => engine.calls === 1, 'the first diagnosis to start');
      await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U2', text: 'psql: error: connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused', channel: 'C100', channel_type: 'channel', ts: '730.000001' }));
      const busy = await h.fake.waitFor(() => h!.fake.callsOf('chat.postEphemeral')[0], 'the busy notice');
      assert.equal(busy.args.user, 'U2');
      assert.match(String(busy.args.text), /busy/);
      const second = await h.fake.send('slash_commands', h.fake.slashCommand('db.internal 5433', { user: 'U3' }));
      assert.ok(second.ms < 1000, `ack took ${second.ms} ms`);
      assert.match(JSON.stringify(second.payload), /busy/);
      assert.equal(engine.calls, 1, 'nothing was queued beyond the limit');
    } finally {
      engine.release();
    }
    const { reply } = await commandReply(h.fake);
    assert.match(blocksText(reply), /Nothing is listening on db\.internal:5432/);
    assert.equal(h.fake.thread('C100', '730.000001').length, 0);
  });

  it('shutdown past the grace period abandons a stuck diagnosis cleanly: the asker is told, the log says so', async () => {
    let started = 0;
    // An engine that never answers on its own, but honours its abort signal as the real one does.
    const diagnose = (_req: unknown, signal: AbortSignal): Promise<Diagnosis> =>
      new Promise((_resolve, reject) => {
        started += 1;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    h = await start({ REFUSED_SHUTDOWN_GRACE_MS: '200' }, { diagnose });
    await h.fake.send('slash_commands', h.fake.slashCommand('db.internal 5432', { user: 'U800' }));
    await h.fake.waitFor(() => started === 1, 'the diagnosis to start');
    const t0 = performance.now();
    await h.bot.stop();
    assert.ok(performance.now() - t0 < 5000, 'stop did not hang on the stuck diagnosis');
    const told = h.fake.responses.find((r) => /restarting/.test(JSON.stringify(r.body)));
    assert.ok(told, 'the asker heard why there is no answer before the bot exited');
    assert.equal(told.body.response_type, 'ephemeral');
    assert.ok(h.log.lines.some((l) => l.event === 'diagnosis' && l.outcome === 'abandoned' && l.user === 'U800'));
    const stopped = h.log.lines.find((l) => l.event === 'stopped');
    assert.equal(stopped?.abandoned, 1);
    assert.equal((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`).catch(() => null)), null, 'the health listener is closed');
  });

  for (const stuck of ['a lookup', 'a connect'] as const) {
    it(`shutdown cuts the real engine short in ${stuck}: no cause is posted, the channel note says there is no answer, the log says abandoned`, async () => {
      let started = 0;
      // The real engine, with one piece of its I/O held until the abort: what it returns then rests on probes cut short.
      const hold = (signal?: AbortSignal) => new Promise<never>((_r, reject) => signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' })), { once: true }));
      const engine = (req: DiagnoseRequest, signal: AbortSignal) => {
        started += 1;
        return diagnose(req, {
          surface: 'chat',
          policy: defaultPolicy('cli'),
          signal,
          timeouts: { connectMs: 30_000, dnsMs: 30_000, deadlineMs: 60_000 },
          deps: stuck === 'a lookup'
            ? { lookup: () => hold(signal), resolve4: () => hold(signal), resolve6: () => hold(signal) }
            : { connect: (_to, s) => hold(s) },
        });
      };
      h = await start({ REFUSED_SHUTDOWN_GRACE_MS: '200' }, { diagnose: engine });
      const target = stuck === 'a lookup' ? 'db.test 5432' : `127.0.0.1 ${await closedPort()}`;
      await h.fake.send('slash_commands', h.fake.slashCommand(target, { user: 'U801' }));
      await h.fake.waitFor(() => started === 1, 'the diagnosis to start');
      const parent = await h.fake.waitFor(() => [...h!.fake.posted.values()].find((m) => /asked me to check/.test(m.text)), 'the channel note');
      await h.bot.stop();
      assert.equal(h.fake.thread('C100', parent.ts).length, 0, 'no diagnosis in the thread');
      assert.doesNotMatch(JSON.stringify(h.fake.calls), /does not resolve|Nothing is listening|not-listening|dns-not-found/);
      assert.equal(parent.updates, 1);
      assert.match(parent.text, /No answer: the bot restarted before the diagnosis finished/);
      const lines = h.log.lines.filter((l) => l.event === 'diagnosis');
      assert.deepEqual(lines.map((l) => [l.outcome, l.cause]), [['abandoned', null]]);
      assert.ok(h.fake.responses.some((r) => /restarting and this diagnosis did not finish/.test(JSON.stringify(r.body))), 'the asker is told privately');
    });
  }

  it('a genuine button carried into another conversation or workspace does nothing there', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { channel: 'C300', user: 'U300' }));
    const { reply: elsewhere } = await commandReply(h.fake, 'C300');
    // The value of the first answer's buttons, clicked on the answer in C300 (as if pasted into a crafted payload).
    for (const [action, kind] of [[ACTION.recheck, 'check'], [ACTION.watch, 'check'], [ACTION.fixed, 'fb']] as const) {
      const value = h.fake.findButton(reply.blocks, action)?.value;
      assert.ok(value, `${kind} value`);
      await h.fake.send('interactive', h.fake.click(elsewhere, action, { value, user: 'U300' }));
    }
    // And the right conversation, but another workspace.
    const click = h.fake.click(reply, ACTION.recheck, { user: 'U301' });
    await h.fake.send('interactive', { ...click, team: { id: 'T999', domain: 'other' }, user: { id: 'U301', username: 'mallory', team_id: 'T999' } });
    await h.fake.waitFor(() => (h!.log.lines.filter((l) => l.event === 'button_rejected').length >= 4 ? true : null), 'four refusals');
    await settle(200);
    const rejected = h.log.lines.filter((l) => l.event === 'button_rejected');
    assert.deepEqual(rejected.map((l) => [l.reason, l.other]), [['misplaced', 'channel'], ['misplaced', 'channel'], ['misplaced', 'channel'], ['misplaced', 'team']]);
    assert.equal(reply.updates, 0);
    assert.equal(elsewhere.updates, 0);
    assert.equal(h.bot.deps.watches.size, 0, 'no watch started');
    assert.ok(h.fake.responses.filter((r) => /another conversation/.test(JSON.stringify(r.body))).length >= 4);
    assert.equal(h.log.lines.filter((l) => l.event === 'diagnosis').length, 2, 'nothing probed again');
  });

  it('a button made from a paste carries the parsed target, not the paste, and Re-check reaches the same cause', async () => {
    // db.test is 127.0.0.1 to this engine alone (no DNS server is asked): a pasted loopback address would not be probed in chat.
    const lookup = async (host: string) => {
      if (host === 'db.test') return [{ address: '127.0.0.1', family: 4 as const }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const engine = (req: DiagnoseRequest, signal: AbortSignal) =>
      diagnose(req, { surface: 'chat', policy: defaultPolicy('cli'), signal, timeouts: { connectMs: 500 }, deps: { lookup, resolve4: async () => ['127.0.0.1'], resolve6: async () => [] } });
    h = await start({}, { diagnose: engine });
    const port = await closedPort();
    const paste = `Error: connect ECONNREFUSED db.test:${port}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)\nnote to self: ask ops-oncall-7731 about it`;
    await h.fake.send('slash_commands', h.fake.slashCommand(paste));
    const { reply } = await commandReply(h.fake);
    const raw = h.fake.findButton(reply.blocks, ACTION.recheck)?.value;
    const decoded = decode(raw, buttonKey(null, BOT_TOKEN), Math.floor(Date.now() / 1000));
    assert.ok(decoded.ok && decoded.value.k === 'check');
    const carried = JSON.stringify(decoded.value);
    for (const words of ['TCPConnectWrap', 'ops-oncall-7731', 'note to self', 'ECONNREFUSED db']) assert.ok(!carried.includes(words), `${words} in ${carried}`);
    assert.equal(decoded.value.r.f.host, 'db.test');
    assert.equal(decoded.value.r.f.port, port);
    assert.equal(decoded.value.r.f.runtime, 'node');
    assert.equal(decoded.value.ch, 'C100');
    await h.fake.send('interactive', h.fake.click(reply, ACTION.recheck));
    await h.fake.waitFor(() => (reply.updates > 0 ? true : null), 'the edit');
    const lines = h.log.lines.filter((l) => l.event === 'diagnosis');
    assert.deepEqual(lines.map((l) => [l.source, l.target, l.cause]), [['command', `db.test:${port}`, 'not-listening'], ['recheck', `db.test:${port}`, 'not-listening']]);
  });

  it('a stale button is answered privately with what to do, and edits nothing', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    // Signed with the instance's real key, but issued longer ago than a button is trusted.
    const old = Math.floor(Date.now() / 1000) - MAX_AGE_S - 60;
    const key = buttonKey(null, BOT_TOKEN);
    const real = decode(h.fake.findButton(reply.blocks, ACTION.recheck)?.value, key, Math.floor(Date.now() / 1000));
    assert.ok(real.ok);
    const value = encode({ ...real.value, t: old }, key);
    const ack = await h.fake.send('interactive', h.fake.click(reply, ACTION.recheck, { value }));
    assert.ok(ack.ms < 1000);
    const answer = await h.fake.waitFor(() => h!.fake.responses.find((r) => /too old/.test(JSON.stringify(r.body))), 'the private answer');
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.equal(answer.body.replace_original, false);
    await settle(100);
    assert.equal(reply.updates, 0);
    assert.ok(h.log.lines.some((l) => l.event === 'button_rejected' && l.reason === 'stale'));
  });

  it("Didn't help on a cause: one log line with the cause and its rank, the message says who said so, other buttons stay", async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    const fb = h.fake.findButton(reply.blocks, ACTION.didntHelp);
    assert.ok(fb, "a Didn't help button");
    const ack = await h.fake.send('interactive', h.fake.click(reply, ACTION.didntHelp, { user: 'U700' }));
    assert.ok(ack.ms < 1000);
    await h.fake.waitFor(() => reply.updates > 0, 'the feedback update');
    assert.match(blocksText(reply), /<@U700> says this didn't help/);
    // The clicked cause's buttons are replaced; Re-check and Watch are still there.
    assert.ok(!reply.blocks.some((b) => (b as { block_id?: string }).block_id === fb.blockId && (b as { type: string }).type === 'actions'));
    assert.ok(h.fake.findButton(reply.blocks, ACTION.recheck));
    const line = h.log.lines.find((l) => l.event === 'feedback');
    assert.ok(line);
    assert.equal(line.helpful, false);
    assert.equal(line.user, 'U700');
    assert.equal(line.rank, 1);
    assert.equal(typeof line.cause, 'string');
    assert.equal(line.ts, reply.ts);
  });

  it('watches are bounded per person, and a shutdown hands them back to the store without a word in the thread', async () => {
    h = await start({ REFUSED_WATCH_MAX_PER_USER: '1', REFUSED_WATCH_FIRST_INTERVAL_MS: '60000' });
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { parent, reply } = await commandReply(h.fake);
    const notes = () => h!.fake.thread('C100', parent.ts).filter((m) => /is watching/.test(blocksText(m)));
    await h.fake.send('interactive', h.fake.click(reply, ACTION.watch, { user: 'U300' }));
    await h.fake.waitFor(() => notes().length === 1, 'the first watch');
    await h.fake.send('interactive', h.fake.click(reply, ACTION.watch, { user: 'U300' }));
    const refused = await h.fake.waitFor(() => h!.fake.responses.find((r) => /cannot start another watch/.test(JSON.stringify(r.body))), 'the refusal');
    assert.match(JSON.stringify(refused.body), /limit per person/);
    assert.equal(refused.body.response_type, 'ephemeral');
    await h.fake.send('interactive', h.fake.click(reply, ACTION.watch, { user: 'U301' }));
    await h.fake.waitFor(() => notes().length === 2, 'a second person\'s watch');
    assert.equal(h.bot.deps.watches.size, 2);
    const before = h.fake.thread('C100', parent.ts).length;
    await h.bot.stop();
    // Another replica, or this one's next start, resumes them (test/slack/replicas.test.ts): nothing to say here.
    assert.equal(h.fake.thread('C100', parent.ts).length, before, 'no goodbye: the watches go on');
    assert.equal(h.bot.deps.watches.size, 0);
    assert.deepEqual(h.log.lines.filter((l) => l.event === 'watches_handed_back').map((l) => l.count), [2]);
    assert.equal(h.log.lines.filter((l) => l.event === 'watch_ended').length, 0);
  });
});

describe('the Socket Mode link', () => {
  it('a link dropped without a disconnect frame: not ready, reconnected, answering again', async () => {
    const h = await start();
    try {
      h.fake.dropConnections();
      await h.fake.waitFor(() => h.log.lines.some((l) => l.event === 'slack_disconnected'), 'the drop to be noticed', 5000);
      await h.fake.waitFor(() => h.fake.connectionsOpened >= 2 && h.fake.openSockets === 1 && h.bot.isReady(), 'the reconnect', 15_000);
      assert.equal((await fetch(`http://127.0.0.1:${h.bot.port}/readyz`)).status, 200);
      const port = await closedPort();
      const ack = await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
      assert.ok(ack.ms < 1000);
      await commandReply(h.fake);
    } finally {
      await stop(h);
    }
  });
});
