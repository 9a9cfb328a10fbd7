// The bot's log lines go to stdout together, once per turn of the event loop, and none is lost when the process
// exits right after logging (process.exit, a fatal error).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLog, stdoutLines } from '../../src/slack/log.js';

const here = dirname(fileURLToPath(import.meta.url));
const logModule = pathToFileURL(join(here, '..', '..', 'src', 'slack', `log.${here.includes(`${join('dist', 'test')}`) ? 'js' : 'ts'}`)).href;

describe('stdoutLines', () => {
  it('writes the lines of one turn in one write, in order', async () => {
    const writes: string[] = [];
    const write = stdoutLines({ write: (t: string) => writes.push(t) });
    const log = createLog('info', write, () => new Date(0));
    log.info('one', { n: 1 });
    log.debug('hidden');
    log.warn('two', { token: 'xoxb-secret' });
    assert.equal(writes.length, 0, 'nothing written before the turn ends');
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 1);
    const lines = writes[0]!.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l.event, l.level]),
      [
        ['one', 'info'],
        ['two', 'warn'],
      ],
    );
    assert.equal(lines[1]!.token, '****');
    log.info('three');
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.length, 2);
    assert.match(writes[1]!, /"event":"three"/);
  });

  it('writes what is pending when the process exits in the same turn', () => {
    const loader = logModule.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const script = `import { createLog } from ${JSON.stringify(logModule)}; const log = createLog('info'); for (let i = 0; i < 3; i++) log.info('line', { i }); process.exit(3);`;
    const r = spawnSync(process.execPath, [...loader, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 3, r.stderr);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string; i: number });
    assert.deepEqual(
      lines.map((l) => l.i),
      [0, 1, 2],
    );
  });
});
