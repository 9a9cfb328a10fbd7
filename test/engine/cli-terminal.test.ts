// The command's small usability pieces, in process through main()'s Io: the paste prompt on a terminal, an
// unknown option's nearest known one, the terminal's width, and a cut paste said in the answer itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { closestOption, editDistance, main, PASTE_PROMPT, pastePrompt, readStdin } from '../../src/cli.js';
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

describe('a paste longer than the command reads (4 MB)', () => {
  const NOISE = '2024-05-01T10:00:00Z INFO worker: heartbeat ok queue=jobs depth=0 elapsed=3ms\n';
  const ERROR = 'Error: connect ECONNREFUSED 10.20.30.40:6379\n';
  /** A Readable of `text` in 64 KB chunks, as a pipe delivers it. */
  const stdin = (text: string) => Readable.from(chunks(Buffer.from(text), 64 * 1024)) as unknown as NodeJS.ReadStream;
  function* chunks(buf: Buffer, size: number) {
    for (let at = 0; at < buf.length; at += size) yield buf.subarray(at, at + size);
  }

  it('keeps its start and its end: the only error, at the very end, is found, and the answer says what was cut', async () => {
    const paste = `${NOISE.repeat(Math.ceil((5 * 1024 * 1024) / NOISE.length))}${ERROR}`;
    const input = await readStdin(stdin(paste));
    assert.equal(input.truncated, true);
    assert.ok(Buffer.byteLength(input.text) <= 4 * 1024 * 1024 + 64, `${Buffer.byteLength(input.text)}`);
    assert.ok(input.text.startsWith(NOISE) && input.text.endsWith(ERROR));
    assert.match(input.text, /\n\[… [\d,]+ lines \([\d,]+ KB\) cut …\]\n/);
    const json = await run(['--json', '--no-probe', '--no-local', '-'], { stdin: input.text });
    assert.equal(json.err, '', 'said in the answer, nothing on stderr');
    const d = JSON.parse(json.out) as Diagnosis;
    assert.equal(d.facts.host, '10.20.30.40');
    assert.equal(d.facts.port, 6379);
    const notes = d.facts.notes.filter((n) => n.startsWith('The paste was'));
    assert.equal(notes.length, 1, d.facts.notes.join(' | '));
    const note = notes[0]!;
    assert.match(note, /^The paste was 5\.0 MB; kept the first [\d,]+ lines and the last [\d,]+; [\d,]+ lines in between were not read\.$/);
    // This cut and the parser's own are one note, and its numbers add up to the paste's lines.
    const [first, last, between] = [...note.matchAll(/[\d,]+(?= lines| lines in|;)/g)].map((m) => Number(m[0].replace(/,/g, '')));
    assert.equal(first! + last! + between!, paste.split('\n').length - 1, note);
    for (const verbose of [false, true]) {
      const text = await run(['--no-probe', '--no-local', ...(verbose ? ['--verbose'] : []), '-'], { stdin: input.text });
      assert.equal(text.err, '');
      assert.ok(text.out.replace(/\n +/g, ' ').includes(`note: ${note}`), text.out);
    }
  });

  it('a paste within the limit is read whole; one long line is cut within it, never inside a character', async () => {
    const small = `${NOISE.repeat(1000)}${ERROR}`;
    assert.deepEqual(await readStdin(stdin(small)), { text: small, truncated: false, tty: false });
    // No line break at all, characters of 2 and 4 bytes: the marker stands on its own line between two pieces.
    const line = `${'é𝄞 '.repeat(Math.ceil((4.5 * 1024 * 1024) / 7))}${ERROR}`;
    const input = await readStdin(stdin(line));
    assert.equal(input.truncated, true);
    assert.ok(!input.text.includes('\uFFFD'), 'no character cut in two');
    assert.ok(input.text.endsWith(ERROR));
    const marker = /\n\[… ([\d,]+) KB cut …\]\n/.exec(input.text);
    assert.ok(marker, input.text.slice(0, 200));
    const [head, tail] = input.text.split(marker[0]);
    const cut = Buffer.byteLength(line) - Buffer.byteLength(head!) - Buffer.byteLength(tail!);
    assert.equal(Number(marker[1]!.replace(/,/g, '')), Math.round(cut / 1024));
    const json = await run(['--json', '--no-probe', '--no-local', '-'], { stdin: input.text });
    const d = JSON.parse(json.out) as Diagnosis;
    assert.equal(d.facts.port, 6379);
    assert.equal(d.facts.notes.filter((n) => /^The paste was 4\.5 MB; kept /.test(n)).length, 1, d.facts.notes.join(' | '));
  });
});
