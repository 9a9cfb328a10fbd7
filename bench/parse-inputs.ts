// The pastes the parser is timed on: the fixtures grown to a size, and the adversarial shapes of the safety
// tests (test/parse/size.test.ts, test/safety/parser-fuzz.test.ts, test/parse/redact.test.ts) grown to 1 MB.
// bench/bench.ts can import parseInputs(), connectPass() and wordPass(); run this file on its own for a parse-only
// table (main() below says how):
//
//   npx tsx bench/parse-inputs.ts [rounds] [--against <dir>/src/parse/index.ts]
//
// Each row: the median parse time, and its ratio to one regex pass over the same text (the machine is shared, so
// a ratio travels better than milliseconds).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export interface ParseInput {
  name: string;
  text: string;
}

const MB = 1 << 20;

const here = fileURLToPath(new URL('.', import.meta.url));

/** The fixture pastes (test/fixtures/pastes/*.txt), from the source tree or from dist/bench. */
export function fixturePastes(): string[] {
  const dir = [
    join(here, '..', 'test', 'fixtures', 'pastes'),
    join(here, '..', '..', 'test', 'fixtures', 'pastes'),
    join(process.cwd(), 'test', 'fixtures', 'pastes'),
  ].find((d) => existsSync(d));
  if (!dir) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** `unit` repeated to exactly `size` characters. */
const fill = (unit: string, size: number) => (unit ? unit.repeat(Math.ceil(size / unit.length)).slice(0, size) : '');

/** The inputs, each about 1 MB (one of 4 MB): real errors, noise, long lines, and near-misses of every secret shape. */
export function parseInputs(pastes: string[] = fixturePastes()): ParseInput[] {
  const joined = pastes.join('\n');
  const noiseLine = '2024-01-01T00:00:00Z INFO worker heartbeat ok host=app-1 port=8080 elapsed=12ms a=b\n';
  return [
    { name: '1 MB of error pastes (the fixtures)', text: fill(joined, MB) },
    { name: '4 MB of error pastes (the fixtures)', text: fill(joined, 4 * MB) },
    { name: '1 MB log noise, the error first', text: `Error: connect ECONNREFUSED 127.0.0.1:5432\n${fill(noiseLine, MB)}` },
    { name: '1 MB log noise, the error last', text: `${fill(noiseLine, MB)}Error: connect ECONNREFUSED 127.0.0.1:5432\n` },
    { name: '1 MB of one error repeated', text: fill('redis.exceptions.ConnectionError: Error 111 connecting to cache:6379. Connection refused.\n', MB) },
    // Lines of 10,000 characters full of error words and endpoints: each is cut into MAX_LINE pieces.
    { name: '1 MB of 10 KB lines with error words', text: fill(`${fill('connect ECONNREFUSED 10.0.0.5:5432 dial tcp host=db port=5432 ', 10_000)}\n`, MB) },
    { name: '1 MB of 80-column lines, no error', text: fill(`${'x'.repeat(79)}\n`, MB) },
    { name: '1 MB single line of a:a:a:', text: fill('a:', MB) },
    { name: '1 MB single line of punctuation', text: `connect ECONNREFUSED [::::${fill(':1.', MB)} HTTPConnectionPool(host='${"'".repeat(1000)}` },
    // Near-misses of the redaction rules: every family's start with no value after it.
    { name: '1 MB of key words without values', text: fill('password=token:secret= auth pass sig ', MB) },
    { name: '1 MB of commands without flags', text: fill('mysql -u redis-cli -a curl -u sshpass -p docker login ldapsearch mongosh sqlcmd ', MB) },
    { name: '1 MB of token prefixes', text: fill('sk_live_ SG. npm_ AIza ya29. GOCSPX- SK xoxb- eyJ AKIAABCDEFGHIJKLMNOP, Bearer ', MB) },
    { name: '1 MB of key block markers', text: fill('-----BEGIN PRIVATE KEY-----\nQUJDRA==QUJDRA==\n', MB) },
    { name: '1 MB of escaped newlines and quotes', text: fill('\\n\\"AUTH\\" \\\\n Cookie: a=b; ', MB) },
  ];
}

/** The reference the issue names: one pass of /connect/ over the text. V8 finds a literal without looking at
 * every character, so this is well under a millisecond a megabyte. */
export function connectPass(text: string): number {
  return text.match(/connect/gi)?.length ?? 0;
}

/** A regex pass that does look at every character (the 31–44 ms "one regex pass" of issue 12 was of this order). */
export function wordPass(text: string): number {
  return text.match(/[a-z]+/gi)?.length ?? 0;
}

/** The median of `rounds` timed calls, after one untimed call. */
export function medianMs(rounds: number, fn: () => unknown): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

type Parse = (text: string) => unknown;

/**
 * npx tsx bench/parse-inputs.ts [rounds] [--against <dir>/src/parse/index.ts]
 *
 * With --against, another parser (an older commit: git archive <commit> src | tar -x -C /tmp/old) is timed on the
 * same inputs in the same run, interleaved, so a busy machine slows both alike.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--against');
  const against = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const rounds = Number(args[0] ?? 7) || 7;
  const ours = ((await import('../src/parse/index.js')) as { parse: Parse }).parse;
  const theirs = against ? ((await import(against)) as { parse: Parse }).parse : null;
  const pastes = fixturePastes();
  for (let i = 0; i < 20; i++) {
    for (const p of pastes) {
      ours(p);
      theirs?.(p);
    }
  }
  console.log(`parse · node ${process.version} · median ms of ${rounds} (3 interleaved batches) · ×: to one /connect/gi pass and to one /[a-z]+/gi pass`);
  console.log(
    `${'input'.padEnd(42)} ${theirs ? 'before'.padStart(8) : ''} ${'now'.padStart(8)} ${'/connect/'.padStart(10)} ${'/[a-z]+/'.padStart(9)}   ×connect  ×[a-z]+`,
  );
  for (const input of parseInputs(pastes)) {
    const batch = (fn: () => unknown) => medianMs(rounds, fn);
    const mine: number[] = [];
    const old: number[] = [];
    const connect: number[] = [];
    const words: number[] = [];
    for (let b = 0; b < 3; b++) {
      if (theirs) old.push(batch(() => theirs(input.text)));
      mine.push(batch(() => ours(input.text)));
      connect.push(batch(() => connectPass(input.text)));
      words.push(batch(() => wordPass(input.text)));
    }
    const mid = (xs: number[]) => xs.sort((x, y) => x - y)[1]!;
    const [ms, c, w] = [mid(mine), mid(connect), mid(words)];
    const before = theirs ? mid(old).toFixed(1).padStart(8) : '';
    console.log(
      `${input.name.padEnd(42)} ${before} ${ms.toFixed(1).padStart(8)} ${c.toFixed(2).padStart(10)} ${w.toFixed(1).padStart(9)}   ${(ms / c).toFixed(0).padStart(8)} ${(ms / w).toFixed(2).padStart(8)}`,
    );
  }
}

// Run as a script (from the source by tsx, or compiled under dist/bench), not when imported.
if (/[\\/]parse-inputs\.[jt]s$/.test(process.argv[1] ?? '')) await main();
