// The bot as a process, started the way `npm start` starts it (only the environment differs), and its
// shutdown: SIGTERM stops taking work, lets running diagnoses finish, and exits 0.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startBot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { memoryLog } from '../../src/slack/log.js';
import { spawnBot as run } from './child-bot.js';
import { APP_TOKEN, BOT_TOKEN, FakeSlack } from './fake-slack.js';
import { heldEngine } from './fixtures.js';
import { closedPort } from './harness.js';
import { tempStoreUrl } from './state.js';


describe('the bot as a process', () => {
  let fake: FakeSlack;
  before(async () => {
    fake = await FakeSlack.start();
  });
  after(async () => {
    await fake.close();
  });

  it('starts from the environment, connects, reports ready, and exits 0 on SIGTERM', async () => {
    const r = run({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl, PORT: '0', HOST: '127.0.0.1' });
    try {
      const listening = await r.waitLine('listening');
      await r.waitLine('slack_connected');
      const ready = await fetch(`http://127.0.0.1:${String(listening.port)}/readyz`);
      assert.equal(ready.status, 200);
      r.child.kill('SIGTERM');
      assert.equal(await r.exit, 0);
      assert.ok(r.lines.some((l) => l.event === 'stopped'));
      assert.doesNotMatch(JSON.stringify(r.lines), /fakebottoken|fakeapptoken/);
      assert.ok(r.lines.every((l) => l.event !== 'not-json'), 'every stdout line is JSON');
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('reads .env from the working directory, and the environment wins over it', async () => {
    const dead = await closedPort();
    const before = fake.callsOf('auth.test').length;
    const dotenv = [
      '# written by the test',
      `SLACK_BOT_TOKEN=${BOT_TOKEN}`,
      `SLACK_APP_TOKEN="${APP_TOKEN}"`,
      // The environment overrides this one: were it used, the bot could not reach Slack.
      `SLACK_API_URL=http://127.0.0.1:${dead}/api/`,
      'HOST=127.0.0.1',
      'PORT=0',
    ].join('\n');
    const r = run({ SLACK_API_URL: fake.apiUrl }, dotenv);
    try {
      await r.waitLine('slack_connected');
      assert.equal(fake.callsOf('auth.test').length, before + 1);
      assert.equal(fake.callsOf('auth.test').at(-1)!.token, BOT_TOKEN);
      assert.ok(!r.lines.some((l) => l.event === 'slack_unreachable'), 'SLACK_API_URL came from the environment');
      r.child.kill('SIGTERM');
      assert.equal(await r.exit, 0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('a bad configuration stops the start with one message naming every problem', async () => {
    const r = run({ SLACK_BOT_TOKEN: 'xoxp-user-token', PORT: 'http', REFUSED_WATCH_MAX_PER_USER: '-1' });
    assert.equal(await r.exit, 1);
    const text = r.stderr();
    for (const name of ['SLACK_BOT_TOKEN', 'PORT', 'REFUSED_WATCH_MAX_PER_USER', 'SLACK_APP_TOKEN']) assert.match(text, new RegExp(name));
    assert.match(text, /configuration problems/);
    assert.doesNotMatch(text, /xoxp-user-token/);
  });

  it('a broken rules file joins the same list as the variables', async () => {
    const rules = join(mkdtempSync(join(tmpdir(), 'refused-rules-')), 'rules.yml');
    writeFileSync(rules, 'rules:\n  - id: Not An Id\n    title: x\n');
    const r = run({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A1-2-def', REFUSED_RULES_FILE: rules, REFUSED_MAX_QUEUED: '-3' });
    assert.equal(await r.exit, 1);
    const text = r.stderr();
    assert.match(text, /2 configuration problems/);
    assert.match(text, /REFUSED_MAX_QUEUED/);
    assert.match(text, /REFUSED_RULES_FILE: .*rules\.yml: 2 problems/);
    assert.match(text, /rules\[0\]\.when: missing; it is required/);
  });

  it('Slack unreachable at start: clear log lines and retries, alive but not ready, clean exit', async () => {
    const dead = await closedPort();
    const r = run({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `http://127.0.0.1:${dead}/api/`, PORT: '0', HOST: '127.0.0.1' });
    try {
      const listening = await r.waitLine('listening');
      const first = await r.waitLine('slack_unreachable');
      assert.equal(first.step, 'auth.test');
      assert.equal(typeof first.retryInMs, 'number');
      const until = Date.now() + 10_000;
      while (r.lines.filter((l) => l.event === 'slack_unreachable').length < 2 && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
      assert.ok(r.lines.filter((l) => l.event === 'slack_unreachable').length >= 2, 'it retried');
      assert.equal((await fetch(`http://127.0.0.1:${String(listening.port)}/healthz`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${String(listening.port)}/readyz`)).status, 503);
      r.child.kill('SIGTERM');
      assert.equal(await r.exit, 0);
      assert.ok(!r.lines.some((l) => l.event === 'unhandled_rejection'));
      assert.doesNotMatch(r.stderr(), /Unhandled|UnhandledPromiseRejection/);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('a revoked token is a clear, final error', async () => {
    const r = run({ SLACK_BOT_TOKEN: 'xoxb-not-the-right-one', SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl, PORT: '0', HOST: '127.0.0.1' });
    assert.equal(await r.exit, 1);
    const failed = r.lines.find((l) => l.event === 'start_failed');
    assert.ok(failed);
    assert.match(JSON.stringify(failed), /SLACK_BOT_TOKEN \(invalid_auth\)/);
  });

  it('a wrong app-level token is named as such', async () => {
    const r = run({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-wrong', SLACK_API_URL: fake.apiUrl, PORT: '0', HOST: '127.0.0.1' });
    assert.equal(await r.exit, 1);
    const failed = r.lines.find((l) => l.event === 'start_failed');
    assert.ok(failed, JSON.stringify(r.lines).slice(0, 1000));
    assert.match(JSON.stringify(failed), /SLACK_APP_TOKEN \(invalid_auth\)/);
  });
});

describe('shutdown with a diagnosis in flight', () => {
  it('finishes the running diagnosis before it stops, and takes no new work', async () => {
    const fake = await FakeSlack.start();
    const result = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl, PORT: '0', HOST: '127.0.0.1', REFUSED_SHUTDOWN_GRACE_MS: '5000', REFUSED_STORE_URL: tempStoreUrl() });
    assert.ok(result.ok);
    // The engine is a parameter: this one holds its answer until the test lets it go.
    const engine = heldEngine();
    const bot = await startBot(result.config, { log: memoryLog('info'), diagnose: engine.diagnose });
    await bot.started;
    await fake.waitFor(() => bot.isReady(), 'ready');
    // Two commands while the engine is busy: both acked at once, the probes never block the ack.
    const acks = await Promise.all([fake.send('slash_commands', fake.slashCommand('db.internal 5432')), fake.send('slash_commands', fake.slashCommand('db.internal:5433'))]);
    for (const ack of acks) assert.ok(ack.ms < 500, `ack took ${ack.ms} ms`);
    await fake.waitFor(() => engine.calls === 2, 'both diagnoses to start');
    const stopping = bot.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(stopped, false, 'stop waits for the running diagnosis');
    engine.release();
    await stopping;
    const parents = [...fake.posted.values()].filter((m) => !m.thread_ts);
    assert.equal(parents.length, 2);
    for (const parent of parents) assert.equal(fake.thread('C100', parent.ts).length, 1, 'each diagnosis was delivered before exit');
    await fake.close();
    assert.deepEqual(fake.violations, []);
  });
});
