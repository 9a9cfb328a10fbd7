import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { environment, formatProblems, loadConfig } from '../../src/config.js';
import { factsFromEndpoint, factsFromUrl, parse } from '../../src/parse/index.js';
import { buttonKey, checkRequest, decode, encode, encodeCheck, MAX_AGE_S, MAX_VALUE, misplaced } from '../../src/slack/button-value.js';
import { History, Seen } from '../../src/slack/history.js';
import { memoryLog } from '../../src/slack/log.js';
import { changes, snapshot } from '../../src/slack/state.js';
import { Watches } from '../../src/slack/watches.js';
import { Abandoned, Draining, Work } from '../../src/slack/work.js';
import { healthy, refusedTwoAddresses } from './fixtures.js';

const SECRET = '0123456789abcdef0123456789abcdef';

describe('config', () => {
  it('picks Socket Mode when an app token is given, with defaults', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    assert.ok(r.ok);
    assert.equal(r.config.mode, 'socket');
    assert.equal(r.config.port, 3000);
    assert.equal(r.config.watch.durationMs, 30 * 60_000);
    assert.equal(r.config.watch.perUser, 3);
    assert.equal(r.config.slackApiUrl, null);
  });

  it('picks HTTP mode with a signing secret and no app token; normalises SLACK_API_URL', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'https://slack-gov.com/api', REFUSED_CONNECT_TIMEOUT_MS: '1500' });
    assert.ok(r.ok);
    assert.equal(r.config.mode, 'http');
    assert.equal(r.config.slackApiUrl, 'https://slack-gov.com/api/');
    assert.deepEqual(r.config.timeouts, { connectMs: 1500 });
  });

  it('lists every problem at once, naming each variable and how to fix it', () => {
    const r = loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user', PORT: 'eighty', REFUSED_WATCH_MINUTES: '0', SLACK_API_URL: 'not a url', LOG_LEVEL: 'loud' });
    assert.ok(!r.ok);
    const text = formatProblems(r.problems);
    for (const name of ['SLACK_BOT_TOKEN', 'PORT', 'REFUSED_WATCH_MINUTES', 'SLACK_API_URL', 'LOG_LEVEL', 'SLACK_APP_TOKEN']) assert.match(text, new RegExp(name), name);
    assert.match(text, /xoxb-/);
    assert.match(text, /connections:write/);
    assert.equal(r.problems.length, 6);
  });

  it('reports a missing bot token even when nothing else is set', () => {
    const r = loadConfig({});
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 2);
  });

  it('reads .env under the process environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'refused-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'SLACK_BOT_TOKEN=xoxb-from-file\nPORT=4000\n# comment\n');
    const { env, problem } = environment({ PORT: '5000' }, file);
    assert.equal(problem, null);
    assert.equal(env.SLACK_BOT_TOKEN, 'xoxb-from-file');
    assert.equal(env.PORT, '5000');
    assert.deepEqual(environment({ A: '1' }, join(dir, 'missing')).env, { A: '1' });
  });
});

describe('button values', () => {
  const key = buttonKey(null, 'xoxb-1');
  const now = 1_800_000_000;

  it('round-trips and refuses a forged, stale or foreign value', () => {
    const v = encode({ k: 'stop', v: 2, t: now, w: 'abc', tm: 'T1', ch: 'C1' }, key);
    assert.deepEqual(decode(v, key, now), { ok: true, value: { k: 'stop', v: 2, t: now, w: 'abc', tm: 'T1', ch: 'C1' } });
    const [body] = v.split('.');
    const tampered = `${Buffer.from(JSON.stringify({ k: 'stop', v: 2, t: now, w: 'evil', tm: 'T1', ch: 'C1' })).toString('base64url')}.${v.split('.')[1]}`;
    assert.deepEqual(decode(tampered, key, now), { ok: false, reason: 'forged' });
    assert.deepEqual(decode(`${body}.AAAA`, key, now), { ok: false, reason: 'forged' });
    assert.deepEqual(decode(v, buttonKey(null, 'xoxb-other'), now), { ok: false, reason: 'forged' });
    assert.deepEqual(decode(v, key, now + MAX_AGE_S + 1), { ok: false, reason: 'stale' });
    assert.deepEqual(decode('nonsense', key, now), { ok: false, reason: 'malformed' });
    assert.deepEqual(decode(42, key, now), { ok: false, reason: 'malformed' });
  });

  it('keeps a check value within 2000 characters even for a huge paste, and carries the facts, not the paste', () => {
    const paste = `${'noise line\n'.repeat(500)}psycopg2.OperationalError: connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused`;
    const state = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`[fd00::${i}]:5432`, 'refused']));
    const facts = parse(paste);
    const request = checkRequest({ type: 'paste', text: paste }, { facts });
    const v = encodeCheck({ request, state, place: { team: 'T1', channel: 'C1' }, origin: 'paste' }, key, now);
    assert.ok(v.length <= MAX_VALUE, String(v.length));
    const d = decode(v, key, now);
    assert.ok(d.ok && d.value.k === 'check');
    assert.equal(d.value.r.f.host, 'db.internal');
    assert.equal(d.value.r.f.port, 5432);
    assert.equal(d.value.r.typed, false);
    assert.ok(!JSON.stringify(d.value).includes('noise line') && !JSON.stringify(d.value).includes('Connection refused'), 'no pasted text');
  });

  it('a value is bound to the workspace and the conversation it was made for', () => {
    const v = encode({ k: 'fb', v: 2, t: now, c: 'not-listening', i: 0, tm: 'T1', ch: 'C1' }, key);
    const d = decode(v, key, now);
    assert.ok(d.ok);
    assert.equal(misplaced(d.value, { team: 'T1', channel: 'C1' }), null);
    assert.equal(misplaced(d.value, { team: null, channel: 'C1' }), null);
    assert.equal(misplaced(d.value, { team: 'T2', channel: 'C1' }), 'team');
    assert.equal(misplaced(d.value, { team: 'T1', channel: 'C2' }), 'channel');
  });

  it('an older value (version 1, which carried the paste) is refused as unreadable', () => {
    const v = encode({ k: 'check', v: 1, t: now, r: { type: 'paste', text: 'password=x ECONNREFUSED 10.0.0.5:5432' }, s: {} } as never, key);
    assert.deepEqual(decode(v, key, now), { ok: false, reason: 'malformed' });
  });
});

describe('state and changes', () => {
  it('says what changed, per endpoint', () => {
    const before = snapshot(refusedTwoAddresses);
    assert.deepEqual(before, { 'dns db.internal': 'resolving', '10.0.0.5:5432': 'refused', '10.0.0.6:5432': 'not answering' });
    const after = snapshot(healthy);
    assert.deepEqual(changes(before, after), ['10.0.0.5:5432 was refused, now open', '10.0.0.6:5432 (not answering) was not checked this time']);
    assert.deepEqual(changes(after, after), []);
  });
});

describe('history, seen, log', () => {
  it('keeps the last five per user and answers a key once', () => {
    const h = new History(5, 2);
    for (let i = 0; i < 7; i += 1) h.add('U1', { at: String(i), what: 'x', verdict: 'v', channel: null });
    assert.deepEqual(h.recent('U1').map((e) => e.at), ['6', '5', '4', '3', '2']);
    h.add('U2', { at: 'a', what: 'x', verdict: 'v', channel: null });
    h.add('U3', { at: 'b', what: 'x', verdict: 'v', channel: null });
    assert.deepEqual(h.recent('U1'), []);
    const s = new Seen(2);
    assert.equal(s.first('a'), true);
    assert.equal(s.first('a'), false);
  });

  it('writes JSON lines with secrets masked', () => {
    const log = memoryLog('info');
    log.debug('hidden');
    log.info('diagnosis', { text: 'postgres://app:hunter2@db:5432/x', token: 'xoxb-123456789', nested: { note: 'Bearer abcdefghijkl' } });
    assert.equal(log.lines.length, 1);
    const line = JSON.stringify(log.lines[0]);
    assert.doesNotMatch(line, /hunter2|xoxb-123456789|abcdefghijkl/);
    assert.equal(log.lines[0]!.event, 'diagnosis');
  });
});

describe('work', () => {
  it('bounds concurrency, drains, and refuses new work once draining', async () => {
    const work = new Work(2);
    let running = 0;
    let peak = 0;
    const job = () =>
      work.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running -= 1;
        return 1;
      });
    const all = Promise.all([job(), job(), job(), job()]);
    const drained = await work.drain(5000);
    assert.deepEqual(await all, [1, 1, 1, 1]);
    assert.equal(peak, 2);
    assert.deepEqual(drained, { finished: 4, abandoned: 0 });
    await assert.rejects(work.run(async () => 1), Draining);
  });

  it('aborts what outlives the grace period', async () => {
    const work = new Work(1);
    const stuck = work.run(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const drained = await work.drain(30);
    assert.deepEqual(drained, { finished: 0, abandoned: 1 });
    // What the job answered after the abort is not an answer: the caller hears that it was abandoned.
    await assert.rejects(stuck, Abandoned);
  });
});

describe('watches', () => {
  const limits = { durationMs: 300, firstIntervalMs: 20, maxIntervalMs: 100, backoff: 1.5, perUser: 1, total: 2 };
  const spec = (user: string) => ({ user, team: null, channel: 'C1', threadTs: '1.1', request: { type: 'target' as const, host: 'h', port: 1 }, what: 'h:1', state: {} });

  it('checks with growing pauses until the time is up, within the limits', async () => {
    const w = new Watches(limits);
    const ticks: number[] = [];
    let ended: string | null = null;
    const hooks = {
      tick: async () => {
        ticks.push(Date.now());
        return true;
      },
      end: async (_w: unknown, reason: string) => {
        ended = reason;
      },
    };
    assert.ok(w.start(spec('U1'), hooks).ok);
    const again = w.start(spec('U1'), hooks);
    assert.ok(!again.ok && /per person/.test(again.reason));
    assert.ok(w.start(spec('U2'), { tick: async () => true, end: async () => undefined }).ok);
    assert.ok(!w.start(spec('U3'), hooks).ok);
    const until = Date.now() + 2000;
    while (ended === null && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(ended, 'expired');
    assert.ok(ticks.length >= 3 && ticks.length <= 12, String(ticks.length));
    await w.stopAll();
    assert.equal(w.size, 0);
  });

  it('stops on request and says who stopped it', async () => {
    const w = new Watches({ ...limits, durationMs: 60_000 });
    let by: string | null = null;
    const r = w.start(spec('U1'), { tick: async () => true, end: async (_w, _reason, who) => void (by = who) });
    assert.ok(r.ok);
    assert.ok(await w.stop(r.watch.id, 'U9'));
    assert.equal(by, 'U9');
    assert.equal(await w.stop(r.watch.id, 'U9'), null);
  });
});

describe('slackToPlain', () => {
  it('undoes Slack escaping and link wrapping so the parser sees what was pasted', async () => {
    const { slackToPlain } = await import('../../src/slack/text.js');
    assert.equal(slackToPlain('File "app.py", line 3, in &lt;module&gt; a &amp;&amp; b'), 'File "app.py", line 3, in <module> a && b');
    assert.equal(slackToPlain('connect to <http://db.internal:5432|db.internal:5432> failed'), 'connect to db.internal:5432 failed');
    assert.equal(slackToPlain('see <https://x.test/a?b=1&amp;c=2>'), 'see https://x.test/a?b=1&c=2');
    assert.equal(slackToPlain('<@U123> in <#C1|ops> <!here>'), '@U123 in #ops @here');
    assert.equal(slackToPlain('&amp;lt;'), '&lt;');
  });
});

describe('button values never carry a secret', () => {
  it('a URL goes into a button without userinfo, query or fragment; a paste goes in as its parsed target only', async () => {
    const url = 'postgres://app:hunter2@db.internal:5432/app?sslmode=require&password=hunter3#frag';
    const fromUrl = checkRequest({ type: 'url', url }, { facts: factsFromUrl(url)! });
    assert.equal(fromUrl.url, 'postgres://db.internal:5432/app');
    assert.equal(fromUrl.typed, true);
    assert.ok(!JSON.stringify(fromUrl).includes('hunter'), JSON.stringify(fromUrl));
    const text = 'password=hunter2 connect ECONNREFUSED 10.0.0.5:5432';
    const fromPaste = checkRequest({ type: 'paste', text }, { facts: parse(text) });
    assert.equal(fromPaste.f.host, '10.0.0.5');
    assert.equal(fromPaste.f.port, 5432);
    assert.ok(!JSON.stringify(fromPaste).includes('hunter2') && !JSON.stringify(fromPaste).includes('password'), JSON.stringify(fromPaste));
    assert.deepEqual(checkRequest({ type: 'target', host: 'db', port: 5432 }, { facts: factsFromEndpoint('db', 5432) }).f.host, 'db');
  });

  it('a field that is not the shape it should be is dropped, not carried', () => {
    const f = { ...parse('connect ECONNREFUSED 10.0.0.5:5432'), client: 'curl -u me:Secret9', hints: ['ok-hint', 'has space', 'x'.repeat(90)], errno: 'E CONN' };
    const r = checkRequest({ type: 'paste', text: '' }, { facts: f });
    assert.equal(r.f.client, null);
    assert.equal(r.f.errno, null);
    assert.deepEqual(r.f.hints, ['ok-hint']);
  });
});
