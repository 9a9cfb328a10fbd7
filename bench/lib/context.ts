// What every row group gets from the main: how many runs, where the CLI is, which outside tools exist, and
// a list for notes (a tool missing, a run that did not do what it should) printed under the table.

export interface BenchContext {
  /** Spawns per tool for the whole-process rows. */
  processRuns: number;
  /** Runs (bursts, batches, scans) for the other rows. */
  runs: number;
  /** The command as `refused` runs it after `npm ci`: the bin, dist/src/cli.cjs (the bundled command behind a CommonJS loader). */
  cliPath: string;
  tools: { nc: string | null; nmap: string | null; curl: string | null };
  notes: string[];
  /** Whether a row (1–8) was asked for (all are, unless --only says otherwise). */
  wants(n: number): boolean;
  /** Progress lines go to stderr, so stdout is the table alone. */
  progress(msg: string): void;
}
