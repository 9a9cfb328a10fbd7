// Structured logs: one JSON object a line, one line an event. Every string that goes out passes through
// redact(), so a token or password in a paste (or in an error Slack echoes back) never reaches the log.
import { writeSync } from 'node:fs';
import { redact } from '../parse/redact.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Log {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
  level: Level;
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redact(value.length > 2000 ? `${value.slice(0, 2000)}…` : value);
  if (value instanceof Error) return { name: value.name, message: redact(value.message), code: (value as NodeJS.ErrnoException).code };
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) {
    // Fields named like secrets are dropped whole: redact() knows text patterns, not our own field names.
    out[k] = /token|secret|password|authorization/i.test(k) ? '****' : clean(v, depth + 1);
  }
  return out;
}

/**
 * Writes log lines to stdout together, once per turn of the event loop. Node writes to a pipe synchronously on
 * Linux, one system call a line: under a burst of commands that was a large share of the bot's time, and it
 * stalled whenever the reader of the pipe fell behind. Lines still pending when the process exits (process.exit,
 * a fatal error) are written at once, so none is lost but to a SIGKILL.
 */
export function stdoutLines(out: { write(text: string): unknown } = process.stdout, fd = 1): (line: string) => void {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    out.write(text);
  };
  process.once('exit', () => {
    if (pending.length === 0) return;
    try {
      writeSync(fd, pending.join(''));
    } catch {
      // stdout is gone: nothing left to tell
    }
    pending = [];
  });
  return (line) => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

/** One writer for every log of the process, so their lines keep their order. */
let toStdout: ((line: string) => void) | null = null;
const writeStdout = (line: string) => {
  toStdout ??= stdoutLines();
  toStdout(line);
};

export function createLog(level: Level, write: (line: string) => void = writeStdout, now: () => Date = () => new Date()): Log {
  const emit = (lvl: Level) => (event: string, fields: Fields = {}) => {
    if (RANK[lvl] < RANK[log.level]) return;
    const body = clean(fields, 0) as Fields;
    write(`${JSON.stringify({ time: now().toISOString(), level: lvl, event, ...body })}\n`);
  };
  const log: Log = { level, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
  return log;
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLog(level: Level = 'debug'): Log & { lines: Fields[] } {
  const lines: Fields[] = [];
  const log = createLog(level, (l) => lines.push(JSON.parse(l) as Fields));
  return Object.assign(log, { lines });
}
