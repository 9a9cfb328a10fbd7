// Structured logs: one JSON object a line, one line an event. Every string that goes out passes through
// redact(), so a token or password in a paste (or in an error Slack echoes back) never reaches the log.
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

export function createLog(level: Level, write: (line: string) => void = (l) => process.stdout.write(l), now: () => Date = () => new Date()): Log {
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
