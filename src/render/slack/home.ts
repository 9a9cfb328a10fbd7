// Usage text and the App Home tab. Pure.
import { escape, fit, LIMITS, type Block, type SlackMessage } from './blocks.js';

export const USAGE_LINES = [
  '`/refused db.internal 5432` — probe a host and port',
  '`/refused db.internal:5432` or `/refused [fd00::5]:5432` — the same, one word',
  '`/refused https://api.internal/health` — probe what a URL points at',
  '`/refused &lt;pasted error&gt;` — read an error message and check what it names',
  '`/refused db.internal 5432 from office` — check from a probe agent only (every agent is asked by default)',
  'Paste an error in a channel I am in, DM it to me, or mention me: I answer in the thread.',
  'On any message: ⋯ → *Diagnose connection*.',
];

export function usageMessage(problem: string | null): SlackMessage {
  const head = problem ? `:warning: ${escape(problem)}\n\n` : '';
  const body = `${head}*How to use refused*\n${USAGE_LINES.map((l) => `• ${l}`).join('\n')}`;
  return { text: escape(`${problem ? `${problem}. ` : ''}Usage: /refused <host> <port> | <host>:<port> | <url> | <pasted error>`), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}

export interface HomeEntry {
  at: string;
  what: string;
  verdict: string;
  /** Permalink-free pointer: channel id, so the user knows where it was. */
  channel: string | null;
}

export interface HomeContext {
  vantage: string;
  /** The probe policy in words, one sentence a line. */
  policy: string[];
  recent: HomeEntry[];
  /** The probe agents this bot knows (REFUSED_AGENTS), connected or not; absent or empty: none configured. */
  agents?: { name: string; connected: boolean; since: string | null; host: string | null }[];
}

/** The Home tab view (views.publish). Home views allow 100 blocks; this stays far below. */
export function homeView(ctx: HomeContext): { type: 'home'; blocks: Block[] } {
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: '*refused* explains why a connection was refused, timed out or could not resolve, by checking from inside your network.' } },
    { type: 'section', text: { type: 'mrkdwn', text: `*How to use it*\n${USAGE_LINES.map((l) => `• ${l}`).join('\n')}` } },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: fit(`*What this instance may probe* (from \`${escape(ctx.vantage)}\`)\n${ctx.policy.map((p) => `• ${escape(p)}`).join('\n')}`, LIMITS.sectionText) } },
    { type: 'divider' },
  ];
  if (ctx.agents && ctx.agents.length > 0) {
    const lines = ctx.agents.map((a) => `• \`${escape(a.name)}\` ${a.connected ? `:large_green_circle: connected${a.since ? ` since ${escape(a.since.slice(0, 16).replace('T', ' '))} UTC` : ''}${a.host ? ` from ${escape(a.host)}` : ''}` : ':white_circle: not connected'}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fit(`*Probe agents* (every diagnosis also runs from these; \`/refused host:port from <name>\` picks)\n${lines.join('\n')}`, LIMITS.sectionText) } });
    blocks.push({ type: 'divider' });
  }
  if (ctx.recent.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '*Your recent diagnoses*\nNone yet on this instance.' } });
  } else {
    const lines = ctx.recent.map((r) => `• ${escape(r.at)} · \`${escape(r.what)}\`${r.channel ? ` in <#${escape(r.channel)}>` : ''}\n   ${escape(r.verdict)}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: fit(`*Your recent diagnoses*\n${lines.join('\n')}`, LIMITS.sectionText) } });
  }
  return { type: 'home', blocks };
}
