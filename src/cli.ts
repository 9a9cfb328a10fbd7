#!/usr/bin/env node
// The `refused` command: a composition root. Reads argv and stdin, runs the engine, prints, exits.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isatty } from 'node:tty';
import { diagnose } from './diagnose.js';
import { cutMarker } from './parse/cut.js';
import { OSES, type Diagnosis, type Os, type TcpEvidence, type UnixSocketEvidence } from './domain/types.js';
import { DEFAULT_TIMEOUTS } from './plan.js';
import { renderText } from './render/text/index.js';
import { terminalWidth } from './render/text/wrap.js';
import { buildPolicy, DEFAULT_POLICY, type Policy } from './policy/index.js';
import { toRequest, type DiagnoseRequest } from './request.js';
import { lookAround, realLocalIo, type LocalIo, type LookTarget } from './local/look.js';
import { factsFromEndpoint, factsFromUrl } from './parse/index.js';
import { RulesFileError, UsageError } from './errors.js';
import type { OperatorRules } from './rules/operator.js';

export const EXIT = { ok: 0, problem: 1, usage: 2, policy: 3 } as const;

/** A longer paste keeps its start and its end within this many bytes (the answer says what was cut); the parser reads far less anyway. */
const MAX_STDIN_BYTES = 4 * 1024 * 1024;

const USAGE = `usage:
  refused <host> <port>          probe and diagnose
  refused <host>:<port>          the same
  refused <url>                  postgres://db:5432/app, http://localhost:8080/health, …
  refused -                      read a pasted error from stdin, then probe and diagnose
  refused --no-probe -           parse and diagnose from the text alone; no network at all
  refused agent --name <name> --url <url>   probe for the bot from this network (refused agent --help)
  refused agent-token <name>     make an agent's token and the bot's REFUSED_AGENTS entry

options:
  --verbose              print everything: what the text said, this machine, every evidence line, every
                         cause in full (by default: the verdict, the addresses, the first cause and its
                         first steps, one line per other cause)
  --json                 print the Diagnosis as JSON instead of text
  --timeout <ms>         connect timeout (default ${DEFAULT_TIMEOUTS.connectMs})
  --deadline <ms>        the whole diagnosis (default ${DEFAULT_TIMEOUTS.deadlineMs}, at least connect + dns + banner)
  --rules <file>         operator rules and runbook links (YAML); also REFUSED_RULES_FILE
  --allow <list>         probe only these hosts: CIDRs, addresses, names, *.example.com
                         (comma-separated; also REFUSED_ALLOW_HOSTS)
  --deny <list>          never probe these hosts (same syntax; also REFUSED_DENY_HOSTS)
  --allow-ports <list>   probe only these ports: 80,443,8000-8999 (also REFUSED_ALLOW_PORTS)
  --deny-ports <list>    never probe these ports (also REFUSED_DENY_PORTS)
  --nat64 <list>         this network's own NAT64 prefixes, e.g. 2001:db8:64::/96: an address under
                         one is judged by the IPv4 address it carries (also REFUSED_NAT64_PREFIXES)
  --os <linux|macos|windows>   show the commands for this OS (default: the error's, else this machine's)
  --no-color             plain text even on a terminal (NO_COLOR works too)
  --no-local             do not look at this machine first (container, proxy variables,
                         listening ports, what localhost resolves to; files and at most one
                         lookup of localhost, also with --no-probe)
  -h, --help             this text
  -v, --version          the version

Text is wrapped at the terminal's width (COLUMNS overrides it; 80 when not a terminal); commands stay
on lines of their own, whole, so they can be copied.

exit: 0 every probed address accepted (and nothing else looked wrong) · 1 a problem was diagnosed
(with --no-probe: a connection error was found) · 2 usage or bad input · 3 blocked by policy

Cloud metadata and platform endpoints, link-local, unspecified, multicast and broadcast addresses are
never probed, in any spelling or IPv6 form that carries them (NAT64, SIIT, 6to4, Teredo, ISATAP), nor
names that resolve to them, unless --allow names them (169.254.169.254, 169.254.0.0/16).
`;

/** After a usage error: the whole usage is long, so it is pointed to rather than repeated. */
const SEE_HELP = 'Run `refused --help` for the usage and every option.\n';

interface Io {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<{ text: string; truncated: boolean; tty: boolean }>;
  /** stdout is a terminal: colour, and its width. */
  isTty: boolean;
  /** The terminal's columns (process.stdout.columns) when stdout is one. */
  columns?: number;
  /** stdin is a terminal: `refused -` then says how to end the paste before it waits for one. */
  stdinIsTty?: boolean;
  platform: NodeJS.Platform;
  /** The look at this machine (src/local/): tests pass their own files, variables and lookups. */
  local?: Partial<LocalIo>;
  /** Stops `refused agent`; absent, SIGINT and SIGTERM do. */
  stop?: AbortSignal;
}

function positiveMs(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} takes a whole number of milliseconds from 1 to 9999999, not "${value}"`);
  return Number(value);
}

/**
 * The probe policy from REFUSED_ALLOW_HOSTS / _DENY_HOSTS / _ALLOW_PORTS / _DENY_PORTS and the flags of the
 * same meaning (a flag adds to its variable). The command line may probe this machine's loopback.
 */
function cliPolicy(
  env: NodeJS.ProcessEnv,
  values: { allow?: string[]; deny?: string[]; 'allow-ports'?: string[]; 'deny-ports'?: string[]; nat64?: string[] },
  agent: { allowLoopback: boolean; probeBudgetPerHost: number } | null = null,
): Policy {
  const join = (v: string | undefined, flags: string[] | undefined) => [v ?? '', ...(flags ?? [])].join(',');
  const input = {
    allowHosts: join(env.REFUSED_ALLOW_HOSTS, values.allow),
    denyHosts: join(env.REFUSED_DENY_HOSTS, values.deny),
    allowPorts: join(env.REFUSED_ALLOW_PORTS, values['allow-ports']),
    denyPorts: join(env.REFUSED_DENY_PORTS, values['deny-ports']),
    nat64: join(env.REFUSED_NAT64_PREFIXES, values.nat64),
  };
  if (agent === null && Object.values(input).every((v) => /^[\s,]*$/.test(v)) && !env.REFUSED_POLICY_CONTACT?.trim()) return DEFAULT_POLICY;
  const { policy, problems } = buildPolicy(
    {
      ...input,
      allowLoopback: agent?.allowLoopback ?? true,
      contact: env.REFUSED_POLICY_CONTACT?.trim() || null,
      ...(agent ? { probeBudgetPerHost: agent.probeBudgetPerHost } : {}),
    },
    {
      allowHosts: '--allow / REFUSED_ALLOW_HOSTS', denyHosts: '--deny / REFUSED_DENY_HOSTS', allowPorts: '--allow-ports / REFUSED_ALLOW_PORTS',
      denyPorts: '--deny-ports / REFUSED_DENY_PORTS', nat64: '--nat64 / REFUSED_NAT64_PREFIXES',
    },
  );
  if (problems.length > 0) throw new UsageError(`the probe policy has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`);
  return policy;
}

/** The typed target as diagnose() reads it, for the look; null for a paste, whose target is known once it is parsed. */
function lookTarget(request: DiagnoseRequest): LookTarget {
  const facts = request.type === 'target' ? factsFromEndpoint(request.host, request.port) : request.type === 'url' ? factsFromUrl(request.url) : null;
  return facts && { host: facts.host, port: facts.port };
}

function localOs(platform: NodeJS.Platform): Os | null {
  return platform === 'linux' ? 'linux' : platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : null;
}

/**
 * Reads stdin, keeping at most MAX_STDIN_BYTES of it in memory: a longer paste keeps its start and its end (the
 * newest error is usually last) with a marker line for the middle, as parse/cut.ts keepEnds() cuts, and the
 * middle is read and dropped so the writer is not blocked. parse() reads the marker and says in the answer's
 * notes (text and JSON) what was cut; `truncated` says a cut was made.
 */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<{ text: string; truncated: boolean; tty: boolean }> {
  const tty = Boolean(stream.isTTY);
  const kept = new EndsKeeper(MAX_STDIN_BYTES);
  for await (const chunk of stream) kept.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const { text, cut } = kept.text();
  return { text, truncated: cut, tty };
}

/**
 * A stream's first 40% and last 60% of `max` bytes, and what lay between (its bytes and line breaks), so a stream
 * of any length costs at most `max` bytes of memory (and one chunk). text() cuts on line boundaries and writes
 * cut.ts's marker line, so the parser counts this cut with its own and says it once.
 */
export class EndsKeeper {
  readonly #headMax: number;
  readonly #tailMax: number;
  #head: Buffer[] = [];
  #headSize = 0;
  #tail: Buffer[] = [];
  #tailSize = 0;
  /** Bytes and line breaks dropped from between the start and the end, and the last byte dropped. */
  #droppedBytes = 0;
  #droppedBreaks = 0;
  #lastDropped = -1;

  constructor(max: number) {
    this.#headMax = Math.floor(max * 0.4);
    this.#tailMax = max - this.#headMax;
  }

  push(buf: Buffer): void {
    if (this.#headSize < this.#headMax) {
      const take = Math.min(buf.length, this.#headMax - this.#headSize);
      this.#head.push(buf.subarray(0, take));
      this.#headSize += take;
      buf = buf.subarray(take);
    }
    if (buf.length === 0) return;
    this.#tail.push(buf);
    this.#tailSize += buf.length;
    // Whole chunks the end no longer needs go now; text() trims the rest to the byte.
    while (this.#tail.length > 1 && this.#tailSize - this.#tail[0]!.length >= this.#tailMax) {
      const old = this.#tail.shift()!;
      this.#tailSize -= old.length;
      this.#droppedBytes += old.length;
      this.#droppedBreaks += countBreaks(old);
      this.#lastDropped = old[old.length - 1]!;
    }
  }

  text(): { text: string; cut: boolean } {
    let head = Buffer.concat(this.#head);
    let tail = Buffer.concat(this.#tail);
    const total = this.#headSize + this.#droppedBytes + this.#tailSize;
    if (total <= this.#headMax + this.#tailMax) return { text: Buffer.concat([head, tail]).toString('utf8'), cut: false };
    let breaks = this.#droppedBreaks;
    // The byte just before the kept end: the middle ends with a line break or within a line.
    let before = this.#lastDropped;
    if (tail.length > this.#tailMax) {
      const excess = tail.subarray(0, tail.length - this.#tailMax);
      breaks += countBreaks(excess);
      before = excess[excess.length - 1]!;
      tail = tail.subarray(excess.length);
    }
    // The start ends with a whole line, the end starts with one; with no line break to cut at, the cut falls
    // within a line, never inside a character.
    const headEnd = head.lastIndexOf(NL) + 1;
    head = head.subarray(0, headEnd > 0 ? headEnd : wholeCharsEnd(head));
    const tailStart = tail.indexOf(NL) + 1;
    if (tailStart > 0 && tailStart < tail.length) {
      breaks += 1;
      before = NL;
      tail = tail.subarray(tailStart);
    } else {
      const from = wholeCharsStart(tail);
      if (from > 0) before = tail[from - 1]!;
      tail = tail.subarray(from);
    }
    // As keepEnds() counts: within one line no line went whole; else a piece of a line at either end is a line.
    const lines = breaks === 0 ? 0 : breaks + (before === NL ? 0 : 1);
    const start = head.toString('utf8');
    const sep = start === '' || start.endsWith('\n') ? '' : '\n';
    return { text: `${start}${sep}${cutMarker(lines, total - head.length - tail.length)}\n${tail.toString('utf8')}`, cut: true };
  }
}

const NL = 0x0a;

function countBreaks(buf: Buffer): number {
  let n = 0;
  for (let at = buf.indexOf(NL); at >= 0; at = buf.indexOf(NL, at + 1)) n++;
  return n;
}

const continuation = (byte: number) => (byte & 0xc0) === 0x80;

/** Where `buf` stops holding whole UTF-8 characters: before a character its end cuts in two. */
function wholeCharsEnd(buf: Buffer): number {
  let i = buf.length;
  while (i > 0 && buf.length - i < 3 && continuation(buf[i - 1]!)) i--;
  if (i === 0) return buf.length;
  const lead = buf[i - 1]!;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i - 1 + size > buf.length ? i - 1 : buf.length;
}

/** Where `buf`'s first whole UTF-8 character starts: after the end of one its start cuts in two. */
function wholeCharsStart(buf: Buffer): number {
  let i = 0;
  while (i < buf.length && i < 3 && continuation(buf[i]!)) i++;
  return i;
}

/** The contract's exit codes, read off the Diagnosis. */
export function exitCode(d: Diagnosis): number {
  // Blocked: the policy refused something, and nothing was probed (a name that resolved only to refused
  // addresses leaves a target in the plan, but no socket was opened for it).
  if (d.plan.skipped.some((s) => s.reason === 'policy') && (d.plan.targets.length === 0 || !d.probed)) return EXIT.policy;
  if (!d.probed) return d.facts.kind === 'none' && d.causes.length === 0 ? EXIT.ok : EXIT.problem;
  const firstTries = d.evidence.filter((e): e is TcpEvidence | UnixSocketEvidence => (e.type === 'tcp' && e.attempt === 0) || e.type === 'unix');
  const accepted = firstTries.length > 0 && firstTries.every((e) => e.outcome === 'open');
  // Every address accepting is not enough when the diagnosis still found something wrong (TLS spoken where
  // plain was expected, another protocol on the port, a 502 from a proxy, a flap on a later try).
  return accepted && (d.causes.length === 0 || d.healthy) ? EXIT.ok : EXIT.problem;
}

/** The probe policy's flags (cliPolicy reads them), the same for the command and for `refused agent`. */
const POLICY_OPTIONS = {
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  'allow-ports': { type: 'string', multiple: true },
  'deny-ports': { type: 'string', multiple: true },
  nat64: { type: 'string', multiple: true },
} as const;

const OPTIONS = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  'no-probe': { type: 'boolean' },
  timeout: { type: 'string' },
  deadline: { type: 'string' },
  rules: { type: 'string' },
  ...POLICY_OPTIONS,
  os: { type: 'string' },
  'no-color': { type: 'boolean' },
  'no-local': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Said on stderr before `refused -` waits on a terminal: a person may not know how to end a paste. */
export const PASTE_PROMPT = 'Paste the error, then press Ctrl-D on a new line (Ctrl-Z then Enter on Windows).\n';

/** The prompt to print before reading stdin, or null: only a terminal needs to be told (a pipe ends by itself). */
export function pastePrompt(stdinIsTty: boolean | undefined): string | null {
  return stdinIsTty === true ? PASTE_PROMPT : null;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known option closest to an unknown one ("--verbos" → "--verbose"), or null when none is close: at most one
 * edit for a short name, two for a longer one, and a prefix of a known name counts ("--deny-p" → "--deny-ports").
 */
export function closestOption(unknown: string, known: readonly string[] = Object.keys(OPTIONS)): string | null {
  const name = unknown.replace(/^-{1,2}/, '').replace(/=.*$/s, '').toLowerCase();
  if (name === '') return null;
  let best: { option: string; distance: number } | null = null;
  for (const option of known) {
    const distance = option.startsWith(name) && name.length >= 3 ? 0.5 : editDistance(name, option);
    if (!best || distance < best.distance) best = { option, distance };
  }
  if (!best) return null;
  const allowed = name.length <= 4 ? 1 : 2;
  return best.distance <= allowed ? `--${best.option}` : null;
}

/** parseArgs' message in our words; an unknown option with the closest known one. */
function argsProblem(err: unknown, known: readonly string[] = Object.keys(OPTIONS)): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-{1,2}[^']*)'/.exec(message)?.[1];
    if (option) {
      const near = closestOption(option, known);
      return `unknown option ${option}${near ? `; did you mean ${near}?` : ''}`;
    }
  }
  return message;
}

export async function main(io: Io): Promise<number> {
  const [first, ...rest] = io.argv;
  if (first === 'agent-token') return agentTokenCommand(io, rest);
  // `refused agent 5432` still probes a host named agent: the subcommand's words are all options.
  if (first === 'agent' && (rest.length === 0 || rest[0]!.startsWith('-'))) return agentCommand(io, rest);
  // biome-ignore lint/suspicious/noImplicitAnyLet: the type is parseArgs' own, taken from the one assignment below.
  let args;
  try {
    args = parseArgs({ args: io.argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    io.stderr(`refused: ${argsProblem(err)}\n${SEE_HELP}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (values.version) {
    io.stdout(`${readVersion()}\n`);
    return EXIT.ok;
  }

  try {
    const connectMs = positiveMs('timeout', values.timeout);
    const deadlineMs = positiveMs('deadline', values.deadline);
    if (values.os !== undefined && !(OSES as readonly string[]).includes(values.os)) {
      throw new UsageError(`--os takes one of ${OSES.join(', ')}, not "${values.os}"`);
    }
    if (positionals.length === 0) {
      // No target at all: the person probably wants to know how to use it.
      io.stderr(`refused: nothing to diagnose\n\n${USAGE}`);
      return EXIT.usage;
    }
    const policy = cliPolicy(io.env, values);

    let request: DiagnoseRequest;
    if (positionals.length === 1 && positionals[0] === '-') {
      const prompt = pastePrompt(io.stdinIsTty);
      if (prompt) io.stderr(prompt);
      const input = await io.readStdin();
      if (input.text.trim() === '') {
        throw new UsageError(
          input.tty || io.stdinIsTty
            ? 'nothing was pasted: run `refused -` again, paste the error, then press Ctrl-D on a new line (Ctrl-Z then Enter on Windows)'
            : 'stdin was empty: pipe the error text in (`refused - < error.log`, `your-command 2>&1 | refused -`) or run `refused -` on its own and paste it',
        );
      }
      request = { type: 'paste', text: input.text };
    } else {
      const r = toRequest(positionals);
      if (!r.ok) throw new UsageError(r.error);
      request = r.request;
    }
    if (request.type === 'paste' && values['no-probe'] !== true && positionals[0] !== '-') {
      // Free words that are not a target: better to say so than to guess.
      throw new UsageError(`"${positionals.join(' ')}" is not a host and port or a URL; to diagnose an error text, pipe it into \`refused -\``);
    }

    // The command runs on the reporter's side, so it answers for itself what the bot would have to ask.
    // Not awaited: diagnose() takes the look as a promise, so the probes go out while it reads its files. Started
    // as soon as the target is known, before anything else is loaded or read.
    const local = values['no-local'] === true ? undefined : lookAround({ ...realLocalIo(io.env), platform: io.platform, ...io.local }, lookTarget(request));

    const rulesPath = values.rules ?? io.env.REFUSED_RULES_FILE;
    let operator: OperatorRules = { rules: [], runbooks: [] };
    // The YAML parser and the schema load only when there is a file to read: they cost start-up time.
    if (rulesPath) operator = (await import('./rules/custom.js')).loadRulesFile(rulesPath);

    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    let d: Diagnosis;
    try {
      d = await diagnose(request, {
        surface: 'cli',
        probe: values['no-probe'] !== true,
        timeouts: { ...(connectMs !== undefined ? { connectMs } : {}), ...(deadlineMs !== undefined ? { deadlineMs } : {}) },
        policy,
        extraRules: operator.rules,
        runbooks: operator.runbooks,
        onRuleError: (id, err) => io.stderr(`refused: warning: the rule ${id} failed and was left out: ${err instanceof Error ? err.message : String(err)}\n`),
        signal: controller.signal,
        local,
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (request.type === 'target' && request.port === null && d.plan.targets.length === 0 && d.facts.port === null) {
      throw new UsageError(`no port for ${request.host}: give one, e.g. \`refused ${request.host} 5432\` or \`refused ${request.host}:5432\``);
    }

    // What was left out of a long paste is said in the answer (text and JSON notes) by parse(), from the marker
    // line readStdin() put where the middle was.

    if (values.json) {
      io.stdout(`${JSON.stringify(d, null, 2)}\n`);
    } else {
      const color = io.isTty && !values['no-color'] && !io.env.NO_COLOR;
      const os = (values.os as Os | undefined) ?? d.facts.os ?? localOs(io.platform);
      const width = terminalWidth(io.env, { isTty: io.isTty, columns: io.columns });
      io.stdout(renderText(d, { color, os, width, verbose: values.verbose === true }));
    }
    return exitCode(d);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`refused: ${err.message}\n${SEE_HELP}`);
      return EXIT.usage;
    }
    if (err instanceof RulesFileError) {
      io.stderr(`refused: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

const AGENT_USAGE = `usage:
  refused agent --name <name> --url <ws(s)://bot:PORT/agents> [--token <token>] [options]
  refused agent-token <name>

refused agent runs in another network (an office, a VPC, a cluster), dials out to the bot and probes what
the bot asks from there, with the same engine. It never listens on a port. It reconnects by itself, with
growing pauses, and says why it cannot connect. refused agent-token makes an agent's token and prints the
line the bot's REFUSED_AGENTS needs.

options:
  --name <name>          this agent's name, as REFUSED_AGENTS on the bot lists it
  --url <url>            the bot's /agents address on its PORT listener (ws:// or wss://);
                         HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply
  --token <token>        from \`refused agent-token <name>\`; better REFUSED_AGENT_TOKEN, since a flag
                         shows in process lists
  --allow, --deny, --allow-ports, --deny-ports, --nat64
                         what this agent may probe, as for \`refused\` (and the same variables); this policy
                         is the last word, whatever the bot asks
  --allow-loopback       let jobs probe this machine's own loopback (also REFUSED_ALLOW_LOOPBACK=true)
  --json                 log JSON lines instead of plain lines (on stderr either way)
  -h, --help             this text

It runs until SIGINT or SIGTERM. REFUSED_PROBE_BUDGET_PER_HOST (default 40) bounds the ports of one address
probed per minute, as on the bot.
`;

const AGENT_OPTIONS = {
  name: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  ...POLICY_OPTIONS,
  'allow-loopback': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SEE_AGENT_HELP = 'Run `refused agent --help` for the usage.\n';

/** `refused agent-token <name>`: a new token, shown once, and the line for the bot's REFUSED_AGENTS. */
async function agentTokenCommand(io: Io, argv: string[]): Promise<number> {
  const { agentsEntry, isAgentName, newAgentToken } = await import('./agents/token.js');
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(AGENT_USAGE);
    return EXIT.ok;
  }
  if (argv.length !== 1 || argv[0]!.startsWith('-')) {
    io.stderr(`refused: agent-token takes one agent name, e.g. \`refused agent-token office\`\n${SEE_AGENT_HELP}`);
    return EXIT.usage;
  }
  const name = argv[0]!;
  if (!isAgentName(name)) {
    io.stderr(`refused: "${name}" is not an agent name: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit\n`);
    return EXIT.usage;
  }
  const token = newAgentToken();
  io.stdout(
    `The token for the agent ${name}; it is shown this once. Give it to the agent as REFUSED_AGENT_TOKEN:\n\n  ${token}\n\n` +
      `Add this entry to REFUSED_AGENTS on the bot (comma-separated with any others), then restart the bot:\n\n  ${agentsEntry(name, token)}\n\n` +
      `Then run the agent: refused agent --name ${name} --url wss://<the bot's host>:<PORT>/agents\n`,
  );
  return EXIT.ok;
}

/** `refused agent …`: runs until SIGINT or SIGTERM (or io.stop). */
async function agentCommand(io: Io, argv: string[]): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: the type is parseArgs' own, taken from the one assignment below.
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, strict: true, options: AGENT_OPTIONS });
  } catch (err) {
    io.stderr(`refused: ${argsProblem(err, Object.keys(AGENT_OPTIONS))}\n${SEE_AGENT_HELP}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.stdout(AGENT_USAGE);
    return EXIT.ok;
  }
  try {
    if (positionals.length > 0) throw new UsageError(`refused agent takes no target ("${positionals.join(' ')}"): the bot sends the targets`);
    const missing = [
      values.name === undefined ? '--name <name>' : null,
      values.url === undefined ? '--url <ws(s)://bot:PORT/agents>' : null,
      (values.token ?? io.env.REFUSED_AGENT_TOKEN ?? '').trim() === '' ? '--token <token> (or REFUSED_AGENT_TOKEN)' : null,
    ].filter((m): m is string => m !== null);
    if (missing.length > 0) throw new UsageError(`refused agent needs ${missing.join(', ')}`);
    const budgetText = io.env.REFUSED_PROBE_BUDGET_PER_HOST?.trim() || '40';
    if (!/^\d{1,5}$/.test(budgetText) || Number(budgetText) > 65_535) throw new UsageError(`REFUSED_PROBE_BUDGET_PER_HOST must be a whole number from 0 to 65535, not "${budgetText}"`);
    const loopbackText = io.env.REFUSED_ALLOW_LOOPBACK?.trim().toLowerCase() ?? '';
    const allowLoopback = values['allow-loopback'] === true || ['1', 'true', 'yes', 'on'].includes(loopbackText);
    const policy = cliPolicy(io.env, values, { allowLoopback, probeBudgetPerHost: Number(budgetText) });
    const { agentLog, agentUrl, runAgent } = await import('./agents/agent.js');
    const { isAgentName } = await import('./agents/token.js');
    if (!isAgentName(values.name!)) throw new UsageError(`--name "${values.name}" is not an agent name: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit`);
    agentUrl(values.url!);
    const log = agentLog(values.json ? 'json' : 'text', io.stderr);
    const controller = new AbortController();
    const stop = () => controller.abort();
    io.stop?.addEventListener('abort', stop, { once: true });
    if (!io.stop) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    try {
      await runAgent({
        name: values.name!,
        url: values.url!,
        token: (values.token ?? io.env.REFUSED_AGENT_TOKEN)!.trim(),
        policy,
        log,
        signal: controller.signal,
        version: readVersion(),
      });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`refused: ${err.message}\n${SEE_AGENT_HELP}`);
      return EXIT.usage;
    }
    throw err;
  }
}

function readVersion(): string {
  // dist/src/cli.js and src/cli.ts sit at different depths below package.json.
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'refused' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

// Run only when executed as the command, not when a test imports main().
function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: () => readStdin(),
    isTty: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    // isatty(0), not process.stdin.isTTY: touching process.stdin builds the stream (and loads its modules) on
    // every start, also when nothing is read from it.
    stdinIsTty: isatty(0),
    platform: process.platform,
  }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`refused: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\nPlease report it with the command you ran.\n`);
      process.exitCode = 70;
    },
  );
}
