// Diagnoses in flight: bounded, drained at shutdown, abandoned past the grace period.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Abandoned, Busy, Draining } from '../../src/errors.js';
import { Work } from '../../src/slack/work.js';

describe('work', () => {
  it('counts places promised at admission, so a burst is refused before anything is posted, never after', async () => {
    const work = new Work({ maxConcurrent: 1, maxQueued: 2 });
    // Three handlers admitted in one tick (their acks and posts still to come): the fourth finds no place.
    const tickets = [work.reserve(), work.reserve(), work.reserve()];
    assert.ok(tickets.every((t) => t !== null));
    assert.equal(work.reserved, 3);
    assert.equal(work.full, true);
    assert.equal(work.reserve(), null);
    // Someone without a ticket is refused while the promised places are held…
    await assert.rejects(work.run(async () => 0), Busy);
    // …and each admitted one runs, even though the line is full by the time it gets there.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const runs = tickets.map((t, i) => work.run(async () => {
        await gate;
        return i;
      }, t));
    assert.equal(work.reserved, 0);
    assert.equal(work.active + work.queued, 3);
    release();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
    assert.equal(work.full, false);
  });

  it('holds the work after an ack while other acks keep going out, and never longer than a second', async (t) => {
    t.mock.timers.enable({ apis: ['Date', 'setTimeout'], now: 1_000_000 });
    const work = new Work(4);
    // Nothing acked lately: no wait at all.
    let free = false;
    await work.afterAcks();
    work.acked();
    void work.afterAcks().then(() => (free = true));
    // Acks every 10 ms (a burst still arriving) keep it waiting…
    for (let i = 0; i < 5; i++) {
      t.mock.timers.tick(10);
      work.acked();
      await Promise.resolve();
      assert.equal(free, false);
    }
    // …and 40 quiet milliseconds let it go.
    t.mock.timers.tick(40);
    await new Promise((r) => setImmediate(r));
    assert.equal(free, true);
    // A steady stream cannot hold it past the cap.
    let capped = false;
    work.acked();
    void work.afterAcks().then(() => (capped = true));
    for (let i = 0; i < 100 && !capped; i++) {
      t.mock.timers.tick(10);
      work.acked();
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(capped, true);
  });

  it('lets a promised place lapse when its handler never ran', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const work = new Work({ maxConcurrent: 1, maxQueued: 0 });
    assert.ok(work.reserve());
    assert.equal(work.reserve(), null);
    t.mock.timers.tick(10_001);
    assert.equal(work.reserved, 0);
    assert.ok(work.reserve());
  });

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
