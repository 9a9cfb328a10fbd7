// The shapes that flow through the pipeline: parse → plan → probe → rules → render.
// Types only (plus the closed lists they are built from); no I/O, no logic.

export const ERROR_KINDS = ['refused', 'timeout', 'unreachable', 'dns', 'reset', 'unix_socket', 'tls', 'none'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const RUNTIMES = ['python', 'node', 'java', 'go', 'rust', 'ruby', 'php', 'dotnet', 'cli', 'other'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export const SERVICES = [
  'postgres', 'mysql', 'redis', 'mongodb', 'kafka', 'http', 'grpc', 'docker',
  'kubernetes-api', 'ssh', 'amqp', 'elasticsearch',
] as const;
export type Service = (typeof SERVICES)[number];

export const OSES = ['linux', 'windows', 'macos'] as const;
export type Os = (typeof OSES)[number];

/** Where the engine runs, relative to the person who hit the error. */
export type Surface =
  /** The `refused` command on the reporter's own machine: its localhost is their localhost. */
  | 'cli'
  /** A shared bot: loopback in a paste is the reporter's machine, never the bot's. */
  | 'chat';

export interface Endpoint {
  host: string;
  port: number | null;
}

/**
 * The flags the parser sets on Facts.hints, and the only ones a rule may read (rules read them through
 * hasHint, which takes a Hint, so the compiler finds a read of a flag nothing sets). http-<status> is a
 * gateway's or a proxy's HTTP answer (http-502, http-407 …).
 */
export const HINTS = [
  'typed', 'proxy', 'grpc', 'aggregate', 'admin-prohibited', 'tls-cert', 'tls-plain', 'tls-alert', 'awaiting-response',
  'kubectl-default', 'in-container', 'host-unset', 'server-starting', 'upstream', 'nginx-upstream', 'kafka-bootstrap',
  'kafka-broker', 'kafka-no-brokers',
  // What the reporter's words around the error say (passes/reporter-context.ts).
  'client-in-container', 'listens-loopback', 'listens-loopback-v4', 'works-outside-container', 'listens-loopback-v6', 'other-loopback-works', 'other-port-configured',
  'dialled-container-port', 'dialled-published-port', 'default-endpoint', 'other-protocol', 'ping-works', 'published-port', 'from-another-machine', 'host-masked',
  // Read by container-localhost (a Compose clue), not set by the parser yet, which says 'in-container' instead.
  'compose',
  // Read by proxy-required, permission-denied and ephemeral-ports-exhausted (passes/hints.ts sets them).
  'proxy-context', 'office-network', 'public-registry', 'under-load', 'selinux', 'local-network-privacy',
] as const;
export type Hint = (typeof HINTS)[number] | `http-${number}`;

/** Where the program that got the error runs, as the reporter answers it (or the command sees it). */
export const CLIENT_PLACES = ['laptop', 'container', 'pod', 'server'] as const;
export type ClientPlace = (typeof CLIENT_PLACES)[number];

/**
 * What the reporter's side says that no text or probe can: answers to the questions in rules/questions.ts,
 * given with a button in Slack or found by the command's own look at its machine (src/local/). Absent: not asked.
 */
export interface Answers {
  clientWhere?: ClientPlace;
  /** The server runs on the same machine as the client (the same container, when the client runs in one). */
  sameMachine?: boolean;
  /** The connection worked at some point before. */
  everWorked?: boolean;
}

/** What a paste (or a typed target) says. Every field is null where the text does not tell. */
export interface Facts {
  kind: ErrorKind;
  /** Host as written (name or address literal, IPv6 without brackets). For a proxy error: the proxy. */
  host: string | null;
  port: number | null;
  /** True when the port was not written and came from the scheme or service (postgres → 5432). */
  portInferred: boolean;
  /** Addresses the client said it tried (e.g. both ::1 and 127.0.0.1 of a Node AggregateError). */
  addresses: string[];
  unixSocket: string | null;
  runtime: Runtime | null;
  /** Library or tool, lower case: requests, psycopg2, pg, curl, kubectl … */
  client: string | null;
  service: Service | null;
  os: Os | null;
  /** The proxy that refused, when the error came from a proxy; host/port above are then the proxy too. */
  proxy: Endpoint | null;
  /** The real destination behind a proxy, or behind nginx for an upstream error. */
  destination: Endpoint | null;
  /** URL scheme when the target came from a URL (http, https, postgres, redis, rediss …). */
  scheme: string | null;
  /** Whether the client expected TLS (https, rediss, sslmode=require …); null when unknown. */
  tls: boolean | null;
  /** Symbolic errno when written or implied: ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENOTFOUND … */
  errno: string | null;
  /** Small named flags for rules: 'nginx-upstream', 'kubectl-default', 'kafka-bootstrap', 'in-container',
   *  'grpc', 'http-502', 'aggregate' … A rule reads a hint; it never re-parses text. Each is a Hint; the field
   *  stays string[] until the parser's and the button value's own lists are typed Hint[] too. */
  hints: string[];
  /** The (redacted) line the verdict rests on. */
  matched: string | null;
  /** Id of the error signature that matched, for tests and debugging. */
  signature: string | null;
  /** Sentences for people: "port 5432 inferred from postgres://", "3 errors in the paste; the root one is …". */
  notes: string[];
  /** What the reporter's side answered (a Slack button, the command's look at its machine); absent or empty: nothing. */
  answers?: Answers;
}

/** One thing to probe. */
export interface Target {
  host: string;
  port: number;
  service: Service | null;
  tls: boolean | null;
  /** Set when the target came from an http(s) URL: the HTTP probe requests it. */
  url: string | null;
  /** Why this target is probed. */
  role: 'target' | 'proxy' | 'destination';
}

export type SkipReason = 'local-target' | 'policy' | 'no-target' | 'no-probe' | 'unix-socket';

export interface Skipped {
  host: string | null;
  port: number | null;
  reason: SkipReason;
  /** In words, for people: "127.0.0.1 in a paste is the reporter's machine, not the bot's". */
  detail: string;
}

export interface Timeouts {
  /** One TCP connect attempt. */
  connectMs: number;
  /** One DNS lookup. */
  dnsMs: number;
  /** Waiting for a server to speak first / answer a probe after connect. */
  bannerMs: number;
  /** A TLS handshake. */
  tlsMs: number;
  /** One HTTP request, headers only. */
  httpMs: number;
  /** The whole diagnosis, probes included. */
  deadlineMs: number;
}

export interface Plan {
  surface: Surface;
  targets: Target[];
  skipped: Skipped[];
  /** Ports to look at next to each target when it is refused (bounded, deduplicated). */
  nearbyPorts: number[];
  /** Connect attempts per address (first one plus repeats to catch flapping). */
  attempts: number;
  timeouts: Timeouts;
}

export type TcpOutcome = 'open' | 'refused' | 'timeout' | 'unreachable' | 'reset' | 'error';
export type Family = 4 | 6;

export interface DnsAddress {
  address: string;
  family: Family;
}

/** Evidence: what a probe saw. Every variant carries `ms` (how long it took). */
export interface DnsEvidence {
  type: 'dns';
  host: string;
  /** What getaddrinfo (the system resolver, hosts file included) answered, in its order. */
  addresses: DnsAddress[];
  /** null, or the lookup failure: ENOTFOUND, EAI_AGAIN, ETIMEOUT … */
  error: string | null;
  /** Addresses the DNS servers gave directly (dns.resolve4/6), when asked; null when not asked. */
  dnsServers: DnsAddress[] | null;
  /** True when the hosts file / system answer and the DNS servers disagree. */
  disagree: boolean;
  /** True when the host was an address literal and no lookup was needed. */
  literal: boolean;
  ms: number;
}

export interface TcpEvidence {
  type: 'tcp';
  host: string;
  address: string;
  family: Family;
  port: number;
  /** 0 for the first attempt; 1.. for the repeats that catch flapping. */
  attempt: number;
  outcome: TcpOutcome;
  /** ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ECONNRESET, EADDRNOTAVAIL … or null when open. */
  errno: string | null;
  ms: number;
}

/** Which protocol actually answered on an open port. */
export type Protocol = 'http' | 'tls' | 'ssh' | 'redis' | 'postgres' | 'mysql' | 'mongodb' | 'amqp' | 'kafka' | 'smtp' | 'ftp' | 'unknown' | 'silent';

export interface BannerEvidence {
  type: 'banner';
  address: string;
  port: number;
  protocol: Protocol;
  /** A short printable excerpt of what came back (bounded, control characters escaped). */
  detail: string;
  /** Set when the connection closed or reset during the banner read. */
  closed: 'reset' | 'eof' | null;
  /** Set when this check's own connect failed (detail then says "connect failed: …"): how it failed. */
  connectError?: { outcome: TcpOutcome; errno: string | null } | null;
  ms: number;
}

export interface TlsEvidence {
  type: 'tls';
  address: string;
  port: number;
  servername: string | null;
  ok: boolean;
  /** TLSv1.3 … */
  version: string | null;
  alpn: string | null;
  /** Certificate subject CN and SAN names. */
  names: string[];
  validTo: string | null;
  /** The verification error code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID …) when not trusted. */
  verifyError: string | null;
  /** The handshake failure when there was no handshake at all (e.g. plain TCP where TLS was expected). */
  error: string | null;
  ms: number;
}

export interface HttpEvidence {
  type: 'http';
  url: string;
  status: number | null;
  server: string | null;
  /** Time to response headers. */
  ms: number;
  error: string | null;
}

export interface NearbyEvidence {
  type: 'nearby';
  address: string;
  port: number;
  outcome: TcpOutcome;
  ms: number;
}

export interface UnixSocketEvidence {
  type: 'unix';
  path: string;
  /** exists-and-accepts, missing, refused (stale socket file), denied (permissions), not-socket, error */
  outcome: 'open' | 'missing' | 'refused' | 'denied' | 'not-socket' | 'error';
  errno: string | null;
  ms: number;
}

export type Evidence =
  | DnsEvidence
  | TcpEvidence
  | BannerEvidence
  | TlsEvidence
  | HttpEvidence
  | NearbyEvidence
  | UnixSocketEvidence;

export interface Command {
  run: string;
  /** Absent: the same on every OS. */
  os?: Os;
}

export interface Step {
  text: string;
  commands: Command[];
}

export const CAUSE_IDS = [
  'not-listening', 'bound-to-loopback', 'wrong-port', 'family-mismatch', 'firewall-drop', 'firewall-reject',
  'host-unreachable', 'dns-not-found', 'dns-mismatch', 'reachable-from-here', 'intermittent', 'service-mismatch',
  'tls-mismatch', 'local-target', 'container-localhost', 'proxy-refused', 'kubectl-no-config',
  'kafka-advertised-listener', 'unix-socket-missing', 'upstream-refused', 'blocked-by-policy',
  'host-not-set', 'private-name', 'service-starting', 'tls-certificate', 'not-responding', 'connection-reset', 'probe-failed',
  'proxy-required', 'permission-denied', 'ephemeral-ports-exhausted', 'vantage-gap',
] as const;
/** Cause ids are a contract: add more, rename none. Operators' own rules use their own ids. */
export type CauseId = (typeof CAUSE_IDS)[number] | (string & {});

/** A ranked cause, with the evidence it rests on. */
export interface Finding {
  id: CauseId;
  confidence: number;
  title: string;
  explanation: string;
  steps: Step[];
  /** Lines of evidence in words: "tcp 10.0.0.5:5432 → refused in 0.4 ms". */
  evidence: string[];
  docs: string | null;
  /** The operator's runbook for this cause and target, when their rules file names one. */
  runbook?: { title: string; url: string } | null;
  /** This workspace's "Fixed it" / "Didn't help" votes moved the confidence (rules/feedback.ts); `before` is the rule's own. */
  feedback?: { fixed: number; notHelped: number; before: number };
}

export interface Diagnosis {
  schemaVersion: 1;
  /** One line: what is wrong. */
  verdict: string;
  /** True when the first cause means all is well from where the probes ran (every address answered as it should). */
  healthy: boolean;
  facts: Facts;
  plan: Plan;
  evidence: Evidence[];
  causes: Finding[];
  vantage: { host: string; surface: Surface; at: string };
  /** False when nothing was probed (--no-probe, or every target skipped). */
  probed: boolean;
  durationMs: number;
  /** The command's look at the machine it runs on (the reporter's own); absent in chat and with --no-local. */
  local?: LocalLook;
  /**
   * What each vantage point saw when the request also ran on probe agents (rules/vantage-gap.ts compareVantages),
   * the bot first; absent when only the bot probed.
   */
  vantages?: VantageSummary[];
}

/**
 * What one vantage point saw of the target, as a class: the target port answered (or the diagnosis there is healthy),
 * failed in one of four ways, or there is nothing to compare (not probed, offline, no answer in time, an error).
 */
export const VANTAGE_OUTCOMES = [
  'open', 'refused', 'reset', 'timeout', 'unreachable', 'dns-failed', 'not-probed', 'offline', 'no-answer', 'error',
] as const;
export type VantageOutcome = (typeof VANTAGE_OUTCOMES)[number];

/** One vantage point of a diagnosis run from several places: the bot itself, or a probe agent. */
export interface VantageSummary {
  /** The bot's vantage name (its host name) or the agent's name. */
  name: string;
  kind: 'bot' | 'agent';
  /** How the job went (agents/types.ts VantageResult.state); always 'answered' for the bot. */
  state: 'answered' | 'offline' | 'timeout' | 'refused' | 'error';
  outcome: VantageOutcome;
  /** What it saw of the target in a few words: "10.0.0.5:5432 open", "db.internal not found (ENOTFOUND)", "offline". */
  saw: string;
  /** The addresses the name resolved to there, in order (empty: an address literal, a failed lookup, not probed). */
  resolved: string[];
  /** Its own first cause, when it diagnosed. */
  cause: CauseId | null;
  /** The bot: its own diagnosis' duration; an agent: from the job's sending to the answer (or to the deadline). */
  ms: number;
}

/** What the command saw of its own machine without sending anything off it (see src/local/). */
export interface LocalLook {
  /** This machine is a container, and what says so (/.dockerenv, /proc/1/cgroup, KUBERNETES_SERVICE_HOST …); null: no sign of one. */
  container: { kind: 'docker' | 'podman' | 'kubernetes' | 'container'; clues: string[] } | null;
  /** The proxy variables set here, in a fixed order, values with passwords masked. */
  proxy: { name: string; value: string }[];
  /**
   * What `localhost` resolves to here, in the order a Node client tries it; null when the lookup failed;
   * 'not-looked-up' when it could not change the answer (src/local/look.ts says when it can).
   */
  localhost: DnsAddress[] | null | 'not-looked-up';
  /** The TCP sockets listening here (from /proc/net/tcp and tcp6); null where they could not be read (not Linux). */
  listening: { address: string; port: number }[] | null;
}
