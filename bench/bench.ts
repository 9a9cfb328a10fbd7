// npm run bench: how fast refused is where people feel it, side by side with what they would use instead
// (issue 12). Prints one table — what | ours | theirs or the limit | ratio | goal | met — and writes the same
// as JSON to bench/results/<date>-<host>.json and bench/results/latest.json. Only loopback is contacted.
// The bench never asserts: it reports whether each goal is met. Timings are medians over several runs with
// their range; the machine may be shared, so the ratios (measured in the same run) matter more than the times.
//
//   npm run bench                       everything (a few minutes)
//   npm run bench -- --only 3,4,6       some rows (numbers as in the table)
//   npm run bench -- --runs 3 --spawns 5   fewer runs (quicker, noisier)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ROOT } from '../test/root.js';
import type { BenchContext } from './lib/context.js';
import { nowMs, which } from './lib/measure.js';
import { renderTable, type Row } from './lib/table.js';
import { botRows } from './rows/bot.js';
import { diagnoseRow, portsRow } from './rows/engine.js';
import { parseRow } from './rows/parse.js';
import { processRows } from './rows/process.js';
import { storeCostRows, takeoverRows } from './rows/store.js';

const INSTALL: Record<string, string> = { nc: 'apt-get install netcat-openbsd', nmap: 'apt-get install nmap', curl: 'apt-get install curl' };

interface Group {
  rows: number[];
  name: string;
  run: (ctx: BenchContext) => Promise<Row[]>;
}

const GROUPS: Group[] = [
  { rows: [6], name: 'parser', run: async (ctx) => [await parseRow(ctx)] },
  { rows: [5], name: 'diagnose() in process', run: async (ctx) => [await diagnoseRow(ctx)] },
  { rows: [7], name: '1,000 loopback ports', run: async (ctx) => [await portsRow(ctx)] },
  { rows: [3, 4], name: 'the command as a process', run: processRows },
  { rows: [1, 2, 8], name: 'the bot under bursts', run: botRows },
  { rows: [9, 10], name: 'the store per command', run: storeCostRows },
  { rows: [11, 12], name: 'watch takeover on Redis', run: takeoverRows },
];

function failedRows(g: Group, err: unknown): Row[] {
  const why = err instanceof Error ? err.message : String(err);
  return g.rows.map((n) => ({
    n,
    what: `${g.name} (row ${n})`,
    ours: `failed: ${why.slice(0, 120)}`,
    theirs: '—',
    ratio: '—',
    goal: '—',
    met: 'no' as const,
    data: { error: why },
  }));
}

/**
 * The command as `refused` runs it (package.json "bin", written by `npm run build`): next to this file when the
 * bench is compiled (dist/bench), else under dist/ after a build.
 */
function cliPath(): string {
  const compiled = import.meta.url.endsWith('.js');
  return compiled ? fileURLToPath(new URL('../src/cli.cjs', import.meta.url)) : join(ROOT, 'dist', 'src', 'cli.cjs');
}

const USAGE = `usage: npm run bench [-- --only 3,4,6] [--runs N] [--spawns N]
  --only    the rows to run, by their number in the table (1-12); a partial run keeps latest.json as it is
  --runs    timed runs per in-process row (default 5)
  --spawns  processes started per tool in rows 3-4 and 7 (default 9)`;

/** The options, or a line saying what is wrong with them (the bench never starts on options it cannot read). */
function readOptions(): { only: Set<number> | null; runs: number; spawns: number } | string {
  let values: { only?: string; runs?: string; spawns?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { only: { type: 'string' }, runs: { type: 'string' }, spawns: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (values.help) return '';
  const known = new Set(GROUPS.flatMap((g) => g.rows));
  const words = values.only?.split(',').map((s) => s.trim());
  const unknown = words?.filter((w) => !known.has(Number(w)));
  if (unknown?.length) return `--only ${values.only}: no row ${unknown.map((w) => `'${w}'`).join(', ')} (rows are 1-12)`;
  const only = words ? words.map(Number) : null;
  const counts = { runs: 5, spawns: 9 };
  for (const name of ['runs', 'spawns'] as const) {
    const v = values[name];
    if (v === undefined) continue;
    if (!(Number.isInteger(Number(v)) && Number(v) > 0)) return `--${name} ${v}: not a whole number above 0`;
    counts[name] = Number(v);
  }
  return { only: only ? new Set(only) : null, ...counts };
}

async function main(): Promise<void> {
  const values = readOptions();
  if (typeof values === 'string') {
    if (values) console.error(`bench: ${values}`);
    console.error(USAGE);
    process.exitCode = values ? 2 : 0;
    return;
  }
  const only = values.only;
  const started = nowMs();
  const startedAt = new Date();
  const ctx: BenchContext = {
    processRuns: values.spawns,
    runs: values.runs,
    cliPath: cliPath(),
    tools: { nc: which('nc'), nmap: which('nmap'), curl: which('curl') },
    notes: [],
    wants: (n) => !only || only.has(n),
    progress: (msg) => process.stderr.write(`${msg}\n`),
  };
  for (const [tool, path] of Object.entries(ctx.tools)) if (path === null) ctx.notes.push(`${tool}: not installed — ${INSTALL[tool]}`);
  const load0 = loadavg();
  ctx.progress(`refused bench · node ${process.version} · ${cpus().length} cores · ${hostname()} · load ${load0.map((l) => l.toFixed(2)).join(' ')}`);

  const rows: Row[] = [];
  for (const g of GROUPS) {
    if (only && !g.rows.some((n) => only.has(n))) continue;
    if (g.rows.includes(3) && !existsSync(ctx.cliPath)) {
      rows.push(...failedRows(g, new Error(`${ctx.cliPath} is missing: run npm run build first`)));
      continue;
    }
    ctx.progress(`rows ${g.rows.join(', ')}: ${g.name}`);
    const t = nowMs();
    try {
      rows.push(...(await g.run(ctx)).filter((r) => !only || only.has(r.n)));
    } catch (err) {
      rows.push(...failedRows(g, err));
    }
    ctx.progress(`  ${((nowMs() - t) / 1000).toFixed(1)} s`);
  }

  rows.sort((a, b) => a.n - b.n);
  const table = renderTable(rows);
  const durationS = Math.round((nowMs() - started) / 100) / 10;
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    loadavgStart: load0,
    loadavgEnd: loadavg(),
  };
  console.log(table);
  for (const n of ctx.notes) console.log(`note: ${n}`);
  console.log(
    `\n${startedAt.toISOString().slice(0, 10)} · ${hostname()} · ${machine.cores} cores (${machine.cpu}) · node ${process.version} · load ${load0.map((l) => l.toFixed(2)).join(' ')} · ${durationS} s`,
  );

  const result = {
    schemaVersion: 1,
    date: startedAt.toISOString(),
    host: hostname(),
    machine,
    tools: ctx.tools,
    settings: { spawnsPerTool: ctx.processRuns, runs: ctx.runs, only: only ? [...only] : null },
    durationS,
    table,
    notes: ctx.notes,
    rows,
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().slice(0, 10)}-${hostname().replace(/[^\w.-]+/g, '_')}.json`);
  const json = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, json);
  // A partial run (--only) does not replace the full table the README quotes.
  if (!only) writeFileSync(join(dir, 'latest.json'), json);
  console.log(`written: ${file}${only ? '' : ' and bench/results/latest.json'}`);
}

await main();
