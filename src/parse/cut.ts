// A paste longer than the parser reads keeps its start and its end: the newest error is usually the last thing in
// a log, and the first lines say what ran. The middle goes, and a marker line takes its place, saying how much went:
//
//   [… 12,000 lines (2,310 KB) cut …]
//
// (or "[… 768 KB cut …]" when what was cut lay within one line).
// The marker is plain text, so whoever cuts a paste before the parser sees it (the bot's own size cap, the CLI's
// stdin cap) can use keepEnds() too, and parse() says what was cut from the markers it finds (cutNote()).

export interface KeepEnds {
  /** At most this many characters are kept (the marker line included). */
  maxChars: number;
  /** At most this many lines are kept (the marker line included). */
  maxLines?: number;
  /** The share of the budget that goes to the start (the rest to the end). */
  head?: number;
}

/** What keepEnds() cut, or null when the text fit. */
export interface Cut {
  /** Lines cut from the middle (earlier cuts inside it included). */
  lines: number;
  /** UTF-8 bytes cut from the middle (earlier cuts inside it included). */
  bytes: number;
}

const MARK_SOURCE = String.raw`^\[… (?:([\d,]{1,15}) lines? \(([\d,]{1,15}) KB\)|([\d,]{1,15}) KB) cut …\]$`;
const MARK = new RegExp(MARK_SOURCE);
/** A marker line at lastIndex, for markLines(). */
const MARK_AT = new RegExp(MARK_SOURCE, 'my');

/**
 * The marker lines of a text, as text.matchAll(/…/gm) finds them: each starts a line with "[… " and holds no line
 * break, so they are the places indexOf finds "[… " at a line start and the marker matches from. (The regex alone
 * tries every line start of the text.)
 */
function* markLines(text: string): Generator<RegExpExecArray> {
  for (let at = text.indexOf('[… '); at >= 0; at = text.indexOf('[… ', at + 1)) {
    if (at > 0 && !LINE_END.includes(text[at - 1]!)) continue;
    MARK_AT.lastIndex = at;
    const m = MARK_AT.exec(text);
    if (m) yield m;
  }
}

/** What ends a line for ^ and $ with the m flag. */
const LINE_END = '\n\r\u2028\u2029';

/** 12345 → "12,345" (toLocaleString builds a number formatter each call, which costs more than the parse of a line). */
const num = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');
const readNum = (s: string) => Number(s.replace(/,/g, ''));

/** The marker line for a cut of `lines` lines (0: a piece of one line) and `bytes` bytes. */
export function cutMarker(lines: number, bytes: number): string {
  const kb = num(Math.max(1, Math.round(bytes / 1024)));
  return lines === 0 ? `[… ${kb} KB cut …]` : `[… ${num(lines)} line${lines === 1 ? '' : 's'} (${kb} KB) cut …]`;
}

/** The lines and bytes a marker line says were cut. */
function marked(line: string): { lines: number; bytes: number } {
  const m = MARK.exec(line)!;
  return m[3] !== undefined ? { lines: 0, bytes: readNum(m[3]) * 1024 } : { lines: readNum(m[1]!), bytes: readNum(m[2]!) * 1024 };
}

/** Where a kept piece may end or start near `at`: a line break within `reach`, else a space, else `at` itself. */
function boundary(text: string, at: number, reach: number, forward: boolean): number {
  if (at === 0 || at >= text.length || text[at - 1] === '\n') return at;
  if (forward) {
    const nl = text.indexOf('\n', at);
    if (nl >= 0 && nl - at <= reach) return nl + 1;
    // No line break near: start after a space, so the first token kept is whole (a cut secret would not be
    // recognised, and its other half would show).
    const sp = text.slice(at, at + 4096).search(/\s/);
    return sp >= 0 ? at + sp + 1 : at;
  }
  const nl = text.lastIndexOf('\n', at - 1);
  if (nl >= 0 && at - nl <= reach) return nl + 1;
  const window = text.slice(Math.max(0, at - 4096), at);
  const sp = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
  return sp >= 0 ? at - window.length + sp + 1 : at;
}

/**
 * The index just after the `n`th line break from the start (n ≥ 1), or -1 when there are fewer before `before`
 * (only an index below `before` can move the start's end, so the lines after it are not counted).
 */
function afterLines(text: string, n: number, before: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0 || at + 1 >= before) return -1;
  }
  return at + 1;
}

/**
 * The index of the start of the last `n` lines (n ≥ 1), or -1 when there are fewer after `after` (only an index
 * past `after` can move the end's start). Only the text from `after` on is searched: on a paste of long lines, or of
 * one line, the last `n` lines reach far back into what is cut anyway.
 */
function lastLines(text: string, n: number, after: number): number {
  const rest = after > 0 ? text.slice(after) : text;
  let at = rest.length;
  // A final line break ends the last line; it does not start another.
  if (text.endsWith('\n')) at--;
  for (let i = 0; i < n; i++) {
    // At the start of `rest` there is no line break before it left to find (that one would be at or before `after`).
    if (at === 0 && after > 0) return -1;
    at = rest.lastIndexOf('\n', at - 1);
    if (at < 0) return -1;
  }
  return after + at + 1;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** The text itself when it fits; else its start and its end with a marker line between, cut on line boundaries. */
export function keepEnds(text: string, opts: KeepEnds): { text: string; cut: Cut | null } {
  const maxLines = opts.maxLines ?? Number.POSITIVE_INFINITY;
  const headShare = opts.head ?? 0.4;
  if (text.length <= opts.maxChars && (maxLines === Number.POSITIVE_INFINITY || countLines(text, 0, text.length) < maxLines)) return { text, cut: null };
  const room = Math.max(0, opts.maxChars - 64);
  const headChars = Math.floor(room * headShare);
  const tailChars = room - headChars;
  // The start: up to a line end, within its share of characters and of lines.
  let headEnd = boundary(text, Math.min(headChars, text.length), Math.floor(headChars / 2), false);
  if (maxLines !== Number.POSITIVE_INFINITY) {
    const byLines = afterLines(text, Math.floor((maxLines - 1) * headShare), headEnd);
    if (byLines >= 0 && byLines < headEnd) headEnd = byLines;
  }
  // The end: from a line start, within its share.
  let tailStart = boundary(text, Math.max(headEnd, text.length - tailChars), Math.floor(tailChars / 2), true);
  if (maxLines !== Number.POSITIVE_INFINITY) {
    const byLines = lastLines(text, maxLines - 1 - Math.floor((maxLines - 1) * headShare), tailStart);
    if (byLines > tailStart) tailStart = byLines;
  }
  if (tailStart <= headEnd) return { text, cut: null };
  const middle = text.slice(headEnd, tailStart);
  // Earlier cuts inside the middle count as cut too; their own marker lines are not lines of the paste.
  const breaks = countLines(middle, 0, middle.length);
  // Within one line, no line went whole; else a piece of a line at either end counts as a line.
  let lines = breaks === 0 ? 0 : breaks + (middle.endsWith('\n') ? 0 : 1);
  let bytes = Buffer.byteLength(middle, 'utf8');
  for (const m of markLines(middle)) {
    const inner = marked(m[0]);
    lines += inner.lines - 1;
    bytes += inner.bytes - Buffer.byteLength(m[0], 'utf8');
  }
  const head = text.slice(0, headEnd);
  const sep = head === '' || head.endsWith('\n') ? '' : '\n';
  const tail = text.slice(tailStart);
  return { text: `${head}${sep}${cutMarker(lines, bytes)}\n${tail}`, cut: { lines, bytes } };
}

function size(bytes: number): string {
  if (bytes >= 1000 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${num(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

const plural = (n: number, one: string, many: string) => `${num(n)} ${n === 1 ? one : many}`;

/**
 * What was cut from a paste, from the marker lines in what was kept: "The paste was 2.3 MB; kept the first 200
 * lines and the last 300; 12,000 lines in between were not read." Null when nothing was cut.
 */
export function cutNote(kept: string): string | null {
  const marks = [...markLines(kept)];
  if (marks.length === 0) return null;
  let lines = 0;
  let cutBytes = 0;
  for (const m of marks) {
    const inner = marked(m[0]);
    lines += inner.lines;
    cutBytes += inner.bytes;
  }
  const first = marks[0]!.index;
  const last = marks[marks.length - 1]!;
  const afterLast = Math.min(kept.length, last.index + last[0].length + 1);
  const head = kept.slice(0, first);
  const tail = kept.slice(afterLast);
  const total = Buffer.byteLength(head, 'utf8') + Buffer.byteLength(tail, 'utf8') + cutBytes;
  if (lines === 0) {
    // The cut lay within a line (a paste on one long line): sizes say it better than lines.
    const h = Buffer.byteLength(head, 'utf8');
    const t = Buffer.byteLength(tail, 'utf8');
    return `The paste was ${size(total)}; kept its first ${size(h)} and its last ${size(t)}; ${size(cutBytes)} in between were not read.`;
  }
  const headLines = countLines(head, 0, head.length);
  const tailLines = tail === '' ? 0 : countLines(tail, 0, tail.length) + (tail.endsWith('\n') ? 0 : 1);
  const between = lines === 1 ? '1 line in between was' : `${num(lines)} lines in between were`;
  return `The paste was ${size(total)}; kept the first ${plural(headLines, 'line', 'lines')} and the last ${num(tailLines)}; ${between} not read.`;
}
