// Rewriting a whole paste with a list of regex steps (normalising, then masking secrets) in one pass over its lines
// instead of one pass over the whole text per step.
//
// Every step that rebuilds the text copies all of it (about 2 ms for 256 KB on a laptop), so twenty steps cost
// forty milliseconds even when they change twenty characters. Most steps can only match inside one line, and only
// on a line that holds one of a few words (a secret's key word, a command's name, an ANSI escape). So:
//
//   - a line step declares those words; every match of its regex lies within one line (no piece of it matches
//     "\n", and what it looks at around a match behaves the same at the edge of a line as next to a "\n"), so
//     running it over each line gives the same text as running it over the whole text;
//   - a whole step may match across lines (a private key block, an AWS key id with its secret on the next line);
//     it declares a guard, a regex that finds within one line something every match of the step holds, and runs
//     over the whole text only where that guard is found;
//   - a step with both is a line step while its guard is nowhere (a Slack link crosses lines only when its label
//     runs to the end of a line), and a whole step where it is.
//
// run() goes line by line through the run of steps up to the next whole step whose guard is in the text: one
// word index (keywords.ts) says which steps a line could concern, those run on it in order, and a line that a
// step changed is looked up again for the steps after it. Lines no step concerns are never touched, and the text
// is rebuilt once, only if a line changed. The answer is the same as running every step over the whole text in
// order: a step that would match holds one of its words; a whole step passed over had a guard found nowhere, and
// if a change on some line makes one appear, the run starts again step by step (the plain way) for that stretch.
import { escapeRegExp } from './chars.js';
import { WordIndex } from './keywords.js';
import { neededAll } from './needs.js';

export type Replacer = (match: string, ...groups: string[]) => string;

export interface Step {
  /** Global. */
  re: RegExp;
  replace: string | Replacer;
  /** Lower-case words, one of which the line of every match holds (the line lower-cased), wherever no guard is found. */
  words?: readonly string[];
  /** Found within one line, in the text of every match that crosses lines (of every match, without words). Not global. */
  guard?: RegExp;
}

/** The plain meaning of a step: its regex over the whole text. */
function replaceAll(text: string, step: Step): string {
  step.re.lastIndex = 0;
  return text.replace(step.re, step.replace as (substring: string, ...args: unknown[]) => string);
}

/**
 * A test for one of `words` in a text: includes() for one word as written; for several, or in any case, one regex
 * of them all (a literal alternation, which the engine finds without lower-casing a long line first).
 */
function holdsOne(words: readonly string[], caseless: boolean): (text: string) => boolean {
  if (words.length === 1 && !caseless) {
    const w = words[0]!;
    return (text) => text.includes(w);
  }
  const re = new RegExp(words.map(escapeRegExp).join('|'), caseless ? 'i' : '');
  return (text) => re.test(text);
}

/** The lists of words that differ (a regex often needs the same word twice: "mysql" in a look-behind too). */
function distinct(needs: string[][]): string[][] {
  const seen = new Set<string>();
  return needs.filter((words) => {
    const key = words.join('\n');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A line changed by a step is looked up in the word index again when it is at most this long. */
const REREAD = 4096;

export class Steps {
  readonly #steps: readonly Step[];
  // Built at the first run, like #needsRead: the automaton over every step's words is a few ms at load.
  #indexBuilt: WordIndex | null = null;
  /** The indices of the line steps, ascending. */
  readonly #lineSteps: number[];
  /**
   * Per step, what its regex cannot match without (needs.ts): for each list, one of its words. A step's own words
   * only say where it may apply; these are read from the regex ("mysql … -p" needs "-p" as well as "mysql"), so a
   * line (or a text) that lacks one is passed over: the regex would change nothing there.
   */
  // Read from the regexes at the first run, not when the module loads: the command that only probes a host and
  // port never runs the steps, and reading every regex's source cost it tens of milliseconds at each start.
  #needsRead: ((text: string) => boolean)[][] | null = null;

  constructor(steps: readonly Step[]) {
    for (const s of steps) {
      if (!s.re.global || (!s.words && !s.guard) || s.guard?.global) throw new Error(`a step needs a global regex, and words or a guard (not global): ${s.re}`);
    }
    this.#steps = steps;
    this.#lineSteps = steps.flatMap((s, i) => (s.words ? [i] : []));
  }

  get #index(): WordIndex {
    this.#indexBuilt ??= new WordIndex(this.#steps.map((s) => s.words ?? []));
    return this.#indexBuilt;
  }

  get #needs(): ((text: string) => boolean)[][] {
    this.#needsRead ??= this.#steps.map((s) => distinct(neededAll(s.re)).map((words) => holdsOne(words, s.re.ignoreCase)));
    return this.#needsRead;
  }

  /** The text after every step, in order. */
  run(input: string): string {
    const steps = this.#steps;
    let text = input;
    for (let i = 0; i < steps.length; ) {
      let j = i;
      while (j < steps.length && !steps[j]!.guard?.test(text)) j++;
      text = this.#byLine(text, i, j) ?? this.#oneByOne(text, i, j);
      if (j < steps.length) text = this.#apply(text, j);
      i = j + 1;
    }
    return text;
  }

  #oneByOne(text: string, from: number, to: number): string {
    for (let k = from; k < to; k++) text = this.#apply(text, k);
    return text;
  }

  /** Step k over the whole text. */
  #apply(text: string, k: number): string {
    return this.#holds(k, text) ? replaceAll(text, this.#steps[k]!) : text;
  }

  /** Whether `text` holds what step k's regex needs. */
  #holds(k: number, text: string): boolean {
    for (const holds of this.#needs[k]!) if (!holds(text)) return false;
    return true;
  }

  /** Steps from..to-1, line by line (their guards are nowhere in the text); null to do them one by one. */
  #byLine(text: string, from: number, to: number): string | null {
    if (from === to) return text;
    const steps = this.#steps;
    const lines = text.split('\n');
    const concerns = this.#index.groupsPerLine(lines);
    let changed = false;
    for (let n = 0; n < lines.length; n++) {
      let these = concerns[n];
      if (!these) continue;
      let line = lines[n]!;
      let after = from;
      for (let p = 0; p < these.length; p++) {
        const s = these[p]!;
        if (s < after) continue;
        if (s >= to) break;
        if (!this.#holds(s, line)) continue;
        const out = replaceAll(line, steps[s]!);
        if (out === line) continue;
        line = out;
        changed = true;
        // A step whose guard was nowhere may now have something to match here: do this stretch the plain way.
        for (let w = s + 1; w < to; w++) if (steps[w]!.guard?.test(line)) return null;
        // What the line holds now decides which of the later steps concern it. A long line (a paste on one line)
        // is not read again: every later line step tries it, as each would over the whole text.
        these = line.length <= REREAD ? (this.#index.groupsPerLine([line])[0] ?? []) : this.#lineSteps;
        after = s + 1;
        p = -1;
      }
      lines[n] = line;
    }
    return changed ? lines.join('\n') : text;
  }
}
