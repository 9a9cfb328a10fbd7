// What the bot remembers, end to end against the fake Slack with a real SQLite store: the same target asked about
// in another thread links the earlier one; votes move the next answers and count once per person per message;
// App Home history outlives a restart.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ACTION } from '../../src/slack/ids.js';
import { blocksText, closedPort, commandReply, start, stop, type Harness } from './harness.js';
import { tempStoreUrl } from './state.js';

describe('what the bot remembers', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await stop(h);
    h = null;
  });

  it('a second reporter about the same target gets the answer and a link to the earlier thread, with what it found then', async () => {
    h = await start();
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U1', channel: 'C100' }));
    const first = await commandReply(h.fake, 'C100');
    assert.doesNotMatch(blocksText(first.reply), /Same target as/, 'the first report links nothing');
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U2', channel: 'C200' }));
    const second = await commandReply(h.fake, 'C200');
    const text = blocksText(second.reply);
    assert.match(text, /Same target as/);
    // The link is Slack's permalink to the first thread's parent, and the channel is named.
    const permalink = h.fake.callsOf('chat.getPermalink').at(-1);
    assert.equal(permalink?.args.channel, 'C100');
    assert.equal(permalink?.args.message_ts, first.parent.ts);
    assert.match(text, new RegExp(`/archives/C100/p${first.parent.ts.replace('.', '')}`));
    assert.match(text, /<#C100>/);
    assert.match(text, /Then: `not-listening`/);
    assert.match(text, /Same cause now/);
    // The answer itself is all there: the verdict and the first cause.
    assert.match(text, /Not listening|not listening|nothing is listening/i);
    assert.ok(h.log.lines.some((l) => l.event === 'same_incident' && l.earlierChannel === 'C100'));
    // Another target links nothing.
    const other = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${other}`, { user: 'U2', channel: 'C200' }));
    await h.fake.waitFor(() => h!.fake.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C200' && c.args.thread_ts).length >= 2, 'the third answer');
    const third = h.fake.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C200' && c.args.thread_ts).at(-1)!;
    assert.doesNotMatch(JSON.stringify(third.args.blocks), /Same target as/);
  });

  it('with REFUSED_SAME_INCIDENT_MINUTES=0 nothing is linked', async () => {
    h = await start({ REFUSED_SAME_INCIDENT_MINUTES: '0' });
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U1', channel: 'C100' }));
    await commandReply(h.fake, 'C100');
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U2', channel: 'C200' }));
    const second = await commandReply(h.fake, 'C200');
    assert.doesNotMatch(blocksText(second.reply), /Same target as/);
    assert.equal(h.fake.callsOf('chat.getPermalink').length, 0);
  });

  it("a vote counts once per person per message, and moves the cause in the workspace's next answers, saying why", async () => {
    h = await start({ REFUSED_SAME_INCIDENT_MINUTES: '0' });
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U1' }));
    const { reply } = await commandReply(h.fake);
    const button = h.fake.findButton(reply.blocks, ACTION.didntHelp);
    assert.ok(button, "a Didn't help button on the first cause");
    const before = blocksText(reply);
    assert.match(before, /90%/);
    await h.fake.send('interactive', h.fake.click(reply, ACTION.didntHelp, { user: 'U7' }));
    await h.fake.waitFor(() => reply.updates > 0, 'the feedback update');
    // The same person clicking again on the same message (the button as it was) counts once.
    await h.fake.send('interactive', h.fake.click(reply, ACTION.didntHelp, { user: 'U7', value: button.value, blockId: button.blockId }));
    await h.fake.waitFor(() => h!.fake.responses.find((r) => /counts once/.test(JSON.stringify(r.body))), 'the "counts once" note');
    // The next answer in this workspace: not-listening moved from 90% by one "didn't help" (k = 10: 9/11 = 82%).
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U1', channel: 'C300' }));
    const next = await commandReply(h.fake, 'C300');
    const text = blocksText(next.reply);
    assert.match(text, /82%: didn't help once here/);
    const votes = h.log.lines.filter((l) => l.event === 'feedback');
    assert.deepEqual(votes.map((l) => l.kept), [true, true]);
    assert.ok(votes[1]!.replaced, 'the second click replaced the first');
  });

  it("App Home history outlives a restart on the same store", async () => {
    const store = tempStoreUrl();
    h = await start({ REFUSED_STORE_URL: store });
    const port = await closedPort();
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`, { user: 'U100' }));
    await commandReply(h.fake);
    await stop(h);
    h = await start({ REFUSED_STORE_URL: store });
    await h.fake.send('events_api', h.fake.event({ type: 'app_home_opened', user: 'U100', channel: 'D100', tab: 'home', ts: '500.1' }));
    const call = await h.fake.waitFor(() => h!.fake.callsOf('views.publish')[0], 'views.publish');
    assert.match(JSON.stringify(call.args.view), new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});
