// The command's small usability pieces, in process through main()'s Io: the paste prompt on a terminal, an
// unknown option's nearest known one, the terminal's width, and a cut paste said in the answer itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestOption, editDistance, main, PASTE_PROMPT, pastePrompt } from '../../src/cli.js';
import type { Diagnosis } from '../../src/domain/types.js';

const PASTE = 'psql: error: connection to server at "db.internal" (10.1.2.3), port 5432 failed: Connection refused\n';

interface Run {
  code: number;
  out: string;
  err: string;
  /** stdout and stderr in the order they were written. */
  both: string;
}

async function run(argv: string[], io: { stdin?: string; stdinIsTty?: boolean; isTty?: boolean; columns?: number; env?: Record<string, string>; truncated?: boolean } = {}): Promise<Run> {
  let out = '';
  let err = '';
  let both = '';
  const code = await main({
    argv,
    env: { NO_COLOR: '1', ...io.env },
    stdout: (s) => {
      out += s;
      both += s;
    },
    stderr: (s) => {
      err += s;
      both += s;
    },
    readStdin: async () => {
      both += '<read>';
      return { text: io.stdin ?? PASTE, truncated: io.truncated ?? false, tty: io.stdinIsTty ?? false };
    },
    isTty: io.isTty ?? false,
    ...(io.columns !== undefined ? { columns: io.columns } : {}),
    ...(io.stdinIsTty !== undefined ? { stdinIsTty: io.stdinIsTty } : {}),
    platform: 'linux',
  });
  return { code, out, err, both };
}

describe('refused - on a terminal', () => {
  it('says how to end the paste, on stderr, before it reads; nothing on a pipe', async () => {
    assert.equal(pastePrompt(true), 'Paste the error, then press Ctrl-D on a new line (Ctrl-Z then Enter on Windows).\n');
    assert.equal(pastePrompt(false), null);
    assert.equal(pastePrompt(undefined), null);
    const tty = await run(['--no-probe', '--no-local', '-'], { stdinIsTty: true });
    assert.equal(tty.code, 1, tty.err);
    assert.ok(tty.both.startsWith(`${PASTE_PROMPT}<read>`), tty.both);
    assert.equal(tty.err, PASTE_PROMPT, 'the prompt goes to stderr: stdout stays the answer');
    const pipe = await run(['--no-probe', '--no-local', '-'], { stdinIsTty: false });
    assert.equal(pipe.err, '');
    assert.ok(pipe.both.startsWith('<read>'));
  });

  it('an empty paste: a clear message and exit 2, worded for a terminal or a pipe', async () => {
    const tty = await run(['--no-probe', '-'], { stdinIsTty: true, stdin: '  \n' });
    assert.equal(tty.code, 2);
    assert.match(tty.err, /refused: nothing was pasted: run `refused -` again, paste the error, then press Ctrl-D on a new line/);
    assert.equal(tty.out, '');
    const pipe = await run(['--no-probe', '-'], { stdin: '' });
    assert.equal(pipe.code, 2);
    assert.match(pipe.err, /refused: stdin was empty: pipe the error text in/);
  });
});

describe('an unknown option', () => {
  it('suggests the closest known one by edit distance, exit 2', async () => {
    for (const [typed, near] of [
      ['--verbos', '--verbose'],
      ['--verbsoe', '--verbose'],
      ['--jsno', '--json'],
      ['--no-prob', '--no-probe'],
      ['--deny-port', '--deny-ports'],
      ['--timout=5', '--timeout'],
      ['--nocolor', '--no-color'],
    ] as const) {
      const r = await run([typed, 'db', '1']);
      assert.equal(r.code, 2, typed);
      assert.match(r.err, new RegExp(`^refused: unknown option ${typed.replace(/=.*/, '')}; did you mean ${near}\\?\\n`), typed);
      assert.equal(r.out, '');
    }
  });

  it('suggests nothing when nothing is close', async () => {
    const r = await run(['--frobnicate', 'db', '1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^refused: unknown option --frobnicate\nRun `refused --help`/);
    assert.equal(closestOption('-x'), null);
    assert.equal(closestOption('--zz'), null);
  });

  it('edit distance: insertions, deletions, substitutions, swaps', () => {
    assert.equal(editDistance('verbose', 'verbose'), 0);
    assert.equal(editDistance('verbos', 'verbose'), 1);
    assert.equal(editDistance('vrebose', 'verbose'), 1);
    assert.equal(editDistance('json', 'jsno'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});

describe('the width', () => {
  it('a terminal\'s own columns, COLUMNS over them, 80 on a pipe', async () => {
    const widest = (s: string) => Math.max(...s.split('\n').filter((l) => !/^ *\$ /.test(l)).map((l) => [...l].length));
    const narrow = await run(['--no-probe', '--no-local', '-'], { isTty: true, columns: 44 });
    assert.ok(widest(narrow.out) <= 44, narrow.out);
    assert.ok(widest(narrow.out) > 30, 'wrapped near the width, not far below it');
    const env = await run(['--no-probe', '--no-local', '-'], { isTty: true, columns: 44, env: { COLUMNS: '60' } });
    assert.ok(widest(env.out) <= 60 && widest(env.out) > 44, env.out);
    const pipe = await run(['--no-probe', '--no-local', '-'], { isTty: false, columns: 44 });
    assert.ok(widest(pipe.out) <= 80 && widest(pipe.out) > 60, pipe.out);
  });
});

describe('a paste cut at the command\'s limit', () => {
  it('is said in the answer: the text and the JSON notes', async () => {
    const json = await run(['--json', '--no-probe', '--no-local', '-'], { truncated: true });
    const d = JSON.parse(json.out) as Diagnosis;
    assert.ok(d.facts.notes.some((n) => /the paste was longer than 4 MB; only its first 4 MB were read/.test(n)), d.facts.notes.join(' | '));
    const text = await run(['--no-probe', '--no-local', '-'], { truncated: true });
    assert.match(text.out.replace(/\n +/g, ' '), /note: the paste was longer than 4 MB/);
  });
});
