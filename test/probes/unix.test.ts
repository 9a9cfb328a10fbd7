import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { UnixSocketEvidence } from '../../src/domain/types.js';
import { makeContext, probeUnix, runProbes } from '../../src/probes/index.js';
import { FAST, makeFacts, makePlan } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'refused-unix-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Leaves a socket file with nothing behind it: a child listens on it and is killed before it can unlink it. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not listen')), 5000);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('unix socket probe', () => {
  it('open: a listener accepts', async () => {
    const path = join(dir, 'open.sock');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const ev = await probeUnix(makeContext(FAST), path);
      assert.equal(ev.outcome, 'open');
      assert.equal(ev.errno, null);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('missing: no such file', async () => {
    const ev = await probeUnix(makeContext(FAST), join(dir, 'nope.sock'));
    assert.deepEqual([ev.outcome, ev.errno], ['missing', 'ENOENT']);
  });

  it('refused: a stale socket file the server left behind', async () => {
    const path = join(dir, 'stale.sock');
    await staleSocket(path);
    const ev = await probeUnix(makeContext(FAST), path);
    assert.deepEqual([ev.outcome, ev.errno], ['refused', 'ECONNREFUSED']);
  });

  it('not-socket: a regular file', async () => {
    const path = join(dir, 'plain.file');
    writeFileSync(path, 'x');
    const ev = await probeUnix(makeContext(FAST), path);
    assert.equal(ev.outcome, 'not-socket');
  });

  const root = process.getuid?.() === 0;
  it('denied: a socket in a directory we may not enter', { skip: root ? 'running as root, which no permission stops' : false }, async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    const path = join(locked, 'app.sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(path, r));
    chmodSync(locked, 0o000);
    try {
      const ev = await probeUnix(makeContext(FAST), path);
      assert.deepEqual([ev.outcome, ev.errno], ['denied', 'EACCES']);
    } finally {
      chmodSync(locked, 0o700);
      await new Promise((r) => server.close(r));
    }
  });

  it('runProbes checks facts.unixSocket on the cli surface only', async () => {
    const path = join(dir, 'nope2.sock');
    const facts = makeFacts({ kind: 'unix_socket', unixSocket: path });
    const skipped = [{ host: null, port: null, reason: 'unix-socket' as const, detail: '' }];
    const cli = (await runProbes(makePlan([], { skipped }), facts)).evidence;
    assert.deepEqual(cli.map((e) => [e.type, (e as UnixSocketEvidence).outcome]), [['unix', 'missing']]);
    const chat = (await runProbes(makePlan([], { surface: 'chat' }), facts)).evidence;
    assert.deepEqual(chat, []);
  });
});
