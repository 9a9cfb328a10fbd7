// Probe agents through the bot, end to end on loopback: a real agent dials the bot's /agents listener, a diagnosis
// runs from both, `from <name>` chooses, a Re-check runs on the same vantage points, the App Home lists the agents,
// an offline agent is said so. (What a real gap between two networks looks like is the lab's: test/lab/agents.test.ts.)
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { newAgentToken, tokenHash } from '../../src/agents/token.js';
import { loadConfig } from '../../src/config.js';
import { ACTION } from '../../src/slack/ids.js';
import { startAgent, type TestAgent } from '../agents/harness.js';
import { blocksText, closedPort, commandReply, start, stop, type Harness } from './harness.js';

describe('probe agents through the bot', () => {
  let h: Harness | null = null;
  let agent: TestAgent | null = null;
  afterEach(async () => {
    await agent?.stop();
    agent = null;
    await stop(h);
    h = null;
  });

  async function botWithAgents(names: string[], extra: Record<string, string> = {}): Promise<{ tokens: Record<string, string> }> {
    const tokens = Object.fromEntries(names.map((n) => [n, newAgentToken()]));
    h = await start({ REFUSED_AGENTS: names.map((n) => `${n}:${tokenHash(tokens[n]!)}`).join(','), REFUSED_SAME_INCIDENT_MINUTES: '0', ...extra });
    return { tokens };
  }

  it('a diagnosis runs from the bot and from the connected agent, one line each; an agent that is not connected is said so', async () => {
    const { tokens } = await botWithAgents(['office', 'k8s-prod']);
    agent = startAgent({ name: 'office', url: `ws://127.0.0.1:${h!.bot.port}/agents`, token: tokens.office! });
    await h!.fake.waitFor(() => h!.log.lines.some((l) => l.event === 'agent_connected' || l.event === 'agent_hello'), 'the agent to connect');
    const port = await closedPort();
    await h!.fake.send('slash_commands', h!.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h!.fake);
    const text = blocksText(reply);
    assert.match(text, /office/);
    assert.match(text, /k8s-prod/);
    assert.match(text, /test-bot \(here\)/);
    const meta = (reply as unknown as { metadata?: { event_payload: { vantages?: { name: string; state: string }[] } } }).metadata;
    const states = Object.fromEntries((meta?.event_payload.vantages ?? []).map((v) => [v.name, v.state]));
    assert.equal(states.office, 'answered');
    assert.equal(states['k8s-prod'], 'offline');
    const line = h!.log.lines.find((l) => l.event === 'vantages');
    assert.deepEqual(line?.asked, ['office', 'k8s-prod']);
    // Both saw the port refused: no gap, the bot's own cause first.
    assert.equal(line?.gap, false);
    assert.match(text, /not-listening|Nothing is listening/);

    // Re-check runs on the same vantage points (the button carries them).
    await h!.fake.send('interactive', h!.fake.click(reply, ACTION.recheck, { user: 'U100' }));
    await h!.fake.waitFor(() => h!.log.lines.filter((l) => l.event === 'vantages').length >= 2, 'the re-check from both');
    assert.deepEqual(h!.log.lines.filter((l) => l.event === 'vantages')[1]?.asked, ['office', 'k8s-prod']);

    // App Home lists the agents with their state.
    await h!.fake.send('events_api', h!.fake.event({ type: 'app_home_opened', user: 'U100', channel: 'D100', tab: 'home', ts: '500.1' }));
    const home = JSON.stringify((await h!.fake.waitFor(() => h!.fake.callsOf('views.publish')[0], 'views.publish')).args.view);
    assert.match(home, /Probe agents/);
    assert.match(home, /office` :large_green_circle: connected/);
    assert.match(home, /k8s-prod` :white_circle: not connected/);
  });

  it('`from <name>` asks only that agent; an unknown name is a usage answer that lists the agents', async () => {
    const { tokens } = await botWithAgents(['office', 'k8s-prod']);
    agent = startAgent({ name: 'office', url: `ws://127.0.0.1:${h!.bot.port}/agents`, token: tokens.office! });
    await h!.fake.waitFor(() => h!.log.lines.some((l) => l.event === 'agent_connected' || l.event === 'agent_hello'), 'the agent to connect');
    const port = await closedPort();
    await h!.fake.send('slash_commands', h!.fake.slashCommand(`127.0.0.1 ${port} from office`));
    const { reply } = await commandReply(h!.fake);
    assert.doesNotMatch(blocksText(reply), /k8s-prod/);
    assert.deepEqual(h!.log.lines.find((l) => l.event === 'vantages')?.asked, ['office']);
    const ack = await h!.fake.send('slash_commands', h!.fake.slashCommand(`127.0.0.1 ${port} from mars`));
    const words = JSON.stringify(ack.payload ?? {});
    assert.match(words, /no probe agent is named \\"mars\\"; the agents are office, k8s-prod/);
  });

  it('an agent bound to channels (REFUSED_AGENT_CHANNELS) is asked only there, and cannot be named elsewhere', async () => {
    await botWithAgents(['office', 'k8s-prod'], { REFUSED_AGENT_CHANNELS: 'k8s-prod:C900' });
    const port = await closedPort();
    await h!.fake.send('slash_commands', h!.fake.slashCommand(`127.0.0.1 ${port}`, { channel: 'C100' }));
    await commandReply(h!.fake, 'C100');
    assert.deepEqual(h!.log.lines.find((l) => l.event === 'vantages')?.asked, ['office']);
    const ack = await h!.fake.send('slash_commands', h!.fake.slashCommand(`127.0.0.1 ${port} from k8s-prod`, { channel: 'C100' }));
    assert.match(JSON.stringify(ack.payload ?? {}), /k8s-prod is bound to other channels/);
    await h!.fake.send('slash_commands', h!.fake.slashCommand(`127.0.0.1 ${port}`, { channel: 'C900' }));
    await commandReply(h!.fake, 'C900');
    assert.deepEqual(h!.log.lines.filter((l) => l.event === 'vantages').at(-1)?.asked, ['office', 'k8s-prod']);
  });

  it('a binding that names no configured agent, or is not name:CHANNEL|CHANNEL, stops the start with the variable named', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A1-2-abc', REFUSED_AGENTS: `office:${tokenHash(newAgentToken())}` };
    const unknown = loadConfig({ ...base, REFUSED_AGENT_CHANNELS: 'k8s:C1' });
    assert.ok(!unknown.ok && unknown.problems.some((p) => /REFUSED_AGENT_CHANNELS binds "k8s", which is not in REFUSED_AGENTS/.test(p)));
    const bad = loadConfig({ ...base, REFUSED_AGENT_CHANNELS: 'office:#general' });
    assert.ok(!bad.ok && bad.problems.some((p) => /^REFUSED_AGENT_CHANNELS "office:#general" is not name:CHANNEL/.test(p)));
    const good = loadConfig({ ...base, REFUSED_AGENT_CHANNELS: 'office:C1|G2' });
    assert.ok(good.ok && [...good.config.agentChannels.get('office')!].join() === 'C1,G2');
  });

  it('without agents configured, `from` says so and answers carry no vantage lines', async () => {
    h = await start();
    const port = await closedPort();
    const ack = await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port} from office`));
    assert.match(JSON.stringify(ack.payload ?? {}), /has no probe agents/);
    await h.fake.send('slash_commands', h.fake.slashCommand(`127.0.0.1 ${port}`));
    const { reply } = await commandReply(h.fake);
    assert.doesNotMatch(blocksText(reply), /\(here\)/);
    assert.equal(h.log.lines.some((l) => l.event === 'vantages'), false);
  });
});
