// Slack message metadata for an answer: the result as data, so workflows and other apps can read it without
// parsing the text (https://docs.slack.dev/messaging/message-metadata). Pure.
//
// Slack's rules, as its docs and its SDK's MessageMetadata type give them, and how this follows them:
// - `event_type` is a short alphanumeric, human-readable name: refused_diagnosis.
// - `event_payload` keys are snake_case ([a-z][a-z0-9_]*); values are strings, numbers, booleans, objects of
//   those, or arrays of such objects (the SDK's MessageMetadataEventPayloadObject[]): so the causes are
//   objects ({ id, percent }), and the first cause's id is also a plain string (`cause`) for the simplest use.
// - No nulls: an unknown field is left out.
// - chat.postMessage and chat.update take `metadata`; chat.postEphemeral and response_url do not keep it (an
//   ephemeral message is not stored), so only answers posted or edited in a conversation carry it.
// - Posting it needs no scope beyond chat:write and no manifest setting; `metadata_subscriptions` in a manifest is
//   only for apps that want message_metadata_* events, and readers ask conversations.history with
//   include_all_metadata. Slack documents no payload size limit here, so the payload is bounded
//   (MAX_METADATA_CHARS) by cutting lists and strings.
import { hostPort } from '../../domain/describe.js';
import type { Diagnosis, Os } from '../../domain/types.js';
import { redact } from '../../parse/redact.js';

/** The event type every answer's metadata carries. */
export const EVENT_TYPE = 'refused_diagnosis';
/** The payload's own version: fields are added, never renamed. */
export const METADATA_VERSION = 1;
/** The JSON of a whole metadata object stays under this many characters. */
export const MAX_METADATA_CHARS = 4000;

type Scalar = string | number | boolean;
/** A payload value as Slack takes it: a scalar, an object of scalars, or a list of such objects. */
export type PayloadValue = Scalar | Record<string, Scalar> | Record<string, Scalar>[];

/** Message metadata as chat.postMessage and chat.update take it. */
export interface DiagnosisMetadata {
  event_type: typeof EVENT_TYPE;
  event_payload: Record<string, PayloadValue>;
}

/** What the message shows beside the diagnosis: the part and the OS whose commands it shows. */
export interface MetadataView {
  part: string;
  os: Os;
}

const MAX_CAUSES = 12;
const MAX_ADDRESSES = 16;
const MAX_VANTAGES = 16;
const MAX_VERDICT = 300;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The target the diagnosis names (a socket path, or host:port), redacted; null when it names none. */
function targetOf(d: Diagnosis): string | null {
  const f = d.facts;
  if (f.unixSocket) return redact(f.unixSocket);
  return f.host ? redact(hostPort(f.host, f.port)) : null;
}

/** One entry per address the probes connected to: the first attempt's outcome and errno. */
function addresses(d: Diagnosis): Record<string, Scalar>[] {
  const out = new Map<string, Record<string, Scalar>>();
  for (const e of d.evidence) {
    if (e.type !== 'tcp' || out.has(`${e.address} ${e.port}`)) continue;
    out.set(`${e.address} ${e.port}`, { address: e.address, port: e.port, outcome: e.outcome, ...(e.errno ? { errno: e.errno } : {}) });
  }
  return [...out.values()].slice(0, MAX_ADDRESSES);
}

/**
 * One entry per vantage point when the diagnosis ran from several (Diagnosis.vantages), the bot first: its name
 * (redacted like any text that reaches the payload), whether it is the bot or an agent, how the job went, what it saw
 * (an outcome class) and its own first cause (left out when it has none).
 */
function vantages(d: Diagnosis): Record<string, Scalar>[] {
  return (d.vantages ?? []).slice(0, MAX_VANTAGES).map((v) => ({
    name: clip(redact(v.name), 80),
    kind: v.kind,
    state: v.state,
    outcome: v.outcome,
    ...(v.cause !== null ? { cause: String(v.cause) } : {}),
  }));
}

/**
 * The metadata of an answer: the target, the error kind, the causes in order, where it was checked from and
 * when, the verdict, the vantage points when there were several, and (when given) what the message shows.
 * Bounded by MAX_METADATA_CHARS.
 */
export function diagnosisMetadata(d: Diagnosis, view?: MetadataView | null): DiagnosisMetadata {
  const f = d.facts;
  const target = targetOf(d);
  const at = Date.parse(d.vantage.at);
  const payload: Record<string, PayloadValue> = {
    schema_version: METADATA_VERSION,
    ...(target ? { target } : {}),
    ...(f.host ? { host: redact(f.host) } : {}),
    ...(f.port !== null ? { port: f.port } : {}),
    kind: f.kind,
    ...(f.errno ? { errno: f.errno } : {}),
    ...(f.service ? { service: f.service } : {}),
    ...(d.causes[0] ? { cause: String(d.causes[0].id) } : {}),
    causes: d.causes.slice(0, MAX_CAUSES).map((c) => ({ id: String(c.id), percent: Math.round(c.confidence * 100) })),
    checked_from: d.vantage.host,
    surface: d.vantage.surface,
    ...(Number.isFinite(at) ? { checked_at: Math.floor(at / 1000) } : {}),
    verdict: clip(redact(d.verdict), MAX_VERDICT),
    healthy: d.healthy,
    probed: d.probed,
    addresses: addresses(d),
    ...(d.vantages && d.vantages.length > 0 ? { vantages: vantages(d) } : {}),
    ...(view ? { view: view.part, os: view.os } : {}),
  };
  const meta: DiagnosisMetadata = { event_type: EVENT_TYPE, event_payload: payload };
  // Only a diagnosis far past anything real (hundreds of addresses, a huge verdict) gets here: lists go first.
  for (const key of ['addresses', 'vantages', 'causes'] as const) {
    const list = payload[key] as unknown[] | undefined;
    while (list && JSON.stringify(meta).length > MAX_METADATA_CHARS && list.length > 1) list.pop();
  }
  if (JSON.stringify(meta).length > MAX_METADATA_CHARS) payload.verdict = clip(String(payload.verdict), 80);
  return meta;
}
