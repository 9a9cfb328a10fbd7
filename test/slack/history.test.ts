// The Home tab's history, the answered-once set, and the log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { History, Seen } from '../../src/slack/history.js';
import { memoryLog } from '../../src/slack/log.js';

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
