// Watches on a real SQLite store: bounded per person and in total, ended by time or by a person from any
// instance, handed back at shutdown and resumed by the next instance, taken over when a holder stops renewing.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { WatchLimits } from '../../src/config.js';
import { memoryLog } from '../../src/slack/log.js';
import { Watches, type EndReason, type Watch, type WatchHooks } from '../../src/slack/watches.js';
import type { Store } from '../../src/store/store.js';
import { tempStore } from './state.js';

const limits: WatchLimits = { durationMs: 300, firstIntervalMs: 20, maxIntervalMs: 100, backoff: 1.5, perUser: 1, total: 2, leaseMs: 600 };
const spec = (user: string) => ({ user, team: null, channel: 'C1', threadTs: '1.1', request: { type: 'target', host: 'h', port: 1 }, what: 'h:1', state: {} });

/** Hooks that record what happened. */
function recorder() {
  const ticks: { id: string; at: number; checks: number }[] = [];
  const ends: { id: string; reason: EndReason; by: string | null }[] = [];
  const hooks: WatchHooks = {
    tick: async (w: Watch) => {
      ticks.push({ id: w.id, at: Date.now(), checks: w.checks });
      return true;
    },
    end: async (w, reason, by) => {
      ends.push({ id: w.id, reason, by });
    },
  };
  return { ticks, ends, hooks };
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const stores: Store[] = [];
after(() => Promise.all(stores.map((s) => s.close())));
async function store(): Promise<Store> {
  const s = await tempStore();
  stores.push(s);
  return s;
}

describe('watches', () => {
  it('checks with growing pauses until the time is up, within the limits counted in the store', async () => {
    const s = await store();
    const w = new Watches(limits, s, memoryLog());
    const r = recorder();
    w.begin(r.hooks);
    const first = await w.start(spec('U1'));
    assert.ok(first.ok);
    const again = await w.start(spec('U1'));
    assert.ok(!again.ok && /per person/.test(again.reason));
    assert.ok((await w.start(spec('U2'))).ok);
    const third = await w.start(spec('U3'));
    assert.ok(!third.ok && /already runs 2 watches/.test(third.reason));
    await until('both watches to expire', () => r.ends.length === 2);
    assert.deepEqual(r.ends.map((e) => e.reason), ['expired', 'expired']);
    const mine = r.ticks.filter((t) => t.id === first.watch.id);
    assert.ok(mine.length >= 3 && mine.length <= 12, String(mine.length));
    assert.equal(await s.countWatches(null, Date.now()), 0, 'an ended watch leaves the store');
    await w.handBack();
  });

  it('is stopped from another instance: that one says who stopped it, the holder lets it go without a word', async () => {
    const s = await store();
    const a = new Watches({ ...limits, durationMs: 60_000 }, s, memoryLog());
    const b = new Watches({ ...limits, durationMs: 60_000 }, s, memoryLog());
    const ra = recorder();
    const rb = recorder();
    a.begin(ra.hooks);
    b.begin(rb.hooks);
    const started = await a.start(spec('U1'));
    assert.ok(started.ok);
    await until('a first check', () => ra.ticks.length > 0);
    const stopped = await b.stop(started.watch.id, 'U9');
    assert.equal(stopped?.id, started.watch.id);
    assert.deepEqual(rb.ends, [{ id: started.watch.id, reason: 'stopped', by: 'U9' }]);
    await until('the holder to let it go', () => a.size === 0);
    const ticked = ra.ticks.length;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(ra.ticks.length, ticked, 'no check after the stop');
    assert.deepEqual(ra.ends, []);
    assert.equal(await b.stop(started.watch.id, 'U9'), null, 'a second stop finds nothing');
    await a.handBack();
    await b.handBack();
  });

  it('hands its watches back at shutdown, and the next instance resumes them at once with their progress', async () => {
    const s = await store();
    const a = new Watches({ ...limits, durationMs: 60_000 }, s, memoryLog());
    const ra = recorder();
    a.begin(ra.hooks);
    const started = await a.start(spec('U1'));
    assert.ok(started.ok);
    await until('two checks', () => ra.ticks.length >= 2);
    assert.equal(await a.handBack(), 1);
    const checksBefore = ra.ticks.at(-1)!.checks;
    const b = new Watches({ ...limits, durationMs: 60_000 }, s, memoryLog());
    const rb = recorder();
    b.begin(rb.hooks);
    await until('the next instance to check', () => rb.ticks.length > 0);
    assert.equal(rb.ticks[0]!.id, started.watch.id);
    assert.ok(rb.ticks[0]!.checks > checksBefore, 'the count of checks carries over');
    assert.deepEqual(ra.ends, []);
    await b.handBack();
  });

  it('is taken over when its holder stops renewing, and the old holder then lets it go: never two holders', async () => {
    const s = await store();
    const long = { ...limits, durationMs: 60_000, firstIntervalMs: 50, maxIntervalMs: 50 };
    const a = new Watches(long, s, memoryLog());
    const ra = recorder();
    a.begin(ra.hooks);
    const started = await a.start(spec('U1'));
    assert.ok(started.ok);
    await until('a first check', () => ra.ticks.length > 0);
    // B's clock is past A's lease: to B, A has stopped renewing (as a killed process would).
    const b = new Watches(long, s, memoryLog(), () => Date.now() + long.leaseMs * 2);
    const rb = recorder();
    b.begin(rb.hooks);
    await until('B to take it over', () => rb.ticks.length > 0);
    await until('A to let it go', () => a.size === 0);
    assert.equal(b.size, 1);
    assert.deepEqual([...ra.ends, ...rb.ends], []);
    await b.handBack();
    await a.handBack();
  });
});
