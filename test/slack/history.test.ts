// The Home tab's history, the answered-once deliveries (in the store), and the log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUnavailable } from '../../src/errors.js';
import { Deliveries, History, Seen } from '../../src/slack/history.js';
import { memoryLog } from '../../src/slack/log.js';
import type { Store } from '../../src/store/store.js';
import { tempStore } from './state.js';

describe('history, deliveries, log', () => {
  it('keeps the last five per user, in the store, so a second instance on the same store sees them', async () => {
    const store = await tempStore();
    const h = new History(store, () => undefined);
    for (let i = 0; i < 7; i += 1) await h.add('U1', { at: String(i), what: 'x', verdict: 'v', channel: null });
    assert.deepEqual((await h.recent('U1')).map((e) => e.at), ['6', '5', '4', '3', '2']);
    assert.deepEqual((await new History(store, () => undefined).recent('U1')).length, 5);
    assert.deepEqual(await h.recent('U2'), []);
    await store.close();
  });

  it('answers a delivery once across instances, and still once per process with the store away', async () => {
    const store = await tempStore();
    const a = new Deliveries(store, () => undefined);
    const b = new Deliveries(store, () => undefined);
    assert.equal(await a.first('msg:C1:1.1'), true);
    assert.equal(await b.first('msg:C1:1.1'), false, 'another replica sees it answered');
    assert.equal(await a.first('msg:C1:1.1'), false);
    const downs: unknown[] = [];
    const away = { firstDelivery: async () => Promise.reject(new StoreUnavailable('x', 'down')) } as unknown as Store;
    const c = new Deliveries(away, (err) => downs.push(err));
    assert.equal(await c.first('k'), true, 'the store being away never costs an answer');
    assert.equal(await c.first('k'), false, 'this process still remembers');
    assert.equal(downs.length, 1);
    const s = new Seen(2);
    assert.equal(s.first('a'), true);
    assert.equal(s.first('a'), false);
    await store.close();
  });

  it('shows no history, rather than failing, with the store away, and skips a stored entry of the wrong shape', async () => {
    const away = { recentHistory: async () => Promise.reject(new StoreUnavailable('x', 'down')), addHistory: async () => Promise.reject(new StoreUnavailable('x', 'down')) } as unknown as Store;
    const h = new History(away, () => undefined);
    await h.add('U1', { at: 'a', what: 'x', verdict: 'v', channel: null });
    assert.deepEqual(await h.recent('U1'), []);
    const odd = { recentHistory: async () => [{ at: 'a', what: 'x', verdict: 'v', channel: null }, { at: 5 }, null] } as unknown as Store;
    assert.deepEqual((await new History(odd, () => undefined).recent('U1')).length, 1);
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
