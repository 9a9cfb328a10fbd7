// Word wrapping for the terminal. Pure: the width is a parameter (the CLI reads it from the terminal).
// Widths are counted in terminal columns, not string length: colour codes take none, combining marks and
// zero-width joiners none, CJK ideographs, Hangul, fullwidth forms and most emoji two (Unicode's East Asian
// Width "W"/"F", https://www.unicode.org/reports/tr11/; the ranges below are the common blocks, not all).

/** An SGR colour sequence or any other CSI sequence: printed, but zero columns wide. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/y;

function codePointWidth(cp: number): number {
  // Zero width: combining marks, zero-width space/joiners, variation selectors, tag characters.
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0000 && cp <= 0xe007f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x20d0 && cp <= 0x20ff)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0x303e) || // CJK radicals, punctuation
    (cp >= 0x3041 && cp <= 0x33ff) || // kana, CJK symbols
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0xa000 && cp <= 0xa4cf) || // Yi
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK compatibility forms
    (cp >= 0xff00 && cp <= 0xff60) || // fullwidth forms
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) || // pictographs, emoticons
    (cp >= 0x1f680 && cp <= 0x1f6ff) || // transport and map symbols
    (cp >= 0x1f900 && cp <= 0x1f9ff) || // supplemental symbols and pictographs
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B and later
  ) {
    return 2;
  }
  return 1;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The pieces of a string: escape sequences (zero columns) and single code points with their width. */
function* pieces(s: string): Generator<{ text: string; width: number }> {
  let i = 0;
  while (i < s.length) {
    ANSI.lastIndex = i;
    const m = ANSI.exec(s);
    if (m) {
      yield { text: m[0], width: 0 };
      i += m[0].length;
      continue;
    }
    const cp = s.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    yield { text: ch, width: codePointWidth(cp) };
    i += ch.length;
  }
}

/** Columns the text takes on a terminal. */
export function displayWidth(s: string): number {
  // Printable ASCII, nearly every word of an answer, is one column a character: no need to walk it.
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const p of pieces(s)) w += p.width;
  return w;
}


export type Indent = string | number | { first: string; rest: string };

function indents(indent: Indent): { first: string; rest: string } {
  if (typeof indent === 'number') {
    const pad = ' '.repeat(Math.max(0, Math.floor(indent)));
    return { first: pad, rest: pad };
  }
  if (typeof indent === 'string') return { first: indent, rest: indent };
  return indent;
}

/**
 * Wraps text at `width` columns on word boundaries. `indent` prefixes every line: a number of spaces, a string,
 * or { first, rest } for a hanging indent (a list item's "1) " on the first line, spaces under it after).
 * A newline in the text starts a new line (with the `rest` indent); runs of spaces and tabs become one space.
 * A word wider than the line is never cut: in this output such a word is a URL, a path, a setting
 * (KAFKA_ADVERTISED_LISTENERS=…) or a token, which a person copies. It goes whole on a line of its own; the
 * terminal folds it, and terminals copy a folded line as one. Returns the lines, without newlines.
 */
export function wrap(text: string, width: number, indent: Indent = ''): string[] {
  const ind = indents(indent);
  const firstW = displayWidth(ind.first);
  const restW = displayWidth(ind.rest);
  const cols = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 80;
  const lines: string[] = [];
  let line = ind.first;
  let lineW = firstW;
  let empty = true;
  const room = () => cols - lineW;
  const newLine = () => {
    lines.push(line.trimEnd());
    line = ind.rest;
    lineW = restW;
    empty = true;
  };

  const paragraphs = text.split(/\r?\n/);
  paragraphs.forEach((para, pi) => {
    if (pi > 0) newLine();
    for (const word of para.split(/[ \t]+/)) {
      if (word === '') continue;
      const w = displayWidth(word);
      const gap = empty ? 0 : 1;
      if (w + gap <= room()) {
        line += (empty ? '' : ' ') + word;
        lineW += w + gap;
        empty = false;
        continue;
      }
      if (!empty) newLine();
      line += word;
      lineW += w;
      empty = false;
    }
  });
  lines.push(line.trimEnd());
  return lines;
}

/** Narrower than this, wrapping does more harm than good: a line per word. */
export const MIN_WIDTH = 20;
export const DEFAULT_WIDTH = 80;

/**
 * The width to wrap at: COLUMNS when it is a whole number (the user or the shell set it on purpose), else the
 * terminal's own columns when stdout is a terminal, else 80 (a pipe, a file, a CI log). Never below MIN_WIDTH.
 */
export function terminalWidth(env: { COLUMNS?: string | undefined }, tty: { isTty: boolean; columns?: number | undefined }): number {
  const fromEnv = env.COLUMNS?.trim();
  if (fromEnv && /^\d{1,5}$/.test(fromEnv) && Number(fromEnv) > 0) return Math.max(MIN_WIDTH, Number(fromEnv));
  if (tty.isTty && tty.columns !== undefined && Number.isInteger(tty.columns) && tty.columns > 0) return Math.max(MIN_WIDTH, tty.columns);
  return DEFAULT_WIDTH;
}
