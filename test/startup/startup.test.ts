// Start-up says what is wrong (issue #11 part 4): .env.example's placeholder tokens are refused by name; a
// Slack that cannot be reached is explained by our own diagnosis of its endpoint, once per cause; and with no
// credentials at all, npm start means the playground, whose option makes a pasted localhost this machine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEnv } from 'node:util';
import { isPlaceholder, loadConfig, wantsPlayground } from '../../src/config.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { parse } from '../../src/parse/index.js';
import { plan } from '../../src/plan.js';
import { DEFAULT_POLICY } from '../../src/policy/index.js';
import { isNetworkFailure, SlackReach } from '../../src/reach-slack.js';
import { ROOT } from '../root.js';
import { spawnBot } from '../slack/child-bot.js';
import { closedPort } from '../slack/harness.js';
import { APP_TOKEN, BOT_TOKEN } from '../slack/fake-slack.js';


describe('placeholder tokens', () => {
  it('.env.example copied as it is: both tokens refused, each by name, with what to do', () => {
    const example = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8')) as Record<string, string>;
    assert.ok(example.SLACK_BOT_TOKEN && example.SLACK_APP_TOKEN, '.env.example still ships placeholder tokens');
    const r = loadConfig(example);
    assert.ok(!r.ok);
    const text = r.problems.join('\n');
    assert.match(text, /^SLACK_BOT_TOKEN is still the placeholder from \.env\.example/m);
    assert.match(text, /^SLACK_APP_TOKEN is still the placeholder from \.env\.example/m);
    assert.match(text, /local playground/);
    assert.equal(wantsPlayground(example), false, 'a half-filled .env is a mistake to name, not a playground');
  });

  it('knows the shapes of a placeholder and leaves real-looking tokens alone', () => {
    for (const t of ['xoxb-your-bot-token', 'xapp-your-app-token', 'xoxb-…', 'xapp-...', 'xoxb-<token>', 'xoxb-xxxxxxxx', 'xoxb-', 'xapp-YOUR_TOKEN']) assert.ok(isPlaceholder(t), t);
    for (const t of [BOT_TOKEN, APP_TOKEN, 'xoxb-1', 'xoxb-17-2-abcdef', 'xapp-1-A0123-456-abcdef']) assert.ok(!isPlaceholder(t), t);
  });

  it('npm start with the example file as .env: exit 1 with one message naming both variables', async () => {
    const run = spawnBot({}, readFileSync(join(ROOT, '.env.example'), 'utf8'));
    assert.equal(await run.exit, 1);
    const text = run.stderr();
    assert.match(text, /refused cannot start: 2 configuration problems/);
    assert.match(text, /SLACK_BOT_TOKEN is still the placeholder/);
    assert.match(text, /SLACK_APP_TOKEN is still the placeholder/);
  });
});

describe('Slack cannot be reached at start', () => {
  it('a closed port as SLACK_API_URL: the log says nothing listens there, in our words, once, and keeps retrying', async () => {
    const dead = await closedPort();
    const run = spawnBot({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: `http://127.0.0.1:${dead}/api/`, PORT: '0', HOST: '127.0.0.1' });
    try {
      const why = await run.waitLine('slack_unreachable_why');
      assert.equal(why.step, 'auth.test');
      assert.equal(why.checked, `127.0.0.1:${dead}`);
      assert.equal(why.cause, 'not-listening');
      assert.match(String(why.why), new RegExp(`Nothing is listening on 127\\.0\\.0\\.1:${dead}`));
      assert.ok(Array.isArray(why.evidence) && (why.evidence as string[]).some((e) => /refused/.test(e)), JSON.stringify(why));
      // Every retry says the cause in a word; the whole story is told once.
      const end = Date.now() + 15_000;
      while (run.lines.filter((l) => l.event === 'slack_unreachable').length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const attempts = run.lines.filter((l) => l.event === 'slack_unreachable');
      assert.ok(attempts.length >= 3, 'it retried');
      for (const a of attempts) assert.equal(a.cause, 'not-listening');
      assert.equal(run.lines.filter((l) => l.event === 'slack_unreachable_why').length, 1);
      run.child.kill('SIGTERM');
      assert.equal(await run.exit, 0);
      assert.doesNotMatch(JSON.stringify(run.lines), /fakebottoken|fakeapptoken/);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('only a failure on the network is diagnosed; an answer from Slack is not', async () => {
    assert.equal(isNetworkFailure({ code: 'slack_webapi_platform_error', data: { error: 'invalid_auth' } }), false);
    assert.equal(isNetworkFailure({ code: 'slack_webapi_http_error', statusCode: 502 }), false);
    assert.equal(isNetworkFailure({ code: 'slack_webapi_request_error', original: new TypeError('fetch failed') }), true);
    assert.equal(isNetworkFailure(null), false);
    let runs = 0;
    const verdicts = ['dns-not-found', 'dns-not-found', 'not-listening'];
    const reach = new SlackReach('https://slack.example.invalid/api/', async () => {
      const id = verdicts[runs++] ?? 'not-listening';
      return { verdict: `verdict ${id}`, causes: [{ id, title: id, evidence: ['a line'], steps: [{ text: 'look', commands: [] }] }] } as unknown as Diagnosis;
    });
    const signal = new AbortController().signal;
    const request = { code: 'slack_webapi_request_error' };
    assert.equal(await reach.explain({ code: 'slack_webapi_platform_error', data: { error: 'ratelimited' } }, signal), null);
    assert.equal(runs, 0, 'no probe for an answer from Slack');
    const seen = [await reach.explain(request, signal), await reach.explain(request, signal), await reach.explain(request, signal)];
    assert.deepEqual(
      seen.map((s) => [s?.reason.cause, s?.fresh]),
      [
        ['dns-not-found', true],
        ['dns-not-found', false],
        ['not-listening', true],
      ],
    );
    assert.equal(seen[0]?.reason.endpoint, 'slack.example.invalid:443');
  });
});

describe('no credentials: the playground', () => {
  it('wantsPlayground only when no Slack token or secret is set', () => {
    assert.equal(wantsPlayground({}), true);
    assert.equal(wantsPlayground({ SLACK_BOT_TOKEN: '  ', PORT: '3000' }), true);
    assert.equal(wantsPlayground({ SLACK_SIGNING_SECRET: 'abc' }), false);
    assert.equal(wantsPlayground({ SLACK_APP_TOKEN: APP_TOKEN }), false);
  });

  it('REFUSED_REPORTERS_ON_THIS_HOST: a pasted localhost is probed in chat, and it needs the loopback allowed', () => {
    const base = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN };
    const off = loadConfig(base);
    assert.ok(off.ok && off.config.reportersOnThisHost === false);
    const on = loadConfig({ ...base, REFUSED_ALLOW_LOOPBACK: 'true', REFUSED_REPORTERS_ON_THIS_HOST: 'true' });
    assert.ok(on.ok && on.config.reportersOnThisHost === true);
    const alone = loadConfig({ ...base, REFUSED_REPORTERS_ON_THIS_HOST: 'true' });
    assert.ok(!alone.ok);
    assert.match(alone.problems.join('\n'), /REFUSED_REPORTERS_ON_THIS_HOST=true needs REFUSED_ALLOW_LOOPBACK=true/);
    const bad = loadConfig({ ...base, REFUSED_REPORTERS_ON_THIS_HOST: 'maybe' });
    assert.ok(!bad.ok);
    assert.match(bad.problems.join('\n'), /^REFUSED_REPORTERS_ON_THIS_HOST must be true or false/m);

    const facts = parse('Error: connect ECONNREFUSED 127.0.0.1:5432');
    const elsewhere = plan(facts, { surface: 'chat', policy: DEFAULT_POLICY });
    assert.equal(elsewhere.targets.length, 0);
    assert.equal(elsewhere.skipped[0]?.reason, 'local-target');
    const here = plan(facts, { surface: 'chat', policy: DEFAULT_POLICY, reportersOnThisHost: true });
    assert.deepEqual(
      here.targets.map((t) => `${t.host}:${t.port}`),
      ['127.0.0.1:5432'],
    );
  });
});
