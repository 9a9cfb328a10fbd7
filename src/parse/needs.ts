// The passes test well over a hundred regexes against the text near the error (up to 600 lines of 2,000
// characters), most of them to find nothing. A regex that opens with a word boundary, a line start or a digit gives
// the engine no literal to skip ahead to, so each one reads every character of a long text.
//
// Almost every such regex cannot match without some words (curl's rule needs "curl: (", or "curl", or "trying ";
// UNDER_LOAD's "new … connection per" alternative needs "new ", one of "client", "connection" … and " per").
// neededPerAlternative() reads those words out of the regex's own source, so they cannot drift from it; Text finds,
// in one pass over a long text (keywords.ts), which of them it holds, and tests a regex only when one of its
// alternatives finds all it needs. The answer is the same as testing them all: a regex none of whose alternatives
// has its words in the text cannot match. The normalising and redacting steps (steps.ts) use neededAll() the same
// way on each line.
import { WordIndex } from './keywords.js';

/**
 * What every text that `re` matches holds: for each list, one of its words. Words are as the regex writes them, or
 * lower-cased when it ignores case. Empty when the source gives nothing, or uses syntax this reader does not take
 * apart (the u and v flags, whose case folding maps other characters onto ASCII letters).
 */
export function neededAll(re: RegExp): string[][] {
  if (/[uv]/.test(re.flags)) return [];
  const reader = new Reader(re.source, re.flags.includes('i'));
  const needs = reader.alternation();
  // Anything left unread (an unbalanced ")") means the source was not understood.
  return reader.at < re.source.length ? [] : needs;
}

/**
 * For each top-level alternative of `re`, what a text it matches holds: for each list, one of its words, lower-cased.
 * Lists whose words have at least `shortest` characters are kept (a shorter one, a ":" or a blank, is in nearly every
 * text), or the alternative's most telling list when it has no such list. Null when some alternative needs nothing
 * known, or the source is not understood.
 */
export function neededPerAlternative(re: RegExp, shortest = 3): string[][][] | null {
  if (/[uv]/.test(re.flags)) return null;
  const reader = new Reader(re.source, re.flags.includes('i'));
  const alts = reader.alternatives();
  if (reader.at < re.source.length) return null;
  const out: string[][][] = [];
  for (const needs of alts) {
    const long = needs.filter((words) => words.every((w) => w.length >= shortest));
    const best = bestOf(needs);
    if (best === null) return null;
    out.push((long.length > 0 ? long : [best]).map((words) => [...new Set(words.map((w) => w.toLowerCase()))]));
  }
  return out;
}

/** Words, lower-cased, one of which every text that `re` matches holds (lower-cased); null when none is known. */
export function neededWords(re: RegExp): string[] | null {
  const best = bestOf(neededAll(re));
  return best === null ? null : [...new Set(best.map((w) => w.toLowerCase()))];
}

/** Any one of these words. */
type Need = string[];

/** The most telling need: the one whose shortest word is longest, then the one of fewest words. */
function bestOf(needs: Need[]): Need | null {
  let best: Need | null = null;
  let bestShortest = 0;
  for (const n of needs) {
    const shortest = Math.min(...n.map((w) => w.length));
    if (best === null || shortest > bestShortest || (shortest === bestShortest && n.length < best.length)) {
      best = n;
      bestShortest = shortest;
    }
  }
  return best;
}

/** A class of at most this many characters stands for a need of one-character words ("[=:]", "[ \t]"). */
const SMALL_CLASS = 6;

type Atom =
  | { char: string }
  | { set: Need }
  | { needs: Need[]; look: 'none' | 'positive' | 'negative' }
  | 'other';

/**
 * A recursive descent over a regex source without the u flag (alternation, sequence, atom, quantifier), gathering
 * what a text must hold for the regex to match anywhere in it. A lookaround's needs count when it is positive: what
 * it looks at is in the text, even if not in the match.
 */
class Reader {
  at = 0;
  readonly #s: string;
  readonly #caseless: boolean;
  constructor(source: string, caseless: boolean) {
    this.#s = source;
    this.#caseless = caseless;
  }

  /** What each alternative needs, one list of needs per alternative. */
  alternatives(): Need[][] {
    const alts: Need[][] = [this.#sequence()];
    while (this.#s[this.at] === '|') {
      this.at++;
      alts.push(this.#sequence());
    }
    return alts;
  }

  /** One alternative: all it needs. Several: each needs its most telling word list, so the whole needs one of them. */
  alternation(): Need[] {
    const alts = this.alternatives();
    if (alts.length === 1) return alts[0]!;
    const bests = alts.map(bestOf);
    if (bests.some((b) => b === null)) return [];
    return [[...new Set((bests as Need[]).flat())]];
  }

  /** A sequence needs every part of it: runs of plain characters, small classes, groups that must match. */
  #sequence(): Need[] {
    const needs: Need[] = [];
    let run = '';
    const endRun = () => {
      if (run) needs.push([run]);
      run = '';
    };
    while (this.at < this.#s.length && this.#s[this.at] !== '|' && this.#s[this.at] !== ')') {
      const atom = this.#atom();
      const q = this.#quantifier();
      if (atom !== 'other' && 'char' in atom) {
        if (q === null) {
          run += atom.char;
        } else if (q.min === 0) {
          endRun();
        } else {
          // At least once: the character is there, and what follows comes after one (last) copy of it.
          run += atom.char;
          endRun();
          run = atom.char;
        }
        continue;
      }
      endRun();
      if (atom === 'other' || (q !== null && q.min === 0)) continue;
      if ('set' in atom) needs.push(atom.set);
      else if (atom.look !== 'negative') needs.push(...atom.needs);
    }
    endRun();
    return needs;
  }

  #atom(): Atom {
    const s = this.#s;
    const c = s[this.at++]!;
    if (c === '(') {
      let look: 'none' | 'positive' | 'negative' = 'none';
      const opener = /^\?(?::|=|!|<=|<!)/.exec(s.slice(this.at, this.at + 3))?.[0];
      if (opener) {
        this.at += opener.length;
        if (opener !== '?:') look = opener.endsWith('!') ? 'negative' : 'positive';
      } else if (s.startsWith('?<', this.at)) {
        const end = s.indexOf('>', this.at);
        if (end < 0) return this.#fail();
        this.at = end + 1;
      } else if (s[this.at] === '?') return this.#fail();
      const needs = this.alternation();
      if (s[this.at] !== ')') return this.#fail();
      this.at++;
      return { needs, look };
    }
    if (c === '[') return this.#class();
    if (c === '\\') {
      const e = s[this.at++];
      if (e === undefined) return this.#fail();
      // Classes, assertions, back-references, control characters: not a plain character.
      if ('dDwWsSbBnrtfv0123456789'.includes(e)) return 'other';
      // Code points, control letters, named back-references: not read here.
      if (e === 'x' || e === 'u' || e === 'c' || e === 'k') return this.#fail();
      return this.#plain(e);
    }
    if (c === '.' || c === '^' || c === '$') return 'other';
    if (c === '*' || c === '+' || c === '?') return this.#fail();
    return this.#plain(c);
  }

  /** A class: a need of its characters when it lists a few printable ones (no range, no negation); else other. */
  #class(): Atom {
    const s = this.#s;
    let chars: string[] | null = [];
    if (s[this.at] === '^') {
      this.at++;
      chars = null;
    }
    // "[]" is a class of nothing; it never matches, and needs nothing here.
    if (s[this.at] === ']') chars = null;
    while (this.at < s.length && s[this.at] !== ']') {
      let c = s[this.at++]!;
      if (c === '\\') {
        const e = s[this.at++];
        if (e === undefined) return this.#fail();
        if (e === 't') c = '\t';
        else if (/[A-Za-z0-9]/.test(e)) chars = null;
        else c = e;
      } else if (c === '-' && chars !== null && chars.length > 0 && s[this.at] !== ']') {
        chars = null;
      }
      const code = c.charCodeAt(0);
      if (chars !== null && (code === 9 || (code >= 0x20 && code < 0x7f))) chars.push(this.#caseless ? c.toLowerCase() : c);
      else chars = null;
    }
    if (this.at >= s.length) return this.#fail();
    this.at++;
    if (chars === null || chars.length === 0) return 'other';
    const set = [...new Set(chars)];
    return set.length <= SMALL_CLASS ? { set } : 'other';
  }

  /** A printable ASCII character stands for itself; any other breaks a run (its lower case may be several). */
  #plain(c: string): Atom {
    const code = c.charCodeAt(0);
    if (code < 0x20 || code >= 0x7f) return 'other';
    return { char: this.#caseless ? c.toLowerCase() : c };
  }

  /** A quantifier after an atom ({min} is enough here), or null; a "{" that is not one is a plain character. */
  #quantifier(): { min: number } | null {
    const s = this.#s;
    const c = s[this.at];
    let min: number;
    if (c === '*' || c === '?') {
      this.at++;
      min = 0;
    } else if (c === '+') {
      this.at++;
      min = 1;
    } else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(s.slice(this.at, this.at + 24));
      if (!m) return null;
      this.at += m[0].length;
      min = Number(m[1]);
    } else {
      return null;
    }
    if (s[this.at] === '?') this.at++;
    return { min };
  }

  /** Syntax this reader does not take apart: the regex needs nothing known (it is always tested). */
  #fail(): 'other' {
    this.at = Number.POSITIVE_INFINITY;
    return 'other';
  }
}

// ---- testing many regexes against one long text

/** A text shorter than this is simply tested: the pass over it would cost about what it saves. */
const LONG = 8 * 1024;

/** Every regex that Text may skip, by its number. */
const registered = new Map<RegExp, number>();
const regexes: RegExp[] = [];
// Each regex's words are read from its source when a text first asks (readPlans), not when the regex is made at
// module load: the command that only probes a host and port never asks, and reading them all cost it tens of
// milliseconds at each start.
/** Per regex: per alternative, the word lists (as numbers in `lists`) that must all be in a text; null: always tested. */
const plans: (number[][] | null)[] = [];
/** The word lists of all plans, each once: the groups of the word index. */
const lists: string[][] = [];
const listIds = new Map<string, number>();
let index: WordIndex | null = null;

function readPlans(): void {
  for (let r = plans.length; r < regexes.length; r++) {
    const alts = neededPerAlternative(regexes[r]!);
    plans.push(
      alts === null
        ? null
        : alts.map((alt) =>
            alt.map((words) => {
              const key = [...words].sort().join('\n');
              let id = listIds.get(key);
              if (id === undefined) {
                id = lists.length;
                lists.push(words);
                listIds.set(key, id);
                index = null;
              }
              return id;
            }),
          ),
    );
  }
}

/**
 * Marks `re` as one that Text.test() and Text.may() skip on a long text without its words (see the top of this
 * file). Returns `re`. Call it once, where the regex is made.
 */
export function skippable<R extends RegExp>(re: R): R {
  if (!registered.has(re)) {
    registered.set(re, regexes.length);
    regexes.push(re);
  }
  return re;
}

/** Every skippable regex made so far (the tests check each one's words). */
export function skippableRegexes(): RegExp[] {
  return [...registered.keys()];
}

/** A long text that many skippable regexes are tested against. */
export class Text {
  readonly text: string;
  /** present[l] is 1 when the text holds a word of list l; null until the first question. */
  #present: Uint8Array | null = null;
  /** The text lower-cased, for a regex made on the fly (not skippable). */
  #lower: string | null = null;

  constructor(text: string) {
    this.text = text;
  }

  /**
   * False only when `re` cannot match this text: for each of its alternatives, the text lacks every word of some
   * list that alternative needs. A skippable regex is looked up in the one pass over the text; another (made on
   * the fly, from a host name) has its words looked for one by one.
   */
  may(re: RegExp): boolean {
    if (this.text.length < LONG) return true;
    const r = registered.get(re);
    if (r === undefined) {
      const words = neededWords(re);
      if (words === null) return true;
      this.#lower ??= this.text.toLowerCase();
      return words.some((w) => this.#lower!.includes(w));
    }
    readPlans();
    const plan = plans[r]!;
    if (plan === null) return true;
    if (this.#present === null || this.#present.length !== lists.length) {
      // (small = 0: the automaton even for a text that asking word by word would suit, as there are hundreds.)
      index ??= new WordIndex(lists, 0);
      this.#present = new Uint8Array(lists.length);
      for (const l of index.groupsPerLine([this.text])[0] ?? []) this.#present[l] = 1;
    }
    const present = this.#present;
    return plan.some((alt) => alt.every((l) => present[l] === 1));
  }

  /** re.test(text), without reading the text when its words are not in it. */
  test(re: RegExp): boolean {
    return this.may(re) && re.test(this.text);
  }

  /** re.exec(text) for a regex without the g or y flag, without reading the text when its words are not in it. */
  exec(re: RegExp): RegExpExecArray | null {
    return this.may(re) ? re.exec(this.text) : null;
  }

  /** text.matchAll(re) for a global regex: nothing, without reading the text, when its words are not in it. */
  matchAll(re: RegExp): Iterable<RegExpMatchArray> {
    return this.may(re) ? this.text.matchAll(re) : [];
  }
}
