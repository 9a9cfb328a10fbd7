// The run's one clock: every connect timeout (and the deadline) is an entry on a single timer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeContext, probeNearby, type ProbeDeps } from '../../src/probes/index.js';
import { RunClock } from '../../src/probes/util.js';
import { FAST, stalledConnect } from './helpers.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RunClock', () => {
  it('fires entries in the order they fall due, never a cancelled one, and holds one timer for all of them', async () => {
    const before = timers();
    const clock = new RunClock();
    const fired: string[] = [];
    clock.after(40, () => fired.push('c'));
    const b = clock.after(25, () => fired.push('b'));
    clock.after(10, () => fired.push('a'));
    for (let i = 0; i < 200; i++) clock.cancel(clock.after(30, () => fired.push('never')));
    clock.cancel(b);
    assert.equal(timers() - before, 1);
    await sleep(80);
    assert.deepEqual(fired, ['a', 'c']);
    assert.equal(timers(), before, 'nothing left armed once every entry has fired');
  });

  it('close() forgets every entry and clears its timer; an entry cancelled twice is harmless', async () => {
    const before = timers();
    const clock = new RunClock();
    let fired = 0;
    const e = clock.after(10, () => fired++);
    clock.after(15, () => fired++);
    clock.cancel(e);
    clock.cancel(e);
    clock.close();
    assert.equal(timers(), before);
    await sleep(30);
    assert.equal(fired, 0);
  });

  it('the last entry cancelled clears the timer, so a finished run keeps nothing alive', () => {
    const before = timers();
    const clock = new RunClock();
    const entries = Array.from({ length: 5 }, () => clock.after(1000, () => {}));
    for (const e of entries) clock.cancel(e);
    assert.equal(timers(), before);
  });
});

describe('connect timeouts on the run clock', () => {
  it('a port look where nothing answers: every connect times out on the one clock, each one told', async () => {
    let aborted = 0;
    const connect: ProbeDeps['connect'] = (to, signal) => {
      signal.addEventListener('abort', () => aborted++, { once: true });
      return stalledConnect(to, signal);
    };
    const ports = Array.from({ length: 40 }, (_, i) => 30000 + i);
    const list = await probeNearby(makeContext({ ...FAST, connectMs: 60 }, { connect }), { address: '127.0.0.1', family: 4, port: 1, ports });
    assert.equal(list.length, 40);
    assert.ok(list.every((n) => n.outcome === 'timeout'));
    // An injected connect still gets a signal of its own, aborted when its time is up.
    assert.equal(aborted, 40);
  });
});
