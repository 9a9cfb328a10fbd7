// The one table the bench prints: what | ours | theirs or the limit | ratio | goal | met. It is Markdown with
// its columns padded, so it reads in a terminal and pastes unchanged into the README.

export interface Row {
  /** The row's place in issue 12's table (1–8); the table is printed in this order. */
  n: number;
  what: string;
  ours: string;
  theirs: string;
  ratio: string;
  goal: string;
  met: 'yes' | 'no' | '—';
  /** The raw numbers behind the cells, for the JSON. */
  data: Record<string, unknown>;
}

export const HEADER = ['what', 'ours', 'theirs or the limit', 'ratio', 'goal', 'met'] as const;

function cells(r: Row): string[] {
  return [r.what, r.ours, r.theirs, r.ratio, r.goal, r.met];
}

/** A cell may not break the table: pipes escaped, line breaks flattened. */
function clean(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Characters as a terminal counts them (close enough: the table uses no wide characters). */
function width(s: string): number {
  return [...s].length;
}

export function renderTable(rows: readonly Row[]): string {
  const body = [...rows].sort((a, b) => a.n - b.n).map((r) => cells(r).map(clean));
  const all = [[...HEADER], ...body];
  const widths = HEADER.map((_, i) => Math.max(3, ...all.map((line) => width(line[i]!))));
  const line = (cols: string[]) => `| ${cols.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(all[0]!), rule, ...body.map(line)].join('\n');
}
