// Leaf handlers called directly, without a running App: the Slack client and the engine are parameters.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Diagnosis } from '../../src/domain/types.js';
import { buttonKey } from '../../src/slack/button-value.js';
import type { Deps, SlackClient } from '../../src/slack/deps.js';
import { NoticeOnce } from '../../src/slack/limits.js';
import { handleRefusedCommand } from '../../src/slack/listeners/commands/refused.js';
import { handleMessage, requestFor, type MessageInput } from '../../src/slack/listeners/events/message.js';
import { memoryLog } from '../../src/slack/log.js';
import type { Store } from '../../src/store/store.js';
import { Work } from '../../src/slack/work.js';
import { refusedTwoAddresses } from './fixtures.js';
import { stateDeps, tempStore } from './state.js';

// A real SQLite store per test's deps, each in its own file: no test sees another's deliveries or limits.
const stores: Store[] = [];
after(() => Promise.all(stores.map((s) => s.close())));

/** A Slack client that records calls; only the methods the handlers use. */
function recordingClient(fail: Record<string, string> = {}) {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  let ts = 0;
  const call = (method: string) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    if (fail[method]) throw Object.assign(new Error(fail[method]), { data: { ok: false, error: fail[method] } });
    ts += 1;
    return { ok: true, ts: `9.${ts}` };
  };
  const client = {
    chat: { postMessage: call('chat.postMessage'), update: call('chat.update'), postEphemeral: call('chat.postEphemeral') },
    reactions: { add: call('reactions.add'), remove: call('reactions.remove') },
    views: { publish: call('views.publish') },
  };
  return { calls, client: client as unknown as SlackClient };
}

async function deps(over: Partial<Deps> = {}): Promise<Deps & { requests: unknown[] }> {
  const requests: unknown[] = [];
  const store = await tempStore();
  stores.push(store);
  return {
    requests,
    diagnose: async (req): Promise<Diagnosis> => {
      requests.push(req);
      return refusedTwoAddresses;
    },
    hasConnectionError: (text) => /refused|ECONNREFUSED/i.test(text),
    log: memoryLog(),
    now: () => new Date('2026-11-22T03:00:00Z'),
    key: buttonKey(null, 'xoxb-test'),
    botUserId: 'UBOT',
    work: new Work(2),
    ...stateDeps(store),
    notices: new NoticeOnce(60_000),
    maxPasteBytes: 40 * 1024,
    home: { vantage: 'v', policy: [] },
    ...over,
  };
}

const msg = (over: Partial<MessageInput>): MessageInput => ({ type: 'message', user: 'U1', text: 'Connection refused', channel: 'C1', channel_type: 'channel', ts: '1.1', ...over });

describe('requestFor', () => {
  it('answers errors anywhere, bare targets only when spoken to, usage on a bare mention', async () => {
    const d = await deps();
    assert.deepEqual(requestFor(msg({ text: 'ECONNREFUSED 10.0.0.5:5432' }), d), { type: 'paste', text: 'ECONNREFUSED 10.0.0.5:5432' });
    assert.equal(requestFor(msg({ text: 'db 5432' }), d), null);
    assert.deepEqual(requestFor(msg({ text: '<@UBOT> db 5432' }), d), { type: 'target', host: 'db', port: 5432 });
    assert.deepEqual(requestFor(msg({ text: 'db:5432', channel_type: 'im' }), d), { type: 'target', host: 'db', port: 5432 });
    assert.equal(requestFor(msg({ text: '<@UBOT>' }), d), 'usage');
    assert.equal(requestFor(msg({ text: 'good morning', channel_type: 'im' }), d), null);
    // In a DM the bot is spoken to: "help" gets the usage, an empty message (a file alone) gets nothing.
    assert.equal(requestFor(msg({ text: 'help', channel_type: 'im', channel: 'D1' }), d), 'usage');
    assert.equal(requestFor(msg({ text: '', channel_type: 'im', channel: 'D1' }), d), null);
    assert.equal(requestFor(msg({ text: 'help' }), d), null);
  });
});

describe('handleMessage', () => {
  it('ignores bots, itself, edits; answers once in the thread with a reaction around the work', async () => {
    const d = await deps();
    const { calls, client } = recordingClient();
    assert.equal(await handleMessage(msg({ bot_id: 'B9' }), client, d), 'ignored');
    assert.equal(await handleMessage(msg({ user: 'UBOT' }), client, d), 'ignored');
    assert.equal(await handleMessage(msg({ subtype: 'message_changed' }), client, d), 'ignored');
    assert.equal(await handleMessage(msg({ text: 'hello' }), client, d), 'silent');
    assert.equal(calls.length, 0);
    assert.equal(await handleMessage(msg({ ts: '2.2', thread_ts: '2.0' }), client, d), 'answered');
    assert.equal(await handleMessage(msg({ ts: '2.2', thread_ts: '2.0' }), client, d), 'duplicate');
    assert.deepEqual(calls.map((c) => c.method), ['reactions.add', 'chat.postMessage', 'reactions.remove']);
    assert.equal(calls[1]!.args.thread_ts, '2.0');
  });

  it('still answers when the reaction is not allowed', async () => {
    const { calls, client } = recordingClient({ 'reactions.add': 'missing_scope', 'reactions.remove': 'missing_scope' });
    assert.equal(await handleMessage(msg({}), client, await deps()), 'answered');
    assert.ok(calls.some((c) => c.method === 'chat.postMessage'));
  });
});

describe('handleMessage when the answer cannot be given in the open', () => {
  it('a failed diagnosis is said privately to the asker, in the thread when there is one', async () => {
    const d = await deps({
      diagnose: async () => {
        throw new Error('engine exploded');
      },
    });
    const { calls, client } = recordingClient();
    assert.equal(await handleMessage(msg({ ts: '3.3', thread_ts: '3.0' }), client, d), 'failed');
    const eph = calls.find((c) => c.method === 'chat.postEphemeral');
    assert.ok(eph);
    assert.equal(eph.args.user, 'U1');
    assert.equal(eph.args.thread_ts, '3.0');
    assert.match(String(eph.args.text), /failed unexpectedly/);
    assert.ok(!calls.some((c) => c.method === 'chat.postMessage'));
    // The reaction is taken back either way.
    assert.ok(calls.some((c) => c.method === 'reactions.remove'));
  });

  it('a paste arriving while the bot shuts down is told to try again, not dropped silently', async () => {
    const d = await deps();
    await d.work.drain(0);
    const { calls, client } = recordingClient();
    assert.equal(await handleMessage(msg({}), client, d), 'refused');
    assert.match(String(calls.find((c) => c.method === 'chat.postEphemeral')?.args.text), /restarting/);
    assert.equal(d.requests.length, 0);
  });

  it('a paste longer than the limit keeps its start and its end, with a marker line the parser says the cut from', async () => {
    const d = await deps({ maxPasteBytes: 1024 });
    const { calls, client } = recordingClient();
    const lines = `starting worker é\n${'x'.repeat(60)}\n`.repeat(100);
    const text = `${lines}Error: connect ECONNREFUSED 10.0.0.7:6379`;
    assert.equal(await handleMessage(msg({ text }), client, d), 'answered');
    const req = d.requests[0] as { type: string; text: string };
    assert.ok(Buffer.byteLength(req.text) <= 1024, `${Buffer.byteLength(req.text)} bytes`);
    assert.ok(req.text.startsWith('starting worker é\n'));
    assert.ok(req.text.endsWith('\nError: connect ECONNREFUSED 10.0.0.7:6379'), 'the end, where the error is, is kept');
    assert.match(req.text, /\n\[… [\d,]+ lines \([\d,]+ KB\) cut …\]\n/);
    // The note comes from the diagnosis (parse() reads the marker), not a second line from the bot: this engine adds none.
    assert.doesNotMatch(JSON.stringify(calls.find((c) => c.method === 'chat.postMessage')?.args.blocks), /scissors|longer than/);
  });
});

describe('handleRefusedCommand', () => {
  it('acks before the engine runs, and falls back to a private answer where it cannot post', async () => {
    const order: string[] = [];
    const d = await deps({
      diagnose: async () => {
        order.push('diagnose');
        return refusedTwoAddresses;
      },
    });
    const { calls, client } = recordingClient({ 'chat.postMessage': 'not_in_channel' });
    const responded: unknown[] = [];
    await handleRefusedCommand(
      { text: 'db.internal 5432', user_id: 'U1', channel_id: 'C9' },
      { ack: async () => void order.push('ack'), respond: async (m) => void responded.push(m), client },
      d,
    );
    assert.deepEqual(order, ['ack', 'diagnose']);
    assert.equal(calls.filter((c) => c.method === 'chat.postMessage').length, 1);
    assert.equal(responded.length, 1);
    assert.match(JSON.stringify(responded[0]), /\/invite/);
    assert.match(JSON.stringify(responded[0]), /"response_type":"ephemeral"/);
  });
});
