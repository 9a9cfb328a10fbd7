// The bot's configuration: env and .env read once, every problem reported at once.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { environment, formatProblems, loadConfig } from '../../src/config.js';

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
