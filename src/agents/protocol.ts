// The wire between the bot and its agents (issue 14): JSON text frames over one WebSocket the agent dials.
//
//   agent → bot   { type: 'hello', name, version, host }                  once, when the connection opens
//                 { type: 'result', id, diagnosis } | { type: 'result', id, error }
//   bot → agent   { type: 'job', body, sig }
//
// A job's body is the JSON text of { id, t, request, deadlineMs }: t is the bot's clock (epoch ms) when it sent
// the job, request a CheckRequest (the parsed target, never pasted text), deadlineMs how long the bot waits.
// sig is HMAC-SHA256 over that exact text, keyed with the raw bytes of the SHA-256 of the agent's token: the bot
// knows only that hash (REFUSED_AGENTS), the agent computes it from its token. The agent refuses a job that is
// unsigned, badly signed, more than 30 s old or in the future, seen before, or whose request does not pass the
// same check a button value does. Each side checks what the other sends; a bad message is an answer in words,
// never a crash.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ERROR_KINDS, OSES, RUNTIMES, SERVICES, type Diagnosis } from '../domain/types.js';
import { readCheckRequest, type CheckRequest } from '../slack/button-value.js';
import { AGENT_NAME } from './token.js';

/** A result (a whole Diagnosis as JSON) longer than this is not read. */
export const MAX_RESULT_BYTES = 512 * 1024;
/** A job is a CheckRequest and a few numbers: a few KB at most. */
export const MAX_JOB_BYTES = 64 * 1024;
/** A job older than this, or this far ahead of the agent's clock, is refused. */
export const MAX_JOB_SKEW_MS = 30_000;
/** The longest deadline a job may carry. */
export const MAX_JOB_DEADLINE_MS = 120_000;

const JOB_ID = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

// ——— agent → bot ———

const helloSchema = z.object({
  type: z.literal('hello'),
  name: z.string().regex(AGENT_NAME),
  version: z.string().max(40),
  host: z.string().max(255),
});
const resultSchema = z
  .object({ type: z.literal('result'), id: JOB_ID, diagnosis: z.unknown().optional(), error: z.string().max(2000).optional() })
  .refine((r) => (r.diagnosis === undefined) !== (r.error === undefined), 'a result carries either a diagnosis or an error');
const agentMessageSchema = z.discriminatedUnion('type', [helloSchema, resultSchema]);

export type Hello = z.infer<typeof helloSchema>;
export type AgentMessage = z.infer<typeof agentMessageSchema>;

export function hello(name: string, version: string, host: string): Hello {
  return { type: 'hello', name, version: version.slice(0, 40), host: host.slice(0, 255) };
}

export function resultMessage(id: string, outcome: { diagnosis: Diagnosis } | { error: string }): string {
  return JSON.stringify({ type: 'result', id, ...('error' in outcome ? { error: outcome.error.slice(0, 2000) } : { diagnosis: outcome.diagnosis }) });
}

/** The first problem zod found, as "path: message". */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unreadable';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Reads one text frame from an agent. The diagnosis inside a result is checked apart (readDiagnosis). */
export function parseAgentMessage(text: string): { ok: true; message: AgentMessage } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const r = agentMessageSchema.safeParse(json);
  return r.success ? { ok: true, message: r.data } : { ok: false, problem: firstIssue(r.error) };
}

// ——— bot → agent ———

export interface Job {
  id: string;
  /** The bot's clock when it sent the job, epoch ms. */
  t: number;
  request: CheckRequest;
  /** How long the bot waits for the answer. */
  deadlineMs: number;
}

const jobMessageSchema = z.object({ type: z.literal('job'), body: z.string().max(MAX_JOB_BYTES), sig: z.string().max(100).optional() });
const jobBodySchema = z.object({
  id: JOB_ID,
  t: z.number().int(),
  request: z.unknown(),
  deadlineMs: z.number().int().min(1).max(MAX_JOB_DEADLINE_MS),
});

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('base64url');
}

/** A job as it goes on the wire, signed with the agent's key (token.ts signingKeyFromHash). */
export function signJob(job: Job, key: Buffer): string {
  const body = JSON.stringify({ id: job.id, t: job.t, request: job.request, deadlineMs: job.deadlineMs });
  return JSON.stringify({ type: 'job', body, sig: mac(key, body) });
}

export type JobRefusal = 'malformed' | 'unsigned' | 'forged' | 'stale' | 'future' | 'replayed' | 'bad-request';
export type VerifiedJob = { ok: true; job: Job } | { ok: false; id: string | null; reason: JobRefusal; detail: string };

/**
 * The ids of jobs already taken, each kept for twice the allowed skew (a job older than that is refused as
 * stale anyway), so a job sent again is refused while it could still pass the clock check.
 */
export class ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** True when `id` was seen before; otherwise remembers it. */
  check(id: string, nowMs: number): boolean {
    for (const [old, at] of this.#seen) {
      if (nowMs - at <= 2 * MAX_JOB_SKEW_MS && this.#seen.size < this.#max) break;
      this.#seen.delete(old);
    }
    if (this.#seen.has(id)) return true;
    this.#seen.set(id, nowMs);
    return false;
  }

  get size(): number {
    return this.#seen.size;
  }
}

/** Checks a frame from the bot: shape, signature, age, replay, then the request itself, in that order. */
export function verifyJob(text: string, key: Buffer, nowMs: number, guard: ReplayGuard): VerifiedJob {
  if (text.length > MAX_JOB_BYTES + 200) return { ok: false, id: null, reason: 'malformed', detail: `a job of ${text.length} bytes is too large` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, id: null, reason: 'malformed', detail: 'the message is not JSON' };
  }
  const msg = jobMessageSchema.safeParse(json);
  if (!msg.success) return { ok: false, id: null, reason: 'malformed', detail: `not a job (${firstIssue(msg.error)})` };
  let bodyJson: unknown;
  try {
    bodyJson = JSON.parse(msg.data.body);
  } catch {
    return { ok: false, id: null, reason: 'malformed', detail: 'the job body is not JSON' };
  }
  const body = jobBodySchema.safeParse(bodyJson);
  // The id is only echoed back so the bot can end its wait; nothing else of an unverified job is used.
  const id =
    typeof (bodyJson as { id?: unknown } | null)?.id === 'string' && JOB_ID.safeParse((bodyJson as { id: string }).id).success
      ? (bodyJson as { id: string }).id
      : null;
  if (msg.data.sig === undefined || msg.data.sig === '') return { ok: false, id, reason: 'unsigned', detail: 'the job is not signed' };
  const want = Buffer.from(mac(key, msg.data.body));
  const got = Buffer.from(msg.data.sig);
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    return { ok: false, id, reason: 'forged', detail: "the job signature does not match this agent's token" };
  }
  if (!body.success) return { ok: false, id, reason: 'malformed', detail: `the job body is not a job (${firstIssue(body.error)})` };
  const age = nowMs - body.data.t;
  if (age > MAX_JOB_SKEW_MS) {
    return {
      ok: false,
      id,
      reason: 'stale',
      detail: `the job was sent ${Math.round(age / 1000)} s ago (at most ${MAX_JOB_SKEW_MS / 1000} s): a replay, or the bot's and this machine's clocks disagree (check NTP on both)`,
    };
  }
  if (-age > MAX_JOB_SKEW_MS) {
    return {
      ok: false,
      id,
      reason: 'future',
      detail: `the job is dated ${Math.round(-age / 1000)} s ahead of this machine's clock (at most ${MAX_JOB_SKEW_MS / 1000} s): check NTP on the bot and here`,
    };
  }
  if (guard.check(body.data.id, nowMs)) return { ok: false, id, reason: 'replayed', detail: `job ${body.data.id} was received before; a job runs once` };
  const request = readCheckRequest(body.data.request);
  if (request === null) return { ok: false, id, reason: 'bad-request', detail: "the job's request is not a check request this agent accepts" };
  return { ok: true, job: { id: body.data.id, t: body.data.t, request, deadlineMs: body.data.deadlineMs } };
}

// ——— the diagnosis an agent sends back ———

const str = (max: number) => z.string().max(max);
const nullableStr = (max: number) => str(max).nullable();
const port = z.number().int().min(0).max(65535);
const ms = z.number().min(0).max(3_600_000);
const endpoint = z.object({ host: str(300), port: port.nullable() }).nullable();
const outcome = z.enum(['open', 'refused', 'timeout', 'unreachable', 'reset', 'error']);
const dnsAddress = z.object({ address: str(100), family: z.union([z.literal(4), z.literal(6)]) });

const factsSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  host: nullableStr(300),
  port: port.nullable(),
  portInferred: z.boolean(),
  addresses: z.array(str(100)).max(64),
  unixSocket: nullableStr(300),
  runtime: z.enum(RUNTIMES).nullable(),
  client: nullableStr(100),
  service: z.enum(SERVICES).nullable(),
  os: z.enum(OSES).nullable(),
  proxy: endpoint,
  destination: endpoint,
  scheme: nullableStr(40),
  tls: z.boolean().nullable(),
  errno: nullableStr(40),
  hints: z.array(str(60)).max(64),
  matched: nullableStr(2000),
  signature: nullableStr(120),
  notes: z.array(str(1000)).max(50),
  answers: z
    .object({
      clientWhere: z.enum(['laptop', 'container', 'pod', 'server']).optional(),
      sameMachine: z.boolean().optional(),
      everWorked: z.boolean().optional(),
    })
    .optional(),
});

const timeoutsSchema = z.object({ connectMs: ms, dnsMs: ms, bannerMs: ms, tlsMs: ms, httpMs: ms, deadlineMs: ms });

const planSchema = z.object({
  surface: z.enum(['cli', 'chat']),
  targets: z
    .array(
      z.object({
        host: str(300),
        port,
        service: z.enum(SERVICES).nullable(),
        tls: z.boolean().nullable(),
        url: nullableStr(2000),
        role: z.enum(['target', 'proxy', 'destination']),
      }),
    )
    .max(64),
  skipped: z
    .array(
      z.object({
        host: nullableStr(300),
        port: port.nullable(),
        reason: z.enum(['local-target', 'policy', 'no-target', 'no-probe', 'unix-socket']),
        detail: str(2000),
      }),
    )
    .max(200),
  nearbyPorts: z.array(port).max(64),
  attempts: z.number().int().min(0).max(100),
  timeouts: timeoutsSchema,
});

const evidenceSchemas = {
  dns: z.object({
    type: z.literal('dns'),
    host: str(300),
    addresses: z.array(dnsAddress).max(64),
    error: nullableStr(100),
    dnsServers: z.array(dnsAddress).max(64).nullable(),
    disagree: z.boolean(),
    literal: z.boolean(),
    ms,
  }),
  tcp: z.object({
    type: z.literal('tcp'),
    host: str(300),
    address: str(100),
    family: z.union([z.literal(4), z.literal(6)]),
    port,
    attempt: z.number().int().min(0).max(100),
    outcome,
    errno: nullableStr(40),
    ms,
  }),
  banner: z.object({
    type: z.literal('banner'),
    address: str(100),
    port,
    protocol: z.enum(['http', 'tls', 'ssh', 'redis', 'postgres', 'mysql', 'mongodb', 'amqp', 'kafka', 'smtp', 'ftp', 'unknown', 'silent']),
    detail: str(2000),
    closed: z.enum(['reset', 'eof']).nullable(),
    connectError: z
      .object({ outcome, errno: nullableStr(40) })
      .nullable()
      .optional(),
    ms,
  }),
  tls: z.object({
    type: z.literal('tls'),
    address: str(100),
    port,
    servername: nullableStr(300),
    ok: z.boolean(),
    version: nullableStr(40),
    alpn: nullableStr(40),
    names: z.array(str(300)).max(200),
    validTo: nullableStr(100),
    verifyError: nullableStr(200),
    error: nullableStr(1000),
    ms,
  }),
  http: z.object({
    type: z.literal('http'),
    url: str(2000),
    status: z.number().int().min(0).max(999).nullable(),
    server: nullableStr(300),
    ms,
    error: nullableStr(1000),
  }),
  nearby: z.object({ type: z.literal('nearby'), address: str(100), port, outcome, ms }),
  unix: z.object({
    type: z.literal('unix'),
    path: str(300),
    outcome: z.enum(['open', 'missing', 'refused', 'denied', 'not-socket', 'error']),
    errno: nullableStr(40),
    ms,
  }),
} as const;
const evidenceSchema = z.discriminatedUnion('type', [
  evidenceSchemas.dns,
  evidenceSchemas.tcp,
  evidenceSchemas.banner,
  evidenceSchemas.tls,
  evidenceSchemas.http,
  evidenceSchemas.nearby,
  evidenceSchemas.unix,
]);
const KNOWN_EVIDENCE = new Set(Object.keys(evidenceSchemas));

const findingSchema = z.object({
  id: str(80),
  confidence: z.number().min(0).max(1),
  title: str(300),
  explanation: str(4000),
  steps: z.array(z.object({ text: str(2000), commands: z.array(z.object({ run: str(2000), os: z.enum(OSES).optional() })).max(20) })).max(20),
  evidence: z.array(str(1000)).max(50),
  docs: nullableStr(2000),
  runbook: z
    .object({ title: str(300), url: str(2000) })
    .nullable()
    .optional(),
  feedback: z.object({ fixed: z.number().int().min(0), notHelped: z.number().int().min(0), before: z.number().min(0).max(1) }).optional(),
});

const diagnosisSchema: z.ZodType<Diagnosis> = z.object({
  schemaVersion: z.literal(1),
  verdict: str(2000),
  healthy: z.boolean(),
  facts: factsSchema,
  plan: planSchema,
  // Evidence of a kind this bot does not know yet (a newer agent) is left out rather than failing the answer.
  evidence: z.preprocess(
    (v) => (Array.isArray(v) ? v.filter((e) => KNOWN_EVIDENCE.has((e as { type?: unknown } | null)?.type as string)) : v),
    z.array(evidenceSchema).max(1000),
  ),
  causes: z.array(findingSchema).max(60),
  vantage: z.object({ host: str(300), surface: z.enum(['cli', 'chat']), at: str(40) }),
  probed: z.boolean(),
  durationMs: ms,
});

/** The diagnosis inside an agent's result, checked field by field; a bad one is said in words. */
/** A job id from the start of a message that could not be read whole (too large, or not what it should be). */
export function idNear(text: string): string | null {
  return /"id"\s*:\s*"([A-Za-z0-9_-]{1,64})"/.exec(text.slice(0, 400))?.[1] ?? null;
}

export function readDiagnosis(value: unknown): { ok: true; diagnosis: Diagnosis } | { ok: false; problem: string } {
  const r = diagnosisSchema.safeParse(value);
  return r.success ? { ok: true, diagnosis: r.data } : { ok: false, problem: firstIssue(r.error) };
}

/** The agent's own policy kept it from probing: something was skipped for policy and nothing was probed. */
export function refusedByPolicy(d: Diagnosis): boolean {
  return d.plan.skipped.some((s) => s.reason === 'policy') && (d.plan.targets.length === 0 || !d.probed);
}
