// Diagnosis → Slack Block Kit. Pure. The verdict first, then what was seen per address, then the ranked
// causes with numbered steps and their commands, then where and when it was checked.
// Slack rejects a message that breaks a Block Kit limit, so the renderer never does: it renders at the
// richest detail level that fits and steps down (fewer causes, fewer evidence lines, fewer steps) until it
// does; a single section that is still too long is cut on a line boundary.
// Limits: https://api.slack.com/reference/block-kit/blocks (50 blocks, section text 3000, context 10
// elements, button text 75, value 2000, action_id 255).
import { describeEvidence, formatMs } from '../../domain/describe.js';
import type { Diagnosis, Finding, Os } from '../../domain/types.js';
import { commandsFor } from '../text/index.js';
import { ACTION, BLOCK } from '../../slack/ids.js';

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  /** Slack documents no exact total; messages past ~12k characters of block text are refused or cut. */
  totalText: 11_000,
  fallbackText: 3000,
} as const;

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Button {
  type: 'button';
  text: TextObject;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
}
export type Block =
  | { type: 'section'; block_id?: string; text: TextObject }
  | { type: 'context'; block_id?: string; elements: TextObject[] }
  | { type: 'actions'; block_id?: string; elements: Button[] }
  | { type: 'divider'; block_id?: string };

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export interface RenderContext {
  /** Signed value for Re-check and Watch; null leaves the buttons out (an ephemeral answer cannot be edited). */
  checkValue: string | null;
  /** Signed value for a cause's feedback buttons; absent leaves them out. */
  feedbackValue?: ((index: number, cause: Finding) => string) | null;
  /** Set on a re-check: who asked, when, and what changed since the previous check. */
  recheck?: { by: string; at: string; changes: string[] } | null;
  /** Slack user id of the person who asked. */
  requestedBy?: string | null;
  /** A line shown above the verdict (e.g. how to invite the bot, on an ephemeral fallback). */
  note?: string | null;
  /**
   * A question whose answer would settle the first two causes (rules/questions.ts): its words, the two causes'
   * titles, and one signed value per option. Absent or null: nothing to ask.
   */
  question?: { text: string; between: [string, string]; options: { label: string; value: string }[] } | null;
  /** What the reporter's side answered so far (clauses), and who just answered when an answer led to this message. */
  answers?: { clauses: string[]; by: string | null } | null;
}

interface Detail {
  causes: number;
  fullCauses: number;
  evidence: number;
  steps: number;
  commands: number;
  causeEvidence: boolean;
}

const LEVELS: readonly Detail[] = [
  { causes: 6, fullCauses: 3, evidence: 30, steps: 8, commands: 8, causeEvidence: true },
  { causes: 5, fullCauses: 2, evidence: 16, steps: 5, commands: 4, causeEvidence: true },
  { causes: 4, fullCauses: 1, evidence: 10, steps: 4, commands: 3, causeEvidence: false },
  { causes: 2, fullCauses: 1, evidence: 6, steps: 2, commands: 2, causeEvidence: false },
  { causes: 1, fullCauses: 0, evidence: 3, steps: 0, commands: 0, causeEvidence: false },
];

/** Slack's three control characters; everything else in mrkdwn passes as is. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A command inside a code block: a ``` in it would close the block early. */
function code(text: string): string {
  return escape(text.replace(/```/g, '`\u200b``'));
}

/** Cuts text to `max` characters on a line boundary, closing a code block left open. */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = '\n…';
  let cut = text.slice(0, max - tail.length - 4);
  const nl = cut.lastIndexOf('\n');
  if (nl > max / 2) cut = cut.slice(0, nl);
  // An escape sequence cut in half (&am) would show as garbage.
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  const fences = cut.split('```').length - 1;
  return `${cut}${fences % 2 === 1 ? '\n```' : ''}${tail}`;
}

const clampButton = (text: string) => (text.length > LIMITS.buttonText ? `${text.slice(0, LIMITS.buttonText - 1)}…` : text);

function section(text: string, blockId?: string): Block {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text: fit(text, LIMITS.sectionText) } };
}

function context(lines: string[], blockId?: string): Block {
  return {
    type: 'context',
    ...(blockId ? { block_id: blockId } : {}),
    elements: lines.slice(0, LIMITS.contextElements).map((l) => ({ type: 'mrkdwn' as const, text: fit(l, LIMITS.sectionText) })),
  };
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text: clampButton(text), emoji: true }, action_id: actionId, value, ...(style ? { style } : {}) };
}

const OS_LABEL: Record<Os, string> = { linux: 'Linux', macos: 'macOS', windows: 'Windows' };

function isFine(d: Diagnosis): boolean {
  return d.healthy;
}

function verdictLine(d: Diagnosis): string {
  const mark = isFine(d) ? ':white_check_mark:' : d.probed ? ':x:' : ':mag:';
  return `${mark} *${escape(d.verdict)}*`;
}

function factsLine(d: Diagnosis): string | null {
  const f = d.facts;
  if (f.kind === 'none' && !f.host && !f.unixSocket) return null;
  const target = f.unixSocket ?? (f.host ? `${f.host.includes(':') ? `[${f.host}]` : f.host}${f.port !== null ? `:${f.port}` : ''}` : 'no host named');
  const parts = [`${f.kind === 'none' ? 'Target' : `Error: ${f.kind}`}`, `\`${escape(target)}\``];
  if (f.portInferred) parts.push(`port inferred from ${escape(f.scheme ?? f.service ?? 'the service')}`);
  const who = [f.runtime, f.client].filter(Boolean).join('/');
  if (who) parts.push(escape(who));
  if (f.service) parts.push(f.service);
  if (f.os) parts.push(OS_LABEL[f.os]);
  if (f.proxy) parts.push(`via proxy ${escape(f.proxy.host)}${f.proxy.port !== null ? `:${f.proxy.port}` : ''}`);
  return parts.join(' · ');
}

function stepsText(f: Finding, os: Os | null, detail: Detail): string {
  const lines: string[] = [];
  f.steps.slice(0, detail.steps).forEach((s, i) => {
    lines.push(`${i + 1}. ${escape(s.text)}`);
    const cmds = commandsFor(s.commands, os).slice(0, detail.commands);
    // Commands for one OS share a code block; a label line says which OS when several are shown.
    let block: string[] = [];
    let label: string | null | undefined;
    const flush = () => {
      if (block.length > 0) lines.push(`${label ? `_${label}:_\n` : ''}\`\`\`${block.join('\n')}\`\`\``);
      block = [];
    };
    for (const c of cmds) {
      if (c.label !== label) {
        flush();
        label = c.label;
      }
      block.push(code(c.run));
    }
    flush();
  });
  if (f.steps.length > detail.steps) lines.push(`_…and ${f.steps.length - detail.steps} more step${f.steps.length - detail.steps === 1 ? '' : 's'}_`);
  return lines.join('\n');
}

function causeBlocks(d: Diagnosis, f: Finding, i: number, detail: Detail, ctx: RenderContext): Block[] {
  const out: Block[] = [{ type: 'divider' }];
  const head = `*${i + 1}. ${escape(f.title)}*  _(${Math.round(f.confidence * 100)}%)_\n${escape(f.explanation)}`;
  const steps = stepsText(f, d.facts.os, detail);
  // One section when it fits; otherwise the steps get their own so the explanation is not cut.
  if (head.length + steps.length + 1 <= LIMITS.sectionText) out.push(section(steps ? `${head}\n${steps}` : head));
  else {
    out.push(section(head));
    if (steps) out.push(section(steps));
  }
  const notes: string[] = [];
  if (detail.causeEvidence && f.evidence.length > 0) notes.push(`Why: ${f.evidence.slice(0, 4).map(escape).join(' · ')}`);
  if (f.runbook) notes.push(`:book: Runbook: <${escape(f.runbook.url)}|${escape(f.runbook.title)}>`);
  if (f.docs) notes.push(`Docs: <${escape(f.docs)}>`);
  if (notes.length > 0) out.push(context(notes));
  if (ctx.feedbackValue) {
    const value = ctx.feedbackValue(i, f);
    out.push({
      type: 'actions',
      block_id: `${BLOCK.feedback}${i}`,
      elements: [button(':thumbsup: Fixed it', ACTION.fixed, value), button(":thumbsdown: Didn't help", ACTION.didntHelp, value)],
    });
  }
  return out;
}

function render(d: Diagnosis, ctx: RenderContext, detail: Detail): Block[] {
  const blocks: Block[] = [];
  if (ctx.note) blocks.push(context([ctx.note]));
  blocks.push(section(verdictLine(d)));
  if (ctx.recheck) {
    blocks.push(context([`:repeat: Re-checked at ${escape(ctx.recheck.at)} by <@${escape(ctx.recheck.by)}>`], BLOCK.rechecked));
    const changed = ctx.recheck.changes;
    blocks.push(
      section(changed.length > 0 ? `*What changed*\n${changed.map((c) => `• ${escape(c)}`).join('\n')}` : '_Nothing changed since the last check._', BLOCK.changes),
    );
  }
  const facts = factsLine(d);
  const skipped = d.plan.skipped.map((s) => `Not probed: ${escape(s.detail)}`);
  if (facts || skipped.length > 0) blocks.push(context([...(facts ? [facts] : []), ...skipped]));
  // Evidence: the DNS answer, each address with its outcome and time, what answers on the port.
  if (d.evidence.length > 0) {
    const lines = d.evidence.slice(0, detail.evidence).map((e) => `• ${escape(describeEvidence(e))}`);
    if (d.evidence.length > detail.evidence) lines.push(`_…and ${d.evidence.length - detail.evidence} more_`);
    blocks.push(section(`*What the bot saw*\n${lines.join('\n')}`));
  } else if (!d.probed) {
    blocks.push(context(['Nothing was probed: the answer comes from the text alone.']));
  }
  if (ctx.answers && ctx.answers.clauses.length > 0) {
    const said = ctx.answers.clauses.map(escape).join('; ');
    blocks.push(context([ctx.answers.by ? `:speech_balloon: <@${escape(ctx.answers.by)}> answered: ${said}` : `:speech_balloon: Answered: ${said}`], BLOCK.answered));
  }
  // Asked before the causes: the answer re-ranks them.
  if (ctx.question && ctx.question.options.length > 0) {
    const [first, second] = ctx.question.between;
    blocks.push(section(`:question: *${escape(ctx.question.text)}*\nThe answer decides between _${escape(first)}_ and _${escape(second)}_.`, BLOCK.question));
    blocks.push({
      type: 'actions',
      block_id: BLOCK.answers,
      elements: ctx.question.options.slice(0, 5).map((o, i) => button(o.label, `${ACTION.answer}${i}`, o.value)),
    });
  }
  const shown = d.causes.slice(0, detail.causes);
  for (const [i, f] of shown.slice(0, detail.fullCauses).entries()) blocks.push(...causeBlocks(d, f, i, detail, ctx));
  const rest = shown.slice(detail.fullCauses);
  if (rest.length > 0) {
    const lines = rest.map((f, j) => `${detail.fullCauses + j + 1}. ${escape(f.title)} _(${Math.round(f.confidence * 100)}%)_`);
    blocks.push({ type: 'divider' });
    blocks.push(section(`*${detail.fullCauses === 0 ? 'Likely causes' : 'Also possible'}*\n${lines.join('\n')}`));
  }
  if (ctx.checkValue) {
    blocks.push({
      type: 'actions',
      block_id: BLOCK.buttons,
      elements: [button(':repeat: Re-check', ACTION.recheck, ctx.checkValue, 'primary'), button(':eyes: Watch', ACTION.watch, ctx.checkValue)],
    });
  }
  const at = d.vantage.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  const by = ctx.requestedBy ? ` · asked by <@${escape(ctx.requestedBy)}>` : '';
  blocks.push(context([`Checked from \`${escape(d.vantage.host)}\` at ${escape(at)} · ${formatMs(d.durationMs)}${by}`]));
  return blocks;
}

/** Characters of text in blocks, as Slack counts toward its message size. */
export function blockTextLength(blocks: readonly Block[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === 'section') n += b.text.text.length;
    else if (b.type === 'context') for (const e of b.elements) n += e.text.length;
    else if (b.type === 'actions') for (const e of b.elements) n += e.text.text.length + e.value.length;
  }
  return n;
}

/** Plain text for notifications, screen readers and clients that show no blocks. */
export function fallbackText(d: Diagnosis): string {
  const top = d.causes[0];
  const lines = [isFine(d) ? `✔ ${d.verdict}` : `✖ ${d.verdict}`];
  if (top && !isFine(d)) {
    lines.push(`Most likely: ${top.title}.`);
    const first = top.steps[0];
    if (first) lines.push(`First step: ${first.text}${first.commands[0] ? ` (${first.commands[0].run})` : ''}`);
  }
  lines.push(`Checked from ${d.vantage.host} at ${d.vantage.at}.`);
  return fit(escape(lines.join('\n')), LIMITS.fallbackText);
}

export function renderBlocks(d: Diagnosis, ctx: RenderContext): SlackMessage {
  const text = fallbackText(d);
  for (const detail of LEVELS) {
    const blocks = render(d, ctx, detail);
    if (blocks.length <= LIMITS.blocks && blockTextLength(blocks) <= LIMITS.totalText) return { text, blocks };
  }
  // The last level is a handful of blocks; only absurd single fields (a 3000-character verdict) reach here.
  const blocks = render(d, ctx, LEVELS[LEVELS.length - 1]!).slice(0, LIMITS.blocks);
  while (blockTextLength(blocks) > LIMITS.totalText && blocks.length > 2) blocks.splice(blocks.length - 2, 1);
  return { text, blocks };
}

/** A short message with no diagnosis (usage, errors, acknowledgements); `mrkdwn` is already escaped. */
export function shortMessage(mrkdwn: string, text: string = mrkdwn): SlackMessage {
  return { text: fit(text, LIMITS.fallbackText), blocks: [section(mrkdwn)] };
}
