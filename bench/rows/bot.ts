// Rows 1, 2 and 8: the bot as a process (started as `npm start` starts it, by test/slack/child-bot.ts) against
// the fake Slack on loopback, 200 /refused commands at once, five bursts, in HTTP mode and in Socket Mode.
// Each command asks about a closed loopback port, from its own user and channel (so the per-person and
// per-channel rate limits stay out of it; the queue and concurrency are the defaults). The ack time is the
// time from sending the command to the bot's answer: the HTTP response in HTTP mode, the envelope ack over
// the WebSocket in Socket Mode (timed by the fake Slack). Baseline: a Bolt app that only acks
// (bolt-ack-only.ts), measured the same way in the same run, and in HTTP mode node:http alone answering at
// once (http-ack-only.ts), the floor of any Node app on this machine. The bot's resident memory is read from /proc
// all along the HTTP-mode run: idle, the peak over the bursts, and after each burst.
import { request } from 'node:http';
import { spawnBot, spawnNode } from '../../test/slack/child-bot.js';
import { APP_TOKEN, BOT_TOKEN, FakeSlack, slackSignature } from '../../test/slack/fake-slack.js';
import { nodeArgsFor, withStop, type Child } from '../lib/child.js';
import type { BenchContext } from '../lib/context.js';
import {
  fmtMs,
  fmtRatio,
  fmtSummary,
  fmtSummaryOf,
  nowMs,
  percentile,
  quietClosedPort,
  round,
  roundSummary,
  rssMiB,
  sleep,
  summarize,
} from '../lib/measure.js';
import type { Row } from '../lib/table.js';

const COMMANDS = 200;
const SECRET = '5ec4e7b3c1d2a0f98e7d6c5b4a392817';
/** Slack drops a command not acked within 3 s. */
const SLACK_ACK_LIMIT_MS = 3000;
const ACK_GOAL_MS = 100;
const PEAK_GOAL_MIB = 150;
/** "Flat after bursts": settled memory after the last burst at most this far above the first burst's. */
const FLAT_MIB = 10;

type Mode = 'http' | 'socket';
type Who = 'bot' | 'bolt' | 'node';

interface Burst {
  acks: number[];
  /** Commands whose ack carried a message (busy, over a limit, usage): answered to the asker alone. */
  refusedInAck: number;
  busy: number;
  /** No ack at all (a connection error, a timeout). */
  unanswered: number;
  /** Diagnoses posted in their channel's thread. */
  replies: number;
  /** Channel notes left without a diagnosis in their thread. */
  orphanNotes: number;
  /** Answers sent through response_url instead (a failure, the private fallback). */
  privateAnswers: number;
  /** Of those, "busy" after the channel note was already posted. */
  busyAfterNote: number;
  /** From the first command sent to the last reply posted (or the wait giving up). */
  ms: number;
}

interface RunResult {
  bursts: Burst[];
  rss: { idle: number | null; peak: number | null; afterEach: (number | null)[]; after: number | null };
  error: string | null;
}

function botEnv(fake: FakeSlack, mode: Mode): Record<string, string> {
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    // The commands ask about the bot's own loopback: an operator would have to allow that too.
    REFUSED_ALLOW_LOOPBACK: 'true',
  };
  if (mode === 'socket') env.SLACK_APP_TOKEN = APP_TOKEN;
  else env.SLACK_SIGNING_SECRET = SECRET;
  return env;
}

function start(who: Who, fake: FakeSlack, mode: Mode): Child {
  const env = botEnv(fake, mode);
  if (who === 'bolt') return withStop(spawnNode(nodeArgsFor(new URL('./bolt-ack-only.js', import.meta.url)), env));
  if (who === 'node') return withStop(spawnNode(nodeArgsFor(new URL('./http-ack-only.js', import.meta.url)), env));
  return withStop(spawnBot(env));
}

/** One signed slash command over its own connection, as Slack sends it; resolves with the answer. */
function post(port: number, body: string, headers: Record<string, string>): Promise<{ ms: number; status: number | null; body: string }> {
  return new Promise((resolve) => {
    const t = nowMs();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/slack/events',
        agent: false,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: 10_000,
      },
      (res) => {
        const ms = nowMs() - t;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ ms, status: res.statusCode ?? null, body: text }));
        res.on('error', () => resolve({ ms, status: res.statusCode ?? null, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: nowMs() - t, status: null, body: '' }));
    req.end(body);
  });
}

/** A plain ack carries no payload (or an empty one); a refusal carries a message (text, blocks). */
function said(p: unknown): string {
  return typeof p === 'object' && p !== null && ('text' in p || 'blocks' in p) ? JSON.stringify(p) : '';
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return { text: s };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout;
  return Promise.race([p.finally(() => clearTimeout(timer)), new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)))]);
}

async function burst(fake: FakeSlack, mode: Mode, port: number, b: number, text: string, expectReplies: boolean): Promise<Burst> {
  const commands = Array.from({ length: COMMANDS }, (_, i) => fake.slashCommand(text, { user: `UB${b}N${i}`, channel: `CB${b}N${i}` }));
  const channels = new Set(commands.map((c) => String(c.channel_id)));
  const responseIds = new Set(commands.map((c) => String(c.response_url).split('/response/')[1]));
  const respondedBefore = fake.responses.length;
  let answers: { ms: number; message: string | null }[];
  const started = nowMs();
  if (mode === 'http') {
    // Signed before the clock starts for any of them, so the burst is as close to "at once" as one process can send.
    const ts = String(Math.floor(Date.now() / 1000));
    const signed = commands.map((c) => {
      const body = new URLSearchParams(c as Record<string, string>).toString();
      return {
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': slackSignature(SECRET, Number(ts), body),
        },
      };
    });
    const res = await Promise.all(signed.map((s) => post(port, s.body, s.headers)));
    answers = res.map((r) => (r.status === 200 ? { ms: r.ms, message: said(r.body === '' ? null : safeJson(r.body)) } : { ms: Number.NaN, message: null }));
  } else {
    const acks = await Promise.all(commands.map((c) => withTimeout(fake.send('slash_commands', c), 10_000)));
    answers = acks.map((a) => (a ? { ms: a.ms, message: said(a.payload) } : { ms: Number.NaN, message: null }));
  }
  const acked = answers.filter((a) => a.message !== null);
  const accepted = acked.filter((a) => a.message === '').length;
  const refused = acked.filter((a) => a.message !== '');
  const replied = () => {
    const parents = new Set<string>();
    const threads = new Set<string>();
    for (const m of fake.posted.values()) {
      if (!channels.has(m.channel)) continue;
      if (m.thread_ts) threads.add(m.channel);
      else parents.add(m.channel);
    }
    const privately = fake.responses.slice(respondedBefore).filter((r) => responseIds.has(r.id));
    return {
      replies: threads.size,
      orphanNotes: [...parents].filter((c) => !threads.has(c)).length,
      privateAnswers: privately.length,
      busyAfterNote: privately.filter((r) => /busy/i.test(String(r.body.text ?? ''))).length,
    };
  };
  let seen = replied();
  if (expectReplies) {
    // Every accepted command ends in a diagnosis in its thread or a private answer; wait for all, bounded.
    const until = Date.now() + 60_000;
    while (seen.replies + seen.privateAnswers < accepted && Date.now() < until) {
      await sleep(25);
      seen = replied();
    }
  }
  return {
    acks: acked.map((a) => a.ms),
    refusedInAck: refused.length,
    busy: refused.filter((a) => /busy/i.test(a.message ?? '')).length,
    unanswered: answers.length - acked.length,
    ...seen,
    ms: nowMs() - started,
  };
}

async function runOne(ctx: BenchContext, who: Who, mode: Mode, target: number): Promise<RunResult> {
  const fake = await FakeSlack.start();
  const proc = start(who, fake, mode);
  const samples: { at: number; mib: number }[] = [];
  const pid = proc.child.pid ?? -1;
  const sampler = setInterval(() => {
    const v = rssMiB(pid);
    if (v !== null) samples.push({ at: nowMs(), mib: v });
  }, 25);
  const rssNow = () => rssMiB(pid);
  const out: RunResult = { bursts: [], rss: { idle: null, peak: null, afterEach: [], after: null }, error: null };
  try {
    const t0 = nowMs();
    await proc.waitLine(mode === 'http' ? 'slack_ready' : 'slack_connected', 60_000);
    ctx.progress(`  ${who} ${mode}: ready in ${fmtMs(nowMs() - t0)}`);
    const port = mode === 'http' ? Number(proc.lines.find((l) => l.event === 'listening')?.port) : 0;
    // Let the start settle; idle is the median over the next second.
    await sleep(1500);
    const idleFrom = nowMs();
    await sleep(1000);
    out.rss.idle = summarize(samples.filter((s) => s.at >= idleFrom).map((s) => s.mib)).median;
    const burstFrom = nowMs();
    for (let b = 0; b < ctx.runs; b++) {
      const one = await burst(fake, mode, port, b, `127.0.0.1 ${target}`, who === 'bot');
      out.bursts.push(one);
      ctx.progress(
        `  ${who} ${mode}: burst ${b + 1}/${ctx.runs}: ack p99 ${fmtMs(percentile(one.acks, 0.99))}, ${one.replies} replies, ${(one.ms / 1000).toFixed(1)} s`,
      );
      // The bot's memory settles for a second after each burst; the baseline's is only context.
      await sleep(who === 'bot' ? 1000 : 300);
      out.rss.afterEach.push(rssNow());
    }
    await sleep(2000);
    out.rss.after = rssNow();
    const during = samples.filter((s) => s.at >= burstFrom).map((s) => s.mib);
    out.rss.peak = during.length > 0 ? Math.max(...during) : null;
  } catch (err) {
    out.error = err instanceof Error ? err.message.slice(0, 300) : String(err);
    ctx.notes.push(`${who} ${mode}: ${out.error}`);
  } finally {
    clearInterval(sampler);
    await proc.stop();
    await fake.close();
  }
  return out;
}

const p99s = (r: RunResult) => summarize(r.bursts.map((b) => percentile(b.acks, 0.99)));
const sum = (r: RunResult, k: 'replies' | 'busy' | 'refusedInAck' | 'unanswered' | 'orphanNotes' | 'privateAnswers' | 'busyAfterNote') =>
  r.bursts.reduce((a, b) => a + b[k], 0);
const mib = (v: number | null) => (v === null ? '?' : `${Math.round(v)} MiB`);

function burstData(r: RunResult) {
  return {
    error: r.error,
    ackP99: roundSummary(p99s(r)),
    bursts: r.bursts.map((b) => ({
      ackP50: round(percentile(b.acks, 0.5)),
      ackP99: round(percentile(b.acks, 0.99)),
      ackMax: round(Math.max(...b.acks)),
      acked: b.acks.length,
      refusedInAck: b.refusedInAck,
      busy: b.busy,
      unanswered: b.unanswered,
      replies: b.replies,
      orphanNotes: b.orphanNotes,
      privateAnswers: b.privateAnswers,
      busyAfterNote: b.busyAfterNote,
      acksOver3s: b.acks.filter((ms) => ms > SLACK_ACK_LIMIT_MS).length,
      ms: round(b.ms),
    })),
    rssMiB: {
      idle: r.rss.idle && round(r.rss.idle, 1),
      peak: r.rss.peak && round(r.rss.peak, 1),
      afterEach: r.rss.afterEach.map((v) => v && round(v, 1)),
      after: r.rss.after && round(r.rss.after, 1),
    },
  };
}

/** "replies 1000/1000" or "replies 820/1000 (busy: 9 in the ack, 171 after the channel note)". */
function repliesWords(r: RunResult): string {
  const total = r.bursts.length * COMMANDS;
  const extra: string[] = [];
  const busy = [
    sum(r, 'busy') > 0 ? `${sum(r, 'busy')} in the ack` : '',
    sum(r, 'busyAfterNote') > 0 ? `${sum(r, 'busyAfterNote')} after the channel note` : '',
  ].filter(Boolean);
  if (busy.length > 0) extra.push(`busy: ${busy.join(', ')}`);
  const otherAck = sum(r, 'refusedInAck') - sum(r, 'busy');
  if (otherAck > 0) extra.push(`${otherAck} other refusals in the ack`);
  const otherPrivate = sum(r, 'privateAnswers') - sum(r, 'busyAfterNote');
  if (otherPrivate > 0) extra.push(`${otherPrivate} other private answers`);
  if (sum(r, 'unanswered') > 0) extra.push(`${sum(r, 'unanswered')} not acked`);
  const late = r.bursts.reduce((a, b) => a + b.acks.filter((ms) => ms > SLACK_ACK_LIMIT_MS).length, 0);
  if (late > 0) extra.push(`${late} acks after 3 s, which Slack drops`);
  return `replies ${sum(r, 'replies')}/${total}${extra.length ? ` (${extra.join('; ')})` : ''}`;
}

export async function botRows(ctx: BenchContext): Promise<Row[]> {
  const target = await quietClosedPort();
  const none: RunResult = { bursts: [], rss: { idle: null, peak: null, afterEach: [], after: null }, error: 'not run' };
  const runs: Record<string, RunResult> = {};
  for (const mode of ['http', 'socket'] as const) {
    if (mode === 'http' ? !ctx.wants(1) && !ctx.wants(8) : !ctx.wants(2)) continue;
    for (const who of mode === 'http' ? (['bot', 'bolt', 'node'] as const) : (['bot', 'bolt'] as const)) {
      ctx.progress(` ${who} in ${mode} mode`);
      runs[`${who}-${mode}`] = await runOne(ctx, who, mode, target);
    }
  }
  const botHttp = runs['bot-http'] ?? none;
  const boltHttp = runs['bolt-http'] ?? none;
  const botSocket = runs['bot-socket'] ?? none;
  const boltSocket = runs['bolt-socket'] ?? none;
  const nodeHttp = runs['node-http'] ?? none;
  const total = ctx.runs * COMMANDS;

  const h = p99s(botHttp);
  const hb = p99s(boltHttp);
  const hn = p99s(nodeHttp);
  const allReplied = botHttp.error === null && sum(botHttp, 'replies') === total;
  const row1: Row = {
    n: 1,
    what: `bot, ${COMMANDS} slash commands at once, HTTP mode (${ctx.runs} bursts)`,
    ours: `ack p99 ${fmtSummary(h)}; ${repliesWords(botHttp)}`,
    theirs: `Bolt that only acks: p99 ${fmtSummary(hb)}; node:http answering at once: p99 ${fmtSummary(hn)}; Slack drops an ack after ${SLACK_ACK_LIMIT_MS / 1000} s`,
    ratio: `${fmtRatio(h.median / hb.median)} Bolt, ${fmtRatio(h.median / hn.median)} node:http`,
    goal: `p99 < ${ACK_GOAL_MS} ms, every reply posted`,
    met: h.median < ACK_GOAL_MS && allReplied ? 'yes' : 'no',
    data: { commands: COMMANDS, bot: burstData(botHttp), boltAckOnly: burstData(boltHttp), nodeHttpOnly: burstData(nodeHttp) },
  };

  const s = p99s(botSocket);
  const sb = p99s(boltSocket);
  const row2: Row = {
    n: 2,
    what: 'bot, the same through Socket Mode',
    ours: `ack p99 ${fmtSummary(s)}; ${repliesWords(botSocket)}`,
    theirs: `Bolt that only acks: p99 ${fmtSummary(sb)}`,
    ratio: `${fmtRatio(s.median / sb.median)} Bolt`,
    goal: `p99 < ${ACK_GOAL_MS} ms`,
    met: botSocket.error === null && s.median < ACK_GOAL_MS ? 'yes' : 'no',
    data: { commands: COMMANDS, bot: burstData(botSocket), boltAckOnly: burstData(boltSocket) },
  };

  const m = botHttp.rss;
  const first = m.afterEach[0] ?? null;
  const last = m.afterEach.at(-1) ?? null;
  const growth = first !== null && last !== null ? last - first : Number.NaN;
  const peak = m.peak ?? Number.NaN;
  const boltPeak = boltHttp.rss.peak;
  const settled = summarize(m.afterEach.filter((v): v is number => v !== null));
  const row8: Row = {
    n: 8,
    what: 'bot memory (RSS, HTTP mode, over the bursts of row 1)',
    ours: `idle ${mib(m.idle)}; peak ${mib(m.peak)}; after each burst ${fmtSummaryOf(settled, 'MiB')}; ${growth >= 0 ? '+' : ''}${Math.round(growth)} MiB from burst 1 to ${ctx.runs}`,
    theirs: `limit ${PEAK_GOAL_MIB} MiB at the peak; Bolt that only acks: idle ${mib(boltHttp.rss.idle)}, peak ${mib(boltPeak)}`,
    ratio: `${fmtRatio(peak / PEAK_GOAL_MIB)} the limit`,
    goal: `peak < ${PEAK_GOAL_MIB} MiB, flat after bursts (≤ +${FLAT_MIB} MiB)`,
    met: peak < PEAK_GOAL_MIB && growth <= FLAT_MIB ? 'yes' : 'no',
    data: {
      http: burstData(botHttp).rssMiB,
      socket: burstData(botSocket).rssMiB,
      boltAckOnlyHttp: burstData(boltHttp).rssMiB,
      growthMiB: round(growth, 1),
      flatWithinMiB: FLAT_MIB,
    },
  };
  return [row1, row2, row8];
}
