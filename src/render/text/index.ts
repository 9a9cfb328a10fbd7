// Diagnosis → terminal text. The verdict first, then what the text said, the evidence, and the causes
// with numbered steps. Pure: colour is a parameter (the CLI turns it on for a TTY only).
import { describeEvidence } from '../../domain/describe.js';
import type { Command, Diagnosis, Finding, Os } from '../../domain/types.js';
import { lookLines } from '../../local/describe.js';

export interface TextOptions {
  color: boolean;
  /** Show only this OS's commands (plus the common ones); null shows every OS, labelled. */
  os: Os | null;
  /** How many causes to show in full; the rest get one line each. */
  fullCauses?: number;
}

const OS_LABEL: Record<Os, string> = { linux: 'Linux', macos: 'macOS', windows: 'Windows' };

function paint(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36') };
}

/** Commands for the reporter's OS first; with no OS known, all of them with a label. */
export function commandsFor(commands: readonly Command[], os: Os | null): { run: string; label: string | null }[] {
  if (os) return commands.filter((c) => !c.os || c.os === os).map((c) => ({ run: c.run, label: null }));
  return commands.map((c) => ({ run: c.run, label: c.os ? OS_LABEL[c.os] : null }));
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

function finding(f: Finding, n: number, opts: TextOptions, c: ReturnType<typeof paint>): string[] {
  const out = [`${c.bold(`${n}. ${f.title}`)} ${c.dim(`(${f.id}, ${Math.round(f.confidence * 100)}%)`)}`];
  out.push(`   ${f.explanation}`);
  for (const e of f.evidence) out.push(c.dim(`   · ${e}`));
  f.steps.forEach((s, i) => {
    out.push(`   ${i + 1}) ${s.text}`);
    for (const cmd of commandsFor(s.commands, opts.os)) {
      out.push(`      ${c.cyan('$')} ${cmd.run}${cmd.label ? c.dim(`   # ${cmd.label}`) : ''}`);
    }
  });
  if (f.runbook) out.push(`   ${c.yellow('Runbook:')} ${f.runbook.title} — ${f.runbook.url}`);
  if (f.docs) out.push(c.dim(`   Docs: ${f.docs}`));
  return out;
}

export function renderText(d: Diagnosis, opts: TextOptions): string {
  const c = paint(opts.color);
  const fine = d.healthy;
  const mark = d.causes.length === 0 || fine ? c.green('✔') : c.red('✖');
  const lines = [`${mark} ${c.bold(d.verdict)}`, ''];
  const said = factsLine(d);
  // A typed target was asked for, not read from an error.
  if (said) lines.push(`${c.bold(d.facts.hints.includes('typed') ? 'Asked for:' : 'From the text:')} ${said}`);
  for (const note of d.facts.notes) lines.push(c.dim(`  note: ${note}`));
  for (const s of d.plan.skipped) {
    if (s.reason !== 'no-probe') lines.push(c.yellow(`  not probed: ${s.detail}`));
  }
  // The command's look at its own machine (the reporter's side): what it read, and what that answered.
  if (d.local) {
    lines.push('', c.bold('Looked at this machine:'));
    for (const l of lookLines(d.local, d.facts)) lines.push(`  ${l}`);
  }
  if (d.evidence.length > 0) {
    lines.push('', c.bold(`Seen from ${d.vantage.host}:`));
    for (const e of d.evidence) lines.push(`  ${describeEvidence(e)}`);
  }
  if (d.causes.length > 0) {
    lines.push('', c.bold(d.causes.length === 1 ? 'Cause:' : 'Likely causes, most likely first:'));
    const full = opts.fullCauses ?? 3;
    d.causes.forEach((f, i) => {
      if (i < full) lines.push(...finding(f, i + 1, opts, c), '');
      else lines.push(`${i + 1}. ${f.title} ${c.dim(`(${f.id}, ${Math.round(f.confidence * 100)}%)`)}`);
    });
    if (d.causes.length > full) lines.push(c.dim(`  (--json shows every cause in full)`));
  }
  lines.push('', c.dim(`${d.probed ? 'probed' : 'not probed'} from ${d.vantage.host} at ${d.vantage.at} in ${d.durationMs} ms`));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
