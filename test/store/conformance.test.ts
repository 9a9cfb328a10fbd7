// The conformance suite (conformance.ts) over both stores: SQLite in a temporary directory, and Redis on a
// redis-server this file starts on a free loopback port (emptied before each test). Both run the two-instance
// tests: for Redis two replicas, for SQLite two handles on one file (as two processes sharing it would be, which
// sqlite.ts's IMMEDIATE transactions allow). Without redis-server the Redis half is skipped, except under CI,
// where it fails (.ci/run installs it).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createClient } from 'redis';
import { openRedis } from '../../src/store/redis.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { conformance } from './conformance.js';
import { ON_CI, redisAvailable, startRedis } from './redis-server.js';

conformance(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refused-store-'));
    const path = join(dir, 'refused.db');
    return {
      store: await openSqlite(path),
      another: () => openSqlite(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  { replicas: true },
);

if (ON_CI && !redisAvailable()) {
  test('the Redis conformance suite needs redis-server', () => {
    assert.fail('redis-server is missing and CI is set: .ci/run should install redis-server (apt-get install --no-install-recommends redis-server)');
  });
}

/** The server for the whole file, and a plain client that empties it between tests. */
async function startServer() {
  const server = await startRedis();
  const admin = createClient({ url: server.url });
  admin.on('error', () => undefined);
  await admin.connect();
  return { server, admin };
}
/** Started by the first test that needs it. */
let redis: ReturnType<typeof startServer> | null = null;
const redisServer = () => (redis ??= startServer());

after(async () => {
  // A server that failed to start has already failed the tests that needed it.
  const r = await redis?.catch(() => null);
  if (!r) return;
  await r.admin.close();
  await r.server.stop();
});

conformance(
  'redis',
  async () => {
    const { server, admin } = await redisServer();
    await admin.flushDb();
    return {
      store: await openRedis(server.url),
      another: () => openRedis(server.url),
      cleanup: async () => undefined,
    };
  },
  { replicas: true, skip: redisAvailable() ? false : 'redis-server is missing: apt-get install --no-install-recommends redis-server to run the Redis half' },
);
