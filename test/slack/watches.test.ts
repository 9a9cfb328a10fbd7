// Watches: bounded per person and in total, ended by time or by a person.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Watches } from '../../src/slack/watches.js';

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
