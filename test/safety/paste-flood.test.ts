// One person floods a channel with pastes at the size cap while someone else uses /refused. The flood must
// cost the bot a parse only until the person is over the limit and told so; after that their messages are
// not read at all, so the other person's acks do not wait behind them. The test counts the parses (the
// property that holds on any machine) and prints the ack times it saw (the numbers a reader compares).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { parse } from '../../src/parse/index.js';
import { refusedTwoAddresses } from '../slack/fixtures.js';
import { start, stop, type Harness } from '../slack/harness.js';

const FLOOD = 200;
const PER_USER = 10;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('a flood of pastes at the size cap', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await stop(h);
    h = null;
  });

  it('is parsed only until the person is over the limit and told; other people are acked meanwhile', async (t) => {
    let parses = 0;
    h = await start(
      // The production ping timeout: the harness's 300 ms would call a link busy with a burst dead.
      { REFUSED_RATE_PER_USER: String(PER_USER), REFUSED_RATE_PER_CHANNEL: '0', REFUSED_MAX_PASTE_KB: '40', SLACK_SOCKET_PING_TIMEOUT_MS: '5000' },
      {
        // The real parser, counted; the engine answers at once (probing is not what this test is about).
        hasConnectionError: (text) => {
          parses += 1;
          return parse(text).kind !== 'none';
        },
        diagnose: async () => refusedTwoAddresses,
      },
    );
    const line = 'Error: connect ECONNREFUSED 10.0.0.5:5432 at TCPConnectWrap.afterConnect (node:net:1607:16) host=db.internal\n';
    const paste = line.repeat(Math.ceil((40 * 1024) / line.length)).slice(0, 40 * 1024);
    const fake = h.fake;
    const started = performance.now();
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      fake.send('events_api', fake.event({ type: 'message', user: 'U900', text: paste, channel: 'C900', channel_type: 'channel', ts: `900.${String(i).padStart(6, '0')}` })),
    );
    // Someone else, meanwhile, in another channel.
    const others = [];
    for (let i = 0; i < 20; i += 1) {
      others.push(fake.send('slash_commands', fake.slashCommand('db.internal 5432', { user: `U${500 + i}`, channel: 'C100' })));
      await new Promise((r) => setTimeout(r, 5));
    }
    const floodAcks = (await Promise.all(flood)).map((a) => a.ms);
    const otherAcks = (await Promise.all(others)).map((a) => a.ms);
    const ms = performance.now() - started;
    await fake.waitFor(() => h!.log.lines.filter((l) => l.event === 'diagnosis').length >= PER_USER + 20 || null, 'the admitted diagnoses');

    t.diagnostic(`${FLOOD} pastes of 40 KB in ${Math.round(ms)} ms: ${parses} parsed`);
    t.diagnostic(`flood acks: p50 ${percentile(floodAcks, 50).toFixed(1)} ms, p99 ${percentile(floodAcks, 99).toFixed(1)} ms, max ${Math.max(...floodAcks).toFixed(1)} ms`);
    t.diagnostic(`other people's /refused acks: p50 ${percentile(otherAcks, 50).toFixed(1)} ms, p99 ${percentile(otherAcks, 99).toFixed(1)} ms, max ${Math.max(...otherAcks).toFixed(1)} ms`);

    // PER_USER admitted, one more read to find it is an error and tell the person once; the rest never read.
    assert.ok(parses <= PER_USER + 1, `${parses} pastes parsed`);
    // Every refused paste has its audit line, read or not.
    const refused = h.log.lines.filter((l) => l.event === 'rate_limited' && l.user === 'U900');
    assert.equal(refused.length, FLOOD - PER_USER);
    const told = fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === 'U900');
    assert.equal(told.length, 1, 'told once');
    assert.match(JSON.stringify(told[0]!.args), /try again in/);
    const answered = h.log.lines.filter((l) => l.event === 'diagnosis' && l.user === 'U900');
    assert.equal(answered.length, PER_USER);
    // Everyone else was answered.
    assert.equal(h.log.lines.filter((l) => l.event === 'diagnosis' && l.channel === 'C100').length, 20);
  });
});
