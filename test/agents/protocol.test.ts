// Tokens, REFUSED_AGENTS, job signatures and the checks on what each side sends (src/agents/token.ts,
// protocol.ts), as plain values with a fixed clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { diagnose } from '../../src/diagnose.js';
import {
  MAX_JOB_SKEW_MS,
  parseAgentMessage,
  readDiagnosis,
  refusedByPolicy,
  ReplayGuard,
  resultMessage,
  signJob,
  verifyJob,
  type Job,
} from '../../src/agents/protocol.js';
import { agentsEntry, newAgentToken, parseAgents, signingKeyFromHash, signingKeyFromToken, tokenHash, tokenMatches } from '../../src/agents/token.js';
import { targetRequest } from './harness.js';

describe('agent tokens', () => {
  it('are random, URL-safe, prefixed and at least 32 bytes', () => {
    const a = newAgentToken();
    const b = newAgentToken();
    assert.notEqual(a, b);
    assert.match(a, /^rfa_[A-Za-z0-9_-]{43}$/);
    assert.ok(Buffer.from(a.slice(4), 'base64url').length >= 32);
  });

  it('hash to sha256:<hex>, match in constant time, and give the bot and the agent the same signing key', () => {
    const t = newAgentToken();
    const h = tokenHash(t);
    assert.match(h, /^sha256:[0-9a-f]{64}$/);
    const hex = h.slice(7);
    assert.ok(tokenMatches(t, hex));
    assert.ok(!tokenMatches(newAgentToken(), hex));
    assert.ok(!tokenMatches(t, 'abc'));
    assert.deepEqual(signingKeyFromToken(t), signingKeyFromHash(hex));
    assert.equal(agentsEntry('office', t), `office:${h}`);
  });
});

describe('REFUSED_AGENTS', () => {
  const a = tokenHash(newAgentToken());
  const b = tokenHash(newAgentToken());

  it('reads name:sha256:<hex> entries separated by commas or spaces', () => {
    const r = parseAgents(` office:${a}, k8s-prod:${b.toUpperCase().replace('SHA256', 'sha256')}\n`);
    assert.deepEqual(r.problems, []);
    assert.deepEqual([...r.agents.keys()], ['office', 'k8s-prod']);
    assert.equal(r.agents.get('office'), a.slice(7));
    assert.equal(r.agents.get('k8s-prod'), b.slice(7), 'hex is kept in lower case');
    assert.equal(parseAgents('').agents.size, 0);
  });

  it('names one problem per bad entry and keeps the good ones', () => {
    const leaked = newAgentToken();
    const r = parseAgents(`office:${a},Office:${a},office:${b},lab,lab:sha256:1234,edge:${leaked},${leaked},x:md5:${'0'.repeat(32)},${'a'.repeat(33)}:${a}`);
    assert.deepEqual([...r.agents.keys()], ['office']);
    assert.deepEqual(r.problems, [
      'entry "Office" does not start with an agent name: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit',
      'lists "office" twice; keep one entry per agent',
      'entry "lab" has no hash: write name:sha256:<hex>, the line `refused agent-token <name>` prints',
      'entry "lab" has a hash that is not sha256:<64 hex digits>; copy the line `refused agent-token lab` printed',
      'holds a token (rfa_…) where a hash belongs: the bot keeps only hashes; use the line `refused agent-token <name>` prints, and make a new token since this one was exposed',
      'holds a token (rfa_…) where a hash belongs: the bot keeps only hashes; use the line `refused agent-token <name>` prints, and make a new token since this one was exposed',
      'entry "x" has a hash that is not sha256:<64 hex digits>; copy the line `refused agent-token x` printed',
      `entry "${'a'.repeat(33)}" does not start with an agent name: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit`,
    ]);
    assert.ok(!r.problems.join('\n').includes(leaked), 'a token is never echoed');
  });

  it('is config.agents, empty by default, and a bad entry stops the start naming the variable', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_APP_TOKEN: 'xapp-1-2-3' };
    const none = loadConfig(base);
    assert.ok(none.ok);
    assert.equal(none.config.agents.size, 0);
    const two = loadConfig({ ...base, REFUSED_AGENTS: `office:${a},k8s-prod:${b}` });
    assert.ok(two.ok);
    assert.deepEqual([...two.config.agents.keys()], ['office', 'k8s-prod']);
    const bad = loadConfig({ ...base, REFUSED_AGENTS: 'office' });
    assert.ok(!bad.ok);
    assert.match(bad.problems.join('\n'), /^REFUSED_AGENTS entry "office" has no hash: write name:sha256:<hex>/m);
  });
});

describe('jobs', () => {
  const key = signingKeyFromToken(newAgentToken());
  const now = 1_800_000_000_000;
  const request = targetRequest('db.internal', 5432);
  const job = (over: Partial<Job> = {}): Job => ({ id: 'j1', t: now, request, deadlineMs: 5000, ...over });

  it('a signed job within 30 s either way passes once', () => {
    const guard = new ReplayGuard();
    const v = verifyJob(signJob(job(), key), key, now + MAX_JOB_SKEW_MS, guard);
    assert.ok(v.ok);
    assert.deepEqual(v.job, job());
    assert.ok(verifyJob(signJob(job({ id: 'j2' }), key), key, now - MAX_JOB_SKEW_MS, guard).ok);
    const again = verifyJob(signJob(job(), key), key, now + 1, guard);
    assert.deepEqual(again.ok ? null : [again.reason, again.id], ['replayed', 'j1']);
  });

  it('each refusal has its reason', () => {
    const reason = (text: string, at = now) => {
      const v = verifyJob(text, key, at, new ReplayGuard());
      return v.ok ? 'ok' : v.reason;
    };
    const signed = JSON.parse(signJob(job(), key)) as { body: string; sig: string };
    assert.equal(reason(signJob(job(), key), now + MAX_JOB_SKEW_MS + 1), 'stale');
    assert.equal(reason(signJob(job(), key), now - MAX_JOB_SKEW_MS - 1), 'future');
    assert.equal(reason(JSON.stringify({ type: 'job', body: signed.body })), 'unsigned');
    assert.equal(reason(JSON.stringify({ type: 'job', body: signed.body, sig: '' })), 'unsigned');
    assert.equal(reason(signJob(job(), signingKeyFromToken(newAgentToken()))), 'forged');
    // The body changed after signing: a longer deadline, another target.
    assert.equal(reason(JSON.stringify({ ...signed, body: signed.body.replace('"deadlineMs":5000', '"deadlineMs":9000') })), 'forged');
    assert.equal(reason(signJob(job({ request: { ...request, f: { ...request.f, host: 'a b' } } }), key)), 'bad-request');
    assert.equal(reason(signJob(job({ deadlineMs: 10 * 60_000 }), key)), 'malformed');
    assert.equal(reason(signJob(job({ id: 'has space' }), key)), 'malformed');
    assert.equal(reason('not json'), 'malformed');
    assert.equal(reason(JSON.stringify({ type: 'jobs', body: '{}', sig: 'x' })), 'malformed');
    assert.equal(reason(JSON.stringify({ type: 'job', body: 'x'.repeat(70_000), sig: 'x' })), 'malformed');
  });

  it('the replay guard forgets ids older than twice the skew, and stays bounded', () => {
    const guard = new ReplayGuard(3);
    assert.equal(guard.check('a', 0), false);
    assert.equal(guard.check('a', 1), true);
    assert.equal(guard.check('b', 2 * MAX_JOB_SKEW_MS + 1), false);
    assert.equal(guard.size, 1, 'a is forgotten');
    for (const id of ['c', 'd', 'e', 'f']) guard.check(id, 2 * MAX_JOB_SKEW_MS + 2);
    assert.ok(guard.size <= 3);
  });
});

describe('what an agent sends', () => {
  it('hello and results are read; anything else is a problem in words', () => {
    assert.deepEqual(parseAgentMessage(JSON.stringify({ type: 'hello', name: 'office', version: '1', host: 'h' })), {
      ok: true,
      message: { type: 'hello', name: 'office', version: '1', host: 'h' },
    });
    const err = parseAgentMessage(resultMessage('j1', { error: 'x'.repeat(5000) }));
    assert.ok(err.ok && err.message.type === 'result' && err.message.error?.length === 2000);
    for (const bad of [
      'nope',
      '{"type":"bye"}',
      '{"type":"result","id":"j1"}',
      '{"type":"result","id":"j1","error":"e","diagnosis":{}}',
      '{"type":"hello","name":"Bad Name","version":"1","host":"h"}',
    ]) {
      const r = parseAgentMessage(bad);
      assert.ok(!r.ok, bad);
      assert.ok(r.problem.length > 0);
    }
  });

  it('a real diagnosis passes the check whole; a damaged one names the field', async () => {
    const d = await diagnose(
      { type: 'paste', text: 'psql: error: connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused' },
      { surface: 'chat', probe: false },
    );
    const r = readDiagnosis(JSON.parse(JSON.stringify(d)));
    assert.ok(r.ok);
    assert.deepEqual(r.diagnosis, JSON.parse(JSON.stringify(d)));
    const damaged = JSON.parse(JSON.stringify(d));
    damaged.causes[0].confidence = 7;
    const bad = readDiagnosis(damaged);
    assert.ok(!bad.ok);
    assert.match(bad.problem, /^causes\.0\.confidence:/);
    assert.ok(!readDiagnosis({ verdict: 'fine' }).ok);
    assert.ok(!readDiagnosis(null).ok);
    // Evidence of a kind this bot does not know (a newer agent) is left out, not fatal.
    const newer = JSON.parse(JSON.stringify(d));
    newer.evidence.push({ type: 'quic', ms: 1 });
    const kept = readDiagnosis(newer);
    assert.ok(kept.ok && kept.diagnosis.evidence.every((e) => e.type !== ('quic' as string)));
  });

  it('refused by policy: something skipped for policy and nothing probed', async () => {
    const blocked = await diagnose({ type: 'target', host: '169.254.169.254', port: 80 }, { surface: 'chat' });
    assert.ok(refusedByPolicy(blocked));
    const text = await diagnose({ type: 'target', host: 'db.internal', port: 5432 }, { surface: 'chat', probe: false });
    assert.ok(!refusedByPolicy(text));
  });
});
