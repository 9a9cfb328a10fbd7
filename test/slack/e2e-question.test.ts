// The question flow end to end, over the fake Slack's real Socket Mode link: a diagnosis whose first two causes
// one fact about the reporter's side would separate carries that question with buttons; a click runs the
// diagnosis again with the answer and edits the message in place; Re-check keeps the answer; a value taken
// to another conversation does nothing.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { diagnose, type DiagnoseRequest } from '../../src/diagnose.js';
import { defaultPolicy } from '../../src/policy/index.js';
import { buttonKey, decode, encode, type ButtonValue } from '../../src/slack/button-value.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { BOT_TOKEN, type FakeSlack, type Posted } from './fake-slack.js';
import { blocksText, closedPort, commandReply, start, stop, type Harness } from './harness.js';

const KEY = buttonKey(null, BOT_TOKEN);
const nowS = () => Math.floor(Date.now() / 1000);
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

const COMPOSE_PASTE = [
  'web-1  | Error: connect ECONNREFUSED 127.0.0.1:5432',
  'web-1  |     at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
].join('\n');

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: { action_id?: string; text?: { text: string }; value?: string }[] };

/** The title of the cause ranked first ("*1. Title*  _(94%)_"). */
function firstCause(m: Posted): string {
  const found = /\*1\. (.+?)\* {2}_\(\d+%\)_/.exec(blocksText(m).replace(/\\n/g, '\n'));
  assert.ok(found, `no first cause in ${blocksText(m)}`);
  return found[1]!;
}

/** The question on the message and its buttons (label and action id), or null. */
function question(m: Posted): { text: string; buttons: { label: string; actionId: string; value: string }[] } | null {
  const blocks = m.blocks as Block[];
  const q = blocks.find((b) => b.block_id === BLOCK.question);
  if (!q) return null;
  const row = blocks.find((b) => b.block_id === BLOCK.answers);
  return {
    text: q.text!.text,
    buttons: (row?.elements ?? []).map((e) => ({ label: e.text!.text, actionId: e.action_id!, value: e.value! })),
  };
}

function button(m: Posted, label: RegExp): { actionId: string; value: string } {
  const b = question(m)?.buttons.find((x) => label.test(x.label));
  assert.ok(b, `no answer button ${label} on ${blocksText(m)}`);
  return b;
}

async function pasteIn(fake: FakeSlack, channel: string, ts: string, text: string): Promise<Posted> {
  await fake.send('events_api', fake.event({ type: 'message', user: 'U100', text, channel, channel_type: 'channel', ts }));
  return fake.waitFor(() => fake.thread(channel, ts)[0], `the reply to ${ts}`);
}

const updated = (fake: FakeSlack, m: Posted, n: number) => fake.waitFor(() => (m.updates >= n ? m : null), `update ${n} of the reply`);

describe('a question that settles close causes, against a fake Slack', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await stop(h);
    h = null;
  });

  it('a Compose paste about localhost: asks where the program runs; "laptop" re-ranks the message in place; another channel cannot use the button', async () => {
    h = await start();
    const reply = await pasteIn(h.fake, 'C100', '800.000001', COMPOSE_PASTE);
    // Nothing was probed (a pasted localhost is the reporter's machine), yet the question is there.
    assert.equal(h.fake.findButton(reply.blocks, ACTION.recheck), null);
    const q = question(reply);
    assert.ok(q, 'the reply asks a question');
    assert.match(q.text, /Where does the program that got this error run\?/);
    assert.match(q.text, /decides between _Inside a container, 127\.0\.0\.1 is the container itself_ and/);
    assert.deepEqual(
      q.buttons.map((b) => b.actionId),
      [0, 1, 2, 3].map((i) => `${ACTION.answer}${i}`),
    );
    assert.match(firstCause(reply), /^Inside a container/);
    // The value carries the parsed facts and the answer, never the paste.
    const laptop = button(reply, /laptop/);
    const decoded = decode(laptop.value, KEY, nowS());
    assert.ok(decoded.ok && decoded.value.k === 'answer');
    assert.deepEqual(decoded.value.x, { clientWhere: 'laptop' });
    assert.equal(decoded.value.ch, 'C100');
    assert.doesNotMatch(JSON.stringify(decoded.value), /TCPConnectWrap|web-1/);

    // The same paste in another channel; the first message's button clicked there does nothing.
    const elsewhere = await pasteIn(h.fake, 'C300', '800.000002', COMPOSE_PASTE);
    await h.fake.send('interactive', h.fake.click(elsewhere, laptop.actionId, { value: laptop.value, user: 'U300' }));
    await h.fake.waitFor(() => h!.log.lines.find((l) => l.event === 'button_rejected'), 'the refusal');
    assert.ok(h.log.lines.some((l) => l.event === 'button_rejected' && l.reason === 'misplaced' && l.other === 'channel'));
    await h.fake.waitFor(() => h!.fake.responses.find((r) => /another conversation/.test(JSON.stringify(r.body))), 'the private answer');
    assert.equal(elsewhere.updates, 0);

    // Answered where it was asked: the same message is edited, the first cause changes, the question goes.
    await h.fake.send('interactive', h.fake.click(reply, laptop.actionId, { user: 'U200' }));
    const after = await updated(h.fake, reply, 1);
    const update = h.fake.callsOf('chat.update').at(-1)!;
    assert.equal(update.args.ts, reply.ts);
    assert.equal(update.args.channel, 'C100');
    assert.match(blocksText(after), /<@U200> answered: the program runs on a laptop or desktop, not in a container/);
    assert.match(firstCause(after), /is on your own machine, which the bot cannot see/);
    assert.equal(question(after), null, 'nothing left to ask');
    assert.equal(h.fake.thread('C100', '800.000001').length, 1, 'no new message');
    // Logged once the edit is back from Slack, so a moment after the fake saw it.
    const answered = await h.fake.waitFor(() => h!.log.lines.find((l) => l.event === 'answered'), 'the answered line');
    assert.deepEqual([answered?.question, answered?.answer, answered?.cause, answered?.user], ['clientWhere', 'laptop', 'local-target', 'U200']);
    const runs = h.log.lines.filter((l) => l.event === 'diagnosis').map((l) => [l.channel, l.source, l.cause]);
    assert.deepEqual(runs, [
      ['C100', 'message', 'container-localhost'],
      ['C300', 'message', 'container-localhost'],
      ['C100', 'answer', 'local-target'],
    ]);
    // Why the ranking changed is said with the other causes, one click away (another view of the same message).
    await h.fake.send('interactive', h.fake.click(after, `${ACTION.view}causes`, { user: 'U200' }));
    const others = await updated(h.fake, reply, 2);
    assert.match(blocksText(others), /laptop or desktop, not in a container: that speaks against this/);
  });

  it('"in a container" asks the next question in place; "another container" then settles it', async () => {
    h = await start();
    const reply = await pasteIn(h.fake, 'C100', '810.000001', COMPOSE_PASTE);
    await h.fake.send('interactive', h.fake.click(reply, button(reply, /^In a container/).actionId));
    const first = await updated(h.fake, reply, 1);
    assert.match(blocksText(first), /<@U100> answered: the program runs in a container/);
    const next = question(first);
    assert.match(next?.text ?? '', /Does the server run on the same machine as that program/);
    // The follow-up's buttons carry the first answer too.
    const other = button(first, /^No, on another machine/);
    const carried = decode(other.value, KEY, nowS());
    assert.ok(carried.ok && carried.value.k === 'answer');
    assert.deepEqual([carried.value.r.f.answers, carried.value.x], [{ clientWhere: 'container' }, { sameMachine: false }]);
    await h.fake.send('interactive', h.fake.click(first, other.actionId, { user: 'U200' }));
    const settled = await updated(h.fake, reply, 2);
    assert.match(firstCause(settled), /^Inside a container/);
    assert.match(blocksText(settled), /<@U200> answered: the program runs in a container; the server runs on another machine or in another container/);
    assert.equal(question(settled), null);
  });

  it('a probed Kafka broker: asks whether it ever worked; "yes" puts not-listening first; Re-check keeps the answer', async () => {
    // kafka.test is 127.0.0.1 to this engine alone (no DNS server is asked), so the bot probes a port this test closed.
    const lookup = async (host: string) => {
      if (host === 'kafka.test') return [{ address: '127.0.0.1', family: 4 as const }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const engine = (req: DiagnoseRequest, signal: AbortSignal) =>
      diagnose(req, {
        surface: 'chat',
        policy: defaultPolicy('cli'),
        signal,
        timeouts: { connectMs: 500 },
        deps: { lookup, resolve4: async () => ['127.0.0.1'], resolve6: async () => [] },
      });
    h = await start({}, { diagnose: engine });
    const port = await closedPort();
    const paste = `[2024-10-24 16:27:51,809] WARN [Producer clientId=console-producer] Connection to node 1 (kafka.test:${port}) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)`;
    await h.fake.send('slash_commands', h.fake.slashCommand(paste));
    const { reply } = await commandReply(h.fake);
    assert.match(blocksText(reply), new RegExp(`127\\.0\\.0\\.1:${port} → refused`));
    assert.match(question(reply)?.text ?? '', /Did this connection ever work from there\?/);
    assert.match(firstCause(reply), /advertis/i);
    assert.ok(h.fake.findButton(reply.blocks, ACTION.recheck), 'probed: Re-check is there');

    await h.fake.send('interactive', h.fake.click(reply, button(reply, /^Yes, it worked before/).actionId, { user: 'U200' }));
    const answered = await updated(h.fake, reply, 1);
    assert.match(firstCause(answered), new RegExp(`^Nothing is listening on kafka\\.test:${port}`));
    assert.equal(question(answered), null);
    for (const action of [ACTION.recheck, ACTION.watch]) {
      const v = decode(h.fake.findButton(answered.blocks, action)?.value, KEY, nowS());
      assert.ok(v.ok && v.value.k === 'check', action);
      assert.deepEqual(v.value.r.f.answers, { everWorked: true }, `${action} carries the answer`);
    }

    await h.fake.send('interactive', h.fake.click(answered, ACTION.recheck, { user: 'U300' }));
    const rechecked = await updated(h.fake, reply, 2);
    assert.match(blocksText(rechecked), /Re-checked at \d\d:\d\d:\d\d UTC by <@U300>/);
    assert.match(blocksText(rechecked), /:speech_balloon: Answered: it used to work/);
    assert.match(firstCause(rechecked), /^Nothing is listening on kafka\.test/);
    assert.equal(question(rechecked), null, 'an answered question is not asked again');
    const runs = h.log.lines.filter((l) => l.event === 'diagnosis').map((l) => [l.source, l.cause]);
    assert.deepEqual(runs, [
      ['command', 'kafka-advertised-listener'],
      ['answer', 'not-listening'],
      ['recheck', 'not-listening'],
    ]);
  });

  it('an answer value is checked like every other: another answer smuggled in, or a word off the list, is unreadable', async () => {
    h = await start();
    const reply = await pasteIn(h.fake, 'C100', '820.000001', COMPOSE_PASTE);
    const real = decode(button(reply, /laptop/).value, KEY, nowS());
    assert.ok(real.ok && real.value.k === 'answer');
    const base = real.value as Extract<ButtonValue, { k: 'answer' }>;
    const crafted = [
      { ...base, x: { clientWhere: 'laptop', everWorked: true } },
      { ...base, x: { clientWhere: 'on the moon' } },
      { ...base, x: { note: 'anything' } },
      { ...base, r: { ...base.r, f: { ...base.r.f, answers: { clientWhere: 'laptop', note: 'anything' } } } },
    ];
    for (const value of crafted) {
      // Signed with the real key, so only the schema stands in the way.
      const raw = encode(value as unknown as ButtonValue, KEY);
      assert.deepEqual(decode(raw, KEY, nowS()), { ok: false, reason: 'malformed' }, JSON.stringify(value.x));
      await h.fake.send('interactive', h.fake.click(reply, `${ACTION.answer}0`, { value: raw }));
    }
    await h.fake.waitFor(
      () => (h!.log.lines.filter((l) => l.event === 'button_rejected').length >= crafted.length ? true : null),
      'every crafted value refused',
    );
    await settle(200);
    assert.equal(reply.updates, 0);
    assert.ok(h.log.lines.filter((l) => l.event === 'button_rejected').every((l) => l.reason === 'malformed'));
  });
});
