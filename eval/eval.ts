// `npm run eval`: how often the first cause we name is the one that fixed a real case.
//
// eval/cases/<batch>/cases.json names, for each pasted error in that folder, the public thread it was
// rewritten from, the cause id that fixed it there, and the ids that would be a fair first answer. Each
// paste runs through the engine as the bot sees it (chat surface, no probes: a paste it cannot probe) and as
// `refused --no-probe --json -` sees it (CLI surface). Printed: top-1 and top-3 per surface and per cause,
// the misses, and a calibration table (of the causes shown at 50–60 %, 60–70 %, …, how many were right).
// No network: probes are off. `--json` prints the numbers as one object instead.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose } from '../src/diagnose.js';
import type { Surface } from '../src/domain/types.js';

export interface EvalCase {
  file: string;
  source: string;
  /** The cause id that fixed it; null when none of ours names the fix (counted, not scored). */
  cause: string | null;
  fair: string[];
  fix: string;
  text: string;
}

export interface Scored {
  file: string;
  cause: string;
  right: string[];
  shown: { id: string; confidence: number }[];
  top1: boolean;
  top3: boolean;
}

/** The folder of real cases: eval/cases under the project root, whether this runs from source or from dist/. */
export function casesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'eval', 'cases');
}

export function loadCases(dir = casesDir()): EvalCase[] {
  const out: EvalCase[] = [];
  for (const batch of readdirSync(dir).sort()) {
    const index = join(dir, batch, 'cases.json');
    if (!statSync(index, { throwIfNoEntry: false })?.isFile()) continue;
    const entries = JSON.parse(readFileSync(index, 'utf8')) as Record<string, { source: string; cause: string | null; fair?: string[]; fix?: string }>;
    for (const [file, e] of Object.entries(entries)) {
      out.push({ file: `${batch}/${file}`, source: e.source, cause: e.cause, fair: e.fair ?? [], fix: e.fix ?? '', text: readFileSync(join(dir, batch, file), 'utf8') });
    }
  }
  return out;
}

export async function score(c: EvalCase & { cause: string }, surface: Surface): Promise<Scored> {
  const d = await diagnose({ type: 'paste', text: c.text }, { surface, probe: false, hostname: 'eval' });
  const right = [c.cause, ...c.fair];
  const shown = d.causes.map((f) => ({ id: String(f.id), confidence: f.confidence }));
  return {
    file: c.file,
    cause: c.cause,
    right,
    shown,
    top1: shown.length > 0 && right.includes(shown[0]!.id),
    top3: shown.slice(0, 3).some((s) => right.includes(s.id)),
  };
}

const pct = (n: number, of: number) => (of === 0 ? '   -  ' : `${((100 * n) / of).toFixed(1).padStart(5)}%`);

export interface Summary {
  cases: number;
  unscored: number;
  surfaces: Record<string, { top1: number; top3: number; n: number; perCause: Record<string, { n: number; top1: number; top3: number }>; calibration: { bucket: string; shown: number; right: number }[]; misses: { file: string; cause: string; shown: string[] }[] }>;
}

export async function evaluateAll(cases: EvalCase[]): Promise<Summary> {
  const scoredCases = cases.filter((c): c is EvalCase & { cause: string } => c.cause !== null);
  const summary: Summary = { cases: cases.length, unscored: cases.length - scoredCases.length, surfaces: {} };
  for (const surface of ['chat', 'cli'] as const) {
    const results = [];
    for (const c of scoredCases) results.push(await score(c, surface));
    const perCause: Record<string, { n: number; top1: number; top3: number }> = {};
    for (const r of results) {
      const p = (perCause[r.cause] ??= { n: 0, top1: 0, top3: 0 });
      p.n += 1;
      if (r.top1) p.top1 += 1;
      if (r.top3) p.top3 += 1;
    }
    // Every cause shown (the first three, as a person reads them), bucketed by the confidence we printed.
    const buckets = new Map<number, { shown: number; right: number }>();
    for (const r of results) {
      for (const s of r.shown.slice(0, 3)) {
        const b = Math.min(9, Math.floor(s.confidence * 10));
        const e = buckets.get(b) ?? { shown: 0, right: 0 };
        e.shown += 1;
        if (r.right.includes(s.id)) e.right += 1;
        buckets.set(b, e);
      }
    }
    summary.surfaces[surface] = {
      n: results.length,
      top1: results.filter((r) => r.top1).length,
      top3: results.filter((r) => r.top3).length,
      perCause,
      calibration: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, e]) => ({ bucket: `${b * 10}-${b * 10 + 10}%`, ...e })),
      misses: results.filter((r) => !r.top1).map((r) => ({ file: r.file, cause: r.cause, shown: r.shown.slice(0, 3).map((s) => `${s.id} ${Math.round(s.confidence * 100)}%`) })),
    };
  }
  return summary;
}

export function formatSummary(s: Summary, verbose: boolean): string {
  const lines: string[] = [`${s.cases} real cases (${s.unscored} whose fix no cause id names are not scored)`, ''];
  for (const [surface, r] of Object.entries(s.surfaces)) {
    lines.push(`== ${surface} surface (no probes): top-1 ${pct(r.top1, r.n)} (${r.top1}/${r.n})   top-3 ${pct(r.top3, r.n)} (${r.top3}/${r.n})`);
    lines.push('   cause                         n   top-1   top-3');
    for (const [cause, p] of Object.entries(r.perCause).sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))) {
      lines.push(`   ${cause.padEnd(28)}${String(p.n).padStart(3)}  ${pct(p.top1, p.n)}  ${pct(p.top3, p.n)}`);
    }
    lines.push('   calibration: confidence shown → how often that cause was right');
    for (const b of r.calibration) lines.push(`   ${b.bucket.padEnd(9)} ${String(b.shown).padStart(4)} shown, ${pct(b.right, b.shown)} right`);
    if (verbose) {
      lines.push('   misses (top-1):');
      for (const m of r.misses) lines.push(`   ${m.file}: wanted ${m.cause}; showed ${m.shown.join(', ') || 'nothing'}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const summary = await evaluateAll(loadCases());
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(`${formatSummary(summary, args.includes('--misses') || args.includes('-v'))}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
