// HTTP mode under hostile traffic, against the bot as a process (the way `npm start` runs it) and a fake
// Slack on loopback: a burst of large unsigned bodies must not grow the process, timestamps outside the
// five-minute window and replayed signatures are refused, malformed signed payloads get a quick 4xx and
// never an unhandled rejection, and bodies over the cap are cut off. Only loopback is ever contacted.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { spawnBot } from './child-bot.js';
import { FakeSlack, slackSignature } from './fake-slack.js';
import { closedPort, env, SECRET } from './harness.js';

interface Bot {
  child: ChildProcess;
  port: number;
  lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** The bot in HTTP mode as a child process of its own, so its memory is measured apart from the test runner. */
async function startHttpBot(fake: FakeSlack, extra: Record<string, string> = {}): Promise<Bot> {
  const vars: Record<string, string> = { ...env(fake, { SLACK_SIGNING_SECRET: SECRET, LOG_LEVEL: 'info', ...extra }) };
  delete vars.SLACK_APP_TOKEN;
  const run = spawnBot(vars);
  const { child, lines } = run;
  try {
    await run.waitLine('slack_ready', 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const exited = run.exit;
  const port = Number(lines.find((l) => l.event === 'listening')!.port);
  return {
    child,
    port,
    lines,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process in MB (Linux /proc, else ps). */
function rssMb(pid: number): number {
  if (existsSync(`/proc/${pid}/status`)) {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) / 1024;
  }
  throw new Error('cannot read the resident memory of the bot process');
}

interface Sent {
  /** The status code of the answer, when one arrived. */
  status: number | null;
  /** Body bytes handed to the socket before the answer came or the socket closed. */
  sent: number;
  /** ms from connect to the answer (or the close). */
  ms: number;
  error: string | null;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x7a);

/**
 * One raw HTTP/1.1 request: the head, then `bodyBytes` of filler (as a Content-Length body, or chunked),
 * a chunk per turn of the event loop (or every `paceMs`). Stops writing as soon as an answer arrives.
 */
function rawPost(port: number, o: { headers: Record<string, string>; bodyBytes: number; chunked?: boolean; declaredLength?: number; sendBody?: boolean; paceMs?: number; chunkBytes?: number; timeoutMs?: number }): Promise<Sent> {
  return new Promise((resolve) => {
    const started = performance.now();
    const sock = connect({ host: '127.0.0.1', port });
    let status: number | null = null;
    let head = '';
    let sent = 0;
    let error: string | null = null;
    let done = false;
    const chunkBytes = o.chunkBytes ?? CHUNK.length;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ status, sent, ms: performance.now() - started, error });
    };
    const timer = setTimeout(() => {
      error ??= 'timeout';
      finish();
    }, o.timeoutMs ?? 60_000);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
    });
    sock.on('close', finish);
    sock.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m && status === null) {
        status = Number(m[1]);
        // The whole answer is small; give it a moment to arrive, then hang up.
        setTimeout(finish, 20);
      }
    });
    const pump = () => {
      if (done || status !== null) return;
      if (sent >= o.bodyBytes) {
        if (o.chunked) sock.write('0\r\n\r\n');
        return;
      }
      const n = Math.min(chunkBytes, o.bodyBytes - sent);
      const data = n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n);
      const ok = o.chunked ? [sock.write(`${n.toString(16)}\r\n`), sock.write(data), sock.write('\r\n')].every(Boolean) : sock.write(data);
      sent += n;
      // One chunk per turn of the event loop (or per `paceMs`): five hundred writers share this process
      // fairly with the health probes it also runs, and each sees the answer as soon as it arrives.
      if (ok) setTimeout(pump, o.paceMs ?? 0);
      else sock.once('drain', () => setTimeout(pump, o.paceMs ?? 0));
    };
    sock.on('connect', () => {
      const lines = ['POST /slack/events HTTP/1.1', 'Host: 127.0.0.1'];
      for (const [k, v] of Object.entries(o.headers)) lines.push(`${k}: ${v}`);
      if (o.chunked) lines.push('Transfer-Encoding: chunked');
      else lines.push(`Content-Length: ${o.declaredLength ?? o.bodyBytes}`);
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (o.sendBody !== false) pump();
    });
  });
}

const nowS = () => Math.floor(Date.now() / 1000);

/** Headers that look signed (a well-formed v0 signature and a current timestamp) but are not. */
const forgedHeaders = () => ({ 'content-type': 'application/json', 'x-slack-request-timestamp': String(nowS()), 'x-slack-signature': `v0=${randomBytes(32).toString('hex')}` });

describe('HTTP mode: a burst of large unsigned requests', () => {
  let fake: FakeSlack;
  let bot: Bot;
  before(async () => {
    fake = await FakeSlack.start();
    bot = await startHttpBot(fake);
  });
  after(async () => {
    await bot?.stop();
    await fake?.close();
  });

  it('500 concurrent 3.75 MB POSTs do not grow the process, and /healthz answers throughout', async (t) => {
    const SIZE = Math.round(3.75 * 1024 * 1024);
    const COUNT = 500;
    // Let start-up settle before the baseline.
    await sleep(500);
    const before = rssMb(bot.child.pid!);
    let peak = before;
    const health: { status: number | string; ms: number }[] = [];
    let bursting = true;
    const sampler = (async () => {
      while (bursting) {
        peak = Math.max(peak, rssMb(bot.child.pid!));
        await sleep(50);
      }
    })();
    const prober = (async () => {
      while (bursting) {
        const t0 = performance.now();
        try {
          const res = await fetch(`http://127.0.0.1:${bot.port}/healthz`, { signal: AbortSignal.timeout(3000) });
          await res.arrayBuffer();
          health.push({ status: res.status, ms: Math.round(performance.now() - t0) });
        } catch (err) {
          health.push({ status: (err as Error).name, ms: Math.round(performance.now() - t0) });
        }
        await sleep(100);
      }
    })();
    const started = performance.now();
    // Most carry no signature at all; one in ten carries a well-formed forged one and streams its body
    // chunked, so the cap on bytes read (not only the Content-Length check) is under load too.
    const results = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        i % 10 === 9
          ? rawPost(bot.port, { headers: forgedHeaders(), bodyBytes: SIZE, chunked: true })
          : rawPost(bot.port, { headers: { 'content-type': 'application/json' }, bodyBytes: SIZE }),
      ),
    );
    const burstMs = Math.round(performance.now() - started);
    const right = rssMb(bot.child.pid!);
    peak = Math.max(peak, right);
    await sleep(3000);
    const later = rssMb(bot.child.pid!);
    bursting = false;
    await Promise.all([sampler, prober]);

    const statuses: Record<string, number> = {};
    for (const r of results) statuses[String(r.status ?? r.error)] = (statuses[String(r.status ?? r.error)] ?? 0) + 1;
    const sentMb = results.reduce((s, r) => s + r.sent, 0) / 1024 / 1024;
    const report = {
      requests: COUNT,
      bodyMbEach: 3.75,
      burstMs,
      clientWroteMb: Math.round(sentMb),
      answers: statuses,
      rssMb: { before: Math.round(before), peak: Math.round(peak), rightAfter: Math.round(right), threeSecondsAfter: Math.round(later) },
      healthz: { probes: health.length, ok: health.filter((h) => h.status === 200).length, slowestMs: Math.max(0, ...health.map((h) => h.ms)) },
    };
    t.diagnostic(JSON.stringify(report));
    console.log('http burst:', JSON.stringify(report));

    assert.ok(peak - before < 100, `RSS grew by ${Math.round(peak - before)} MB during the burst (${Math.round(before)} → ${Math.round(peak)} MB)`);
    assert.ok(later - before < 100, `RSS still ${Math.round(later - before)} MB above the baseline 3 s later`);
    assert.ok(health.length >= 1, 'at least one health probe ran during the burst');
    assert.deepEqual(
      health.filter((h) => h.status !== 200),
      [],
      'every /healthz during the burst answered 200',
    );
    assert.equal((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${bot.port}/readyz`)).status, 200);
    // No request of the burst ever reached a listener.
    assert.equal(fake.callsOf('chat.postMessage').length, 0);
    assert.ok(!bot.lines.some((l) => l.event === 'unhandled_rejection' || l.event === 'listener_error'));
  });
});

describe('HTTP mode: what the gate in front of Bolt refuses', () => {
  let fake: FakeSlack;
  let bot: Bot;
  before(async () => {
    fake = await FakeSlack.start();
    bot = await startHttpBot(fake, { LOG_LEVEL: 'debug' });
  });
  after(async () => {
    await bot?.stop();
    await fake?.close();
    assert.deepEqual(fake?.violations ?? [], []);
    assert.ok(!JSON.stringify(bot?.lines ?? []).includes(SECRET), 'the signing secret never reaches the log');
  });

  const url = () => `http://127.0.0.1:${bot.port}/slack/events`;
  const signed = (body: string, ts: number, contentType = 'application/x-www-form-urlencoded', extra: Record<string, string> = {}) => ({
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(SECRET, ts, body),
    ...extra,
  });
  const command = (channel: string, text: string) => new URLSearchParams(fake.slashCommand(text, { channel }) as Record<string, string>).toString();
  const parents = (channel: string) => [...fake.posted.values()].filter((m) => m.channel === channel && !m.thread_ts);

  it('refuses timestamps six minutes in the future or the past, and requests without a well-formed signature, before reading them', async () => {
    const port = await closedPort();
    for (const [what, offset, channel] of [
      ['6 minutes in the future', 6 * 60, 'C601'],
      ['6 minutes in the past', -6 * 60, 'C602'],
    ] as const) {
      const body = command(channel, `127.0.0.1 ${port}`);
      const ts = nowS() + offset;
      const res = await fetch(url(), { method: 'POST', headers: signed(body, ts), body, signal: AbortSignal.timeout(3000) });
      assert.equal(res.status, 401, `a timestamp ${what} is refused`);
      await res.arrayBuffer();
      await sleep(300);
      assert.equal(parents(channel).length, 0, `a request stamped ${what} reaches no listener`);
    }
    // Without the headers, or with malformed ones, the answer comes before the body is sent at all.
    const ts = String(nowS());
    const sig = `v0=${'ab'.repeat(32)}`;
    const shapes: Record<string, string>[] = [
      {},
      { 'x-slack-signature': sig },
      { 'x-slack-request-timestamp': ts },
      { 'x-slack-signature': sig, 'x-slack-request-timestamp': `${ts}.5` },
      { 'x-slack-signature': sig, 'x-slack-request-timestamp': '1e9' },
      { 'x-slack-signature': sig, 'x-slack-request-timestamp': `-${ts}` },
      { 'x-slack-signature': 'v1=abc', 'x-slack-request-timestamp': ts },
      { 'x-slack-signature': `v0=${'zz'.repeat(32)}`, 'x-slack-request-timestamp': ts },
    ];
    for (const headers of shapes) {
      const r = await rawPost(bot.port, { headers: { 'content-type': 'application/json', ...headers }, bodyBytes: 512 * 1024, sendBody: false, timeoutMs: 3000 });
      assert.equal(r.status, 401, `${JSON.stringify(headers)} is refused with 401 (got ${r.status ?? r.error})`);
      assert.ok(r.ms < 1500, `answered in ${Math.round(r.ms)} ms, without waiting for the body`);
    }
  });

  it('processes a replayed request once; a Slack retry with a new signature still goes through', async () => {
    const port = await closedPort();
    const body = command('C700', `127.0.0.1 ${port}`);
    const headers = signed(body, nowS());
    const first = await fetch(url(), { method: 'POST', headers, body, signal: AbortSignal.timeout(3000) });
    assert.equal(first.status, 200);
    await first.arrayBuffer();
    const replay = await fetch(url(), { method: 'POST', headers, body, signal: AbortSignal.timeout(3000) });
    assert.ok(replay.status === 200 || (replay.status >= 400 && replay.status < 500), `the replay got ${replay.status}`);
    await replay.arrayBuffer();
    await fake.waitFor(() => parents('C700')[0] && fake.thread('C700', parents('C700')[0]!.ts)[0], 'the one diagnosis');
    await sleep(1000);
    assert.equal(parents('C700').length, 1, 'the replayed command was not run a second time');
    assert.ok(bot.lines.some((l) => l.event === 'http_replay'), 'the replay is logged');

    // Slack's own retry carries a new timestamp (so a new signature) and x-slack-retry-num: not a replay.
    const event = JSON.stringify(fake.event({ type: 'message', user: 'U100', text: 'hello there', channel: 'C701', channel_type: 'channel', ts: '901.000001' }));
    const once = await fetch(url(), { method: 'POST', headers: signed(event, nowS() - 2, 'application/json'), body: event });
    assert.equal(once.status, 200);
    await once.arrayBuffer();
    const replays = bot.lines.filter((l) => l.event === 'http_replay').length;
    const retry = await fetch(url(), { method: 'POST', headers: signed(event, nowS(), 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }), body: event });
    assert.equal(retry.status, 200);
    await retry.arrayBuffer();
    assert.equal(bot.lines.filter((l) => l.event === 'http_replay').length, replays, 'a retry is not taken for a replay');
  });

  it('answers malformed signed payloads with a quick 4xx, never an unhandled rejection or a hang', async () => {
    const FORM = 'application/x-www-form-urlencoded';
    const JSON_TYPE = 'application/json';
    const cases: [string, string][] = [
      ['payload=null', FORM],
      ['payload=[]', FORM],
      ['payload=%7B', FORM],
      ['payload=42', FORM],
      ['payload=%22text%22', FORM],
      ['payload=%7B%22type%22%3A%22no_such_type%22%7D', FORM],
      [`payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [] }))}`, FORM],
      [`payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U1' } }))}`, FORM],
      ['payload=%7B%7D&payload=%7B%7D', FORM],
      ['just=a&form=body', FORM],
      ['null', JSON_TYPE],
      ['[]', JSON_TYPE],
      ['42', JSON_TYPE],
      ['"text"', JSON_TYPE],
      ['{', JSON_TYPE],
      ['{"type":"no_such_type"}', JSON_TYPE],
      ['{"type":"event_callback","event":"message"}', JSON_TYPE],
      ['{"type":"event_callback","event":{"type":"message","item":null}}', JSON_TYPE],
      ['{"type":"event_callback","event":{"type":"message"},"authorizations":[null]}', JSON_TYPE],
    ];
    const before = fake.callsOf('chat.postMessage').length;
    for (const [body, type] of cases) {
      const t0 = performance.now();
      let status: number | string;
      let text = '';
      try {
        const res = await fetch(url(), { method: 'POST', headers: signed(body, nowS(), type), body, signal: AbortSignal.timeout(5000) });
        status = res.status;
        text = await res.text();
      } catch (err) {
        status = (err as Error).name;
      }
      const ms = performance.now() - t0;
      assert.ok(typeof status === 'number' && status >= 400 && status < 500, `${type} ${body} → ${status} ${text}`);
      assert.ok(ms < 1500, `${type} ${body} answered in ${Math.round(ms)} ms`);
    }
    await sleep(3500);
    const bad = bot.lines.filter((l) => l.event === 'unhandled_rejection' || l.event === 'listener_error' || (l.event === 'bolt' && l.level === 'error'));
    assert.deepEqual(bad, [], 'no unhandled rejection, listener error or Bolt error');
    assert.equal(fake.callsOf('chat.postMessage').length, before);
    // A well-formed signed request still works after all that.
    const ok = JSON.stringify({ type: 'url_verification', token: 'legacy', challenge: 'c-789' });
    const res = await fetch(url(), { method: 'POST', headers: signed(ok, nowS(), JSON_TYPE), body: ok });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /c-789/);
  });

  it('answers 413 to a declared body over the cap without reading it, and cuts off a chunked one', async () => {
    const declared = await rawPost(bot.port, { headers: forgedHeaders(), bodyBytes: 1024 * 1024, sendBody: false, timeoutMs: 3000 });
    assert.equal(declared.status, 413, `1 MB declared: ${declared.status ?? declared.error}`);
    assert.ok(declared.ms < 1500, `answered in ${Math.round(declared.ms)} ms, before any body byte was sent`);

    const bigSigned = 'x'.repeat(200 * 1024);
    const ts = nowS();
    const honest = await rawPost(bot.port, { headers: signed(bigSigned, ts, 'application/json'), bodyBytes: bigSigned.length, sendBody: false, timeoutMs: 3000 });
    assert.equal(honest.status, 413, 'a correctly signed body over the cap is refused all the same');

    // Chunked: no length up front, 16 KB every 5 ms; the answer must come long before 2 MB are sent.
    const chunked = await rawPost(bot.port, { headers: forgedHeaders(), bodyBytes: 2 * 1024 * 1024, chunked: true, chunkBytes: 16 * 1024, paceMs: 5, timeoutMs: 10_000 });
    assert.equal(chunked.status, 413, `chunked: ${chunked.status ?? chunked.error}`);
    assert.ok(chunked.sent < 512 * 1024, `cut off after ${chunked.sent} bytes`);
    // Log lines are written once per turn of the bot's event loop: the answer may arrive before its line.
    const cut = await fake.waitFor(() => bot.lines.find((l) => l.event === 'http_refused' && l.status === 413 && l.reason === 'body over the cap'), 'the cut-off logged with the bytes read', 5000);
    assert.equal(typeof cut.bytesRead, 'number');
    assert.ok((cut.bytesRead as number) <= 80 * 1024, `read ${String(cut.bytesRead)} bytes before cutting off`);
  });
});
