// Row 6: a 1 MB adversarial paste through parse(), against one pass of a plain regex over the same text.
// The inputs and the reference come from bench/parse-inputs.ts when it is there (the parser's own list of
// hard shapes: parseInputs() and parseReference()); otherwise from the small list below. The row reports
// the slowest 1 MB input; the JSON keeps every input.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from '../../src/parse/index.js';
import type { BenchContext } from '../lib/context.js';
import { fmtRatio, fmtSummary, nowMs, round, roundSummary, summarize, type Summary } from '../lib/measure.js';
import type { Row } from '../lib/table.js';

interface Input {
  name: string;
  text: string;
}

interface Source {
  from: string;
  inputs: Input[];
  reference: (text: string) => unknown;
}

const MB = 1 << 20;
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** One pass of a plain regex: the cheapest thing anyone could do with the text. */
const connectPass = (text: string) => text.match(/connect/gi)?.length ?? 0;

/** Used only when bench/parse-inputs.ts is absent. */
function ownInputs(): Input[] {
  return [
    {
      name: '1 MB of one error repeated',
      text: fill('Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n', MB),
    },
    { name: '1 MB single line of a:a:a:', text: fill('a:', MB) },
    { name: '1 MB single line of dotted digits', text: fill('1.2.3.4.', MB) },
    { name: '1 MB single line of IPv6-ish colons', text: `connect ECONNREFUSED [${fill('fe80::1:', MB)}` },
    { name: '1 MB of key words without values', text: fill('password= token: secret= Bearer ', MB) },
    { name: '1 MB of 80-column lines, no error', text: fill(`${'x'.repeat(79)}\n`, MB) },
  ];
}

async function source(): Promise<Source> {
  const here = new URL('../parse-inputs.js', import.meta.url);
  const asTs = new URL('../parse-inputs.ts', import.meta.url);
  if (existsSync(fileURLToPath(here)) || existsSync(fileURLToPath(asTs))) {
    try {
      // A computed specifier: this file compiles whether or not parse-inputs.ts is in the tree.
      const spec: string = here.href;
      const m = (await import(spec)) as { parseInputs?: () => Input[]; parseReference?: (t: string) => unknown };
      if (typeof m.parseInputs === 'function') {
        return { from: 'bench/parse-inputs.ts', inputs: m.parseInputs(), reference: m.parseReference ?? connectPass };
      }
    } catch {
      // fall back to the list below
    }
  }
  return { from: 'bench/rows/parse.ts', inputs: ownInputs(), reference: connectPass };
}

function timeRuns(runs: number, fn: () => unknown): number[] {
  fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = nowMs();
    fn();
    out.push(nowMs() - t);
  }
  return out;
}

export async function parseRow(ctx: BenchContext): Promise<Row> {
  const src = await source();
  // Warm the parser on ordinary text first, so the first input does not pay for the JIT.
  for (let i = 0; i < 200; i++) parse('Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect (node:net:1555:16)');
  // A long paste takes paths a short one never does (the cut, the word automata, the regexes on the text near the
  // error), and their first calls run before the JIT has compiled them. Each input is parsed once here, so the
  // first input in the list is not the one timed while they compile: without this, the row's slowest input was
  // whichever came first (the fixtures), at about twice its steady time, and moved with the machine's load.
  for (const input of src.inputs) parse(input.text);
  const results: { name: string; chars: number; parse: Summary; reference: Summary }[] = [];
  for (const input of src.inputs) {
    const p = summarize(timeRuns(ctx.runs, () => parse(input.text)));
    const r = summarize(timeRuns(ctx.runs, () => src.reference(input.text)));
    results.push({ name: input.name, chars: input.text.length, parse: p, reference: r });
  }
  // "A 1 MB paste": the larger inputs stay in the JSON but do not pick the row.
  const oneMb = results.filter((r) => r.chars <= 1.05 * MB);
  const worst = (oneMb.length > 0 ? oneMb : results).reduce((a, b) => (b.parse.median > a.parse.median ? b : a));
  const ratio = worst.parse.median / worst.reference.median;
  return {
    n: 6,
    what: 'a 1 MB adversarial paste through parse()',
    ours: `${fmtSummary(worst.parse)}; slowest of ${oneMb.length} inputs: ${worst.name}`,
    theirs: `one plain regex pass over it ${fmtSummary(worst.reference)}`,
    ratio: fmtRatio(ratio),
    goal: '< 50 ms',
    met: worst.parse.median < 50 ? 'yes' : 'no',
    data: {
      inputsFrom: src.from,
      worst: worst.name,
      inputs: results.map((r) => ({
        name: r.name,
        chars: r.chars,
        parse: roundSummary(r.parse),
        reference: roundSummary(r.reference),
        ratio: round(r.parse.median / r.reference.median, 1),
      })),
    },
  };
}
