// What a button carries. Socket Mode hands each click to any of up to ten connections (and HTTP mode to any
// replica), so a button must carry everything its handler needs: the request to run again and the state
// it last saw. Values are signed so a crafted one is refused instead of probing whatever it names.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CLIENT_PLACES, ERROR_KINDS, OSES, RUNTIMES, SERVICES, type Answers, type Facts, type Os } from '../domain/types.js';
import { redact } from '../parse/redact.js';
import type { DiagnoseRequest } from '../request.js';

/** Slack's limit for a button value. */
export const MAX_VALUE = 2000;
/** Older buttons are answered with "run it again": their request may no longer mean what it meant. */
export const MAX_AGE_S = 30 * 24 * 3600;
const MAX_ADDRESSES = 16;
const MAX_HINTS = 24;

/** Ids Slack gives (T…, E…, C…, G…, D…, U…, W…). */
const SLACK_ID = /^[A-Z0-9]{2,32}$/;
const word = (re: RegExp, max: number) => z.string().max(max).regex(re);
const HOST = word(/^[A-Za-z0-9_.:%-]{1,255}$/, 255);
const PORT = z.number().int().min(1).max(65535);
const endpointSchema = z.object({ host: HOST, port: PORT.nullable() }).nullable();
/** Answers from the reporter's side (rules/questions.ts): closed lists and booleans; any other key is refused. */
const answersSchema = z.object({ clientWhere: z.enum(CLIENT_PLACES).optional(), sameMachine: z.boolean().optional(), everWorked: z.boolean().optional() }).strict();

/**
 * The facts a re-run needs, each field checked for its shape: names, numbers and closed lists only, so
 * nothing a person wrote in free text (the matched line, notes) can ride along. See checkFacts().
 */
const factsSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  host: HOST.nullable(),
  port: PORT.nullable(),
  portInferred: z.boolean(),
  addresses: z.array(word(/^[0-9A-Fa-f.:%a-z]{1,64}$/, 64)).max(MAX_ADDRESSES),
  unixSocket: word(/^[A-Za-z0-9_./@+~-]{1,200}$/, 200).nullable(),
  runtime: z.enum(RUNTIMES).nullable(),
  client: word(/^[a-z0-9][a-z0-9_.@/+-]{0,63}$/, 64).nullable(),
  service: z.enum(SERVICES).nullable(),
  os: z.enum(OSES).nullable(),
  proxy: endpointSchema,
  destination: endpointSchema,
  scheme: word(/^[a-z][a-z0-9+.-]{0,31}$/, 32).nullable(),
  tls: z.boolean().nullable(),
  errno: word(/^[A-Za-z0-9_]{1,32}$/, 32).nullable(),
  hints: z.array(word(/^[a-z0-9][a-z0-9:-]{0,47}$/, 48)).max(MAX_HINTS),
  signature: word(/^[A-Za-z0-9_.:-]{1,100}$/, 100).nullable(),
  /** What the reporter answered so far: Re-check and Watch keep it. */
  answers: answersSchema.optional(),
});
type CheckFacts = z.infer<typeof factsSchema>;

/** What Re-check and Watch run again: the parsed target, never the text it was read from. */
const checkRequestSchema = z.object({
  f: factsSchema,
  /** A typed URL without userinfo, query or fragment (the HTTP probe asks for its path). */
  url: z.string().max(1000).regex(/^[a-z][a-z0-9+.-]{0,31}:\/\/[^\s@?#]{0,960}$/i).nullable(),
  /** The target was typed (a typed localhost is probed where policy allows; a pasted one never is). */
  typed: z.boolean(),
  /** The probe agents the answer ran on (Re-check and Watch run on the same); absent: every agent there is then. */
  vp: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/)).max(16).optional(),
});
export type CheckRequest = z.infer<typeof checkRequestSchema>;

const placeFields = { tm: z.string().regex(SLACK_ID).nullable(), ch: z.string().regex(SLACK_ID) };

const checkSchema = z.object({
  k: z.literal('check'),
  v: z.literal(2),
  /** Issued at, epoch seconds. */
  t: z.number().int(),
  r: checkRequestSchema,
  /** Last seen state: "what" → "outcome" (see state.ts). */
  s: z.record(z.string().max(300), z.string().max(60)),
  /** Who asked first (a Slack user id), so a re-check keeps saying it. */
  b: z.string().regex(SLACK_ID).optional(),
  /** The workspace and the conversation the button was made for: a click anywhere else is refused. */
  ...placeFields,
  /** How it was first asked (command, paste, shortcut), for the audit line of a re-run. */
  u: z.enum(['command', 'paste', 'shortcut']),
});
const stopSchema = z.object({ k: z.literal('stop'), v: z.literal(2), t: z.number().int(), w: z.string().min(1).max(64), ...placeFields });
const feedbackSchema = z.object({ k: z.literal('fb'), v: z.literal(2), t: z.number().int(), c: z.string().min(1).max(80), i: z.number().int().min(0).max(50), ...placeFields });
/**
 * One answer to a question (rules/questions.ts): the request to run again, and the answer this button gives (one
 * key of Answers). Like a check value it keeps who asked first and how, and is bound to where it was made.
 */
const answerSchema = z.object({
  k: z.literal('answer'),
  v: z.literal(2),
  t: z.number().int(),
  r: checkRequestSchema,
  x: answersSchema.refine((a) => Object.keys(a).length === 1, 'one answer per button'),
  b: z.string().regex(SLACK_ID).optional(),
  ...placeFields,
  u: z.enum(['command', 'paste', 'shortcut']),
});
/** The parts of an answer a view button can show (render/slack/blocks.ts says what each holds). */
export const VIEW_PARTS = ['first', 'steps', 'causes'] as const;
export type ViewPart = (typeof VIEW_PARTS)[number];
/**
 * Another view of the same answer (all steps, the other causes, another OS's commands, the first view again): the
 * request to run again and what to show. Like a check value it keeps who asked first and how, and is bound to where
 * it was made; it carries no state (a view is not a re-check, so it says nothing about what changed).
 */
const viewSchema = z.object({
  k: z.literal('view'),
  v: z.literal(2),
  t: z.number().int(),
  r: checkRequestSchema,
  /** Which part. */
  p: z.enum(VIEW_PARTS),
  /** Whose commands; absent: the OS the answer picks itself (render/glance.ts likelyOs). */
  o: z.enum(OSES).optional(),
  b: z.string().regex(SLACK_ID).optional(),
  ...placeFields,
  u: z.enum(['command', 'paste', 'shortcut']),
});
const valueSchema = z.discriminatedUnion('k', [checkSchema, stopSchema, feedbackSchema, answerSchema, viewSchema]);

export type CheckValue = z.infer<typeof checkSchema>;
export type StopValue = z.infer<typeof stopSchema>;
export type FeedbackValue = z.infer<typeof feedbackSchema>;
export type AnswerValue = z.infer<typeof answerSchema>;
export type ViewValue = z.infer<typeof viewSchema>;
export type ButtonValue = z.infer<typeof valueSchema>;

export type Decoded = { ok: true; value: ButtonValue } | { ok: false; reason: 'forged' | 'stale' | 'malformed' };

/** Where a button sits: the workspace (null when Slack does not say) and the conversation. */
export interface Place {
  team: string | null;
  channel: string;
}

/** The signing key: explicit, or derived from the bot token so every instance of one app agrees. */
export function buttonKey(secret: string | null, botToken: string): Buffer {
  return createHash('sha256').update(secret ?? `refused-button-key:${botToken}`).digest();
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
}

export function encode(value: ButtonValue, key: Buffer): string {
  const body = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${body}.${mac(key, body)}`;
}

export function decode(raw: unknown, key: Buffer, nowS: number): Decoded {
  if (typeof raw !== 'string' || raw.length > MAX_VALUE) return { ok: false, reason: 'malformed' };
  const dot = raw.lastIndexOf('.');
  if (dot <= 0) return { ok: false, reason: 'malformed' };
  const body = raw.slice(0, dot);
  const want = Buffer.from(mac(key, body));
  const got = Buffer.from(raw.slice(dot + 1));
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: 'forged' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = valueSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (nowS - parsed.data.t > MAX_AGE_S || parsed.data.t - nowS > 300) return { ok: false, reason: 'stale' };
  return { ok: true, value: parsed.data };
}

const keep = <T>(schema: z.ZodType<T>, v: unknown): T | null => {
  const r = schema.safeParse(v);
  return r.success ? r.data : null;
};

/**
 * The facts cut down to what a re-run needs, every field that does not have its expected shape dropped
 * (null or left out) rather than carried: a field is only ever a name, a number or a word from a closed list.
 */
export function checkFacts(f: Facts): CheckFacts {
  const fields = factsSchema.shape;
  const list = <T>(schema: z.ZodType<T>, items: readonly unknown[], max: number) => items.map((x) => keep(schema, x)).filter((x): x is T => x !== null).slice(0, max);
  const endpoint = (e: Facts['proxy']) => (e ? keep(fields.proxy, { host: redact(e.host), port: e.port }) : null);
  return {
    kind: f.kind,
    host: f.host ? keep(HOST, redact(f.host)) : null,
    port: keep(PORT, f.port),
    portInferred: f.portInferred,
    addresses: list(fields.addresses.element, f.addresses, MAX_ADDRESSES),
    unixSocket: f.unixSocket ? keep(fields.unixSocket, redact(f.unixSocket)) : null,
    runtime: f.runtime,
    client: keep(fields.client, f.client),
    service: f.service,
    os: f.os,
    proxy: endpoint(f.proxy),
    destination: endpoint(f.destination),
    scheme: keep(fields.scheme, f.scheme),
    tls: f.tls,
    errno: keep(fields.errno, f.errno),
    hints: list(fields.hints.element, f.hints, MAX_HINTS),
    signature: keep(fields.signature, f.signature),
    ...answersOf(f.answers),
  };
}

/** The answers a value carries: left out when there are none, so values without answers stay as they were. */
function answersOf(answers: Answers | undefined): { answers?: Answers } {
  const kept = answers ? keep(answersSchema, answers) : null;
  return kept && Object.keys(kept).length > 0 ? { answers: kept } : {};
}

/** A URL as a button may carry it: scheme, host, port and path; no userinfo, query or fragment. Null if unreadable. */
export function bareUrl(url: string): string | null {
  try {
    const u = new URL(url.trim());
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return keep(checkRequestSchema.shape.url, redact(u.toString()));
  } catch {
    return null;
  }
}

/** What a button carries to run a diagnosis again: built from the diagnosis, never from the request's text. */
export function checkRequest(req: DiagnoseRequest, d: { facts: Facts; vantages?: { kind: string; name: string }[] }): CheckRequest {
  // The agents this answer ran on, so a Re-check or a Watch runs on the same vantage points.
  const agents = (d.vantages ?? []).filter((v) => v.kind === 'agent').map((v) => v.name).slice(0, 16);
  const vp = agents.length > 0 ? { vp: agents } : {};
  if (req.type === 'facts') return { f: checkFacts(req.facts), url: req.url === null ? null : bareUrl(req.url), typed: req.typed, ...vp };
  return { f: checkFacts(d.facts), url: req.type === 'url' ? bareUrl(req.url) : null, typed: req.type !== 'paste', ...vp };
}

/** The request a decoded button runs again. */
/** A stored request (a watch read back from the store) checked as strictly as a button's; null when it is not one. */
export function readCheckRequest(stored: unknown): CheckRequest | null {
  const r = checkRequestSchema.safeParse(stored);
  return r.success ? r.data : null;
}

export function toDiagnoseRequest(r: CheckRequest): DiagnoseRequest {
  return { type: 'facts', facts: { ...r.f, matched: null, notes: [] }, url: r.url, typed: r.typed };
}

export interface CheckSpec {
  request: CheckRequest;
  state: Record<string, string>;
  place: Place;
  origin: CheckValue['u'];
  askedBy?: string | null;
}

/** Who asked first, as a value carries it: only a well-formed Slack user id. */
const askedByOf = (askedBy: string | null | undefined) => (askedBy && SLACK_ID.test(askedBy) ? { b: askedBy } : {});

/** The request cut to fit when a value is still too long: two addresses, no hints. */
const slim = (r: CheckRequest): CheckRequest => ({ ...r, f: { ...r.f, addresses: r.f.addresses.slice(0, 2), hints: [] } });

/** A check value that fits Slack's 2000 characters: the state is trimmed first, then the addresses and hints. */
export function encodeCheck(spec: CheckSpec, key: Buffer, nowS: number): string {
  const by = askedByOf(spec.askedBy);
  const make = (r: CheckRequest, s: Record<string, string>) =>
    encode({ k: 'check', v: 2, t: nowS, r, s, ...by, ...placeOf(spec.place), u: spec.origin }, key);
  const entries = Object.entries(spec.state);
  let value = make(spec.request, spec.state);
  while (value.length > MAX_VALUE && entries.length > 0) {
    entries.pop();
    value = make(spec.request, Object.fromEntries(entries));
  }
  if (value.length <= MAX_VALUE) return value;
  return make(slim(spec.request), {});
}

export interface AnswerSpec {
  request: CheckRequest;
  /** The answer this button gives: one key of Answers. */
  answer: Answers;
  place: Place;
  origin: AnswerValue['u'];
  askedBy?: string | null;
}

/** An answer value that fits Slack's 2000 characters (addresses and hints are trimmed first, as for a check). */
export function encodeAnswer(spec: AnswerSpec, key: Buffer, nowS: number): string {
  const by = askedByOf(spec.askedBy);
  const make = (r: CheckRequest) => encode({ k: 'answer', v: 2, t: nowS, r, x: spec.answer, ...by, ...placeOf(spec.place), u: spec.origin }, key);
  const value = make(spec.request);
  if (value.length <= MAX_VALUE) return value;
  return make(slim(spec.request));
}

/** Which view a view button shows: the part, and the OS whose commands it shows (null: the answer's own pick). */
export interface ViewSpec {
  part: ViewPart;
  os: Os | null;
}

export interface ViewValueSpec {
  request: CheckRequest;
  view: ViewSpec;
  place: Place;
  origin: ViewValue['u'];
  askedBy?: string | null;
}

/** A view value that fits Slack's 2000 characters (addresses and hints are trimmed first, as for a check). */
export function encodeView(spec: ViewValueSpec, key: Buffer, nowS: number): string {
  const by = askedByOf(spec.askedBy);
  const os = spec.view.os ? { o: spec.view.os } : {};
  const make = (r: CheckRequest) => encode({ k: 'view', v: 2, t: nowS, r, p: spec.view.part, ...os, ...by, ...placeOf(spec.place), u: spec.origin }, key);
  const value = make(spec.request);
  if (value.length <= MAX_VALUE) return value;
  return make(slim(spec.request));
}

/** The request with one more answer (a later answer to the same question replaces the earlier one). */
export function withAnswer(r: CheckRequest, answer: Answers): CheckRequest {
  return { ...r, f: { ...r.f, answers: { ...r.f.answers, ...answer } } };
}

/** The fields that bind a value to where it was made. */
export function placeOf(place: Place): { tm: string | null; ch: string } {
  return { tm: place.team, ch: place.channel };
}

/**
 * Why a genuine value may not be used where it was clicked: made for another workspace or another
 * conversation (copied out of a message, or replayed by hand). Null when it may.
 */
export function misplaced(value: ButtonValue, place: Place): 'team' | 'channel' | null {
  if (value.tm !== null && place.team !== null && value.tm !== place.team) return 'team';
  if (value.ch !== place.channel) return 'channel';
  return null;
}
