// What a person typed (argv words, /refused text) → a DiagnoseRequest, or a message saying what is wrong.
// Untrusted input is checked here once; after this the engine trusts its types.
import { isIP } from 'node:net';
import type { Facts } from './domain/types.js';
import { parsePort } from './parse/endpoint.js';

export type DiagnoseRequest =
  | { type: 'paste'; text: string }
  | { type: 'target'; host: string; port: number | null }
  | { type: 'url'; url: string }
  /**
   * A diagnosis asked for again (Re-check, Watch): the facts the first one read, never the text they were
   * read from. `url` is the typed URL without userinfo, query or fragment; `typed` says whether the target
   * was typed rather than found in a paste (a pasted localhost is the reporter's machine, a typed one is not).
   */
  | { type: 'facts'; facts: Facts; url: string | null; typed: boolean };

export type RequestResult = { ok: true; request: DiagnoseRequest } | { ok: false; error: string };

/** Host names as resolvers accept them (letters, digits, hyphen, underscore, dots), or an IP literal. */
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,62})?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62})?)*\.?$/i;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isHost(host: string): boolean {
  return isIP(host) !== 0 || HOST_NAME.test(host);
}

/** Parses a port written by a person; null when it is not one (the parser's own reading: one home). */
export const toPort = (text: string): number | null => parsePort(text);

function target(host: string, portText: string | null): RequestResult {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!isHost(bare)) return { ok: false, error: `"${host}" is not a host name or IP address` };
  if (portText === null) return { ok: true, request: { type: 'target', host: bare, port: null } };
  const port = toPort(portText);
  if (port === null) return { ok: false, error: `"${portText}" is not a TCP port; use a number from 1 to 65535` };
  return { ok: true, request: { type: 'target', host: bare, port } };
}

/** One word: a URL, host:port, [v6]:port, a bare IPv6 address, or a bare host name. */
function oneWord(word: string): RequestResult {
  if (URL_LIKE.test(word)) {
    try {
      const u = new URL(word);
      if (!u.hostname && !/^(unix|file):/i.test(word)) return { ok: false, error: `"${word}" has no host` };
      return { ok: true, request: { type: 'url', url: word } };
    } catch {
      return { ok: false, error: `"${word}" is not a URL that can be read` };
    }
  }
  const v6 = /^\[([^\]]+)\]:(\S+)$/.exec(word);
  if (v6) return target(`[${v6[1]}]`, v6[2]!);
  if (isIP(word) === 6) return target(word, null);
  const colon = word.lastIndexOf(':');
  // host:port, perhaps with a path after it as Slack's auto-linking shows it (localhost:8080/health).
  if (colon > 0 && word.indexOf(':') === colon) return target(word.slice(0, colon), word.slice(colon + 1).replace(/\/.*$/, ''));
  return target(word, null);
}

/** Slack's own markup: <http://x|x> links and <mailto:…> wrap what the person typed; the label is what they typed. */
function unwrapSlack(word: string): string {
  const m = /^<([^|>]+)(?:\|([^>]*))?>$/.exec(word);
  if (!m) return word;
  const inner = m[2] ?? m[1]!;
  return inner.replace(/^mailto:/i, '');
}

/**
 * Reads argv words or the text after a slash command. Two words that look like host and port, one word
 * that looks like a target, else the whole text is a pasted error.
 */
export function toRequest(input: string | readonly string[]): RequestResult {
  const text = typeof input === 'string' ? input : input.join(' ');
  const words = typeof input === 'string' ? text.trim().split(/\s+/).filter(Boolean) : input.filter((w) => w.length > 0);
  if (words.length === 0) return { ok: false, error: 'nothing to diagnose: give a host and port, a URL, or paste an error' };
  const clean = words.map(unwrapSlack);
  if (clean.length === 2 && toPort(clean[1]!) !== null && !URL_LIKE.test(clean[0]!)) return target(clean[0]!, clean[1]!);
  if (clean.length === 2 && /^\d+$/.test(clean[1]!) && isHost(clean[0]!.replace(/^\[|\]$/g, ''))) return target(clean[0]!, clean[1]!);
  // A single word may still be an error code someone pasted rather than a host.
  const lone = clean[0]!;
  if (clean.length === 1 && !/^E[A-Z]{4,}$/.test(lone) && !/refused|errno/i.test(lone)) return oneWord(lone);
  return { ok: true, request: { type: 'paste', text: typeof input === 'string' ? input : input.join(' ') } };
}
