// Diagnoses in flight: bounded, drained at shutdown, abandoned past the grace period.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Abandoned, Draining } from '../../src/errors.js';
import { Work } from '../../src/slack/work.js';

describe('work', () => {
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
