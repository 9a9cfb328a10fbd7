// Memory after a burst. V8 keeps the heap pages a burst of diagnoses needed until its own memory reducer gets
// round to them, about 12 s after the last allocation on the 2-core VM, and each burst found the process a
// little larger (npm run bench row 8: +12 MiB a second after the fifth burst of 200 against the first). Once
// nothing has run for a moment and the heap has grown since the last time, the bot asks V8 for a full
// collection, which hands the emptied pages back. It needs `--expose-gc` (npm start passes it); without it,
// or between bursts while diagnoses still run, this does nothing.
import { getHeapStatistics } from 'node:v8';
import type { Log } from './log.js';
import type { Work } from './work.js';

const MiB = 2 ** 20;

export interface ReturnMemoryOptions {
  /** How long nothing must run before collecting: a burst's diagnoses end a few ms apart. */
  quietMs: number;
  /** How much the heap must have grown since the last collection: a command or two is not worth a pause. */
  growthBytes: number;
  /** V8's collector as --expose-gc gives it; null when the flag was not passed. */
  gc: (() => void) | null;
  /** The heap V8 holds from the system now (committed, not only used). */
  heapBytes: () => number;
}

const defaults = (): ReturnMemoryOptions => ({
  quietMs: 300,
  growthBytes: 8 * MiB,
  gc: typeof globalThis.gc === 'function' ? (globalThis.gc as () => void) : null,
  heapBytes: () => getHeapStatistics().total_heap_size,
});

/** Collects once the work has been idle for quietMs and the heap grew; returns a stop for shutdown. */
export function returnMemoryWhenIdle(work: Work, log: Log, options: Partial<ReturnMemoryOptions> = {}): () => void {
  const o = { ...defaults(), ...options };
  const gc = o.gc;
  if (!gc) return () => undefined;
  let baseline = o.heapBytes();
  let timer: NodeJS.Timeout | null = null;
  const collect = () => {
    timer = null;
    if (work.inFlight > 0) return; // a new burst began: its end schedules the next try
    const before = o.heapBytes();
    if (before - baseline < o.growthBytes) return;
    const started = performance.now();
    gc();
    baseline = o.heapBytes();
    log.info('memory_returned', {
      ms: Math.round(performance.now() - started),
      heapMiBBefore: Math.round(before / MiB),
      heapMiBAfter: Math.round(baseline / MiB),
    });
  };
  const stopIdle = work.onIdle(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(collect, o.quietMs);
    timer.unref();
  });
  return () => {
    stopIdle();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
