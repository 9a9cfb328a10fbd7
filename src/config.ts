// The bot's configuration: read once from the environment (plus a .env file, which the environment
// overrides), checked by one zod schema. A bad start names every problem at once, each with its fix,
// instead of failing on the first one and sending the operator round the loop again.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import type { Timeouts } from './domain/types.js';
import { parseHostList, parseNat64List, parsePortList, type NamePattern, type Net, type Net6, type Policy, type PortRange } from './policy/index.js';
import { storeLocation, type StoreLocation } from './store/index.js';
import { parseAgents } from './agents/token.js';

export type Mode = 'socket' | 'http';

export interface WatchLimits {
  /** How long one watch keeps checking. */
  durationMs: number;
  /** The first pause between checks; later pauses grow by `backoff` up to `maxIntervalMs`. */
  firstIntervalMs: number;
  maxIntervalMs: number;
  backoff: number;
  perUser: number;
  total: number;
  /**
   * How long a replica holds a watch without renewing: a replica that dies loses its watches to another after
   * this long (renewed every third of it; SIGTERM gives them back at once).
   */
  leaseMs: number;
}

export interface Config {
  mode: Mode;
  botToken: string;
  appToken: string | null;
  signingSecret: string | null;
  /** The Web API base URL, ending in a slash (https://slack.com/api/ unless overridden). */
  slackApiUrl: string | null;
  /** Health (and, in HTTP mode, Slack's request) listener. */
  port: number;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  rulesFile: string | null;
  /** Name shown as the vantage point; the machine's name when unset. */
  vantageName: string | null;
  /** May a typed target name this machine's own loopback? (A pasted localhost is probed only with reportersOnThisHost.) */
  allowLoopback: boolean;
  /**
   * The people who paste errors run on this very machine (the local playground): localhost in a paste is this
   * machine, so it is probed like a typed target instead of handed back as the reporter's own.
   */
  reportersOnThisHost: boolean;
  /** What the bot may probe: the built-in denies, the operator's allow and deny lists, who to ask. */
  policy: Policy;
  timeouts: Partial<Timeouts>;
  watch: WatchLimits;
  /** Diagnoses running at once; more wait their turn. */
  maxConcurrent: number;
  /** Diagnoses waiting for a slot; beyond this a request is refused with "busy, try again". */
  maxQueued: number;
  /** Sockets the probes hold open at once, across every diagnosis; more wait for a slot. */
  maxSockets: number;
  /** Diagnoses per person and per channel in each window (0 = no limit). */
  rate: { perUser: number; perChannel: number; windowMs: number };
  /** Pasted text beyond this many bytes is not read. */
  maxPasteBytes: number;
  /** On SIGTERM: how long in-flight diagnoses may take before they are abandoned. */
  shutdownGraceMs: number;
  /** Socket Mode keep-alive: a missing pong after this long drops the link; reconnects wait multiples of it. */
  socketPingTimeoutMs: number;
  /** HMAC key for button values; derived from the bot token when unset so every instance agrees. */
  buttonSecret: string | null;
  /** Where state lives (REFUSED_STORE_URL): an SQLite file by default, Redis for several replicas. */
  store: StoreLocation;
  /** A diagnosis of a target another one checked in the workspace this recently links it; 0 turns it off. */
  incidentWindowMs: number;
  /**
   * With the store unreachable: 'open' keeps admitting under this replica's own in-memory limits (each replica
   * counts alone, so a person may get up to replicas × the limit); 'closed' refuses every diagnosis.
   */
  limitsWithoutStore: 'open' | 'closed';
  /** The probe agents the bot accepts at /agents (REFUSED_AGENTS): name → hex SHA-256 of its token. Empty: none. */
  agents: Map<string, string>;
  /** Agents bound to channels (REFUSED_AGENT_CHANNELS): such an agent is asked only there. Unbound agents: everywhere. */
  agentChannels: Map<string, Set<string>>;
}

/** Every variable the bot reads, with what it is for and how to fill it (also the source of .env.example). */
export const VARIABLES: Record<string, { help: string; example?: string }> = {
  SLACK_BOT_TOKEN: { help: 'Bot User OAuth Token, "OAuth & Permissions" page of your app (starts with xoxb-)', example: 'xoxb-…' },
  SLACK_APP_TOKEN: { help: 'App-Level Token with the connections:write scope, "Basic Information" page (starts with xapp-); selects Socket Mode', example: 'xapp-…' },
  SLACK_SIGNING_SECRET: { help: 'Signing Secret, "Basic Information" page; used for HTTP mode when SLACK_APP_TOKEN is not set' },
  SLACK_API_URL: { help: 'Web API base URL, e.g. https://slack-gov.com/api/ for GovSlack or an egress proxy; Socket Mode follows it' },
  PORT: { help: 'port for /healthz and /readyz (and Slack\'s requests in HTTP mode)', example: '3000' },
  HOST: { help: 'address to listen on', example: '0.0.0.0' },
  LOG_LEVEL: { help: 'debug, info, warn or error', example: 'info' },
  REFUSED_RULES_FILE: { help: 'path to a YAML file of your own rules and runbook links' },
  REFUSED_VANTAGE_NAME: { help: 'name shown as "checked from"; defaults to the machine name' },
  REFUSED_ALLOW_LOOPBACK: { help: 'true lets a typed target name the bot\'s own loopback (127.0.0.1, ::1); default false', example: 'false' },
  REFUSED_REPORTERS_ON_THIS_HOST: {
    help: 'true when the people who paste errors run on this machine, as in the local playground: localhost in a paste is then this machine and is probed (needs REFUSED_ALLOW_LOOPBACK=true); default false',
    example: 'false',
  },
  REFUSED_ALLOW_HOSTS: { help: 'probe only these: CIDRs (10.0.0.0/8, fd00::/8), addresses, host names and *.example.com patterns, comma-separated; empty allows every host outside the built-in denies', example: '10.0.0.0/8,*.corp.example.com' },
  REFUSED_DENY_HOSTS: { help: 'never probe these (same syntax as REFUSED_ALLOW_HOSTS); wins over the allow list', example: '10.20.0.0/16,vault.corp.example.com' },
  REFUSED_ALLOW_PORTS: { help: 'probe only these ports and ranges, comma-separated; empty allows 1-65535', example: '22,80,443,1024-65535' },
  REFUSED_DENY_PORTS: { help: 'never probe these ports and ranges (same syntax as REFUSED_ALLOW_PORTS)', example: '25' },
  REFUSED_POLICY_CONTACT: { help: 'who to ask when the probe policy refuses a target (a channel, team or person); shown with every refusal', example: '"#platform-help"' },
  REFUSED_NAT64_PREFIXES: { help: 'your network\'s own NAT64 prefixes (IPv6 CIDRs of length 32, 40, 48, 56, 64 or 96), comma-separated: an address under one is also judged by the IPv4 address it carries', example: '2001:db8:64::/96' },
  REFUSED_PROBE_BUDGET_PER_HOST: { help: 'different ports of any one address probed per minute, across all diagnoses (0 = no limit); past it the nearby-port look is cut, then the target', example: '40' },
  REFUSED_CONNECT_TIMEOUT_MS: { help: 'one TCP connect attempt, in ms' },
  REFUSED_DNS_TIMEOUT_MS: { help: 'one DNS lookup, in ms' },
  REFUSED_BANNER_TIMEOUT_MS: { help: 'waiting for a server to speak after connect, in ms' },
  REFUSED_TLS_TIMEOUT_MS: { help: 'one TLS handshake, in ms' },
  REFUSED_HTTP_TIMEOUT_MS: { help: 'one HTTP request (headers only), in ms' },
  REFUSED_DEADLINE_MS: { help: 'a whole diagnosis, probes included, in ms' },
  REFUSED_WATCH_MINUTES: { help: 'how long Watch keeps checking', example: '30' },
  REFUSED_WATCH_FIRST_INTERVAL_MS: { help: 'first pause between Watch checks (grows ×1.5 up to 5 minutes)', example: '15000' },
  REFUSED_WATCH_MAX_PER_USER: { help: 'watches one person may run at once', example: '3' },
  REFUSED_WATCH_MAX_TOTAL: { help: 'watches running at once, across every replica that shares the store', example: '20' },
  REFUSED_MAX_CONCURRENT: { help: 'diagnoses running at once', example: '32' },
  REFUSED_MAX_SOCKETS: { help: 'sockets the probes hold open at once, across all diagnoses; more wait their turn', example: '128' },
  REFUSED_MAX_QUEUED: { help: 'diagnoses waiting for a free slot; more are refused with "busy, try again in a minute"', example: '200' },
  REFUSED_RATE_PER_USER: { help: 'diagnoses one person may ask for per minute (0 = no limit)', example: '10' },
  REFUSED_RATE_PER_CHANNEL: { help: 'diagnoses asked for in one channel per minute (0 = no limit)', example: '30' },
  REFUSED_MAX_PASTE_KB: { help: 'a longer paste keeps its start and end (40% and 60% of this many KB); the answer says what was left out', example: '40' },
  REFUSED_SHUTDOWN_GRACE_MS: { help: 'on SIGTERM, how long running diagnoses may finish', example: '10000' },
  SLACK_SOCKET_PING_TIMEOUT_MS: { help: 'Socket Mode keep-alive timeout; reconnects wait multiples of it', example: '5000' },
  REFUSED_BUTTON_SECRET: { help: 'key that signs button values; defaults to one derived from the bot token' },
  REFUSED_STORE_URL: {
    help: 'where watches, limits, history and feedback live: unset for an SQLite file at data/refused.db, sqlite:<path> for another file (one process), redis://[user:password@]host:port[/db] or rediss://… for several replicas',
    example: 'redis://redis.internal:6379/0',
  },
  REFUSED_WATCH_LEASE_MS: { help: 'a replica that stops renewing its watches (it died) loses them to another after this long', example: '15000' },
  REFUSED_SAME_INCIDENT_MINUTES: { help: 'a target checked in the workspace within this many minutes is linked from the new answer (0 = off)', example: '15' },
  REFUSED_LIMITS_WITHOUT_STORE: {
    help: 'with the store unreachable: open keeps admitting under each replica\'s own limits, closed refuses every diagnosis until it is back',
    example: 'open',
  },
  REFUSED_AGENTS: {
    help: 'probe agents the bot accepts at /agents on PORT, as name:sha256:<hex> entries separated by commas; `refused agent-token <name>` prints each line (the bot keeps only the hash of a token)',
    example: 'office:sha256:<64 hex digits>,k8s-prod:sha256:<64 hex digits>',
  },
  REFUSED_AGENT_CHANNELS: {
    help: 'bind agents to channels, as name:C123|C456 entries separated by commas: a bound agent is asked, and may be named with `from`, only in its channels; an agent not listed is asked everywhere',
    example: 'k8s-prod:C0123ABCD|C0456EFGH',
  },
};

/**
 * A token still as .env.example (or the help above) shows it: "xoxb-your-bot-token", "xapp-…", "xoxb-<token>".
 * A real token has digits right after its prefix, so nothing real looks like this.
 */
export function isPlaceholder(token: string): boolean {
  const rest = token.replace(/^x[a-z]{2,3}-/i, '');
  return /^(your|<|\[|\{|…|\.\.\.|x+$|changeme|replace|token|placeholder|$)/i.test(rest);
}

const STILL_PLACEHOLDER =
  'is still the placeholder from .env.example: put the real token there (your app\'s settings page, see below), or remove SLACK_BOT_TOKEN and SLACK_APP_TOKEN from .env to try the local playground instead';

/** True when no Slack credential is set at all: `npm start` then runs the local playground. */
export function wantsPlayground(env: Readonly<Record<string, string | undefined>>): boolean {
  return ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'].every((name) => (env[name] ?? '').trim() === '');
}

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === undefined || s === '' ? null : s));

const intIn = (min: number, max: number, fallback: number | null) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return fallback;
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${s}"` });
        return z.NEVER;
      }
      return n;
    });

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return fallback;
      const v = s.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${s}"` });
      return z.NEVER;
    });

/** A host list (REFUSED_ALLOW_HOSTS, REFUSED_DENY_HOSTS): one issue per bad entry. */
const hostList = z
  .string()
  .optional()
  .transform((s, ctx): { nets: Net[]; names: NamePattern[] } => {
    const r = parseHostList(s ?? '');
    for (const p of r.problems) ctx.addIssue({ code: 'custom', message: p });
    return { nets: r.nets, names: r.names };
  });

/** REFUSED_NAT64_PREFIXES: one issue per bad entry. */
const nat64List = z
  .string()
  .optional()
  .transform((s, ctx): Net6[] => {
    const r = parseNat64List(s ?? '');
    for (const p of r.problems) ctx.addIssue({ code: 'custom', message: p });
    return r.prefixes;
  });

/** A port list (REFUSED_ALLOW_PORTS, REFUSED_DENY_PORTS): one issue per bad entry. */
const portList = z
  .string()
  .optional()
  .transform((s, ctx): PortRange[] => {
    const r = parsePortList(s ?? '');
    for (const p of r.problems) ctx.addIssue({ code: 'custom', message: p });
    return r.ports;
  });

const schema = z.object({
  SLACK_BOT_TOKEN: optionalText
    .refine((s) => s === null || s.startsWith('xoxb-'), 'must be a bot token starting with xoxb- (not a user xoxp- or app xapp- token)')
    .refine((s) => s === null || !isPlaceholder(s), { message: STILL_PLACEHOLDER, abort: true }),
  SLACK_APP_TOKEN: optionalText
    .refine((s) => s === null || s.startsWith('xapp-'), 'must be an app-level token starting with xapp-')
    .refine((s) => s === null || !isPlaceholder(s), { message: STILL_PLACEHOLDER, abort: true }),
  SLACK_SIGNING_SECRET: optionalText.refine((s) => s === null || /^[0-9a-f]{16,}$/i.test(s), 'must be the hex Signing Secret from "Basic Information"'),
  SLACK_API_URL: optionalText.refine((s) => {
    if (s === null) return true;
    try {
      const u = new URL(s);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as https://slack.com/api/'),
  PORT: intIn(0, 65535, 3000),
  HOST: optionalText,
  LOG_LEVEL: optionalText.refine((s) => s === null || ['debug', 'info', 'warn', 'error'].includes(s.toLowerCase()), 'must be debug, info, warn or error'),
  REFUSED_RULES_FILE: optionalText,
  REFUSED_VANTAGE_NAME: optionalText,
  // The bot's own loopback is not for anyone who can type in a channel: off unless the operator says so.
  REFUSED_ALLOW_LOOPBACK: bool(false),
  REFUSED_REPORTERS_ON_THIS_HOST: bool(false),
  REFUSED_ALLOW_HOSTS: hostList,
  REFUSED_DENY_HOSTS: hostList,
  REFUSED_ALLOW_PORTS: portList,
  REFUSED_DENY_PORTS: portList,
  REFUSED_POLICY_CONTACT: optionalText.refine((s) => s === null || s.length <= 200, 'must be at most 200 characters (a channel, team or person to ask)'),
  REFUSED_NAT64_PREFIXES: nat64List,
  // One person's nearby-port looks reach ~36 ports of one host a minute; five people, ~150.
  REFUSED_PROBE_BUDGET_PER_HOST: intIn(0, 65_535, 40),
  REFUSED_CONNECT_TIMEOUT_MS: intIn(1, 120_000, null),
  REFUSED_DNS_TIMEOUT_MS: intIn(1, 120_000, null),
  REFUSED_BANNER_TIMEOUT_MS: intIn(1, 120_000, null),
  REFUSED_TLS_TIMEOUT_MS: intIn(1, 120_000, null),
  REFUSED_HTTP_TIMEOUT_MS: intIn(1, 120_000, null),
  REFUSED_DEADLINE_MS: intIn(100, 600_000, null),
  REFUSED_WATCH_MINUTES: intIn(1, 24 * 60, 30),
  REFUSED_WATCH_FIRST_INTERVAL_MS: intIn(50, 3_600_000, 15_000),
  REFUSED_WATCH_MAX_PER_USER: intIn(0, 100, 3),
  REFUSED_WATCH_MAX_TOTAL: intIn(0, 10_000, 20),
  REFUSED_MAX_CONCURRENT: intIn(1, 1000, 32),
  REFUSED_MAX_SOCKETS: intIn(4, 10_000, 128),
  REFUSED_MAX_QUEUED: intIn(0, 100_000, 200),
  REFUSED_RATE_PER_USER: intIn(0, 100_000, 10),
  REFUSED_RATE_PER_CHANNEL: intIn(0, 100_000, 30),
  REFUSED_MAX_PASTE_KB: intIn(1, 1024, 40),
  REFUSED_SHUTDOWN_GRACE_MS: intIn(0, 600_000, 10_000),
  SLACK_SOCKET_PING_TIMEOUT_MS: intIn(100, 600_000, 5000),
  REFUSED_BUTTON_SECRET: optionalText.refine((s) => s === null || s.length >= 16, 'must be at least 16 characters'),
  REFUSED_STORE_URL: z
    .string()
    .optional()
    .transform((s, ctx): StoreLocation => {
      const loc = storeLocation(s);
      if (typeof loc === 'string') {
        ctx.addIssue({ code: 'custom', message: loc.replace(/^REFUSED_STORE_URL\S*\s*/, '') });
        return z.NEVER;
      }
      return loc;
    }),
  REFUSED_WATCH_LEASE_MS: intIn(500, 600_000, 15_000),
  REFUSED_SAME_INCIDENT_MINUTES: intIn(0, 24 * 60, 15),
  REFUSED_LIMITS_WITHOUT_STORE: optionalText.refine((s) => s === null || ['open', 'closed'].includes(s.toLowerCase()), 'must be open or closed'),
  REFUSED_AGENTS: z
    .string()
    .optional()
    .transform((s, ctx): Map<string, string> => {
      const r = parseAgents(s ?? '');
      for (const p of r.problems) ctx.addIssue({ code: 'custom', message: p });
      return r.agents;
    }),
  REFUSED_AGENT_CHANNELS: z
    .string()
    .optional()
    .transform((s, ctx): Map<string, Set<string>> => {
      const out = new Map<string, Set<string>>();
      for (const entry of (s ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
        const m = /^([a-z0-9][a-z0-9-]{0,31}):([A-Z0-9]{2,32}(?:\|[A-Z0-9]{2,32})*)$/.exec(entry);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not name:CHANNEL|CHANNEL (an agent's name, then Slack channel ids such as C0123ABCD)` });
          continue;
        }
        out.set(m[1]!, new Set(m[2]!.split('|')));
      }
      return out;
    }),
});

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Validates an environment. Pure: the caller decides where the environment comes from. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '?');
      problems.push(`${name} ${issue.message}. ${VARIABLES[name]?.help ?? ''}`.trim());
    }
  }
  const e = parsed.success ? parsed.data : null;
  // Which tokens are present is checked on the raw values too, so a missing token is reported even when
  // another variable is malformed.
  const present = (name: string) => (env[name] ?? '').trim() !== '';
  if (!present('SLACK_BOT_TOKEN')) problems.push(`SLACK_BOT_TOKEN is missing. Set it to the ${VARIABLES.SLACK_BOT_TOKEN!.help}.`);
  if (!present('SLACK_APP_TOKEN') && !present('SLACK_SIGNING_SECRET')) {
    problems.push(
      'Neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set. For Socket Mode (the default, no public URL needed) set SLACK_APP_TOKEN to an App-Level Token with connections:write ("Basic Information" → App-Level Tokens); for HTTP mode set SLACK_SIGNING_SECRET instead.',
    );
  }
  for (const name of e?.REFUSED_AGENT_CHANNELS.keys() ?? []) {
    if (!e?.REFUSED_AGENTS.has(name)) problems.push(`REFUSED_AGENT_CHANNELS binds "${name}", which is not in REFUSED_AGENTS: add the agent there, or remove the binding.`);
  }
  if (e?.REFUSED_REPORTERS_ON_THIS_HOST && !e.REFUSED_ALLOW_LOOPBACK) {
    problems.push('REFUSED_REPORTERS_ON_THIS_HOST=true needs REFUSED_ALLOW_LOOPBACK=true: localhost in a paste is then this machine\'s loopback, which is otherwise never probed.');
  }
  if (problems.length > 0 || !e) return { ok: false, problems };
  const apiUrl = e.SLACK_API_URL === null ? null : e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`;
  const timeouts: Partial<Timeouts> = {};
  const put = (key: keyof Timeouts, v: number | null) => {
    if (v !== null) timeouts[key] = v;
  };
  put('connectMs', e.REFUSED_CONNECT_TIMEOUT_MS);
  put('dnsMs', e.REFUSED_DNS_TIMEOUT_MS);
  put('bannerMs', e.REFUSED_BANNER_TIMEOUT_MS);
  put('tlsMs', e.REFUSED_TLS_TIMEOUT_MS);
  put('httpMs', e.REFUSED_HTTP_TIMEOUT_MS);
  put('deadlineMs', e.REFUSED_DEADLINE_MS);
  const first = e.REFUSED_WATCH_FIRST_INTERVAL_MS!;
  return {
    ok: true,
    config: {
      mode: e.SLACK_APP_TOKEN !== null ? 'socket' : 'http',
      botToken: e.SLACK_BOT_TOKEN!,
      appToken: e.SLACK_APP_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      slackApiUrl: apiUrl,
      port: e.PORT!,
      host: e.HOST ?? '0.0.0.0',
      logLevel: (e.LOG_LEVEL?.toLowerCase() ?? 'info') as Config['logLevel'],
      rulesFile: e.REFUSED_RULES_FILE,
      vantageName: e.REFUSED_VANTAGE_NAME,
      allowLoopback: e.REFUSED_ALLOW_LOOPBACK,
      reportersOnThisHost: e.REFUSED_REPORTERS_ON_THIS_HOST,
      policy: {
        allowLoopback: e.REFUSED_ALLOW_LOOPBACK,
        contact: e.REFUSED_POLICY_CONTACT,
        allow: { ...e.REFUSED_ALLOW_HOSTS, ports: e.REFUSED_ALLOW_PORTS },
        deny: { ...e.REFUSED_DENY_HOSTS, ports: e.REFUSED_DENY_PORTS },
        ...(e.REFUSED_NAT64_PREFIXES.length > 0 ? { nat64: e.REFUSED_NAT64_PREFIXES } : {}),
        ...(e.REFUSED_PROBE_BUDGET_PER_HOST! > 0 ? { probeBudgetPerHost: e.REFUSED_PROBE_BUDGET_PER_HOST! } : {}),
      },
      timeouts,
      watch: {
        durationMs: e.REFUSED_WATCH_MINUTES! * 60_000,
        firstIntervalMs: first,
        maxIntervalMs: Math.max(first, 5 * 60_000),
        backoff: 1.5,
        perUser: e.REFUSED_WATCH_MAX_PER_USER!,
        total: e.REFUSED_WATCH_MAX_TOTAL!,
        leaseMs: e.REFUSED_WATCH_LEASE_MS!,
      },
      maxConcurrent: e.REFUSED_MAX_CONCURRENT!,
      maxQueued: e.REFUSED_MAX_QUEUED!,
      maxSockets: e.REFUSED_MAX_SOCKETS!,
      rate: { perUser: e.REFUSED_RATE_PER_USER!, perChannel: e.REFUSED_RATE_PER_CHANNEL!, windowMs: 60_000 },
      maxPasteBytes: e.REFUSED_MAX_PASTE_KB! * 1024,
      shutdownGraceMs: e.REFUSED_SHUTDOWN_GRACE_MS!,
      socketPingTimeoutMs: e.SLACK_SOCKET_PING_TIMEOUT_MS!,
      buttonSecret: e.REFUSED_BUTTON_SECRET,
      store: e.REFUSED_STORE_URL,
      incidentWindowMs: e.REFUSED_SAME_INCIDENT_MINUTES! * 60_000,
      limitsWithoutStore: (e.REFUSED_LIMITS_WITHOUT_STORE?.toLowerCase() ?? 'open') as Config['limitsWithoutStore'],
      agents: e.REFUSED_AGENTS,
      agentChannels: e.REFUSED_AGENT_CHANNELS,
    },
  };
}

/** One message for a failed start: every problem, one per line. */
export function formatProblems(problems: readonly string[]): string {
  const head = `refused cannot start: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}`;
  return `${head}\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`;
}

/**
 * The process environment over a .env file: a variable set in the environment wins, so a deployment can
 * override a checked-in file. A missing file is normal; an unreadable one is reported.
 */
export function environment(env: NodeJS.ProcessEnv, dotenvPath: string | null): { env: Record<string, string | undefined>; problem: string | null } {
  if (dotenvPath === null) return { env: { ...env }, problem: null };
  let text: string;
  try {
    text = readFileSync(dotenvPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { env: { ...env }, problem: null };
    return { env: { ...env }, problem: `${dotenvPath} cannot be read (${code ?? String(err)}); fix its permissions or remove it` };
  }
  const fromFile = parseEnv(text) as Record<string, string>;
  return { env: { ...fromFile, ...env }, problem: null };
}
