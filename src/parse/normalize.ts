// Turns a pasted message into clean lines: Slack markup, ANSI colours, code fences, JSON-escaped
// tracebacks and log prefixes removed. Every step is a bounded, linear pass.
import { isDigitCode } from './chars.js';
import { cutMarker, keepEnds } from './cut.js';
import { type Step, Steps } from './steps.js';

/** A paste beyond this many characters is read at its start and its end only (cutInput): parse must stay fast. */
export const MAX_INPUT = 256 * 1024;
/** Regexes never see more than this many characters at once; longer lines are cut into pieces. */
export const MAX_LINE = 2000;
const MAX_LINES = 20000;
/** Of MAX_LINES, how many come from the start of a paste that has more (the rest, less one for the marker, from its end). */
const HEAD_LINES = Math.floor((MAX_LINES - 1) * 0.4);
const TAIL_LINES = MAX_LINES - 1 - HEAD_LINES;

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&apos;': "'", '&nbsp;': ' ' };

// The steps, in order (steps.ts says what a line step and a guard are). A line ending and an OSC sequence can cross
// lines, a Slack link only when its label runs to the end of a line; the rest are line steps.
const SLACK_LINK = /(\w?)<((?:https?|mailto|[a-z][a-z0-9+.-]{1,20}):[^|<>\s]{1,2048})(?:\|[^<>]{0,2048})?>/gi;
export const NORMALIZE_STEPS: readonly Step[] = [
  { guard: /\r/, re: /\r\n?/g, replace: '\n' },
  // ANSI colour/cursor sequences, including ones whose ESC byte was lost on the way ("[31m").
  { words: ['\x1b['], re: /\x1b\[[0-9;?]{0,32}[A-Za-z]/g, replace: '' },
  { guard: /\x1b\]/, re: /\x1b\][^\x07\x1b]{0,256}(?:\x07|\x1b\\)/g, replace: '' },
  { words: ['[0', '[1', '[2', '[3', '[4', '[5', '[6', '[7', '[8', '[9'], re: /\[(?:\d{1,3};){0,4}\d{1,3}m/g, replace: '' },
  // Slack link markup: <http://x|label> and <http://x> become the bare URL.
  // A space goes in front, so a URL glued to a word ("endpoint<https://…>") stays a URL of its own scheme.
  {
    words: ['<'],
    guard: /<[a-z][a-z0-9+.-]{1,20}:[^|<>\s]{1,2048}\|[^<>\n]{0,2048}$/im,
    re: SLACK_LINK,
    replace: (_m: string, before: string, url: string) => (before ? `${before} ${url}` : url),
  },
  { words: Object.keys(ENTITIES), re: /&(?:lt|gt|amp|quot|apos|nbsp|#39|#x27);/g, replace: (e: string) => ENTITIES[e] ?? e },
  // Code fences become line breaks; inline backticks vanish (prisma writes `localhost`:`5432`).
  { words: ['```'], re: /```/g, replace: '\n' },
  { words: ['`'], re: /`/g, replace: '' },
];
const NORMALIZE = new Steps(NORMALIZE_STEPS);

/**
 * A paste longer than MAX_INPUT characters or MAX_LINES lines keeps its start and its end, with a marker line for
 * the middle (cut.ts). The cuts fall on line ends, so no half-written secret (a URL missing its "@") slips past
 * redaction.
 */
export function cutInput(input: string): string {
  return keepEnds(input, { maxChars: MAX_INPUT, maxLines: MAX_LINES }).text;
}

export function normalizeText(input: string): string {
  return NORMALIZE.run(cutInput(input));
}

/** The Compose service that printed a log line ("db_1  | …", "mysql-1  | …" → db, mysql), or null. */
export function composeServiceOf(line: string): string | null {
  return /^([A-Za-z0-9][\w.-]{0,40}?)(?:[_-]\d{1,3})?\s{1,40}\|/.exec(line)?.[1] ?? null;
}

/**
 * Mended pastes: a chat client or a cut-and-paste put spaces inside an endpoint ("ECONNREFUSED   127.0.0.1: 5432").
 * An IPv4 address, a colon and only digits after the space: a port, not a message ("10.0.0.5: Connection refused").
 */
export function mendSpaces(line: string): string {
  // Every line of a paste comes through here, and few need mending: a replace is tried only where what it mends is
  // (a capital letter and two blanks; a digit, a colon and a blank). The first cannot make or undo the second.
  let l = line;
  if ((l.includes('  ') || l.includes('\t')) && capitalThenBlanks(l)) l = l.replace(E_CODE_SPACES, '$1 ');
  if (digitColonBlank(l)) l = l.replace(IPV4_COLON_SPACE, '$1:$2');
  return l;
}

const isBlank = (c: number) => c === 32 || c === 9;

/** Whether a capital letter is followed by two blanks somewhere in the line (E_CODE_SPACES needs that). */
function capitalThenBlanks(l: string): boolean {
  for (let i = 0; i + 2 < l.length; i++) {
    const c = l.charCodeAt(i);
    if (c >= 65 && c <= 90 && isBlank(l.charCodeAt(i + 1)) && isBlank(l.charCodeAt(i + 2))) return true;
  }
  return false;
}

/** Whether a digit, a colon and a blank come in a row somewhere in the line (IPV4_COLON_SPACE needs that). */
function digitColonBlank(l: string): boolean {
  for (const colonBlank of [': ', ':\t']) {
    for (let at = l.indexOf(colonBlank, 1); at >= 0; at = l.indexOf(colonBlank, at + 1)) if (isDigitCode(l.charCodeAt(at - 1))) return true;
  }
  return false;
}

const E_CODE_SPACES = /\b(E[A-Z]{4,14})[ \t]{2,8}(?=\S)/g;
const IPV4_COLON_SPACE = /\b(\d{1,3}(?:\.\d{1,3}){3}):[ \t]{1,3}(\d{2,5})\b(?![.:\d])/g;

/** Strips the prefixes that log collectors put in front of every line. */
export function stripPrefix(line: string): string {
  // Each prefix begins with a character of its own (a ">", a digit, a name's first character, "#"): a regex is
  // tried only on a line that begins so, as every line of a paste comes through here.
  let l = line;
  // Markdown / Slack quote markers ("> ", ">\t", "> > ") in front of a quoted log.
  if (quoted(l)) l = l.replace(/^[ \t]{0,4}(?:>[ \t]?){1,4}/, '');
  l = stripStamp(l);
  // pm2: "0|www      | " (process id, name, bar).
  if (isDigitCode(firstCode(l))) l = l.replace(/^\d{1,4}\|[\w.-]{1,64}[ \t]{0,40}\|[ \t]?/, '');
  // docker-compose: "web_1  | ", "web-1   | ", "app.1 | "
  if (isAlnum(firstCode(l)) && l.includes('|')) l = l.replace(/^[A-Za-z0-9][\w.-]{0,63}[ \t]{0,40}\|[ \t]?/, '');
  // BuildKit: "#9 0.329 "
  if (firstCode(l) === 35) l = l.replace(/^#\d{1,4} \d{1,6}\.\d{1,4} /, '');
  return stripStamp(l);
}

/** The first character's code, -1 for an empty line (charCodeAt past the end would make optimised code bail out). */
const firstCode = (l: string) => (l.length > 0 ? l.charCodeAt(0) : -1);
const isAlnum = (c: number) => isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** A ">" after at most four blanks: where a quote marker can be. */
function quoted(line: string): boolean {
  const end = Math.min(4, line.length);
  let i = 0;
  while (i < end && isBlank(line.charCodeAt(i))) i++;
  return i < line.length && line.charCodeAt(i) === 62;
}

// ISO-ish timestamps, bracketed or not ("2024-03-16 10:16:25 ", "[2018-07-04T19:09:17.123Z] ").
function stripStamp(line: string): string {
  const first = firstCode(line);
  if (first !== 91 && !isDigitCode(first)) return line;
  return line.replace(/^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\]?[ \t]?/, '');
}

/** The clean lines of a paste, each at most MAX_LINE characters; at most MAX_LINES of them, the first and the last. */
export function toLines(text: string): string[] {
  const raw = text.split('\n');
  const out: string[] = [];
  // A log repeats its lines (a retry loop, the same stack frames): a line read before gives the same clean lines,
  // the very same strings, so the scan's look-ups by line find them without reading them again.
  const read = new Map<string, string[]>();
  const readLine = (into: string[], line: string) => {
    let clean = read.get(line);
    if (clean === undefined) {
      clean = [];
      cleanLines(clean, line);
      read.set(line, clean);
    }
    for (const l of clean) into.push(l);
  };
  let i = 0;
  for (; i < raw.length && out.length <= MAX_LINES; i++) readLine(out, raw[i]!);
  if (out.length <= MAX_LINES) return out;
  // More lines than are read (a JSON-escaped log opens up into many): the first and the last, with a marker for
  // the middle, as cutInput keeps a long text. The last are read from the end, back to where the start stopped.
  const parts: string[][] = [];
  let count = 0;
  let j = raw.length;
  while (j > i && count < TAIL_LINES) {
    const part: string[] = [];
    readLine(part, raw[--j]!);
    parts.push(part);
    count += part.length;
  }
  let tail = parts.reverse().flat();
  let cut = j - i;
  let chars = 0;
  for (let k = i; k < j; k++) chars += raw[k]!.length + 1;
  // Lines of `out` from HEAD_LINES up to fromOut are cut; a tail still short takes the last of them.
  let fromOut = out.length;
  if (tail.length > TAIL_LINES) {
    for (const l of tail.slice(0, tail.length - TAIL_LINES)) chars += l.length + 1;
    cut += tail.length - TAIL_LINES;
    tail = tail.slice(tail.length - TAIL_LINES);
  } else if (tail.length < TAIL_LINES) {
    fromOut = Math.max(HEAD_LINES, out.length - (TAIL_LINES - tail.length));
    tail = [...out.slice(fromOut), ...tail];
  }
  for (let k = HEAD_LINES; k < fromOut; k++) chars += out[k]!.length + 1;
  cut += fromOut - HEAD_LINES;
  return [...out.slice(0, HEAD_LINES), cutMarker(cut, chars), ...tail];
}

/** One raw line's clean lines. */
function cleanLines(out: string[], line: string): void {
  // A traceback logged as JSON keeps its newlines as \n escapes: open them up.
  // (A backslash before the "\n" means a Windows path such as C:\\node, not a newline.)
  if (line.length > 80 && line.includes('\\n') && twoEscapedNewlines(line)) {
    const parts = escapes(escapes(line.replaceAll('\\"', '"'), 't', '\t'), 'n', '\n').split('\n');
    for (const p of parts) pushLine(out, p);
    return;
  }
  pushLine(out, line);
}

/**
 * The line with each escape "\\" + `letter` not after another backslash replaced by `by`, as
 * line.replace(/(?<!\\)\\t/g, by) does for "t", without a regex (the line can be a whole log on one line).
 */
function escapes(line: string, letter: string, by: string): string {
  const escape = `\\${letter}`;
  let out = '';
  let from = 0;
  for (let at = line.indexOf(escape); at >= 0; at = line.indexOf(escape, at + 2)) {
    if (at > 0 && line.charCodeAt(at - 1) === 92) continue;
    out += line.slice(from, at) + by;
    from = at + 2;
  }
  return from === 0 ? line : out + line.slice(from);
}

const ESCAPED_NEWLINE = /(?<!\\)\\n/g;

/** Whether the line holds at least two "\n" escapes (not "\\n"), found one after the other (no list of them all). */
function twoEscapedNewlines(line: string): boolean {
  ESCAPED_NEWLINE.lastIndex = 0;
  const two = ESCAPED_NEWLINE.test(line) && ESCAPED_NEWLINE.test(line);
  ESCAPED_NEWLINE.lastIndex = 0;
  return two;
}

function pushLine(out: string[], raw: string): void {
  const line = mendSpaces(stripPrefix(raw));
  if (line.length <= MAX_LINE) {
    out.push(line);
    return;
  }
  for (let i = 0; i < line.length; i += MAX_LINE) out.push(line.slice(i, i + MAX_LINE));
}
