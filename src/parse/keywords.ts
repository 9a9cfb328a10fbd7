// Which of many fixed words each line of a paste holds, in one pass over the line whatever the number of words.
//
// The signature table gives every row a few cheap words (`pre`) that a line must contain before the row's regex
// runs. Asking each row in turn cost rows × words `includes` calls on every line that held any of them, which
// was most of the parser's time on a long paste. This is an Aho–Corasick automaton (a trie of the words whose
// every state also knows the longest suffix of what was read that is a prefix of some word), built once when the
// module loads: reading a line advances one state per character and lands on every word the line holds,
// overlapping ones included.
//
// Case: the words are lower-case and the automaton lower-cases as it reads, character by character, so a line
// holds a word exactly when line.toLowerCase() includes it. Per character is the same as the whole string except
// for the two context rules of toLowerCase, a final sigma and a surrogate pair; the constructor refuses words
// with those characters, so the difference never reaches a word.
//
// Characters that no word contains share one class that leads back to the start, so the table is the words'
// total length × their distinct characters (about 150 KB for the signature table).

const NO_CLASS = 0;
/** Asking each word of the signature table on its own costs about as much as building the automaton for 16 KB. */
const SMALL = 16 * 1024;

export class WordIndex {
  readonly #groups: readonly (readonly string[])[];
  /** The automaton, built on first use (a command that never reads a paste does not pay for it). */
  #built: Automaton | null = null;
  /** seen[g] === the line's mark while group g is already in that line's list. */
  readonly #seen: Int32Array;
  /** visited[s] === the line's mark once state s's groups are in that line's list (a word seen again adds nothing). */
  #visited: Int32Array | null = null;
  /** The mark of the line being read: a number no other line read by this index had. */
  #mark = 0;

  /** Up to this many characters, and until a longer text needed the automaton, each word is looked for on its own. */
  readonly #small: number;

  /** `groups[g]` are the words of group g (a row of the table); a line holds group g when it holds one of them. */
  constructor(groups: readonly (readonly string[])[], small = SMALL) {
    for (const words of groups) {
      for (const word of words) {
        if (word.length === 0 || word !== word.toLowerCase() || /[\n\u03a3\u03c2\u03c3\ud800-\udfff]/.test(word)) {
          throw new Error(`not a word the index can look for: ${JSON.stringify(word)}`);
        }
      }
    }
    this.#groups = groups;
    this.#small = small;
    this.#seen = new Int32Array(groups.length);
  }

  #automaton(): Automaton {
    if (this.#built === null) {
      this.#built = build(this.#groups);
      this.#visited = new Int32Array(this.#built.flags.length);
    }
    return this.#built;
  }

  /** The class (or classes) of a character code of 128 or more, lower-cased. */
  #fold(a: Automaton, code: number): number | number[] {
    let f = a.folded.get(code);
    if (f === undefined) {
      const lower = String.fromCharCode(code).toLowerCase();
      const one = (u: number) => (u < 128 ? a.ascii[u]! : (a.other.get(u) ?? NO_CLASS));
      f = lower.length === 1 ? one(lower.charCodeAt(0)) : Array.from(lower, (ch) => one(ch.charCodeAt(0)));
      a.folded.set(code, f);
    }
    return f;
  }

  /** For each line, the groups whose words line.toLowerCase() holds, ascending, or null when it holds none. */
  groupsPerLine(lines: readonly string[]): (number[] | null)[] {
    // A short paste, before any long one has needed the automaton: asking each word costs less than building it.
    if (this.#built === null) {
      let chars = 0;
      for (const line of lines) chars += line.length;
      if (chars <= this.#small) return lines.map((line) => this.#byWord(line.toLowerCase()));
    }
    const a = this.#automaton();
    const result: (number[] | null)[] = new Array(lines.length).fill(null);
    // A log repeats its lines (a retry loop, the same stack frames): a line read before gets the same answer.
    // (The lists are shared between such lines; no caller changes them.)
    const read = new Map<string, number[] | null>();
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      let found = read.get(line);
      if (found === undefined) {
        found = this.#read(a, line, this.#nextMark());
        read.set(line, found);
      }
      result[n] = found;
    }
    return result;
  }

  #nextMark(): number {
    if (this.#mark === 0x7fffffff) {
      this.#mark = 0;
      this.#seen.fill(0);
      this.#visited!.fill(0);
    }
    return ++this.#mark;
  }

  /** The groups one line holds (`mark`: a number no other line had). */
  #read(a: Automaton, line: string, mark: number): number[] | null {
    const { next, flags, ascii, classes: k } = a;
    let found: number[] | null = null;
    // The state; a state's row is filled when it is first entered (flags, below).
    let s = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      if (code < 128) {
        s = next[s * k + ascii[code]!]!;
      } else {
        const f = this.#fold(a, code);
        if (typeof f === 'number') {
          s = next[s * k + f]!;
        } else {
          // Several characters: each may end a word.
          for (let j = 0; j < f.length - 1; j++) {
            s = next[s * k + f[j]!]!;
            if ((flags[s]! & UNFILLED) !== 0) fillRow(a, s);
            if ((flags[s]! & ENDS) !== 0) found = this.#collect(a, s, mark, found);
          }
          s = next[s * k + f[f.length - 1]!]!;
        }
      }
      // One test of the state for the two rare things: a row to fill, a word that ends here.
      const flag = flags[s]!;
      if (flag !== 0) {
        if ((flag & UNFILLED) !== 0) fillRow(a, s);
        if ((flag & ENDS) !== 0) found = this.#collect(a, s, mark, found);
      }
    }
    return found !== null && found.length > 1 ? found.sort(ascending) : found;
  }

  #byWord(lower: string): number[] | null {
    let found: number[] | null = null;
    this.#groups.forEach((words, g) => {
      if (words.some((w) => lower.includes(w))) (found ??= []).push(g);
    });
    return found;
  }

  /** Adds the groups of the words that end in state `s` (its own, then along its output links), once a line. */
  #collect(a: Automaton, s: number, mark: number, found: number[] | null): number[] | null {
    const visited = this.#visited!;
    if (visited[s] === mark) return found;
    visited[s] = mark;
    const seen = this.#seen;
    const into = found ?? [];
    for (let t = a.own[s] ? s : a.link[s]!; t !== 0; t = a.link[t]!) {
      for (const g of a.own[t]!) {
        if (seen[g] === mark) continue;
        seen[g] = mark;
        into.push(g);
      }
    }
    return into;
  }
}

const ascending = (x: number, y: number) => x - y;

interface Automaton {
  /**
   * The transition table, states × character classes, each state's row filled when the state is first reached
   * (where its suffix link's row goes, except along its own trie edges). A paste reaches few of the thousands of
   * states, and building the automaton touches none of this table.
   */
  next: Uint16Array | Uint32Array;
  /** Per state: UNFILLED while its row is not filled, ENDS where a word ends in it or on its chain of suffix links. */
  flags: Uint8Array;
  classes: number;
  /** Each state's suffix link: the state of the longest proper suffix of its path that is a path of the trie. */
  fail: Int32Array;
  /** The trie's edges by source state: those of state s are at first[s] .. first[s + 1] - 1 of `to` (by class `via`). */
  first: Int32Array;
  to: Int32Array;
  via: Int32Array;
  /** The class of each character code below 128, upper case folded; NO_CLASS for one that no word contains. */
  ascii: Uint16Array;
  /** The class of each other character that some word contains (lower-case codes). */
  other: Map<number, number>;
  /** Other characters as read, lower-cased: one class, or several when lower-casing makes more (İ → i̇). */
  folded: Map<number, number | number[]>;
  /** The groups of the words that end exactly in each state; null for none. */
  own: (number[] | null)[];
  /** Each state's output link: the nearest state on its chain of suffix links where a word ends; 0 for none. */
  link: Int32Array;
}

const UNFILLED = 1;
const ENDS = 2;

/** Fills a state's row: where its suffix link's row goes, except along its own trie edges. */
function fillRow(a: Automaton, s: number): void {
  const k = a.classes;
  if (s !== 0) {
    const f = a.fail[s]!;
    if ((a.flags[f]! & UNFILLED) !== 0) fillRow(a, f);
    a.next.copyWithin(s * k, f * k, f * k + k);
  }
  for (let e = a.first[s]!; e < a.first[s + 1]!; e++) a.next[s * k + a.via[e]!] = a.to[e]!;
  a.flags[s]! &= ~UNFILLED;
}

function build(groups: readonly (readonly string[])[]): Automaton {
  const ascii = new Uint16Array(128);
  const other = new Map<number, number>();
  let classes = 1;
  let chars = 0;
  for (const words of groups) {
    for (const word of words) {
      chars += word.length;
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i);
        if (code < 128) {
          if (ascii[code] === 0) ascii[code] = classes++;
        } else if (!other.has(code)) other.set(code, classes++);
      }
    }
  }
  const classOf = (code: number) => (code < 128 ? ascii[code]! : other.get(code)!);
  // Upper-case ASCII reads as its lower case.
  for (let code = 65; code <= 90; code++) ascii[code] = ascii[code + 32]!;
  const k = classes;
  const most = chars + 1;
  // The trie: its edges in a map (state × class → state), and each state's parent, the class of the edge into
  // it, its depth and the groups of the words ending there.
  const edge = new Map<number, number>();
  const parent = new Int32Array(most);
  const inVia = new Int32Array(most);
  const depth = new Int32Array(most);
  const own: (number[] | null)[] = [null];
  let states = 1;
  groups.forEach((words, g) => {
    for (const word of words) {
      let s = 0;
      for (let i = 0; i < word.length; i++) {
        const c = classOf(word.charCodeAt(i));
        let t = edge.get(s * k + c);
        if (t === undefined) {
          t = states++;
          edge.set(s * k + c, t);
          parent[t] = s;
          inVia[t] = c;
          depth[t] = depth[s]! + 1;
          own.push(null);
        }
        s = t;
      }
      (own[s] ??= []).push(g);
    }
  });
  // Each state's edges, grouped by source state.
  const first = new Int32Array(states + 1);
  for (let t = 1; t < states; t++) first[parent[t]! + 1]!++;
  for (let s = 1; s <= states; s++) first[s]! += first[s - 1]!;
  const fill = first.slice(0, states);
  const to = new Int32Array(states);
  const via = new Int32Array(states);
  for (let t = 1; t < states; t++) {
    const e = fill[parent[t]!]!++;
    to[e] = t;
    via[e] = inVia[t]!;
  }
  // States by depth (a counting sort: a comparator would be called tens of thousands of times at start-up).
  let deepest = 0;
  for (let t = 1; t < states; t++) if (depth[t]! > deepest) deepest = depth[t]!;
  const at = new Int32Array(deepest + 2);
  for (let t = 1; t < states; t++) at[depth[t]! + 1]!++;
  for (let d = 1; d <= deepest + 1; d++) at[d]! += at[d - 1]!;
  const order = new Int32Array(states - 1);
  for (let t = 1; t < states; t++) order[at[depth[t]!]!++] = t;
  // Suffix links and output links, shallow states first (a suffix link is shallower, so it is done before).
  const fail = new Int32Array(states);
  const link = new Int32Array(states);
  const flags = new Uint8Array(states).fill(UNFILLED);
  for (const t of order) {
    if (depth[t] !== 1) {
      const c = inVia[t]!;
      let f = fail[parent[t]!]!;
      while (f !== 0 && !edge.has(f * k + c)) f = fail[f]!;
      fail[t] = edge.get(f * k + c) ?? 0;
    }
    const f = fail[t]!;
    link[t] = own[f] ? f : link[f]!;
    if (own[t] || link[t] !== 0) flags[t]! |= ENDS;
  }
  const next = states < 0xffff ? new Uint16Array(states * k) : new Uint32Array(states * k);
  const a: Automaton = { next, flags, classes: k, fail, first, to, via, ascii, other, folded: new Map(), own, link };
  // Every state's row is filled before the state is entered; the start is entered first.
  fillRow(a, 0);
  return a;
}
