// What the first view of an answer shows, chosen once for every surface (Slack, terminal). Pure: a
// Diagnosis in, plain values out (no markup, no escaping: each renderer does its own).
// People under pressure read the first screen only, so it holds the verdict, one line per address seen,
// the first cause in two sentences with its first three steps for one OS, and one line per other cause.
// Everything else (all steps, the other causes in full, the other OSes' commands) is one click or flag away.
import { formatMs, hostPort, OUTCOME_WORDS, describeDnsDisagreement } from '../domain/describe.js';
import type { CauseId, Command, Diagnosis, Evidence, Finding, Os, Step, TcpEvidence, VantageOutcome, VantageSummary } from '../domain/types.js';

/** How much the first view holds: sentences of the first cause, its steps, address lines, other-cause lines. */
export const GLANCE = { sentences: 2, steps: 3, addresses: 6, others: 5, explanationChars: 480 } as const;

/** Each OS's name as people write it. */
export const OS_LABELS: Record<Os, string> = { linux: 'Linux', macos: 'macOS', windows: 'Windows' };

/** The OS whose commands are shown, and why that one: the paste said so, a clue pointed at it, or the default. */
export interface OsChoice {
  os: Os;
  from: 'paste' | 'clue' | 'default' | 'asked';
  /** In words, for people: "the error is from macOS", "the client runs in a container". */
  reason: string;
}

/** One address (or socket path, or the name that did not resolve) and what the probes saw of it, in one line. */
export interface AddressLine {
  /** The address, socket path or host name the line is about. */
  address: string;
  /** True when the target port (or socket) accepted the connection. */
  ok: boolean;
  /** Plain words: "10.0.0.5:5432 → refused in 0.4 ms · 5433 open (postgres)". */
  text: string;
}

/** A step with the commands for one OS only (those written for every OS included). */
export interface OsStep {
  text: string;
  commands: string[];
}

/** The first cause as the first view shows it. */
export interface GlanceCause {
  finding: Finding;
  /** The explanation cut to its first sentences (GLANCE.sentences); the whole one when it is that short. */
  explanation: string;
  /** True when `explanation` is shorter than the finding's own. */
  cut: boolean;
  /** The first steps (GLANCE.steps), commands for `os` only. */
  steps: OsStep[];
  /** Steps not shown. */
  moreSteps: number;
}

/** One line for a cause that is not the first. */
export interface CauseLine {
  id: CauseId;
  title: string;
  /** 0..100. */
  percent: number;
  /** The workspace's votes that moved it, when they did (Finding.feedback). */
  feedback?: Finding['feedback'];
}

/** One vantage point (Diagnosis.vantages) and what it saw, in one line. */
export interface VantageLine {
  /** "office", or the bot's own "refused-bot (here)". */
  label: string;
  /** What it saw: "10.0.0.5:5432 open", "db.internal not found (ENOTFOUND)", "offline". */
  text: string;
  /** True: the target answered there; false: it failed there; null: nothing seen (not probed, offline, no answer, an error). */
  ok: boolean | null;
}

/** Everything the first view shows, in order. */
export interface Glance {
  verdict: string;
  healthy: boolean;
  probed: boolean;
  /**
   * One line per vantage point, the bot first, when the diagnosis ran from several (absent otherwise). Renderers
   * show these under the verdict in place of the address lines: the bot's own line sums its addresses up.
   */
  vantages?: VantageLine[];
  /** Why something named was not probed, each once (a --no-probe run is left out: the user asked for it). */
  notProbed: string[];
  addresses: AddressLine[];
  /** Address lines not shown. */
  moreAddresses: number;
  os: OsChoice;
  first: GlanceCause | null;
  others: CauseLine[];
  /** Other causes not shown. */
  moreOthers: number;
}

/** Options: another OS than likelyOs picks (the "Commands for macOS" view), or more steps. */
export interface GlanceOptions {
  os?: Os | null;
  steps?: number;
}

/** The first view of a diagnosis (see GLANCE for how much of each part). */
export function glance(d: Diagnosis, opts: GlanceOptions = {}): Glance {
  const chosen = likelyOs(d);
  const os: OsChoice = opts.os && opts.os !== chosen.os ? { os: opts.os, from: 'asked', reason: `${OS_LABELS[opts.os]} was asked for` } : chosen;
  const lines = addressLines(d.evidence);
  const [top, ...rest] = d.causes;
  const steps = opts.steps ?? GLANCE.steps;
  let first: GlanceCause | null = null;
  if (top) {
    const explanation = firstSentences(top.explanation, GLANCE.sentences, GLANCE.explanationChars);
    first = {
      finding: top,
      explanation,
      cut: explanation !== top.explanation.trim(),
      steps: stepsForOs(top.steps.slice(0, steps), os.os),
      moreSteps: Math.max(0, top.steps.length - steps),
    };
  }
  const vantages = d.vantages && d.vantages.length > 0 ? vantageLines(d.vantages) : null;
  return {
    verdict: d.verdict,
    healthy: d.healthy,
    probed: d.probed,
    ...(vantages ? { vantages } : {}),
    notProbed: [...new Set(d.plan.skipped.filter((s) => s.reason !== 'no-probe').map((s) => s.detail))],
    addresses: lines.slice(0, GLANCE.addresses),
    moreAddresses: Math.max(0, lines.length - GLANCE.addresses),
    os,
    first,
    others: rest.slice(0, GLANCE.others).map(causeLine),
    moreOthers: Math.max(0, rest.length - GLANCE.others),
  };
}

const VANTAGE_OK: Partial<Record<VantageOutcome, boolean>> = { open: true, refused: false, reset: false, timeout: false, unreachable: false, 'dns-failed': false };

/** One line per vantage point, in the order given (the bot first). */
export function vantageLines(vantages: readonly VantageSummary[]): VantageLine[] {
  return vantages.map((v) => ({ label: v.kind === 'bot' ? `${v.name} (here)` : v.name, text: v.saw, ok: VANTAGE_OK[v.outcome] ?? null }));
}

/** A cause as one line's worth of data. */
export function causeLine(f: Finding): CauseLine {
  return { id: f.id, title: f.title, percent: Math.round(f.confidence * 100), ...(f.feedback ? { feedback: f.feedback } : {}) };
}

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/**
 * Why the votes moved a cause, said next to its percentage: "fixed it 9 times here, didn't help once" (null
 * when none did). Short, so that the first view keeps its size.
 */
export function feedbackWords(f: Pick<Finding, 'feedback'>): string | null {
  const fb = f.feedback;
  if (!fb) return null;
  const parts = [...(fb.fixed > 0 ? [`fixed it ${times(fb.fixed)}`] : []), ...(fb.notHelped > 0 ? [`didn't help ${times(fb.notHelped)}`] : [])];
  if (parts.length === 0) return null;
  parts[0] += ' here';
  return parts.join(', ');
}

/** The commands that run on `os`: those written for it and those written for every OS, in order. */
export function commandsForOs(commands: readonly Command[], os: Os): string[] {
  return commands.filter((c) => !c.os || c.os === os).map((c) => c.run);
}

/** Steps with their commands for one OS. */
export function stepsForOs(steps: readonly Step[], os: Os): OsStep[] {
  return steps.map((s) => ({ text: s.text, commands: commandsForOs(s.commands, os) }));
}

/** The OSes other than `os`, in a fixed order (Linux, macOS, Windows). */
export function otherOses(os: Os): Os[] {
  return (['linux', 'macos', 'windows'] as const).filter((o) => o !== os);
}

// ---------------------------------------------------------------------------------------------------
// Sentences.

/** Words ending in a dot that do not end a sentence. */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|vs|approx|cf|incl|no|fig)|\.\.)\.$/i;

/**
 * The first `n` sentences of `text`, and never more than `max` characters (cut at a word, with "…"). A sentence
 * ends at . ! or ? followed by a space and a capital, a digit, a quote or a bracket; "e.g." and the dots inside
 * addresses and versions (10.0.0.5, v1.2) do not end one.
 */
export function firstSentences(text: string, n: number, max = Number.POSITIVE_INFINITY): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const end = /[.!?]["')\]]?(?= +["'([A-Z0-9`])/g;
  let count = 0;
  let cutAt = t.length;
  for (let m = end.exec(t); m; m = end.exec(t)) {
    const upto = t.slice(0, m.index + 1);
    if (t[m.index] === '.' && ABBREVIATION.test(upto)) continue;
    count += 1;
    if (count === n) {
      cutAt = m.index + m[0].length;
      break;
    }
  }
  const out = t.slice(0, cutAt);
  if (out.length <= max) return out;
  const room = out.slice(0, Math.max(1, max - 1));
  const space = room.lastIndexOf(' ');
  return `${(space > max / 2 ? room.slice(0, space) : room).replace(/[\s,;:(]+$/, '')}…`;
}

// ---------------------------------------------------------------------------------------------------
// Address lines.

interface Seen {
  address: string;
  /** The target port's attempts, in order. */
  tcp: TcpEvidence[];
  extra: string[];
  ok: boolean;
}

/** One line per address the probes touched (in the order first seen), a failed lookup and a socket path included. */
export function addressLines(evidence: readonly Evidence[]): AddressLine[] {
  const out: AddressLine[] = [];
  const seen = new Map<string, Seen>();
  const order: Seen[] = [];
  const at = (address: string): Seen => {
    let s = seen.get(address);
    if (!s) {
      s = { address, tcp: [], extra: [], ok: false };
      seen.set(address, s);
      order.push(s);
    }
    return s;
  };
  const targetPorts = new Set(evidence.filter((e) => e.type === 'tcp').map((e) => `${e.address} ${e.port}`));
  for (const e of evidence) {
    switch (e.type) {
      case 'dns': {
        if (e.literal) break;
        const split = describeDnsDisagreement(e);
        if (e.error) out.push({ address: e.host, ok: false, text: `${e.host} → ${e.error === 'ENOTFOUND' ? 'not found' : 'lookup failed'} (${e.error})` });
        else if (e.addresses.length === 0) out.push({ address: e.host, ok: false, text: `${e.host} → no addresses` });
        else if (split) out.push({ address: e.host, ok: true, text: `${e.host}: ${split}` });
        break;
      }
      case 'tcp':
        at(e.address).tcp.push(e);
        break;
      case 'nearby':
        // Closed neighbours are the expected case; only one that answers tells something.
        if (e.outcome === 'open') at(e.address).extra.push(`${e.port} open`);
        break;
      case 'banner': {
        const s = at(e.address);
        const onTarget = targetPorts.has(`${e.address} ${e.port}`);
        const said = bannerWords(e);
        if (onTarget) s.extra.unshift(said);
        else {
          const i = s.extra.indexOf(`${e.port} open`);
          const plain = !e.connectError && e.closed === null && e.protocol !== 'silent' && e.protocol !== 'unknown';
          if (i >= 0) s.extra[i] = `${e.port} open (${plain ? e.protocol : said})`;
          else s.extra.push(`${e.port}: ${said}`);
        }
        break;
      }
      case 'tls':
        at(e.address).extra.push(
          e.ok ? (e.verifyError ? `TLS not trusted (${e.verifyError})` : `TLS ${e.version ?? 'ok'}`) : `no TLS handshake${e.error ? ` (${e.error})` : ''}`,
        );
        break;
      case 'unix':
        out.push({
          address: e.path,
          ok: e.outcome === 'open',
          text: `${e.path} → ${UNIX_SHORT[e.outcome]}${e.errno && e.outcome === 'error' ? ` (${e.errno})` : ''}`,
        });
        break;
      case 'http':
        break;
    }
  }
  for (const s of order) {
    const head = s.tcp.length > 0 ? tcpWords(s.tcp) : s.address;
    const ok = s.tcp.some((e) => e.outcome === 'open') && s.tcp.every((e) => e.outcome === 'open');
    out.push({ address: s.address, ok, text: [head, ...s.extra].join(' · ') });
  }
  return out;
}

const UNIX_SHORT: Record<Extract<Evidence, { type: 'unix' }>['outcome'], string> = {
  open: 'accepts connections',
  missing: 'no such socket file',
  refused: 'refused (stale socket file)',
  denied: 'permission denied',
  'not-socket': 'not a socket',
  error: 'error',
};

function bannerWords(e: Extract<Evidence, { type: 'banner' }>): string {
  if (e.connectError) return `banner check: ${OUTCOME_WORDS.evidence[e.connectError.outcome]}`;
  if (e.closed === 'reset') return 'accepts, then resets';
  if (e.protocol === 'silent') return e.closed === 'eof' ? 'accepts, then closes' : 'says nothing';
  if (e.protocol === 'unknown') return 'answers (unrecognised)';
  return `answers (${e.protocol})`;
}

/** "10.0.0.5:5432 → refused in 0.4 ms", "… → refused 3 times", "… → open, then refused (3 tries)". */
function tcpWords(attempts: readonly TcpEvidence[]): string {
  const first = attempts[0]!;
  const where = hostPort(first.address, first.port);
  const words = attempts.map((e) => OUTCOME_WORDS.evidence[e.outcome]);
  const distinct = [...new Set(words)];
  const errno = first.errno && first.outcome !== 'open' && !(first.outcome === 'refused' && first.errno === 'ECONNREFUSED') ? ` (${first.errno})` : '';
  const time = first.outcome === 'timeout' ? `after ${formatMs(first.ms)}` : `in ${formatMs(first.ms)}`;
  if (attempts.length === 1) return `${where} → ${words[0]}${errno} ${time}`;
  if (distinct.length === 1) return `${where} → ${words[0]}${errno} ${attempts.length} times`;
  return `${where} → ${distinct.join(', then ')} (${attempts.length} tries)`;
}

// ---------------------------------------------------------------------------------------------------
// Which OS.

const CLUES: readonly { os: Os; reason: string; test: (d: Diagnosis, text: string) => boolean }[] = [
  // What the reporter answered, or the command saw of its own machine, is stronger than a word in the paste.
  { os: 'linux', reason: 'the client runs in a container', test: (d) => d.facts.answers?.clientWhere === 'container' || d.local?.container != null },
  { os: 'linux', reason: 'the client runs in a Kubernetes pod', test: (d) => d.facts.answers?.clientWhere === 'pod' },
  { os: 'linux', reason: 'the client runs on a server', test: (d) => d.facts.answers?.clientWhere === 'server' },
  // Only Linux exposes /proc/net/tcp, which the command read.
  { os: 'linux', reason: 'this machine is Linux', test: (d) => d.local?.listening != null },
  {
    os: 'windows',
    reason: 'the error has Windows words (errno 10061, a drive path, a named pipe)',
    test: (d, t) =>
      /\b1006[01]\b|\bWSAE[A-Z]{3,20}|actively refused|\bWinError\b|[A-Z]:\\|\\\\\.\\pipe\\|\/\/\.\/pipe\/|npipe:|\.exe\b|PowerShell/i.test(t) ||
      d.facts.client === 'powershell',
  },
  {
    os: 'macos',
    reason: 'the error has macOS clues (/Users/, Homebrew, a macOS errno)',
    test: (d, t) =>
      /\/Users\/|\bbrew\b|homebrew|\/Library\/|\bDarwin\b|\bmacOS\b|\[Errno (?:61|60|65|51|49)\]|\berrno (?:61|60|65|51|49)\b/i.test(t) ||
      d.facts.hints.includes('local-network-privacy'),
  },
  {
    os: 'linux',
    reason: 'the client runs in a container or cluster',
    test: (d, t) =>
      d.facts.hints.some((h) => h === 'in-container' || h === 'client-in-container' || h === 'compose') ||
      /\.svc(?:\.cluster\.local)?\b|\bkubernetes\b|host\.docker\.internal|\/\.dockerenv/i.test(t),
  },
  {
    os: 'linux',
    reason: 'the error has Linux clues (/home/, systemd, SELinux, errno 111)',
    test: (d, t) =>
      /\/home\/|systemd|journalctl|\[Errno (?:111|110|113|101|99)\]|\berrno (?:111|110|113|101|99)\b/i.test(t) || d.facts.hints.includes('selinux'),
  },
];

/**
 * The OS to show commands for: the paste's (facts.os) when it says, else the likeliest for where the client runs
 * (the first clue that fits, in CLUES order), else Linux, where most servers and containers run (said as "the error
 * names no OS").
 */
export function likelyOs(d: Diagnosis): OsChoice {
  if (d.facts.os) return { os: d.facts.os, from: 'paste', reason: `the error is from ${OS_LABELS[d.facts.os]}` };
  const f = d.facts;
  const text = [f.matched ?? '', f.unixSocket ?? '', f.host ?? '', f.client ?? '', f.errno ?? '', ...f.notes].join('\n');
  for (const c of CLUES) if (c.test(d, text)) return { os: c.os, from: 'clue', reason: c.reason };
  return { os: 'linux', from: 'default', reason: 'the error names no OS' };
}
