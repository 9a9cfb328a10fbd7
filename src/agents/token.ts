// Agent tokens (issue 14). The agent holds its token; the bot holds only the token's SHA-256, in REFUSED_AGENTS
// (`office:sha256:<hex>,k8s-prod:sha256:<hex>`), so a leaked bot configuration does not let anyone pose as an
// agent. The same hash, as raw bytes, is the key both sides sign jobs with (protocol.ts): the bot can sign
// without the token, and the agent computes the key from the token it holds.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every token starts with this, so one found in a log, a paste or a repository is recognised for what it is. */
export const TOKEN_PREFIX = 'rfa_';
/** Random bytes in a token: 32, written as 43 base64url characters after the prefix. */
const TOKEN_BYTES = 32;
/** What an agent's name may be: short, lower case, safe in a header, a log line and a Slack message. */
export const AGENT_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const HASH = /^sha256:([0-9a-f]{64})$/i;

/** A new token: the prefix and 32 random bytes, URL-safe. */
export function newAgentToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The form REFUSED_AGENTS keeps: `sha256:<64 hex digits>`. */
export function tokenHash(token: string): string {
  return `sha256:${digest(token).toString('hex')}`;
}

/** The line to add to REFUSED_AGENTS for this agent. */
export function agentsEntry(name: string, token: string): string {
  return `${name}:${tokenHash(token)}`;
}

/** The key jobs are signed with: the raw bytes of the token's SHA-256. */
export function signingKeyFromToken(token: string): Buffer {
  return digest(token);
}

/** The same key from the hex hash the bot knows. */
export function signingKeyFromHash(hexHash: string): Buffer {
  return Buffer.from(hexHash, 'hex');
}

/** True when `token` hashes to `hexHash`, compared in constant time. */
export function tokenMatches(token: string, hexHash: string): boolean {
  const want = Buffer.from(hexHash, 'hex');
  const got = digest(token);
  return want.length === got.length && timingSafeEqual(got, want);
}

export function isAgentName(name: string): boolean {
  return AGENT_NAME.test(name);
}

/**
 * Reads REFUSED_AGENTS: `name:sha256:<hex>` entries separated by commas (spaces and line breaks also do, so a
 * long list may be folded). Each bad entry is one problem, in words; good entries are kept either way.
 */
export function parseAgents(text: string): { agents: Map<string, string>; problems: string[] } {
  const agents = new Map<string, string>();
  const problems: string[] = [];
  const entries = text.split(/[\s,]+/).filter((e) => e !== '');
  for (const entry of entries) {
    // Never echo a whole entry back: someone may have pasted a token where the hash goes.
    const colon = entry.indexOf(':');
    const name = colon < 0 ? entry : entry.slice(0, colon);
    const shownName = name.length > 40 ? `${name.slice(0, 40)}…` : name;
    if (entry.includes(TOKEN_PREFIX)) {
      problems.push(
        `holds a token (${TOKEN_PREFIX}…) where a hash belongs: the bot keeps only hashes; use the line \`refused agent-token <name>\` prints, and make a new token since this one was exposed`,
      );
      continue;
    }
    if (colon < 0) {
      problems.push(`entry "${shownName}" has no hash: write name:sha256:<hex>, the line \`refused agent-token <name>\` prints`);
      continue;
    }
    if (!AGENT_NAME.test(name)) {
      problems.push(`entry "${shownName}" does not start with an agent name: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit`);
      continue;
    }
    const m = HASH.exec(entry.slice(colon + 1));
    if (!m) {
      problems.push(`entry "${name}" has a hash that is not sha256:<64 hex digits>; copy the line \`refused agent-token ${name}\` printed`);
      continue;
    }
    if (agents.has(name)) {
      problems.push(`lists "${name}" twice; keep one entry per agent`);
      continue;
    }
    agents.set(name, m[1]!.toLowerCase());
  }
  return { agents, problems };
}
