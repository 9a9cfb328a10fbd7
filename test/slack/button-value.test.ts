// Button values: signed, bounded, bound to where they were made, and carrying no pasted text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsFromEndpoint, factsFromUrl, parse } from '../../src/parse/index.js';
import { buttonKey, checkRequest, decode, encode, encodeCheck, MAX_AGE_S, MAX_VALUE, misplaced } from '../../src/slack/button-value.js';

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
