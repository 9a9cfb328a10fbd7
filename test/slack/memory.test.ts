// Memory after a burst: once nothing has run for a moment and the heap grew, the bot runs V8's full collection
// (src/slack/memory.ts). The first test drives the decision with a made-up heap; the second uses V8's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryLog } from '../../src/slack/log.js';
import { returnMemoryWhenIdle } from '../../src/slack/memory.js';
import { Work } from '../../src/slack/work.js';

const MiB = 2 ** 20;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('memory after a burst', () => {
  it('collects once the last job has been over for quietMs and the heap grew past the threshold, and not while work runs', async () => {
    const work = new Work(4);
    const log = memoryLog();
    let heap = 50 * MiB;
    let collections = 0;
    const stop = returnMemoryWhenIdle(work, log, {
      quietMs: 30,
      growthBytes: 8 * MiB,
      heapBytes: () => heap,
      gc: () => {
        collections += 1;
        heap = 52 * MiB;
      },
    });
    // A job that grows the heap by 4 MiB: under the threshold, no collection.
    await work.run(async () => {
      heap += 4 * MiB;
    });
    await wait(80);
    assert.equal(collections, 0);
    // Two jobs, the first ends while the second still runs: nothing happens until both are over.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a = work.run(async () => {
      heap += 10 * MiB;
    });
    const b = work.run(() => gate);
    await a;
    await wait(80);
    assert.equal(collections, 0, 'not while a job still runs');
    release();
    await b;
    assert.equal(collections, 0, 'not at once: a burst ends over a few ms');
    await wait(80);
    assert.equal(collections, 1);
    const line = log.lines.find((l) => l.event === 'memory_returned');
    assert.deepEqual([line?.heapMiBBefore, line?.heapMiBAfter], [64, 52]);
    // The baseline is now the heap after the collection: a small job after it does not collect again.
    await work.run(async () => {
      heap += 2 * MiB;
    });
    await wait(80);
    assert.equal(collections, 1);
    // After stop, idle work schedules nothing.
    stop();
    await work.run(async () => {
      heap += 40 * MiB;
    });
    await wait(80);
    assert.equal(collections, 1);
  });

  it('without --expose-gc it does nothing', async () => {
    const work = new Work(1);
    const log = memoryLog();
    returnMemoryWhenIdle(work, log, { gc: null, quietMs: 1, growthBytes: 0 });
    await work.run(async () => undefined);
    await wait(30);
    assert.equal(log.lines.length, 0);
  });

  it("with V8's collector, the garbage a job left is collected and the heap V8 holds shrinks", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const work = new Work(1);
    const log = memoryLog();
    returnMemoryWhenIdle(work, log, { gc, quietMs: 20, growthBytes: 8 * MiB });
    // About 40 MB of short-lived strings in arrays, gone when the job ends, like a burst's payloads and replies.
    await work.run(async () => {
      const held: string[][] = [];
      for (let i = 0; i < 40; i++) held.push(Array.from({ length: 10_000 }, (_, j) => `${i}:${j}:${'x'.repeat(80)}`));
      return held.length;
    });
    for (let i = 0; i < 20 && !log.lines.some((l) => l.event === 'memory_returned'); i++) await wait(50);
    const line = log.lines.find((l) => l.event === 'memory_returned');
    assert.ok(line, 'collected after the job');
    console.log(`heap ${line.heapMiBBefore} MiB -> ${line.heapMiBAfter} MiB in ${line.ms} ms`);
    assert.ok(Number(line.heapMiBAfter) < Number(line.heapMiBBefore) - 8, `${line.heapMiBBefore} -> ${line.heapMiBAfter}`);
  });
});
