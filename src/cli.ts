#!/usr/bin/env node
// The `refused` command: a composition root. Reads argv and stdin, runs the engine, prints, exits.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { diagnose } from './diagnose.js';
import { OSES, type Diagnosis, type Os, type TcpEvidence, type UnixSocketEvidence } from './domain/types.js';
import { DEFAULT_TIMEOUTS } from './plan.js';
import { renderText } from './render/text/index.js';
import { buildPolicy, DEFAULT_POLICY, type Policy } from './policy/index.js';
import { toRequest, type DiagnoseRequest } from './request.js';
import { lookAround, realLocalIo, type LocalIo } from './local/look.js';
import { RulesFileError, UsageError } from './errors.js';
import type { OperatorRules } from './rules/operator.js';

export const EXIT = { ok: 0, problem: 1, usage: 2, policy: 3 } as const;

/** A paste larger than this is cut (and said so); the parser reads far less anyway. */
const MAX_STDIN_BYTES = 4 * 1024 * 1024;

const USAGE = `usage:
  refused <host> <port>          probe and diagnose
  refused <host>:<port>          the same
  refused <url>                  postgres://db:5432/app, http://localhost:8080/health, …
  refused -                      read a pasted error from stdin, then probe and diagnose
  refused --no-probe -           parse and diagnose from the text alone; no network at all

options:
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
  --os <linux|macos|windows>   show the commands for this OS (default: this machine's)
  --no-color             plain text even on a terminal (NO_COLOR works too)
  --no-local             do not look at this machine first (container, proxy variables,
                         what localhost resolves to, listening ports; files and one lookup
                         of localhost, also with --no-probe)
  -h, --help             this text
  -v, --version          the version

exit: 0 every probed address accepted (and nothing else looked wrong) · 1 a problem was diagnosed
(with --no-probe: a connection error was found) · 2 usage or bad input · 3 blocked by policy

Cloud metadata and platform endpoints, link-local, unspecified, multicast and broadcast addresses are
never probed, in any spelling or IPv6 form that carries them (NAT64, SIIT, 6to4, Teredo, ISATAP), nor
names that resolve to them, unless --allow names them (169.254.169.254, 169.254.0.0/16).
`;

interface Io {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<{ text: string; truncated: boolean; tty: boolean }>;
  isTty: boolean;
  platform: NodeJS.Platform;
  /** The look at this machine (src/local/): tests pass their own files, variables and lookups. */
  local?: Partial<LocalIo>;
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
function cliPolicy(env: NodeJS.ProcessEnv, values: { allow?: string[]; deny?: string[]; 'allow-ports'?: string[]; 'deny-ports'?: string[]; nat64?: string[] }): Policy {
  const join = (v: string | undefined, flags: string[] | undefined) => [v ?? '', ...(flags ?? [])].join(',');
  const input = {
    allowHosts: join(env.REFUSED_ALLOW_HOSTS, values.allow),
    denyHosts: join(env.REFUSED_DENY_HOSTS, values.deny),
    allowPorts: join(env.REFUSED_ALLOW_PORTS, values['allow-ports']),
    denyPorts: join(env.REFUSED_DENY_PORTS, values['deny-ports']),
    nat64: join(env.REFUSED_NAT64_PREFIXES, values.nat64),
  };
  if (Object.values(input).every((v) => /^[\s,]*$/.test(v)) && !env.REFUSED_POLICY_CONTACT?.trim()) return DEFAULT_POLICY;
  const { policy, problems } = buildPolicy(
    { ...input, allowLoopback: true, contact: env.REFUSED_POLICY_CONTACT?.trim() || null },
    {
      allowHosts: '--allow / REFUSED_ALLOW_HOSTS', denyHosts: '--deny / REFUSED_DENY_HOSTS', allowPorts: '--allow-ports / REFUSED_ALLOW_PORTS',
      denyPorts: '--deny-ports / REFUSED_DENY_PORTS', nat64: '--nat64 / REFUSED_NAT64_PREFIXES',
    },
  );
  if (problems.length > 0) throw new UsageError(`the probe policy has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`);
  return policy;
}

function localOs(platform: NodeJS.Platform): Os | null {
  return platform === 'linux' ? 'linux' : platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : null;
}

/** Reads all of stdin up to the cap; the rest is drained and dropped so the writer is not blocked. */
export async function readStdin(stream: NodeJS.ReadStream = process.stdin): Promise<{ text: string; truncated: boolean; tty: boolean }> {
  const tty = Boolean(stream.isTTY);
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (size + buf.length > MAX_STDIN_BYTES) {
      truncated = true;
      const room = MAX_STDIN_BYTES - size;
      if (room > 0) chunks.push(buf.subarray(0, room));
      size = MAX_STDIN_BYTES;
      continue;
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated, tty };
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

export async function main(io: Io): Promise<number> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: the type is parseArgs' own, taken from the one assignment below.
  let args;
  try {
    args = parseArgs({
      args: io.argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        'no-probe': { type: 'boolean' },
        timeout: { type: 'string' },
        deadline: { type: 'string' },
        rules: { type: 'string' },
        allow: { type: 'string', multiple: true },
        deny: { type: 'string', multiple: true },
        'allow-ports': { type: 'string', multiple: true },
        'deny-ports': { type: 'string', multiple: true },
        nat64: { type: 'string', multiple: true },
        os: { type: 'string' },
        'no-color': { type: 'boolean' },
        'no-local': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    io.stderr(`refused: ${(err as Error).message}\n\n${USAGE}`);
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
    if (positionals.length === 0) throw new UsageError('nothing to diagnose');
    const policy = cliPolicy(io.env, values);

    let request: DiagnoseRequest;
    if (positionals.length === 1 && positionals[0] === '-') {
      const input = await io.readStdin();
      if (input.text.trim() === '') {
        throw new UsageError(input.tty ? 'nothing was pasted: paste the error, then press Ctrl-D (Ctrl-Z Enter on Windows)' : 'stdin was empty: pipe or paste the error text');
      }
      if (input.truncated) io.stderr(`refused: the paste was longer than ${MAX_STDIN_BYTES / 1024 / 1024} MB; only its start was read\n`);
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

    const rulesPath = values.rules ?? io.env.REFUSED_RULES_FILE;
    let operator: OperatorRules = { rules: [], runbooks: [] };
    // The YAML parser and the schema load only when there is a file to read: they cost start-up time.
    if (rulesPath) operator = (await import('./rules/custom.js')).loadRulesFile(rulesPath);

    // The command runs on the reporter's side, so it answers for itself what the bot would have to ask.
    const local = values['no-local'] === true ? undefined : await lookAround({ ...realLocalIo(io.env), platform: io.platform, ...io.local });

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

    if (values.json) {
      io.stdout(`${JSON.stringify(d, null, 2)}\n`);
    } else {
      const color = io.isTty && !values['no-color'] && !io.env.NO_COLOR;
      const os = (values.os as Os | undefined) ?? d.facts.os ?? localOs(io.platform);
      io.stdout(renderText(d, { color, os }));
    }
    return exitCode(d);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`refused: ${err.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof RulesFileError) {
      io.stderr(`refused: ${err.message}\n`);
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
    platform: process.platform,
  }).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`refused: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\nPlease report it with the command you ran.\n`);
      process.exitCode = 70;
    },
  );
}
