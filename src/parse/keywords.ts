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

export class WordIndex {
  /** Next state for (state, character class): the automaton's full transition table. */
  readonly #next: Uint16Array | Uint32Array;
  readonly #classes: number;
  /** The class of each character code below 128, upper case folded; NO_CLASS for one that no word contains. */
  readonly #ascii = new Uint16Array(128);
  /** The class of each other character that some word contains (lower-case codes). */
  readonly #other = new Map<number, number>();
  /** Other characters as read, lower-cased: one class, or several when lower-casing makes more (İ → i̇). */
  readonly #folded = new Map<number, number | number[]>();
  /** For each state, the groups of every word that ends there (itself or a suffix), ascending; null for none. */
  readonly #out: (readonly number[] | null)[];
  /** seen[g] === line number + 1 while group g is already in that line's list. */
  readonly #seen: Int32Array;

  /** `groups[g]` are the words of group g (a row of the table); a line holds group g when it holds one of them. */
  constructor(groups: readonly (readonly string[])[]) {
    let classes = 1;
    const classOf = (code: number): number => {
      if (code < 128) return this.#ascii[code] || (this.#ascii[code] = classes++);
      let c = this.#other.get(code);
      if (c === undefined) this.#other.set(code, (c = classes++));
      return c;
    };
    // The trie, with sparse edges while it is built.
    const edges: Map<number, number>[] = [new Map()];
    const ends: Set<number>[] = [new Set()];
    groups.forEach((words, g) => {
      for (const word of words) {
        if (word.length === 0 || word !== word.toLowerCase() || /[\n\u03a3\u03c2\u03c3\ud800-\udfff]/.test(word)) {
          throw new Error(`not a word the index can look for: ${JSON.stringify(word)}`);
        }
        let s = 0;
        for (let i = 0; i < word.length; i++) {
          const c = classOf(word.charCodeAt(i));
          let t = edges[s]!.get(c);
          if (t === undefined) {
            t = edges.length;
            edges.push(new Map());
            ends.push(new Set());
            edges[s]!.set(c, t);
          }
          s = t;
        }
        ends[s]!.add(g);
      }
    });
    // Upper-case ASCII reads as its lower case.
    for (let code = 65; code <= 90; code++) this.#ascii[code] = this.#ascii[code + 32]!;
    this.#classes = classes;
    const states = edges.length;
    const next = states < 0xffff ? new Uint16Array(states * classes) : new Uint32Array(states * classes);
    const fail = new Int32Array(states);
    this.#out = new Array(states).fill(null);
    // Breadth first, so a state's suffix link (shallower) is complete before the state is.
    const queue: number[] = [];
    for (const [c, t] of edges[0]!) {
      next[c] = t;
      queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      const own = ends[s]!;
      const inherited = this.#out[fail[s]!];
      if (own.size > 0 || inherited) this.#out[s] = [...new Set([...own, ...(inherited ?? [])])].sort((a, b) => a - b);
      for (let c = 0; c < classes; c++) {
        const t = edges[s]!.get(c);
        if (t === undefined) {
          next[s * classes + c] = next[fail[s]! * classes + c]!;
        } else {
          fail[t] = next[fail[s]! * classes + c]!;
          next[s * classes + c] = t;
          queue.push(t);
        }
      }
    }
    this.#next = next;
    this.#seen = new Int32Array(groups.length);
  }

  /** The class (or classes) of a character code of 128 or more, lower-cased. */
  #fold(code: number): number | number[] {
    let f = this.#folded.get(code);
    if (f === undefined) {
      const lower = String.fromCharCode(code).toLowerCase();
      const one = (u: number) => (u < 128 ? this.#ascii[u]! : (this.#other.get(u) ?? NO_CLASS));
      f = lower.length === 1 ? one(lower.charCodeAt(0)) : Array.from(lower, (ch) => one(ch.charCodeAt(0)));
      this.#folded.set(code, f);
    }
    return f;
  }

  /** For each line, the groups whose words line.toLowerCase() holds, ascending, or null when it holds none. */
  groupsPerLine(lines: readonly string[]): (number[] | null)[] {
    const next = this.#next;
    const out = this.#out;
    const ascii = this.#ascii;
    const k = this.#classes;
    const seen = this.#seen;
    const result: (number[] | null)[] = new Array(lines.length).fill(null);
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!;
      const mark = n + 1;
      let found: number[] | null = null;
      let s = 0;
      for (let i = 0; i < line.length; i++) {
        const code = line.charCodeAt(i);
        let o: readonly number[] | null;
        if (code < 128) {
          s = next[s * k + ascii[code]!]!;
          o = out[s] ?? null;
        } else {
          const f = this.#fold(code);
          if (typeof f === 'number') {
            s = next[s * k + f]!;
            o = out[s] ?? null;
          } else {
            // Several characters: each may end a word.
            for (let j = 0; j < f.length - 1; j++) {
              s = next[s * k + f[j]!]!;
              const oj = out[s];
              if (!oj) continue;
              for (const g of oj) {
                if (seen[g] === mark) continue;
                seen[g] = mark;
                (found ??= []).push(g);
              }
            }
            s = next[s * k + f[f.length - 1]!]!;
            o = out[s] ?? null;
          }
        }
        if (o !== null) {
          for (let j = 0; j < o.length; j++) {
            const g = o[j]!;
            if (seen[g] === mark) continue;
            seen[g] = mark;
            (found ??= []).push(g);
          }
        }
      }
      if (found !== null) result[n] = found.length > 1 ? found.sort((a, b) => a - b) : found;
    }
    seen.fill(0);
    return result;
  }
}
