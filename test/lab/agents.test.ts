// Probe agents in the network lab (issue 14): the bot and the fake Slack on one host, agents in others, and targets
// that only some of them may reach. Everything is real but Slack: the bot process (`npm start`'s command) runs in
// the lab's client namespace, each agent is `refused agent` in its own namespace dialling the bot's /agents over a
// veth link, and nftables decides who reaches what.
//
// The fake Slack runs in this test process (its recorder and helpers are what the test reads), on 127.0.0.1 of the
// machine's own namespace, which the lab's namespaces cannot reach by TCP. A Unix socket can: its path belongs to the
// file system, not to a network namespace. So servers/unix-relay.mjs listens in the client namespace on 127.0.0.1 at
// the fake's own port number and hands each connection to a Unix socket where this process passes it on to the fake.
// The URLs the fake hands out (Socket Mode, response_url) name 127.0.0.1 and that port, so they work from the bot as
// they are, and nothing leaves the lab.
//
//   node --import tsx --test test/lab/agents.test.ts
//   REFUSED_LAB_VERBOSE=1 …   every lab command, and the bot's and agents' log lines as they come
//
// The answer's time with and without an agent is printed (t.diagnostic), never asserted.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentsEntry, newAgentToken } from '../../src/agents/token.js';
import { FakeSlack, type Posted } from '../slack/fake-slack.js';
import { blocksText, env } from '../slack/harness.js';
import { APP_COMMAND } from '../slack/root.js';
import { tempDir } from '../slack/state.js';
import { cliCommand, type Host, Lab, labSupport, ROOT, SERVERS_DIR, VERBOSE } from './lab.js';

const support = labSupport();
const SKIP = support.ok ? false : `network lab needs root and ip netns: ${support.reason}`;
if (SKIP) console.error(`\n*** SKIPPED: the probe agents' lab scenarios (test/lab/agents.test.ts): ${SKIP} ***\n`);

/** The bot's PORT listener inside the client namespace (the namespace is fresh, so any port is free). */
const BOT_PORT = 8080;
/** The bot's own connect timeout and whole-diagnosis deadline; a job for an agent gets the same deadline. */
const CONNECT_MS = 1000;
const DEADLINE_MS = 8000;
/** What the bot gives an agent's job (src/app.ts): its own deadline and a second for the round trip. */
const JOB_DEADLINE_MS = DEADLINE_MS + 1000;
/** Runs per case in the measurement. */
const RUNS = 5;
/** A process's log line or a Slack answer not seen within this long fails the wait (not a timing check: a hang guard). */
const WAIT_MS = 30_000;

// ---------------------------------------------------------------------------------------------------
// Processes inside namespaces: the bot and the agents, their JSON log lines collected.

interface Proc {
  name: string;
  child: ChildProcess;
  /** Every JSON line from stdout and stderr (the bot logs on stdout, the agent on stderr), in order. */
  lines: Record<string, unknown>[];
  /** Everything it printed, for failure messages. */
  output(): string;
  exit: Promise<number | null>;
}

const procs = new Set<Proc>();

function spawnIn(h: Host, name: string, argv: string[], environment: Record<string, string>, cwd: string): Proc {
  const child = spawn('ip', ['netns', 'exec', h.ns, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let all = '';
  const reader = () => {
    let buf = '';
    return (b: Buffer) => {
      const s = b.toString();
      all += s;
      buf += s;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (VERBOSE) process.stderr.write(`[${name}] ${line}\n`);
        try {
          const parsed = JSON.parse(line) as unknown;
          if (parsed && typeof parsed === 'object') lines.push(parsed as Record<string, unknown>);
        } catch {
          lines.push({ event: 'not-json', line });
        }
      }
    };
  };
  child.stdout!.on('data', reader());
  child.stderr!.on('data', reader());
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p: Proc = { name, child, lines, output: () => all, exit };
  procs.add(p);
  return p;
}

function linesOf(p: Proc, event: string, fields: Record<string, unknown> = {}): Record<string, unknown>[] {
  return p.lines.filter((l) => l.event === event && Object.entries(fields).every(([k, v]) => l[k] === v));
}

/** Polls until `probe` answers; bounded, and a process that exits first fails the wait with what it printed. */
async function until<T>(what: string, probe: () => T | undefined | null | false, p?: Proc, timeoutMs = WAIT_MS): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    const gone = p && (p.child.exitCode !== null || p.child.signalCode !== null);
    if (gone || Date.now() > end) {
      const tail = p ? `\n--- ${p.name} printed (last 3000 characters) ---\n${p.output().slice(-3000)}` : '';
      throw new Error(`${gone ? `${p!.name} exited before` : `timed out after ${timeoutMs} ms waiting for`} ${what}${tail}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function waitLine(p: Proc, event: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return until(`"${event}" ${JSON.stringify(fields)} from ${p.name}`, () => linesOf(p, event, fields)[0], p);
}

async function stopProc(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  try {
    return await p.exit;
  } finally {
    clearTimeout(timer);
    procs.delete(p);
  }
}

// ---------------------------------------------------------------------------------------------------
// The fake Slack, reached from the client namespace through a Unix socket.

async function bridge(fake: FakeSlack, lab: Lab): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rflab-slack-'));
  const path = join(dir, 'fake-slack.sock');
  const server: NetServer = createServer((inbound) => {
    const outbound = connect(fake.port, '127.0.0.1');
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    for (const s of [inbound, outbound]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  cleanups.push(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  await lab.serveArgv(lab.client, [process.execPath, join(SERVERS_DIR, 'unix-relay.mjs'), '--listen', `127.0.0.1:${fake.port}`, '--to', path]);
}

// ---------------------------------------------------------------------------------------------------
// The bot and the agents.

function startBot(lab: Lab, fake: FakeSlack, name: string, port: number, extra: Record<string, string>): Proc {
  // An empty working directory (no developer's .env joins in), removed at exit with the store's.
  const cwd = tempDir('rflab-bot-');
  return spawnIn(
    lab.client,
    name,
    [process.execPath, ...APP_COMMAND],
    env(fake, {
      PORT: String(port),
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      REFUSED_VANTAGE_NAME: 'lab-bot',
      REFUSED_CONNECT_TIMEOUT_MS: String(CONNECT_MS),
      REFUSED_DEADLINE_MS: String(DEADLINE_MS),
      // Many questions in a row from one person, and the same target again: neither limited nor linked.
      REFUSED_RATE_PER_USER: '0',
      REFUSED_RATE_PER_CHANNEL: '0',
      REFUSED_SAME_INCIDENT_MINUTES: '0',
      ...extra,
    }),
    cwd,
  );
}

interface AgentSpec {
  name: string;
  token: string;
  /** The bot's /agents as this agent dials it. */
  url: string;
  flags?: string[];
  environment?: Record<string, string>;
}

function startAgent(h: Host, a: AgentSpec): Proc {
  // The token travels in REFUSED_AGENT_TOKEN, as the README tells people to pass it (a flag shows in `ps`).
  return spawnIn(
    h,
    `agent ${a.name}`,
    [...cliCommand(), 'agent', '--name', a.name, '--url', a.url, '--json', ...(a.flags ?? [])],
    {
      REFUSED_AGENT_TOKEN: a.token,
      NO_COLOR: '1',
      ...a.environment,
    },
    ROOT,
  );
}

// ---------------------------------------------------------------------------------------------------
// Asking the bot.

interface Answer {
  parent: Posted;
  reply: Posted;
  /** From sending the slash command to the diagnosis in the thread, as the test sees it. */
  ms: number;
  /** The message metadata's payload. */
  meta: Record<string, unknown>;
  /** The reply's text and blocks, as one string to search. */
  shown: string;
}

interface VantageMeta {
  name: string;
  kind: string;
  state: string;
  outcome: string;
  cause?: string;
}

/** Sends `/refused <text>` (to one Socket Mode connection when given) and waits for the diagnosis in its thread. */
async function ask(fake: FakeSlack, text: string, bot: Proc, connection?: number): Promise<Answer> {
  const before = new Set([...w.fake.posted.values()].map((m) => `${m.channel}:${m.ts}`));
  const started = performance.now();
  const ack = await fake.send('slash_commands', fake.slashCommand(text), connection === undefined ? {} : { connection });
  const said = ack.payload as { text?: unknown; blocks?: unknown } | null | undefined;
  if (said && (said.text !== undefined || said.blocks !== undefined))
    assert.fail(`/refused ${text} was answered in the ack, not diagnosed: ${JSON.stringify(ack.payload).slice(0, 600)}`);
  const parent = await until(
    `the parent message of /refused ${text}`,
    () => [...w.fake.posted.values()].find((m) => !before.has(`${m.channel}:${m.ts}`) && !m.thread_ts && /asked me to check/.test(m.text)),
    bot,
  );
  const reply = await until(
    `the diagnosis of /refused ${text} in its thread (the parent says: ${parent.text})`,
    () => fake.thread(parent.channel, parent.ts)[0],
    bot,
  );
  const ms = performance.now() - started;
  const metadata = (reply as Posted & { metadata?: { event_type: string; event_payload: Record<string, unknown> } }).metadata;
  assert.ok(metadata, `the answer to /refused ${text} carries no metadata`);
  if (VERBOSE) process.stderr.write(`[lab] /refused ${text} → ${Math.round(ms)} ms:\n${textsOf(reply.blocks).join('\n').replace(/^/gm, '  | ')}\n`);
  return { parent, reply, ms, meta: metadata.event_payload, shown: `${reply.text}\n${blocksText(reply)}` };
}

function vantagesOf(a: Answer): VantageMeta[] {
  const v = a.meta.vantages;
  assert.ok(Array.isArray(v), `the metadata has no vantages: ${JSON.stringify(a.meta)}`);
  return v as VantageMeta[];
}

function vantage(a: Answer, name: string): VantageMeta {
  const v = vantagesOf(a).find((x) => x.name === name);
  assert.ok(v, `no vantage ${name} in the metadata: ${JSON.stringify(a.meta.vantages)}`);
  return v;
}

/** Every text string in Slack blocks, depth first. */
function textsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) textsOf(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'text' && typeof v === 'string') out.push(v);
      else textsOf(v, out);
    }
  }
  return out;
}

/** The answer's line for one vantage point: "• office: …" under the verdict. */
function lineOf(a: Answer, label: string): string {
  const lines = textsOf(a.reply.blocks).flatMap((t) => t.split('\n'));
  const line = lines.find((l) => l.startsWith(`• ${label}:`));
  assert.ok(line, `no line for ${label} in the answer:\n${lines.join('\n').slice(0, 3000)}`);
  return line;
}

function describeAnswer(a: Answer): string {
  return `causes: ${JSON.stringify(a.meta.causes)}\nvantages: ${JSON.stringify(a.meta.vantages)}\ntext: ${a.reply.text}\nblocks: ${blocksText(a.reply).slice(0, 2500)}`;
}

/** n values in ms: median, min and max, rounded. */
function summary(values: number[]): { median: number; min: number; max: number; runs: number } {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: Math.round(mid), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!), runs: s.length };
}

// ---------------------------------------------------------------------------------------------------

/** What the scenarios share, made once by `before`: the lab, the fake Slack, the bot and the office's agent. */
interface World {
  lab: Lab;
  fake: FakeSlack;
  office: Host;
  branch: Host;
  /** The office's address, where the target listens: 10.213.1.2. */
  target: string;
  botFromOffice: string;
  botFromBranch: string;
  tokens: Record<'office' | 'locked' | 'doomed' | 'branch', string>;
  bot: Proc;
  officeAgent: Proc;
}

let w: World;
const cleanups: (() => unknown)[] = [];

/** 10.213.1.2 5432: the office's firewall drops the bot's SYNs; the office itself reaches it. */
const gapTarget = () => `${w.target} 5432`;
/** 10.213.1.2 5433: every side reaches it. */
const openTarget = () => `${w.target} 5433`;

async function setUp(): Promise<World> {
  const lab = await Lab.open({ after: (fn) => cleanups.push(fn) });
  // office: the agents' network, with the target. branch: a network whose only way out is its HTTP proxy.
  const office = await lab.host('office', { v6: false });
  const branch = await lab.host('branch', { v6: false, extra: 1 });
  const target = office.v4[0]!;
  const client = `10.213.${office.index}.1`;
  // The target: a postgres on 5432 that the office's firewall hides from the bot's address (a dropped SYN), the
  // same on 5433 for everyone, and 6543 that the office's own outgoing rules drop (an agent's probe there hangs
  // until its connect timeout).
  await lab.serve(office, 'postgres', [`${target}:5432`, `${target}:5433`]);
  await lab.serve(office, 'http', [`${target}:6543`]);
  await lab.serve(branch, 'http', [`${branch.v4[0]}:80`]);
  await lab.nft(
    office,
    `
table inet office {
  chain input {
    type filter hook input priority 0; policy accept;
    ip saddr ${client} tcp dport 5432 drop
  }
  chain output {
    type filter hook output priority 0; policy accept;
    oifname "lo" tcp dport 6543 drop
  }
}
`,
  );
  // The harness's own check, independent of the engine.
  assert.equal((await lab.connect(lab.client, target, 5432)).result, 'timeout', "the bot's side must not reach 5432");
  assert.equal((await lab.connect(lab.client, target, 5433)).result, 'open');
  assert.equal((await lab.connect(office, target, 5432)).result, 'open', 'the office must reach its own 5432');
  assert.equal((await lab.connect(office, target, 6543)).result, 'timeout', "the office's own probe of 6543 must hang");

  const fake = await FakeSlack.start();
  cleanups.push(() => fake.close());
  await bridge(fake, lab);

  const tokens = { office: newAgentToken(), locked: newAgentToken(), doomed: newAgentToken(), branch: newAgentToken() };
  const bot = startBot(lab, fake, 'bot', BOT_PORT, {
    REFUSED_AGENTS: Object.entries(tokens)
      .map(([name, token]) => agentsEntry(name, token))
      .join(','),
  });
  await waitLine(bot, 'slack_connected');
  await waitLine(bot, 'listening');
  const botFromOffice = `ws://${client}:${BOT_PORT}/agents`;
  const officeAgent = startAgent(office, { name: 'office', token: tokens.office, url: botFromOffice });
  await waitLine(officeAgent, 'agent_connected');
  await waitLine(bot, 'agent_connected', { name: 'office' });
  return { lab, fake, office, branch, target, botFromOffice, botFromBranch: `ws://10.213.${branch.index}.1:${BOT_PORT}/agents`, tokens, bot, officeAgent };
}

describe('probe agents in the lab: the bot and the fake Slack in one namespace, agents in others', { skip: SKIP, timeout: 300_000 }, () => {
  before(async () => {
    w = await setUp();
  });
  after(async () => {
    await Promise.all([...procs].map((p) => stopProc(p, 'SIGKILL')));
    for (const fn of cleanups.reverse()) await fn();
  });

  it('vantage-gap: the target answers from the office and its firewall drops the bot; the answer shows both views and ranks vantage-gap first', async (t) => {
    const a = await ask(w.fake, gapTarget(), w.bot);
    const causes = a.meta.causes as { id: string }[];
    assert.equal(causes[0]?.id, 'vantage-gap', describeAnswer(a));
    assert.equal(a.meta.cause, 'vantage-gap');
    // Every agent REFUSED_AGENTS names is asked by default; the ones not connected are said to be offline.
    assert.deepEqual(
      vantagesOf(a).map((v) => v.name),
      ['lab-bot', 'office', 'locked', 'doomed', 'branch'],
      describeAnswer(a),
    );
    const here = vantage(a, 'lab-bot');
    assert.deepEqual([here.kind, here.state, here.outcome], ['bot', 'answered', 'timeout'], describeAnswer(a));
    const there = vantage(a, 'office');
    assert.deepEqual([there.kind, there.state, there.outcome], ['agent', 'answered', 'open'], describeAnswer(a));
    for (const name of ['locked', 'doomed', 'branch']) {
      assert.equal(vantage(a, name).state, 'offline', describeAnswer(a));
      assert.match(lineOf(a, name), /offline/);
    }
    // One line per vantage point under the verdict: the bot's own marked "here".
    assert.match(lineOf(a, 'lab-bot (here)'), new RegExp(`${w.target.replace(/\./g, '\\.')}:5432`));
    assert.match(lineOf(a, 'office'), new RegExp(`${w.target.replace(/\./g, '\\.')}:5432`));
    assert.match(a.shown, /answers from office/, describeAnswer(a));
    t.diagnostic(`the hidden target, from the bot and the office: ${Math.round(a.ms)} ms to the answer`);
  });

  it('wrong-token: an agent with a wrong token is refused: the bot logs agent_refused, the agent says why, and the real office stays connected', async () => {
    const wrong = newAgentToken();
    const impostor = startAgent(w.office, { name: 'office', token: wrong, url: w.botFromOffice });
    const said = await until('the agent to say it cannot connect', () => linesOf(impostor, 'agent_cannot_connect')[0], impostor);
    assert.match(String(said.message), /the bot refused this agent's token/);
    assert.match(String(said.message), /REFUSED_AGENTS/);
    assert.equal(said.status, 401);
    const refused = await waitLine(w.bot, 'agent_refused', { name: 'office' });
    assert.match(String(refused.reason), /wrong token/);
    assert.equal(refused.from, w.office.v4[0]);
    await stopProc(impostor);
    // The refusal replaced nothing: the office still answers its jobs.
    assert.deepEqual(linesOf(w.bot, 'agent_disconnected', { name: 'office' }), []);
    const a = await ask(w.fake, `${openTarget()} from office`, w.bot);
    assert.equal(vantage(a, 'office').state, 'answered', describeAnswer(a));
    for (const p of [w.bot, impostor, w.officeAgent])
      assert.ok(!p.output().includes(wrong) && !p.output().includes(w.tokens.office), `${p.name} logged a token`);
  });

  it('agent-policy: an agent whose own policy denies the target says so: its line says not probed, and it makes no gap', async () => {
    const locked = startAgent(w.office, { name: 'locked', token: w.tokens.locked, url: w.botFromOffice, flags: ['--deny', `${w.target}/32`] });
    await waitLine(w.bot, 'agent_connected', { name: 'locked' });
    await waitLine(locked, 'agent_connected');
    const a = await ask(w.fake, `${gapTarget()} from office,locked`, w.bot);
    assert.deepEqual(
      vantagesOf(a).map((v) => v.name),
      ['lab-bot', 'office', 'locked'],
      describeAnswer(a),
    );
    assert.equal(vantage(a, 'locked').state, 'refused', describeAnswer(a));
    assert.equal(vantage(a, 'locked').outcome, 'not-probed', describeAnswer(a));
    assert.match(lineOf(a, 'locked'), /not probed/);
    assert.match(lineOf(a, 'locked'), /polic|deny|denied|not allowed/i);
    // The office still shows the gap; the policy-bound agent neither makes one nor hides it.
    assert.equal((a.meta.causes as { id: string }[])[0]?.id, 'vantage-gap', describeAnswer(a));
    // Asked alone, the locked agent gives no gap: there is nothing to compare with.
    const alone = await ask(w.fake, `${gapTarget()} from locked`, w.bot);
    assert.notEqual((alone.meta.causes as { id: string }[])[0]?.id, 'vantage-gap', describeAnswer(alone));
    assert.equal(vantage(alone, 'locked').outcome, 'not-probed');
    // The agent ran no probe for it: its log says the job ended with the policy's refusal.
    assert.ok(linesOf(locked, 'agent_job').length >= 2);
    await stopProc(locked);
  });

  it('agent-killed: an agent killed mid-job is reported as not answering, within the deadline', async (t) => {
    const doomed = startAgent(w.office, { name: 'doomed', token: w.tokens.doomed, url: w.botFromOffice });
    await waitLine(w.bot, 'agent_connected', { name: 'doomed' });
    await waitLine(doomed, 'agent_connected');
    const before = new Set([...w.fake.posted.values()].map((m) => `${m.channel}:${m.ts}`));
    // The office's own outgoing rules drop 6543: the agent's probe hangs until its connect timeout (2 s), and the
    // agent is killed while it waits.
    const answer = ask(w.fake, `${w.target} 6543 from doomed`, w.bot);
    answer.catch(() => undefined);
    await waitLine(doomed, 'agent_job');
    assert.equal(linesOf(doomed, 'agent_job_done').length, 0, 'the job must still be running when the agent is killed');
    doomed.child.kill('SIGKILL');
    await doomed.exit;
    const a = await answer;
    assert.ok(!before.has(`${a.reply.channel}:${a.reply.ts}`));
    assert.equal(vantage(a, 'doomed').state, 'timeout', describeAnswer(a));
    assert.equal(vantage(a, 'doomed').outcome, 'no-answer', describeAnswer(a));
    const line = lineOf(a, 'doomed');
    const waited = /no answer within ([\d.,]+) (ms|s)\b/.exec(line);
    assert.ok(waited, `the doomed agent's line does not say how long it was waited for: ${line}`);
    const waitedMs = Number(waited[1]!.replace(',', '')) * (waited[2] === 's' ? 1000 : 1);
    assert.ok(waitedMs <= JOB_DEADLINE_MS, `the bot waited ${waitedMs} ms for a dead agent, past the job's ${JOB_DEADLINE_MS} ms deadline`);
    // A dead agent makes no gap, and the bot's own view stands.
    assert.notEqual((a.meta.causes as { id: string }[])[0]?.id, 'vantage-gap', describeAnswer(a));
    assert.equal(vantage(a, 'lab-bot').outcome, 'open', describeAnswer(a));
    await waitLine(w.bot, 'agent_disconnected', { name: 'doomed' });
    procs.delete(doomed);
    t.diagnostic(`an agent killed mid-job: answered ${Math.round(a.ms)} ms after the command (the line says: ${line.replace(/^• /, '')})`);
  });

  it('agent-proxy: an agent behind an HTTP proxy connects through it; the branch lets only its proxy out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rflab-proxy-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const proxyLog = join(dir, 'connect.log');
    appendFileSync(proxyLog, '');
    const [direct, out] = [w.branch.v4[0]!, w.branch.v4[1]!];
    // The proxy opens its tunnels from .3; everything else from the branch to the bot's port is dropped.
    await w.lab.serveArgv(w.branch, [
      process.execPath,
      join(SERVERS_DIR, 'connect-proxy.mjs'),
      '--listen',
      '127.0.0.1:3128',
      '--source',
      out,
      '--log',
      proxyLog,
    ]);
    await w.lab.nft(
      w.branch,
      `
table inet branch {
  chain output {
    type filter hook output priority 0; policy accept;
    ip saddr ${direct} tcp dport ${BOT_PORT} drop
  }
}
`,
    );
    assert.equal((await w.lab.connect(w.branch, `10.213.${w.branch.index}.1`, BOT_PORT)).result, 'timeout', 'the branch must not reach the bot directly');
    const agent = startAgent(w.branch, {
      name: 'branch',
      token: w.tokens.branch,
      url: w.botFromBranch,
      environment: { HTTP_PROXY: 'http://127.0.0.1:3128', HTTPS_PROXY: 'http://127.0.0.1:3128' },
    });
    const starting = await waitLine(agent, 'agent_starting');
    assert.match(String(starting.message), /through the proxy http:\/\/127\.0\.0\.1:3128/);
    await waitLine(agent, 'agent_connected');
    const seen = await waitLine(w.bot, 'agent_connected', { name: 'branch' });
    // The bot sees the proxy's address, not the agent's.
    assert.equal(seen.from, out);
    assert.match(readFileSync(proxyLog, 'utf8'), new RegExp(`CONNECT 10\\.213\\.${w.branch.index}\\.1:${BOT_PORT} 200`));
    // Jobs travel through the tunnel too: a listener both sides reach is the same everywhere.
    const a = await ask(w.fake, `${direct} 80 from branch`, w.bot);
    assert.equal(vantage(a, 'branch').state, 'answered', describeAnswer(a));
    assert.equal(vantage(a, 'branch').outcome, 'open', describeAnswer(a));
    assert.equal(vantage(a, 'lab-bot').outcome, 'open', describeAnswer(a));
    await stopProc(agent);
  });

  it("measure: what an agent adds to the answer's time, against a bot with no agents beside it (printed, not asserted)", async (t) => {
    // A second bot in the same namespace, with no REFUSED_AGENTS: the baseline. Each command goes to one bot's
    // Socket Mode connection by name, alternating, so both see the same lab at the same time.
    const withAgents = w.fake.connections.map((c) => c.id);
    assert.equal(withAgents.length, 1);
    const bare = startBot(w.lab, w.fake, 'bot (no agents)', BOT_PORT + 1, {});
    await waitLine(bare, 'slack_connected');
    const alone = await until("the second bot's Socket Mode connection", () => w.fake.connections.find((c) => !withAgents.includes(c.id)), bare);
    const timings: Record<string, number[]> = {};
    const note = (key: string, ms: number) => (timings[key] ??= []).push(ms);
    for (let i = 0; i < RUNS; i++) {
      const open = await ask(w.fake, openTarget(), bare, alone.id);
      assert.equal(open.meta.vantages, undefined, 'a bot without agents answers from one vantage point');
      note('open target, bot alone', open.ms);
      const both = await ask(w.fake, `${openTarget()} from office`, w.bot, withAgents[0]);
      assert.equal(vantage(both, 'office').outcome, 'open', describeAnswer(both));
      note('open target, bot + office', both.ms);
      const hidden = await ask(w.fake, gapTarget(), bare, alone.id);
      note('hidden target, bot alone', hidden.ms);
      const gap = await ask(w.fake, `${gapTarget()} from office`, w.bot, withAgents[0]);
      assert.equal((gap.meta.causes as { id: string }[])[0]?.id, 'vantage-gap', describeAnswer(gap));
      note('hidden target, bot + office', gap.ms);
    }
    assert.equal(await stopProc(bare), 0, bare.output().slice(-2000));
    const jobs = linesOf(w.officeAgent, 'agent_job_done')
      .map((l) => Number(l.ms))
      .filter(Number.isFinite);
    for (const [key, values] of Object.entries(timings)) t.diagnostic(`${key}: ${JSON.stringify(summary(values))} ms from /refused to the answer`);
    if (jobs.length > 0) t.diagnostic(`the office agent's own engine time per job: ${JSON.stringify(summary(jobs))} ms`);
  });

  it('the bot and the office agent stop cleanly, and the bot logged no error and no token', async () => {
    assert.equal(await stopProc(w.officeAgent), 0, w.officeAgent.output().slice(-2000));
    assert.equal(await stopProc(w.bot), 0, w.bot.output().slice(-2000));
    assert.deepEqual(
      w.bot.lines.filter((l) => l.level === 'error' || l.event === 'not-json'),
      [],
      'the bot logged errors',
    );
    for (const token of Object.values(w.tokens)) assert.ok(!w.bot.output().includes(token), 'the bot logged a token');
  });
});
