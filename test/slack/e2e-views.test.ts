// Answers read at a glance, end to end over the fake Slack's Socket Mode link: an answer opens on its first view;
// "All steps", "Other causes", "Commands for <OS>" and "Show less" edit the same message in place (each click
// runs the diagnosis again from the signed value, as Re-check does); a bad or tampered value is refused with a
// clear private message and the message stays as it was. Every answer posted or edited carries Slack message
// metadata (event_type refused_diagnosis), read here from the Web API calls the fake recorded.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { buttonKey, decode, encode, type ButtonValue } from '../../src/slack/button-value.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { BOT_TOKEN, type FakeSlack, type Posted } from './fake-slack.js';
import { blocksText, closedPort, closeServer, commandReply, listen, start, stop, type Harness } from './harness.js';

const KEY = buttonKey(null, BOT_TOKEN);
const nowS = () => Math.floor(Date.now() / 1000);

type Element = { action_id?: string; text?: { text: string }; value?: string };
type AnyBlock = { type: string; block_id?: string; elements?: Element[] };

/** The labels of the buttons under the answer (Re-check, Watch and the view buttons). */
function buttonLabels(m: Posted): string[] {
  const row = (m.blocks as AnyBlock[]).find((b) => b.block_id === BLOCK.buttons);
  return (row?.elements ?? []).map((e) => e.text?.text ?? '');
}

/** The action id of the button with this label. */
function actionOf(m: Posted, label: string): string {
  const row = (m.blocks as AnyBlock[]).find((b) => b.block_id === BLOCK.buttons);
  const found = row?.elements?.find((e) => e.text?.text === label);
  assert.ok(found?.action_id, `no button "${label}" on ${buttonLabels(m).join(', ')}`);
  return found.action_id;
}

const updated = (fake: FakeSlack, m: Posted, n: number) => fake.waitFor(() => (m.updates >= n ? m : null), `update ${n} of the answer`);

interface Meta {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** The metadata of the last call of `method` for this message (chat.update: by ts; chat.postMessage: by thread). */
function metadataOf(fake: FakeSlack, method: 'chat.postMessage' | 'chat.update', where: { channel: string; ts: string }): Meta {
  const call = fake
    .callsOf(method)
    .filter((c) => c.args.channel === where.channel && (method === 'chat.update' ? c.args.ts === where.ts : c.args.thread_ts === where.ts))
    .at(-1);
  assert.ok(call, `no ${method} for ${where.ts}`);
  const meta = call.args.metadata as Meta | undefined;
  assert.ok(meta && typeof meta === 'object', `${method} carried no metadata`);
  return meta;
}

/** Slack's rules for a payload: snake_case keys; scalars, objects of scalars or lists of such objects; no null. */
function assertSlackShape(meta: Meta): void {
  assert.equal(meta.event_type, 'refused_diagnosis');
  const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
  const flat = (o: unknown) => typeof o === 'object' && o !== null && !Array.isArray(o) && Object.entries(o).every(([k, v]) => /^[a-z][a-z0-9_]*$/.test(k) && scalar(v));
  for (const [k, v] of Object.entries(meta.event_payload)) {
    assert.match(k, /^[a-z][a-z0-9_]*$/);
    assert.ok(scalar(v) || flat(v) || (Array.isArray(v) && v.every(flat)), `${k}: ${JSON.stringify(v)}`);
  }
  assert.ok(JSON.stringify(meta).length <= 4000);
}

describe('the first view and the buttons that show the rest, against a fake Slack', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await stop(h);
    h = null;
  });

  it('All steps, Other causes, another OS and Show less edit the message in place; each answer carries the metadata', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { parent, reply } = await commandReply(h.fake);

    // The first view: the verdict, the address line, the first cause with its first steps for one OS, buttons.
    const first = blocksText(reply);
    assert.match(first, new RegExp(`• 127\\.0\\.0\\.1:${port} → refused`));
    assert.match(first, /Commands for Linux \(the error names no OS\)/);
    assert.match(first, /\\n3\. /, 'three steps');
    // Two sentences of the explanation, and no evidence lines under the cause: those wait for All steps.
    assert.doesNotMatch(first, /Why: |On a Windows server/);
    assert.deepEqual(buttonLabels(reply), [':repeat: Re-check', ':eyes: Watch', 'All steps', 'Other causes', 'Commands for macOS', 'Commands for Windows']);
    const posted = metadataOf(h.fake, 'chat.postMessage', { channel: 'C100', ts: parent.ts });
    assertSlackShape(posted);
    assert.equal(posted.event_payload.target, `127.0.0.1:${port}`);
    assert.equal(posted.event_payload.kind, 'none');
    assert.equal(posted.event_payload.cause, 'not-listening');
    assert.deepEqual((posted.event_payload.causes as { id: string }[]).map((c) => c.id).slice(0, 1), ['not-listening']);
    assert.equal(posted.event_payload.checked_from, 'test-bot');
    assert.match(String(posted.event_payload.verdict), new RegExp(`^Nothing is listening on 127\\.0\\.0\\.1:${port}`));
    assert.deepEqual((posted.event_payload.addresses as { outcome: string }[])[0], { address: '127.0.0.1', port, outcome: 'refused', errno: 'ECONNREFUSED' });
    assert.deepEqual([posted.event_payload.view, posted.event_payload.os], ['first', 'linux']);

    // All steps: the first cause in full (every step, why), Show less instead of All steps.
    await h.fake.send('interactive', h.fake.click(reply, actionOf(reply, 'All steps'), { user: 'U200' }));
    await updated(h.fake, reply, 1);
    assert.match(blocksText(reply), /On a Windows server, a listener whose backlog is full/, 'the whole explanation');
    assert.match(blocksText(reply), /Why: tcp 127\.0\.0\.1:\d+ → refused/);
    assert.deepEqual(buttonLabels(reply).slice(2, 4), ['Show less', 'Other causes']);
    assert.equal(metadataOf(h.fake, 'chat.update', reply).event_payload.view, 'steps');

    // Other causes: the second cause in full.
    await h.fake.send('interactive', h.fake.click(reply, actionOf(reply, 'Other causes'), { user: 'U200' }));
    await updated(h.fake, reply, 2);
    assert.match(blocksText(reply), /\*2\. [^*]+\* {2}_\(\d+%\)_\\n/);
    assert.match(blocksText(reply), /The likeliest cause; its steps are under All steps/);
    assert.deepEqual(buttonLabels(reply).slice(2, 4), ['All steps', 'Show less']);

    // Another OS: the same part, with macOS commands, and the other two OSes offered.
    await h.fake.send('interactive', h.fake.click(reply, actionOf(reply, 'Commands for macOS'), { user: 'U200' }));
    await updated(h.fake, reply, 3);
    assert.match(blocksText(reply), /_Commands for macOS_/);
    assert.match(blocksText(reply), /The likeliest cause; its steps are under All steps/);
    assert.deepEqual(buttonLabels(reply).slice(4), ['Commands for Linux', 'Commands for Windows']);
    const mac = metadataOf(h.fake, 'chat.update', reply);
    assert.deepEqual([mac.event_payload.view, mac.event_payload.os], ['causes', 'macos']);

    // Show less: back to the first view, still for macOS.
    await h.fake.send('interactive', h.fake.click(reply, actionOf(reply, 'Show less'), { user: 'U200' }));
    await updated(h.fake, reply, 4);
    assert.match(blocksText(reply), /_Commands for macOS_/);
    assert.doesNotMatch(blocksText(reply), /Why: |The likeliest cause/);
    assert.deepEqual(buttonLabels(reply).slice(2, 4), ['All steps', 'Other causes']);

    // The same message all along; each click ran the diagnosis again as a 'view', logged; the views are not history.
    assert.equal(h.fake.thread('C100', parent.ts).length, 1);
    // The log line follows the update: wait for the fourth.
    await h.fake.waitFor(() => h!.log.lines.filter((l) => l.event === 'view_shown').length === 4 || null, 'four view_shown lines');
    assert.deepEqual(
      h.log.lines.filter((l) => l.event === 'view_shown').map((l) => [l.part, l.os]),
      [
        ['steps', null],
        ['causes', null],
        ['causes', 'macOS'],
        ['first', 'macOS'],
      ],
    );
    assert.deepEqual(
      h.log.lines.filter((l) => l.event === 'diagnosis').map((l) => l.source),
      ['command', 'view', 'view', 'view', 'view'],
    );
    assert.equal((await h.bot.deps.history.recent('U200')).length, 0);
    for (const call of h.fake.callsOf('chat.update')) assertSlackShape(call.args.metadata as Meta);
  });

  it('a pasted localhost (nothing to re-check) still has the view buttons; Re-check edits keep the metadata', async () => {
    h = await start();
    await h.fake.send('events_api', h.fake.event({ type: 'message', user: 'U100', text: 'Error: connect ECONNREFUSED 127.0.0.1:6379', channel: 'C100', channel_type: 'channel', ts: '900.000001' }));
    const reply = await h.fake.waitFor(() => h!.fake.thread('C100', '900.000001')[0], 'the reply');
    const labels = buttonLabels(reply);
    assert.ok(!labels.includes(':repeat: Re-check'));
    assert.ok(labels.includes('All steps') || labels.includes('Other causes'), labels.join(', '));
    const meta = metadataOf(h.fake, 'chat.postMessage', { channel: 'C100', ts: '900.000001' });
    assertSlackShape(meta);
    assert.equal(meta.event_payload.target, '127.0.0.1:6379');
    assert.equal(meta.event_payload.kind, 'refused');
    assert.equal(meta.event_payload.probed, false);
    await h.fake.send('interactive', h.fake.click(reply, actionOf(reply, labels.includes('Other causes') ? 'Other causes' : 'All steps')));
    await updated(h.fake, reply, 1);
    assert.match(blocksText(reply), /Show less/);
    assert.match(blocksText(reply), /Not probed/);

    // Re-check and the watch's post carry the metadata too (a typed target this time, so there is something to re-check).
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { parent, reply: answer } = await commandReply(h.fake);
    await h.fake.send('interactive', h.fake.click(answer, ACTION.recheck, { user: 'U300' }));
    await updated(h.fake, answer, 1);
    assert.equal(metadataOf(h.fake, 'chat.update', answer).event_payload.cause, 'not-listening');
    await h.fake.send('interactive', h.fake.click(answer, ACTION.watch, { user: 'U300' }));
    await h.fake.waitFor(() => h!.fake.thread('C100', parent.ts).find((m) => /is watching/.test(blocksText(m))), 'the watching note');
    const server = await listen(port);
    try {
      const changed = await h.fake.waitFor(() => h!.fake.thread('C100', parent.ts).find((m) => /:rotating_light:/.test(blocksText(m))), 'the change post', 15_000);
      const call = h.fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === parent.ts && /rotating_light/.test(JSON.stringify(c.args.blocks)));
      const watched = call?.args.metadata as Meta;
      assertSlackShape(watched);
      assert.equal(watched.event_payload.healthy, true);
      assert.deepEqual((watched.event_payload.addresses as { outcome: string }[]).map((a) => a.outcome), ['open']);
      await h.fake.send('interactive', h.fake.click(changed, ACTION.stopWatch, { user: 'U300' }));
      await h.fake.waitFor(() => h!.fake.thread('C100', parent.ts).find((m) => /stopped watching/.test(blocksText(m))), 'the stop note');
    } finally {
      // A watch left running (a failed wait above) would hold the bot's shutdown.
      await h.bot.deps.watches.handBack();
      await closeServer(server);
    }
  });

  it('a bad, tampered, misplaced or foreign value on a view button is refused privately, and the message stays', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    const steps = actionOf(reply, 'All steps');
    const real = decode(h.fake.findButton(reply.blocks, steps)?.value, KEY, nowS());
    assert.ok(real.ok && real.value.k === 'view');
    const view = real.value as Extract<ButtonValue, { k: 'view' }>;
    // What a view value carries: the parsed target, the part, where it was made; no text.
    assert.deepEqual([view.p, view.ch, view.r.f.host, view.r.f.port], ['steps', 'C100', '127.0.0.1', port]);

    const forgedBody = Buffer.from(JSON.stringify({ ...view, p: 'causes' })).toString('base64url');
    const recheck = h.fake.findButton(reply.blocks, ACTION.recheck)!.value;
    const cases: [string, string, RegExp][] = [
      ['garbage', 'not a value at all', /could not be verified|cannot read/],
      ['edited, not re-signed', `${forgedBody}.${encode(view, KEY).split('.')[1]}`, /could not be verified/],
      ['signed with another key', encode(view, buttonKey('another-secret', BOT_TOKEN)), /could not be verified/],
      ['a part off the list', encode({ ...view, p: 'everything' } as unknown as ButtonValue, KEY), /carries data I cannot read/],
      ['an OS off the list', encode({ ...view, o: 'beos' } as unknown as ButtonValue, KEY), /carries data I cannot read/],
      ['a Re-check value on a view button', recheck, /carries data I cannot read/],
      ['too old', encode({ ...view, t: nowS() - 40 * 24 * 3600 }, KEY), /too old/],
      ['made for another channel', encode({ ...view, ch: 'C999' }, KEY), /another conversation/],
    ];
    for (const [name, value, words] of cases) {
      const before = h.fake.responses.length;
      await h.fake.send('interactive', h.fake.click(reply, steps, { value, user: 'U300' }));
      const said: { body: Record<string, unknown> } = await h.fake.waitFor(() => h!.fake.responses.slice(before).find((r) => words.test(JSON.stringify(r.body))), `the refusal of ${name}`);
      assert.equal(said.body.response_type, 'ephemeral', name);
      assert.equal(said.body.replace_original, false, name);
    }
    assert.equal(reply.updates, 0, 'the message was not touched');
    assert.equal(h.log.lines.filter((l) => l.event === 'button_rejected').length, cases.length);
    assert.equal(h.log.lines.filter((l) => l.event === 'diagnosis').length, 1, 'nothing ran again');
  });
});
