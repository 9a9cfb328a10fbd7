// The few measuring tools every row shares: a clock, summaries (median and range over runs, a percentile),
// timing a whole process from spawn to exit, finding an installed tool, loopback ports, and formatting.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { closedPort } from '../../test/probes/helpers.js';
import { delimiter, join } from 'node:path';

/** Milliseconds from a monotonic high-resolution clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Median and range of one number per run. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, runs: s.length };
}

/** Nearest-rank percentile (q in 0..1): the value at or below which q of the samples fall. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The unit a number of milliseconds reads best in, and its decimals: 0.213 ms, 3.40 ms, 17.3 ms, 173 ms, 1.70 s. */
function msUnit(v: number): { div: number; unit: string; digits: number } {
  if (v >= 10_000) return { div: 1000, unit: 's', digits: 1 };
  if (v >= 1000) return { div: 1000, unit: 's', digits: 2 };
  if (v >= 100) return { div: 1, unit: 'ms', digits: 0 };
  if (v >= 10) return { div: 1, unit: 'ms', digits: 1 };
  if (v >= 1) return { div: 1, unit: 'ms', digits: 2 };
  return { div: 1, unit: 'ms', digits: 3 };
}

export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '?';
  const u = msUnit(v);
  return `${(v / u.div).toFixed(u.digits)} ${u.unit}`;
}

/** "173 ms (160–190)": the median and, when there were several runs, the range in the median's unit. */
export function fmtSummary(s: Summary): string {
  if (!Number.isFinite(s.median)) return '?';
  if (s.runs < 2) return fmtMs(s.median);
  const u = msUnit(s.median);
  const n = (v: number) => (v / u.div).toFixed(u.digits);
  return `${n(s.median)} ${u.unit} (${n(s.min)}–${n(s.max)})`;
}

/** The same for values that are not times: "96 MiB (90–101)". */
export function fmtSummaryOf(s: Summary, unit: string, digits = 0): string {
  if (s.runs < 2) return `${s.median.toFixed(digits)} ${unit}`;
  return `${s.median.toFixed(digits)} ${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '?';
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

/** Rounded for the JSON: three significant decimals are plenty for timings on a shared machine. */
export function round(v: number, digits = 3): number {
  return Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v;
}

export function roundSummary(s: Summary): Summary {
  return { median: round(s.median), min: round(s.min), max: round(s.max), runs: s.runs };
}

/** The full path of an executable on PATH, or null. */
export function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

export interface ProcessRun {
  ms: number;
  code: number | null;
  /** Only when asked for (`capture`): the first few KB of each stream, to check the run did what it should. */
  stdout: string;
  stderr: string;
}

/**
 * One whole process, timed from the spawn call to its exit. Output goes to /dev/null unless `capture` is
 * set: a pipe that the parent reads costs the child nothing, but it keeps every tool on the same footing.
 */
export function timeProcess(
  cmd: string,
  args: readonly string[],
  opts: { capture?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn(cmd, args, { stdio: opts.capture ? ['ignore', 'pipe', 'pipe'] : 'ignore', env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    if (opts.capture) {
      child.stdout!.on('data', (d: Buffer) => {
        if (stdout.length < 8192) stdout += d.toString();
      });
      child.stderr!.on('data', (d: Buffer) => {
        if (stderr.length < 8192) stderr += d.toString();
      });
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      const ms = nowMs() - started;
      clearTimeout(timer);
      resolve({ ms, code, stdout, stderr });
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed): the tests' own. */
export { closedPort };

/** True when a connect to 127.0.0.1:port is refused. */
export function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

/** A closed loopback port whose neighbours (±1, +2: where the nearby look goes first) are closed too. */
export async function quietClosedPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await closedPort();
    if (p < 2 || p > 65533) continue;
    const all = await Promise.all([p - 1, p, p + 1, p + 2].map(refuses));
    if (all.every(Boolean)) return p;
  }
  return closedPort();
}

/** Resident memory of a process in MiB (Linux /proc), or null where that cannot be read. */
export function rssMiB(pid: number): number | null {
  const f = `/proc/${pid}/status`;
  if (!existsSync(f)) return null;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(f, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
