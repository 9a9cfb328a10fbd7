// Diagnosis → terminal text. Pure: colour and width are parameters (the CLI reads them from the terminal).
// By default the first view, the same shape as Slack's (render/glance.ts chooses what it holds): the verdict,
// one line per address seen, the first cause in two sentences with its first three steps for one OS, one line
// per other cause, and how to see the rest. `verbose` prints everything: what the text said, the look at this
// machine, every evidence line, every cause in full. Paragraphs are wrapped at the width on word boundaries
// with hanging indents; a command is never wrapped: it stands on a line of its own so it can be copied.
import { describeEvidence } from '../../domain/describe.js';
import type { Command, Diagnosis, Finding, Os } from '../../domain/types.js';
import { lookLines } from '../../local/describe.js';
import { feedbackWords, type Glance, glance, OS_LABELS, otherOses, type VantageLine, vantageLines } from '../glance.js';
import { DEFAULT_WIDTH, wrap } from './wrap.js';

export interface TextOptions {
  color: boolean;
  /** Show only this OS's commands (plus the common ones); null: the first view picks the likeliest, --verbose shows every OS, labelled. */
  os: Os | null;
  /** Columns to wrap at; 80 when absent. */
  width?: number;
  /** Everything, not only the first view. */
  verbose?: boolean;
  /** With verbose: how many causes to show in full (the rest get one line each); every one when absent. */
  fullCauses?: number;
}

const OS_LABEL = OS_LABELS;

type Paint = ReturnType<typeof paint>;

function paint(on: boolean) {
  const code = (c: string) => (s: string) => (on && s !== '' ? `\x1b[${c}m${s}\x1b[0m` : s);
  return { bold: code('1'), dim: code('2'), red: code('31'), green: code('32'), yellow: code('33'), cyan: code('36') };
}

/** Commands for the reporter's OS first; with no OS known, all of them with a label. */
export function commandsFor(commands: readonly Command[], os: Os | null): { run: string; label: string | null }[] {
  if (os) return commands.filter((c) => !c.os || c.os === os).map((c) => ({ run: c.run, label: null }));
  return commands.map((c) => ({ run: c.run, label: c.os ? OS_LABEL[c.os] : null }));
}

/** The lines of one paragraph, each wrapped line painted on its own (a colour code never spans a newline). */
function para(text: string, width: number, indent: string | { first: string; rest: string }, style: (s: string) => string = (s) => s): string[] {
  const ind = typeof indent === 'string' ? { first: indent, rest: indent } : indent;
  return wrap(text, width, ind).map((l, i) => {
    const lead = i === 0 ? ind.first : ind.rest;
    return l.startsWith(lead) ? `${lead}${style(l.slice(lead.length))}` : style(l);
  });
}

/** A command on its own line, indented, never wrapped: what is printed is what is copied. */
function commandLine(run: string, label: string | null, indent: string, c: Paint): string {
  return `${indent}${c.cyan('$')} ${run}${label ? c.dim(`   # ${label}`) : ''}`;
}

/** "1) text" with the text under the text, then its commands. */
function stepLines(n: number, text: string, commands: { run: string; label: string | null }[], width: number, c: Paint): string[] {
  const head = `   ${n}) `;
  const out = para(text, width, { first: head, rest: ' '.repeat(head.length) });
  for (const cmd of commands) out.push(commandLine(cmd.run, cmd.label, ' '.repeat(head.length), c));
  return out;
}

/** "85%", or with the workspace's votes when they moved it: "61%: fixed it 9 times here, didn't help once". */
function percent(f: Pick<Finding, 'confidence' | 'feedback'>): string {
  const votes = feedbackWords(f);
  return `${Math.round(f.confidence * 100)}%${votes ? `: ${votes}` : ''}`;
}

function factsLine(d: Diagnosis): string | null {
  const f = d.facts;
  if (f.kind === 'none' && !f.host) return null;
  const target = f.unixSocket ?? (f.host ? `${f.host.includes(':') ? `[${f.host}]` : f.host}${f.port !== null ? `:${f.port}` : ''}` : 'no host named');
  const parts = f.kind === 'none' ? [target] : [f.kind, target];
  if (f.portInferred) parts.push(`port inferred from ${f.scheme ?? f.service ?? 'the service'}`);
  const who = [f.runtime, f.client].filter(Boolean).join('/');
  if (who) parts.push(who);
  if (f.service) parts.push(f.service);
  if (f.os) parts.push(OS_LABEL[f.os]);
  if (f.proxy) parts.push(`via proxy ${f.proxy.host}${f.proxy.port !== null ? `:${f.proxy.port}` : ''}`);
  const sameAsTarget = f.destination?.host === f.host && f.destination?.port === f.port;
  if (f.destination && !f.proxy && !sameAsTarget) parts.push(`on the way to ${f.destination.host}${f.destination.port !== null ? `:${f.destination.port}` : ''}`);
  return parts.join(' · ');
}

function verdictLines(d: Diagnosis, width: number, c: Paint): string[] {
  const mark = d.causes.length === 0 || d.healthy ? c.green('✔') : c.red('✖');
  return para(d.verdict, width, { first: `${mark} `, rest: '  ' }, c.bold);
}

/** What the text said (a paste: kind, target, runtime …; a typed target: what was asked for) and the parser's notes. */
function saidLines(d: Diagnosis, width: number, c: Paint, indent = ''): string[] {
  const out: string[] = [];
  const said = factsLine(d);
  if (said) {
    const label = d.facts.hints.includes('typed') ? 'Asked for:' : 'From the text:';
    out.push(...para(`${c.bold(label)} ${said}`, width, { first: indent, rest: `${indent}  ` }));
  }
  out.push(...noteLines(d, width, c));
  return out;
}

function noteLines(d: Diagnosis, width: number, c: Paint): string[] {
  return d.facts.notes.flatMap((note) => para(`note: ${note}`, width, { first: '  ', rest: '        ' }, c.dim));
}

/** "  ✔ office: 10.0.0.5:5432 open", "  ✖ refused-bot (here): 10.0.0.5:5432 refused", "  – lab: offline". */
function vantageRows(lines: readonly VantageLine[], width: number, c: Paint): string[] {
  return lines.flatMap((v) => {
    const mark = v.ok === true ? c.green('✔') : v.ok === false ? c.red('✖') : c.dim('–');
    return para(`${v.label}: ${v.text}`, width, { first: `  ${mark} `, rest: '    ' });
  });
}

// ——— the first view ———

function glanceText(d: Diagnosis, g: Glance, opts: { width: number; os: Os | null }, c: Paint): string[] {
  const { width } = opts;
  // The lines under the verdict read as its detail: no blank line between them (the first screen is short).
  const lines = [...verdictLines(d, width, c)];
  // A paste says more than the verdict does (the runtime, the client, a proxy); a typed target says nothing new.
  lines.push(...(d.facts.hints.includes('typed') ? noteLines(d, width, c) : saidLines(d, width, c, '  ')));
  // From several vantage points: one line for each (the bot's own sums its addresses up; --verbose lists them).
  if (g.vantages) lines.push(...vantageRows(g.vantages, width, c));
  else {
    for (const a of g.addresses) lines.push(...para(a.text, width, { first: `  ${a.ok ? c.green('✔') : c.red('✖')} `, rest: '    ' }));
    if (g.moreAddresses > 0) lines.push(...para(`… and ${g.moreAddresses} more (--verbose)`, width, '    ', c.dim));
  }
  for (const n of g.notProbed) lines.push(...para(`not probed: ${n}`, width, { first: '  ', rest: '    ' }, c.yellow));
  if (lines[lines.length - 1] !== '') lines.push('');

  if (g.first) {
    const f = g.first.finding;
    lines.push(...para(`${c.bold(`1. ${f.title}`)} ${c.dim(`(${percent(f)})`)}`, width, { first: '', rest: '   ' }));
    lines.push(...para(g.first.explanation, width, '   '));
    g.first.steps.forEach((s, i) => {
      lines.push(...stepLines(i + 1, s.text, s.commands.map((run) => ({ run, label: null })), width, c));
    });
    if (f.runbook) lines.push(...para(`${c.yellow('Runbook:')} ${f.runbook.title} — ${f.runbook.url}`, width, { first: '   ', rest: '     ' }));
    const n = g.first.moreSteps;
    if (n > 0) lines.push(...para(`(${n} more ${n === 1 ? 'step' : 'steps'}: --verbose)`, width, '   ', c.dim));
  }
  if (g.others.length > 0) {
    lines.push('', c.bold('Also possible:'));
    g.others.forEach((o, i) => {
      const votes = feedbackWords(o);
      lines.push(...para(`${i + 2}. ${o.title} ${c.dim(`(${o.percent}%${votes ? `: ${votes}` : ''})`)}`, width, { first: '', rest: '   ' }));
    });
    if (g.moreOthers > 0) lines.push(...para(`… and ${g.moreOthers} more`, width, '   ', c.dim));
  }
  if (d.causes.length > 0) {
    // One line, however much was left out: the explanation's rest, the evidence, every step, the causes in full.
    const perOs = g.first?.finding.steps.some((s) => s.commands.some((cmd) => cmd.os)) ?? false;
    const oses = perOs ? ` · ${OS_LABEL[g.os.os]} commands shown; others: ${otherOses(g.os.os).map((o) => `--os ${o}`).join(', ')}` : '';
    lines.push('', ...para(`Everything: --verbose${oses}`, width, '', c.dim));
  }
  return lines;
}

// ——— everything ———

function findingLines(f: Finding, n: number, os: Os | null, width: number, c: Paint): string[] {
  const out = para(`${c.bold(`${n}. ${f.title}`)} ${c.dim(`(${f.id}, ${percent(f)})`)}`, width, { first: '', rest: '   ' });
  out.push(...para(f.explanation, width, '   '));
  for (const e of f.evidence) out.push(...para(e, width, { first: '   · ', rest: '     ' }, c.dim));
  f.steps.forEach((s, i) => {
    out.push(...stepLines(i + 1, s.text, commandsFor(s.commands, os), width, c));
  });
  if (f.runbook) out.push(...para(`${c.yellow('Runbook:')} ${f.runbook.title} — ${f.runbook.url}`, width, { first: '   ', rest: '     ' }));
  if (f.docs) out.push(...para(`Docs: ${f.docs}`, width, { first: '   ', rest: '         ' }, c.dim));
  return out;
}

function verboseText(d: Diagnosis, opts: { width: number; os: Os | null; fullCauses: number }, c: Paint): string[] {
  const { width, os } = opts;
  const lines = [...verdictLines(d, width, c), ''];
  lines.push(...saidLines(d, width, c));
  for (const s of d.plan.skipped) {
    if (s.reason !== 'no-probe') lines.push(...para(`not probed: ${s.detail}`, width, { first: '  ', rest: '    ' }, c.yellow));
  }
  // The command's look at its own machine (the reporter's side): what it read, and what that answered.
  if (d.local) {
    lines.push('', c.bold('Looked at this machine:'));
    for (const l of lookLines(d.local, d.facts)) lines.push(...para(l, width, { first: '  ', rest: '    ' }));
  }
  const vantages = d.vantages && d.vantages.length > 0 ? vantageLines(d.vantages) : null;
  if (vantages) lines.push('', c.bold('Seen from each vantage point:'), ...vantageRows(vantages, width, c));
  if (d.evidence.length > 0) {
    lines.push('', c.bold(`Seen from ${d.vantage.host}:`));
    for (const e of d.evidence) lines.push(...para(describeEvidence(e), width, { first: '  ', rest: '    ' }));
  }
  if (d.causes.length > 0) {
    lines.push('', c.bold(d.causes.length === 1 ? 'Cause:' : 'Likely causes, most likely first:'));
    d.causes.forEach((f, i) => {
      if (i < opts.fullCauses) lines.push(...findingLines(f, i + 1, os, width, c), '');
      else lines.push(...para(`${i + 1}. ${f.title} ${c.dim(`(${f.id}, ${percent(f)})`)}`, width, { first: '', rest: '   ' }));
    });
    if (d.causes.length > opts.fullCauses) lines.push(c.dim('  (--json shows every cause in full)'));
  }
  // "Not probed" is said once, above, with its reason; the last line says where and when.
  const how = d.probed ? 'probed' : 'read from the text';
  lines.push('', ...para(`${how} on ${d.vantage.host} at ${d.vantage.at} in ${d.durationMs} ms`, width, '', c.dim));
  return lines;
}

export function renderText(d: Diagnosis, opts: TextOptions): string {
  const c = paint(opts.color);
  const width = opts.width ?? DEFAULT_WIDTH;
  const lines = opts.verbose
    ? verboseText(d, { width, os: opts.os, fullCauses: opts.fullCauses ?? Number.POSITIVE_INFINITY }, c)
    : glanceText(d, glance(d, opts.os ? { os: opts.os } : {}), { width, os: opts.os }, c);
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n+$/, '')}\n`;
}
