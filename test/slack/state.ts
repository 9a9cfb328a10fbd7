// What a handler test needs of the bot's state: a real SQLite store in a temp directory (deleted at exit) and the
// store-backed parts of Deps built on it, as app.ts builds them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchLimits } from '../../src/config.js';
import type { Deps } from '../../src/slack/deps.js';
import { Deliveries, History } from '../../src/slack/history.js';
import { Incidents } from '../../src/slack/incidents.js';
import { SharedLimits, type RateConfig } from '../../src/slack/limits.js';
import { memoryLog } from '../../src/slack/log.js';
import { Votes } from '../../src/slack/votes.js';
import { Watches } from '../../src/slack/watches.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

const dirs: string[] = [];
process.once('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory under the system's temp dir, removed when the process exits. */
export function tempDir(prefix = 'refused-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** REFUSED_STORE_URL for a fresh SQLite file nobody else uses. */
export function tempStoreUrl(): string {
  return `sqlite:${join(tempDir(), 'refused.db')}`;
}

/** A fresh SQLite store. */
export function tempStore(): Promise<Store> {
  return openSqlite(join(tempDir(), 'refused.db'));
}

export const NO_LIMITS: RateConfig = { perUser: 0, perChannel: 0, windowMs: 60_000 };
export const TEST_WATCH: WatchLimits = { durationMs: 1000, firstIntervalMs: 100, maxIntervalMs: 100, backoff: 1, perUser: 1, total: 1, leaseMs: 3000 };

/** The store-backed parts of Deps, built on one store as app.ts builds them. */
export function stateDeps(
  store: Store,
  o: { rate?: RateConfig; watch?: WatchLimits; incidentWindowMs?: number; log?: Deps['log']; now?: () => number } = {},
): Pick<Deps, 'history' | 'deliveries' | 'limits' | 'watches' | 'incidents' | 'votes'> {
  const down = () => undefined;
  const now = o.now ?? Date.now;
  return {
    history: new History(store, down, now),
    deliveries: new Deliveries(store, down, now),
    limits: new SharedLimits(o.rate ?? NO_LIMITS, store, 'open', down),
    watches: new Watches(o.watch ?? TEST_WATCH, store, o.log ?? memoryLog(), now),
    incidents: new Incidents(store, o.incidentWindowMs ?? 15 * 60_000, down, now),
    votes: new Votes(store, down, now),
  };
}
