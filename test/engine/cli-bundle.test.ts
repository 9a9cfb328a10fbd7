// The command as `npm run build` ships it (scripts/bundle-cli.mjs): one bundled script, a CommonJS loader as the
// bin, and V8's code cache beside them. Built here into a temporary folder, then run as a person would, on a
// closed loopback port. V8 rejects a cache made under other V8 flags, and a rejected cache is made again at
// exit: NODE_OPTIONS with a V8 flag must get a cache of its own, not overwrite the plain one at every run. That
// a cache was accepted shows in what the loader does: a rejected or missing one is written anew at exit, an
// accepted one is left byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../root.js';
import { closedPort } from '../slack/harness.js';

describe('the bundled command and its code cache', () => {
  let dist = '';
  let src = '';
  const caches = () => readdirSync(src).filter((n) => n.startsWith('cli.bundle.cjs.') && n.endsWith('.cache')).sort();
  const run = (port: number, env: Record<string, string> = {}) => {
    const { NODE_OPTIONS: _drop, ...base } = process.env;
    return spawnSync(process.execPath, [join(src, 'cli.cjs'), '127.0.0.1', String(port)], { env: { ...base, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 30_000 });
  };

  before(() => {
    dist = mkdtempSync(join(tmpdir(), 'refused-bundle-'));
    src = join(dist, 'src');
    const { NODE_OPTIONS: _drop, ...env } = process.env;
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs'), dist], { env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(built.status, 0, built.stderr);
  });
  after(() => rmSync(dist, { recursive: true, force: true }));

  it('ships a cache V8 accepts, and the bin answers from it without remaking it', async () => {
    assert.deepEqual(caches(), ['cli.bundle.cjs.cache']);
    const before = readFileSync(join(src, 'cli.bundle.cjs.cache'));
    const port = await closedPort();
    const r = run(port);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`Nothing is listening on 127\\.0\\.0\\.1:${port}`));
    assert.ok(readFileSync(join(src, 'cli.bundle.cjs.cache')).equals(before), 'the cache the build made is accepted: left as it is');
  });

  it('under NODE_OPTIONS with a V8 flag, the command keeps a cache of its own and leaves the plain one alone', async () => {
    const plain = readFileSync(join(src, 'cli.bundle.cjs.cache'));
    const port = await closedPort();
    const flagged = run(port, { NODE_OPTIONS: '--stack-trace-limit=20' });
    assert.equal(flagged.status, 1, flagged.stderr);
    assert.match(flagged.stdout, /Nothing is listening/);
    const made = caches().filter((n) => n !== 'cli.bundle.cjs.cache');
    assert.equal(made.length, 1, `one cache for the flagged runs: ${caches().join(', ')}`);
    assert.match(made[0]!, /^cli\.bundle\.cjs\.[0-9a-f]{8}\.cache$/);
    // The flagged cache is the flagged runs' to use: a second flagged run does not make another, and the plain one
    // is still byte for byte what the build made, so a plain run still loads it.
    const again = run(port, { NODE_OPTIONS: '--stack-trace-limit=20' });
    assert.equal(again.status, 1, again.stderr);
    assert.deepEqual(caches(), ['cli.bundle.cjs.cache', made[0]!].sort());
    assert.ok(readFileSync(join(src, 'cli.bundle.cjs.cache')).equals(plain));
    // And a plain run after them still loads it (it would write it anew if V8 turned it down).
    const plainRun = run(port);
    assert.equal(plainRun.status, 1, plainRun.stderr);
    assert.ok(readFileSync(join(src, 'cli.bundle.cjs.cache')).equals(plain), 'a plain run after the flagged ones still loads the plain cache');
  });
});
