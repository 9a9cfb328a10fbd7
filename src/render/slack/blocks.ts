// Diagnosis → Slack Block Kit. Pure. People under pressure read the first screen only, so an answer opens
// on its first view (render/glance.ts chooses what it holds, for the terminal too): the verdict, one line per
// address seen, the first cause in two sentences with its first three steps for one OS, one line per other
// cause, then buttons for the rest (all steps, the other causes in full, another OS's commands, and back),
// which show another view of the same message. An answer that cannot have buttons (an ephemeral fallback)
// shows every part at once, still for one OS.
// Slack rejects a message that breaks a Block Kit limit, so the renderer never does: it renders at the
// richest detail level that fits and steps down (fewer causes, fewer evidence lines, fewer steps) until it
// does; a single section that is still too long is cut on a line boundary.
// Limits: https://api.slack.com/reference/block-kit/blocks (50 blocks, section text 3000, context 10
// elements, button text 75, value 2000, action_id 255).
import { formatMs } from '../../domain/describe.js';
import type { Diagnosis, Finding, Os } from '../../domain/types.js';
import { commandsForOs, feedbackWords, firstSentences, glance, OS_LABELS, otherOses, type Glance } from '../glance.js';
import { ACTION, BLOCK } from '../../slack/ids.js';
import type { DiagnosisMetadata } from './metadata.js';

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  /** Slack documents no exact total; messages past ~12k characters of block text are refused or cut. */
  totalText: 11_000,
  fallbackText: 3000,
  /** Our own bound, not Slack's: the first view's visible text (blocks and fallback) stays readable at a glance. */
  firstView: 2500,
} as const;

/** The parts a view button shows: the first view, the first cause's every step, the other causes in full. */
export type ButtonPart = 'first' | 'steps' | 'causes';
/** What a message shows: a part ('all' is every part at once, for answers without buttons) and whose commands. */
export interface View {
  part: ButtonPart | 'all';
  /** Null: the OS the answer picks itself (glance.ts likelyOs). */
  os: Os | null;
}

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
  /** Slack message metadata (render/slack/metadata.ts), on answers posted or edited in a conversation. */
  metadata?: DiagnosisMetadata;
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
  /** What to show. Absent: the first view when there are view buttons, else every part ('all'). */
  view?: View | null;
  /** Signed value for a button that shows another view; absent or null leaves those buttons out. */
  viewValue?: ((view: { part: ButtonPart; os: Os | null }) => string) | null;
}

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

/** How much each view holds; the renderer steps down the list until the message fits. */
interface Detail {
  /** Causes shown at all (in full or as a line). */
  causes: number;
  /** In 'all' view: causes shown in full. */
  fullCauses: number;
  /** Steps of a cause in full; in the first view, steps of the first cause. */
  steps: number;
  /** Commands shown per step. */
  commands: number;
  causeEvidence: boolean;
  /** Address lines. */
  addresses: number;
}

const LEVELS: readonly Detail[] = [
  { causes: 6, fullCauses: 3, steps: 8, commands: 8, causeEvidence: true, addresses: 6 },
  { causes: 5, fullCauses: 2, steps: 5, commands: 4, causeEvidence: true, addresses: 6 },
  { causes: 4, fullCauses: 1, steps: 4, commands: 3, causeEvidence: false, addresses: 4 },
  { causes: 2, fullCauses: 1, steps: 2, commands: 2, causeEvidence: false, addresses: 3 },
  { causes: 1, fullCauses: 0, steps: 0, commands: 0, causeEvidence: false, addresses: 2 },
];

/** The first view's own steps down, to stay under LIMITS.firstView: fewer steps, other causes and addresses. */
const FIRST_LEVELS: readonly Detail[] = [
  { causes: 6, fullCauses: 1, steps: 3, commands: 4, causeEvidence: false, addresses: 6 },
  { causes: 4, fullCauses: 1, steps: 2, commands: 2, causeEvidence: false, addresses: 4 },
  { causes: 3, fullCauses: 1, steps: 1, commands: 2, causeEvidence: false, addresses: 3 },
  { causes: 2, fullCauses: 1, steps: 1, commands: 1, causeEvidence: false, addresses: 2 },
  { causes: 1, fullCauses: 0, steps: 0, commands: 0, causeEvidence: false, addresses: 1 },
];

/** Longest verdict, cause title and step text a message shows (longer ones end in "…"; the full text is in the terminal's --verbose). */
const MAX = { verdict: 400, title: 150, stepText: 400, firstStepText: 320, fallbackStep: 160, command: 400 } as const;

const clip = (text: string, max: number) => (text.length > max ? firstSentences(text, 99, max) : text);

function verdictLine(d: Diagnosis): string {
  const mark = d.healthy ? ':white_check_mark:' : d.probed ? ':x:' : ':mag:';
  return `${mark} *${escape(clip(d.verdict, MAX.verdict))}*`;
}

/** Vantage points the first view names one by one; they are what the answer rests on, so no detail level cuts them. */
const VANTAGE_LINES = 6;

/**
 * The verdict and one line per address seen; from several vantage points, one line per vantage point instead (the
 * bot's own line sums its addresses up).
 */
function headText(d: Diagnosis, g: Glance, detail: Detail): string {
  const lines = [verdictLine(d)];
  if (g.vantages) {
    const shown = g.vantages.slice(0, VANTAGE_LINES);
    for (const v of shown) lines.push(`• ${escape(v.label)}: ${escape(v.text)}`);
    const more = g.vantages.length - shown.length;
    if (more > 0) lines.push(`_…and ${more} more vantage point${more === 1 ? '' : 's'}_`);
    return lines.join('\n');
  }
  const shown = g.addresses.slice(0, detail.addresses);
  for (const a of shown) lines.push(`• ${escape(a.text)}`);
  const more = g.addresses.length - shown.length + g.moreAddresses;
  if (more > 0) lines.push(`_…and ${more} more address${more === 1 ? '' : 'es'}_`);
  return lines.join('\n');
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
  if (f.os) parts.push(OS_LABELS[f.os]);
  if (f.proxy) parts.push(`via proxy ${escape(f.proxy.host)}${f.proxy.port !== null ? `:${f.proxy.port}` : ''}`);
  return parts.join(' · ');
}

/**
 * The parser's note on a long paste read at its start and its end only (parse/cut.ts cutNote: "The paste was
 * 2.3 MB; kept the first … lines and the last …; … lines in between were not read."), or null. The bot's own paste
 * limit cuts the same way, so this one note covers both. It is the one note every view shows, since it says what
 * the answer did not read; the parser's other notes feed the rules (the verdict and the causes' evidence say what
 * they mean), and the terminal prints them all.
 */
function cutLine(d: Diagnosis): string | null {
  const note = d.facts.notes.find((n) => n.startsWith('The paste was ') && n.endsWith(' not read.'));
  return note ? `:scissors: ${escape(note)}` : null;
}

/**
 * Said once: why what the error names was not probed. Nothing more when nothing was skipped: the verdict already
 * says when an answer comes from the text alone, and a second line saying it again is noise.
 */
function notProbedLine(g: Glance): string | null {
  return g.notProbed.length > 0 ? `Not probed: ${g.notProbed.map(escape).join('; ')}` : null;
}

/** True when some step of some cause has a command for one OS only: only then is another OS worth a button. */
function hasOsCommands(d: Diagnosis): boolean {
  return d.causes.some((c) => c.steps.some((s) => s.commands.some((cmd) => cmd.os !== undefined)));
}

/** "_Commands for Linux (the error names no OS)_", or null when no step shown has a command that depends on the OS. */
function osLine(g: Glance, any: boolean): string | null {
  if (!any) return null;
  const label = OS_LABELS[g.os.os];
  return g.os.from === 'asked' ? `_Commands for ${label}_` : `_Commands for ${label} (${escape(g.os.reason)})_`;
}

/** Numbered steps with their commands for one OS; `osSpecific` when a step shown has a command written for one OS. */
function stepLines(steps: readonly Finding['steps'][number][], os: Os, detail: Detail, textMax: number): { lines: string[]; osSpecific: boolean } {
  const lines: string[] = [];
  const osSpecific = steps.some((s) => s.commands.some((c) => c.os !== undefined));
  steps.forEach((s, i) => {
    lines.push(`${i + 1}. ${escape(clip(s.text, textMax))}`);
    const cmds = commandsForOs(s.commands, os).slice(0, detail.commands);
    if (cmds.length > 0) lines.push(`\`\`\`${cmds.map((c) => code(clip(c, MAX.command))).join('\n')}\`\`\``);
    // Commands exist, for other OSes only: say so rather than leave the step looking as if it had none.
    else if (s.commands.length > 0) lines.push(`_(no command for ${OS_LABELS[os]} here)_`);
  });
  return { lines, osSpecific };
}

// With the workspace's votes when they moved it: "_(61%: fixed it 9 times here)_".
const percent = (f: Finding) => {
  const votes = feedbackWords(f);
  return `_(${Math.round(f.confidence * 100)}%${votes ? `: ${escape(votes)}` : ''})_`;
};
const title = (f: Finding) => escape(clip(f.title, MAX.title));

function feedbackBlock(ctx: RenderContext, f: Finding, i: number): Block[] {
  if (!ctx.feedbackValue) return [];
  const value = ctx.feedbackValue(i, f);
  return [
    {
      type: 'actions',
      block_id: `${BLOCK.feedback}${i}`,
      elements: [button(':thumbsup: Fixed it', ACTION.fixed, value), button(":thumbsdown: Didn't help", ACTION.didntHelp, value)],
    },
  ];
}

/** The first cause as the first view shows it: two sentences, the first steps for one OS, how many more. */
function firstShort(g: Glance, ctx: RenderContext, detail: Detail, canMore: boolean): Block[] {
  const first = g.first;
  if (!first) return [];
  const f = first.finding;
  const steps = stepLines(f.steps.slice(0, detail.steps), g.os.os, detail, MAX.firstStepText);
  const lines = [`*1. ${title(f)}*  ${percent(f)}`, escape(first.explanation)];
  const os = osLine(g, steps.osSpecific);
  if (os) lines.push(os);
  lines.push(...steps.lines);
  const more = f.steps.length - Math.min(detail.steps, f.steps.length);
  if (more > 0) lines.push(`_…and ${more} more step${more === 1 ? '' : 's'}${canMore ? ' (All steps)' : ''}_`);
  return [{ type: 'divider' }, section(lines.join('\n')), ...feedbackBlock(ctx, f, 0)];
}

/** A cause in full: the whole explanation, its steps for one OS, why, runbook, docs, feedback. */
function causeFull(f: Finding, i: number, g: Glance, ctx: RenderContext, detail: Detail): Block[] {
  const out: Block[] = [{ type: 'divider' }];
  const head = `*${i + 1}. ${title(f)}*  ${percent(f)}\n${escape(f.explanation)}`;
  const steps = stepLines(f.steps.slice(0, detail.steps), g.os.os, detail, MAX.stepText);
  const os = osLine(g, steps.osSpecific);
  const body = [...(os ? [os] : []), ...steps.lines];
  const more = f.steps.length - Math.min(detail.steps, f.steps.length);
  if (more > 0) body.push(`_…and ${more} more step${more === 1 ? '' : 's'}_`);
  const text = body.join('\n');
  // One section when it fits; otherwise the steps get their own so the explanation is not cut.
  if (head.length + text.length + 1 <= LIMITS.sectionText) out.push(section(text ? `${head}\n${text}` : head));
  else {
    out.push(section(head));
    if (text) out.push(section(text));
  }
  const notes: string[] = [];
  if (detail.causeEvidence && f.evidence.length > 0) notes.push(`Why: ${f.evidence.slice(0, 4).map(escape).join(' · ')}`);
  if (f.runbook) notes.push(`:book: Runbook: <${escape(f.runbook.url)}|${escape(f.runbook.title)}>`);
  if (f.docs) notes.push(`Docs: <${escape(f.docs)}>`);
  if (notes.length > 0) out.push(context(notes));
  out.push(...feedbackBlock(ctx, f, i));
  return out;
}

/** One line per cause from `from` on. */
function causeLines(causes: readonly Finding[], from: number, heading: string): Block[] {
  if (causes.length === 0) return [];
  const lines = causes.map((f, j) => `${from + j + 1}. ${title(f)} ${percent(f)}`);
  return [{ type: 'divider' }, section(`*${heading}*\n${lines.join('\n')}`)];
}

/** Re-check, Watch, and the buttons that show the other views of this answer. */
function buttons(d: Diagnosis, g: Glance, ctx: RenderContext, view: View): Block[] {
  const elements: Button[] = [];
  if (ctx.checkValue) elements.push(button(':repeat: Re-check', ACTION.recheck, ctx.checkValue, 'primary'), button(':eyes: Watch', ACTION.watch, ctx.checkValue));
  const value = ctx.viewValue;
  if (value && view.part !== 'all') {
    const os = view.os;
    const part = view.part;
    const first = g.first;
    // Its evidence alone is not worth a click: the address lines above say the same.
    const moreOfFirst = first !== null && (first.moreSteps > 0 || first.cut || first.finding.docs !== null || Boolean(first.finding.runbook));
    if (part === 'steps') elements.push(button('Show less', `${ACTION.view}first`, value({ part: 'first', os })));
    else if (moreOfFirst) elements.push(button('All steps', `${ACTION.view}steps`, value({ part: 'steps', os })));
    if (part === 'causes') elements.push(button('Show less', `${ACTION.view}first`, value({ part: 'first', os })));
    else if (d.causes.length > 1) elements.push(button('Other causes', `${ACTION.view}causes`, value({ part: 'causes', os })));
    if (hasOsCommands(d)) {
      for (const other of otherOses(g.os.os)) elements.push(button(`Commands for ${OS_LABELS[other]}`, `${ACTION.view}os_${other}`, value({ part, os: other })));
    }
  }
  return elements.length > 0 ? [{ type: 'actions', block_id: BLOCK.buttons, elements }] : [];
}

function render(d: Diagnosis, ctx: RenderContext, view: View, detail: Detail): Block[] {
  const g = glance(d, { os: view.os });
  const blocks: Block[] = [];
  if (ctx.note) blocks.push(context([ctx.note]));
  blocks.push(section(headText(d, g, detail)));
  if (ctx.recheck) {
    blocks.push(context([`:repeat: Re-checked at ${escape(ctx.recheck.at)} by <@${escape(ctx.recheck.by)}>`], BLOCK.rechecked));
    const changed = ctx.recheck.changes;
    blocks.push(
      section(changed.length > 0 ? `*What changed*\n${changed.map((c) => `• ${escape(c)}`).join('\n')}` : '_Nothing changed since the last check._', BLOCK.changes),
    );
  }
  const facts = factsLine(d);
  const skipped = notProbedLine(g);
  const cut = cutLine(d);
  const about = [facts, skipped, cut].filter((l): l is string => l !== null);
  if (about.length > 0) blocks.push(context(about));
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
  const [top, ...rest] = d.causes.slice(0, Math.max(1, detail.causes));
  const others = rest.slice(0, Math.max(0, detail.causes - 1));
  const hidden = d.causes.length - 1 - others.length;
  const otherHeading = `Also possible${hidden > 0 ? ` (and ${hidden} more)` : ''}`;
  if (top) {
    switch (view.part) {
      case 'first':
        if (detail.fullCauses > 0) blocks.push(...firstShort(g, ctx, detail, Boolean(ctx.viewValue)));
        else blocks.push(...causeLines([top], 0, 'Likely cause'));
        blocks.push(...causeLines(others, 1, otherHeading));
        break;
      case 'steps':
        blocks.push(...causeFull(top, 0, g, ctx, detail), ...causeLines(others, 1, otherHeading));
        break;
      case 'causes': {
        blocks.push({ type: 'divider' }, section(`*1. ${title(top)}*  ${percent(top)}\n_The likeliest cause; its steps are under All steps._`));
        for (const [j, f] of others.slice(0, Math.max(1, detail.fullCauses)).entries()) blocks.push(...causeFull(f, j + 1, g, ctx, detail));
        const left = others.slice(Math.max(1, detail.fullCauses));
        blocks.push(...causeLines(left, 1 + Math.max(1, detail.fullCauses), 'Also possible'));
        break;
      }
      case 'all': {
        const full = [top, ...others].slice(0, detail.fullCauses);
        for (const [i, f] of full.entries()) blocks.push(...causeFull(f, i, g, ctx, detail));
        const left = [top, ...others].slice(detail.fullCauses);
        blocks.push(...causeLines(left, detail.fullCauses, detail.fullCauses === 0 ? 'Likely causes' : 'Also possible'));
        break;
      }
    }
  }
  blocks.push(...buttons(d, g, ctx, view));
  const at = d.vantage.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
  const by = ctx.requestedBy ? ` · asked by <@${escape(ctx.requestedBy)}>` : '';
  blocks.push(context([`Checked from \`${escape(d.vantage.host)}\` at ${escape(at)} · ${formatMs(d.durationMs)}${by}`]));
  return blocks;
}

/**
 * Characters of text in blocks (sections, context elements, button labels), the total LIMITS.totalText bounds.
 * Button values are not counted: each has its own limit (LIMITS.buttonValue), and an answer with a few view
 * buttons carries several of them, which must not push the answer's own words out.
 */
export function blockTextLength(blocks: readonly Block[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.type === 'section') n += b.text.text.length;
    else if (b.type === 'context') for (const e of b.elements) n += e.text.length;
    else if (b.type === 'actions') for (const e of b.elements) n += e.text.text.length;
  }
  return n;
}

/** Characters a person can read in a message: every text in its blocks (button labels, not values) and the fallback text. */
export function visibleTextLength(msg: { text: string; blocks: readonly Block[] }): number {
  return msg.text.length + blockTextLength(msg.blocks);
}

/** Plain text for notifications, screen readers and clients that show no blocks. */
export function fallbackText(d: Diagnosis, os: Os | null = null): string {
  const g = glance(d, { os });
  const lines = [`${d.healthy ? '✔' : '✖'} ${clip(d.verdict, MAX.verdict)}`];
  const top = g.first;
  if (top && !d.healthy) {
    lines.push(`Most likely: ${clip(top.finding.title, MAX.title)}.`);
    const step = top.steps[0];
    // A notification shows a line or two: the step's first sentence and its first command.
    if (step) lines.push(`First step: ${firstSentences(step.text, 1, MAX.fallbackStep)}${step.commands[0] ? ` (${clip(step.commands[0], MAX.command)})` : ''}`);
  }
  lines.push(`Checked from ${d.vantage.host} at ${d.vantage.at}.`);
  return fit(escape(lines.join('\n')), LIMITS.fallbackText);
}

const fits = (blocks: readonly Block[]) => blocks.length <= LIMITS.blocks && blockTextLength(blocks) <= LIMITS.totalText;

/**
 * The message for a diagnosis: the view ctx asks for (by default the first view, or every part when there are no
 * view buttons), at the richest detail that fits Slack's limits (and, for the first view, LIMITS.firstView).
 */
export function renderBlocks(d: Diagnosis, ctx: RenderContext): SlackMessage {
  const view: View = ctx.view ?? { part: ctx.viewValue ? 'first' : 'all', os: null };
  const text = fallbackText(d, view.os);
  const levels = view.part === 'first' ? FIRST_LEVELS : LEVELS;
  for (const detail of levels) {
    const blocks = render(d, ctx, view, detail);
    if (fits(blocks) && (view.part !== 'first' || visibleTextLength({ text, blocks }) <= LIMITS.firstView)) return { text, blocks };
  }
  // The last level is a handful of blocks; only absurd single fields (a 3000-character verdict) reach here.
  const blocks = render(d, ctx, view, levels[levels.length - 1]!).slice(0, LIMITS.blocks);
  while (blockTextLength(blocks) > LIMITS.totalText && blocks.length > 2) blocks.splice(blocks.length - 2, 1);
  return { text, blocks };
}

/** A short message with no diagnosis (usage, errors, acknowledgements); `mrkdwn` is already escaped. */
export function shortMessage(mrkdwn: string, text: string = mrkdwn): SlackMessage {
  return { text: fit(text, LIMITS.fallbackText), blocks: [section(mrkdwn)] };
}
