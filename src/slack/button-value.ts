// What a button carries. Socket Mode hands each click to any of up to ten connections (and HTTP mode to any
// replica), so a button must carry everything its handler needs: the request to run again and the state
// it last saw. Values are signed so a crafted one is refused instead of probing whatever it names.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { DiagnoseRequest } from '../request.js';

/** Slack's limit for a button value. */
export const MAX_VALUE = 2000;
/** Older buttons are answered with "run it again": their request may no longer mean what it meant. */
export const MAX_AGE_S = 30 * 24 * 3600;

const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('paste'), text: z.string().min(1).max(4000) }),
  z.object({ type: z.literal('target'), host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535).nullable() }),
  z.object({ type: z.literal('url'), url: z.string().min(1).max(2000) }),
]);

const checkSchema = z.object({
  k: z.literal('check'),
  v: z.literal(1),
  /** Issued at, epoch seconds. */
  t: z.number().int(),
  r: requestSchema,
  /** Last seen state: "what" → "outcome" (see state.ts). */
  s: z.record(z.string().max(300), z.string().max(60)),
  /** Who asked first (a Slack user id), so a re-check keeps saying it. */
  b: z.string().regex(/^[A-Z0-9]{2,32}$/).optional(),
});
const stopSchema = z.object({ k: z.literal('stop'), v: z.literal(1), t: z.number().int(), w: z.string().min(1).max(64) });
const feedbackSchema = z.object({ k: z.literal('fb'), v: z.literal(1), t: z.number().int(), c: z.string().min(1).max(80), i: z.number().int().min(0).max(50) });
const valueSchema = z.discriminatedUnion('k', [checkSchema, stopSchema, feedbackSchema]);

export type CheckValue = z.infer<typeof checkSchema>;
export type StopValue = z.infer<typeof stopSchema>;
export type FeedbackValue = z.infer<typeof feedbackSchema>;
export type ButtonValue = z.infer<typeof valueSchema>;

export type Decoded = { ok: true; value: ButtonValue } | { ok: false; reason: 'forged' | 'stale' | 'malformed' };

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

/**
 * A check value that fits Slack's 2000 characters: the whole paste when it fits, else only the line the
 * verdict rests on (it parses to the same target), and the state trimmed last.
 */
export function encodeCheck(request: DiagnoseRequest, state: Record<string, string>, matched: string | null, key: Buffer, nowS: number, askedBy: string | null = null): string {
  const by = askedBy && /^[A-Z0-9]{2,32}$/.test(askedBy) ? { b: askedBy } : {};
  const make = (r: DiagnoseRequest, s: Record<string, string>) => encode({ k: 'check', v: 1, t: nowS, r, s, ...by }, key);
  let value = make(request, state);
  if (value.length <= MAX_VALUE) return value;
  let r = request;
  if (request.type === 'paste') {
    r = { type: 'paste', text: (matched ?? request.text).slice(0, 600) };
    value = make(r, state);
    if (value.length <= MAX_VALUE) return value;
  }
  const entries = Object.entries(state);
  while (entries.length > 0) {
    entries.pop();
    value = make(r, Object.fromEntries(entries));
    if (value.length <= MAX_VALUE) return value;
  }
  return value.length <= MAX_VALUE ? value : make(request.type === 'paste' ? { type: 'paste', text: request.text.slice(0, 300) } : r, {});
}
