// Bolt and its Socket Mode client log through this adapter, so their lines are JSON like ours and are
// redacted too (at debug level the Socket Mode client prints whole payloads).
import { LogLevel, type Logger } from '@slack/bolt';
import type { Level, Log } from './log.js';

const TO_BOLT: Record<Level, LogLevel> = { debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR };

export function boltLogger(log: Log): Logger {
  let name = 'bolt';
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...msg: unknown[]) => log.debug('bolt', { source: name, message: text(msg) }),
    info: (...msg: unknown[]) => log.info('bolt', { source: name, message: text(msg) }),
    warn: (...msg: unknown[]) => log.warn('bolt', { source: name, message: text(msg) }),
    error: (...msg: unknown[]) => log.error('bolt', { source: name, message: text(msg) }),
    // The level comes from LOG_LEVEL; Bolt calls setLevel(INFO) on every App it builds, which would
    // silently undo LOG_LEVEL=debug.
    setLevel: () => undefined,
    getLevel: () => TO_BOLT[log.level],
    setName: (n: string) => {
      name = n;
    },
  };
}
