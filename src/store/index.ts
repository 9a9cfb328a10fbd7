// REFUSED_STORE_URL → a Store. Unset: an SQLite file at data/refused.db under the working directory;
// `sqlite:<path>` another file; `redis://[user:password@]host:port[/db]` or `rediss://…` Redis. Each
// implementation is loaded only when chosen (the CLI never loads either).
import { resolve } from 'node:path';
import type { Store } from './store.js';

export type { Store } from './store.js';

export const DEFAULT_SQLITE_PATH = 'data/refused.db';

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

/** Reads REFUSED_STORE_URL; a string with the mistake when it cannot be used. */
export function storeLocation(value: string | undefined, cwd: string = process.cwd()): StoreLocation | string {
  const v = (value ?? '').trim();
  if (v === '') return { kind: 'sqlite', path: resolve(cwd, DEFAULT_SQLITE_PATH) };
  if (/^sqlite:/i.test(v)) {
    // sqlite:relative/path, sqlite:/abs/path and sqlite:///abs/path all name a file.
    const rest = v.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === '' || rest.endsWith('/')) return `REFUSED_STORE_URL="${v}" names no file; write sqlite:<path to a file>, e.g. sqlite:data/refused.db`;
    if (rest === ':memory:') return 'REFUSED_STORE_URL=sqlite::memory: would forget everything on restart; name a file';
    return { kind: 'sqlite', path: resolve(cwd, rest) };
  }
  if (/^rediss?:\/\//i.test(v)) {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return `REFUSED_STORE_URL is not a URL that can be read; write redis://[user:password@]host:port[/db]`;
    }
    if (!u.hostname) return 'REFUSED_STORE_URL has no host; write redis://[user:password@]host:port[/db]';
    const db = u.pathname.replace(/^\//, '');
    if (db !== '' && !/^\d{1,2}$/.test(db)) return `REFUSED_STORE_URL's database "${db}" is not a number (redis://host:6379/0)`;
    return { kind: 'redis', url: v };
  }
  return `REFUSED_STORE_URL="${redactUrl(v)}" is neither sqlite:<path> nor redis://host:port; leave it unset for data/refused.db`;
}

/** A URL with its password replaced, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export interface OpenOptions {
  /** SQLite: how long a locked file is waited for before an operation gives up. */
  busyTimeoutMs?: number;
  /** Redis: how long connecting at start may take, and one command. */
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** Told when a Redis connection drops or comes back (after start). */
  onState?: (state: 'lost' | 'back', error?: unknown) => void;
}

/** Opens the store; rejects with StoreUnavailable (naming REFUSED_STORE_URL) when it cannot be used. */
export async function openStore(loc: StoreLocation, o: OpenOptions = {}): Promise<Store> {
  if (loc.kind === 'sqlite') {
    const { openSqlite } = await import('./sqlite.js');
    return openSqlite(loc.path, o);
  }
  const { openRedis } = await import('./redis.js');
  return openRedis(loc.url, o);
}
