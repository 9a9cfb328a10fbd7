// A store that failed is not asked again for a moment: while it cools off, operations fail at once with
// StoreUnavailable instead of each waiting out its own timeout. Without this, a locked SQLite file would stall
// the whole process for the busy timeout on every operation (better-sqlite3 waits synchronously), and a frozen
// Redis every command for its command timeout: acks, pings and health checks would all wait behind them.
import { StoreUnavailable } from '../errors.js';
import type { Store } from './store.js';

/** How long a failed store is left alone. */
export const COOL_OFF_MS = 2000;

/** Members that are not operations on the data. */
const PASS_THROUGH = new Set<PropertyKey>(['kind', 'where', 'close']);

export function guarded(store: Store, coolOffMs = COOL_OFF_MS, now: () => number = Date.now): Store {
  let failedAt = Number.NEGATIVE_INFINITY;
  return new Proxy(store, {
    get(target, key, receiver) {
      const member = Reflect.get(target, key, receiver) as unknown;
      if (typeof member !== 'function') return member;
      // Called on the store itself, never on the proxy: the stores keep private fields (#closed …).
      if (PASS_THROUGH.has(key)) return (member as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const since = now() - failedAt;
        if (since < coolOffMs) throw new StoreUnavailable(store.where, `the store failed ${Math.round(since)} ms ago; not asked again for ${coolOffMs} ms`);
        try {
          return await (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (err) {
          if (err instanceof StoreUnavailable) failedAt = now();
          throw err;
        }
      };
    },
  });
}
