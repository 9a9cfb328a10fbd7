// The steps every surface shares: run a diagnosis (bounded, logged, remembered), build its message with
// signed buttons, and post it where it belongs, falling back when Slack will not let the bot post.
import { hostPort } from '../domain/describe.js';
import type { Diagnosis, Facts } from '../domain/types.js';
import { keepEnds } from '../parse/cut.js';
import { redact } from '../parse/redact.js';
import { renderBlocks, type RenderContext, type SlackMessage, type View } from '../render/slack/blocks.js';
import { diagnosisMetadata } from '../render/slack/metadata.js';
import { likelyOs } from '../render/glance.js';
import type { DiagnoseRequest } from '../request.js';
import { checkRequest, encode, encodeAnswer, encodeCheck, encodeView, placeOf, type CheckValue, type Place } from './button-value.js';
import { answerClauses, pickQuestion } from '../rules/questions.js';
import type { Answers } from '../domain/types.js';
import type { Deps, SlackClient } from './deps.js';
import { clipText, rateLimitedWords, type RateVerdict, STORE_DOWN_WORDS, type StoreDown } from './limits.js';
import { snapshot } from './state.js';
import { incidentNote, Incidents } from './incidents.js';
import { factsFor } from '../diagnose.js';
import { isLoopback } from '../policy/index.js';
import { compareVantages } from '../rules/vantage-gap.js';
import { Abandoned, Busy, DeadlineExceeded, Draining } from '../errors.js';
import type { Ticket } from './work.js';

/** Slack errors that mean "this bot may not post here", as opposed to a failure worth retrying. */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_reply_to_message', 'team_access_not_granted', 'ekm_access_denied']);

/** The error code of a Slack Web API platform error ("not_in_channel"), or null for anything else. */
export function slackError(err: unknown): string | null {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : null;
}

export function cannotPost(err: unknown): boolean {
  const code = slackError(err);
  return code !== null && CANNOT_POST.has(code);
}

/** A request in a few words, for messages and logs; a paste is never echoed (it may hold secrets). */
export function describeRequest(req: DiagnoseRequest): string {
  switch (req.type) {
    case 'target':
      return hostPort(req.host, req.port);
    case 'url':
      return redact(req.url);
    case 'paste':
      return 'a pasted error';
    case 'facts':
      return endpointOf(req.facts) ?? 'a pasted error';
  }
}

/** The socket path, or host:port, that facts name; null when they name neither. */
function endpointOf(f: Facts): string | null {
  if (f.unixSocket) return f.unixSocket;
  return f.host ? hostPort(f.host, f.port) : null;
}

/** What was diagnosed, from the diagnosis itself when the request was a paste. */
export function targetOf(req: DiagnoseRequest, d: Diagnosis | null): string {
  if ((req.type !== 'paste' && req.type !== 'facts') || !d) return describeRequest(req);
  return endpointOf(d.facts) ?? 'a pasted error';
}

export interface Asked {
  /** 'view': a button that shows another view of an answer (all steps, other causes, another OS). */
  source: 'command' | 'message' | 'mention' | 'dm' | 'shortcut' | 'recheck' | 'watch' | 'answer' | 'view';
  user: string;
  channel: string | null;
  /** The place in line admit() promised; runDiagnosis hands it to Work.run. */
  ticket?: Ticket | null;
  /** When admitHere() counted the request on this replica; confirmAdmission() counts it in the store at the same time. */
  admittedAt?: number;
  /** The workspace, when the payload says: its feedback counts move the causes (slack/votes.ts). */
  team?: string | null;
  /** The probe agents to ask (`/refused … from office`, or what a button carries); absent: every agent known. */
  vantages?: string[] | null;
}

/** The surface in the audit log's words: every message-borne question (channel, mention, DM) is a paste. */
export type SurfaceKind = 'command' | 'paste' | 'shortcut' | 'recheck' | 'watch' | 'answer' | 'view';

export function kindOf(source: Asked['source']): SurfaceKind {
  return source === 'message' || source === 'mention' || source === 'dm' ? 'paste' : source;
}

/** host:port (or a socket path) the request or its diagnosis names, for the audit log; "none" when nothing. */
export function auditTarget(req: DiagnoseRequest, d: Diagnosis | null): string {
  if (d) return endpointOf(d.facts) ?? 'none';
  if (req.type === 'facts') return endpointOf(req.facts) ?? 'none';
  return req.type === 'paste' ? 'none' : describeRequest(req);
}

/** The addresses and ports the probes touched, deduplicated and bounded (a log line stays one line). */
export function probedEndpoints(d: Diagnosis, max = 32): string[] {
  const out = new Set<string>();
  for (const e of d.evidence) {
    if (out.size >= max) break;
    if (e.type === 'tcp' || e.type === 'nearby') out.add(hostPort(e.address, e.port));
    else if (e.type === 'unix') out.add(e.path);
  }
  return [...out];
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** One line per probe run: what was touched and what came back, in counts. */
function probeBatch(d: Diagnosis): Record<string, unknown> {
  const tcp: Record<string, number> = {};
  const nearby: Record<string, number> = {};
  const addresses = new Set<string>();
  const other: string[] = [];
  let dns: string | null = null;
  for (const e of d.evidence) {
    switch (e.type) {
      case 'tcp':
        addresses.add(e.address);
        count(tcp, e.outcome);
        break;
      case 'nearby':
        count(nearby, e.outcome);
        break;
      case 'dns':
        if (!e.literal) dns = e.error ?? `${e.addresses.length} address${e.addresses.length === 1 ? '' : 'es'}`;
        break;
      case 'banner':
        other.push(`banner ${e.protocol}`);
        break;
      case 'tls':
        other.push(e.ok ? 'tls ok' : `tls ${e.verifyError ?? e.error ?? 'failed'}`);
        break;
      case 'http':
        other.push(e.status !== null ? `http ${e.status}` : `http ${e.error ?? 'failed'}`);
        break;
      case 'unix':
        other.push(`unix ${e.outcome}`);
        break;
    }
  }
  const held = d.plan.skipped.filter((s) => s.reason === 'policy').length;
  return { targets: d.plan.targets.map((t) => hostPort(t.host, t.port)), addresses: addresses.size, dns, tcp, nearby, other: other.slice(0, 16), probes: d.evidence.length, ...(held > 0 ? { heldBack: held } : {}) };
}

/** Runs the engine under the work limits, and writes the audit lines: diagnosis, probe_batch, policy_refused. */
export async function runDiagnosis(deps: Deps, req: DiagnoseRequest, asked: Asked): Promise<Diagnosis> {
  const started = Date.now();
  const who = { user: asked.user, channel: asked.channel, kind: kindOf(asked.source), source: asked.source };
  let d: Diagnosis;
  try {
    // The workspace's votes are read before the slot is taken (a store round trip must not hold a slot).
    const feedback = await deps.votes.counts(asked.team ?? null);
    const own = deps.work.run((signal) => deps.diagnose(req, signal, feedback.size > 0 ? feedback : undefined), asked.ticket);
    // The agents probe at the same time as the bot (never after it), each under the same deadline.
    const facts = deps.agents ? factsFor(req) : null;
    const names = facts ? agentsFor(deps, asked, req, facts) : [];
    if (names.length === 0 || !deps.agents || !facts) d = await own;
    else {
      own.catch(() => undefined);
      const seen = deps.agents.ask(names, checkRequest(req, { facts }), deps.agents.deadlineMs);
      const [mine, theirs] = await Promise.all([own, seen]);
      d = compareVantages(mine, deps.home.vantage, theirs);
      deps.log.info('vantages', { ...who, asked: names, states: theirs.map((r) => `${r.name}:${r.state}`), gap: d.causes[0]?.id === 'vantage-gap' });
    }
  } catch (err) {
    if (err instanceof Busy) {
      deps.log.warn('busy', { ...who, target: auditTarget(req, null), running: err.running, queued: err.queued });
    } else {
      const outcome = err instanceof Abandoned ? 'abandoned' : err instanceof Draining ? 'draining' : err instanceof DeadlineExceeded ? 'deadline' : 'failed';
      deps.log.warn('diagnosis', { ...who, target: auditTarget(req, null), probed: [], cause: null, outcome, error: err, ms: Date.now() - started });
    }
    throw err;
  }
  const target = targetOf(req, d);
  const ms = Date.now() - started;
  if (d.evidence.length > 0) deps.log.info('probe_batch', { ...who, target: auditTarget(req, d), ...probeBatch(d), ms: Math.round(d.durationMs) });
  for (const s of d.plan.skipped) {
    if (s.reason === 'policy') deps.log.warn('policy_refused', { ...who, host: s.host, port: s.port, reason: s.detail });
  }
  deps.log.info('diagnosis', {
    ...who,
    target: auditTarget(req, d),
    probed: probedEndpoints(d),
    cause: d.causes[0]?.id ?? null,
    outcome: 'diagnosed',
    verdict: d.verdict,
    ms,
  });
  // A watch's checks and another view of the same answer are not new questions for the person's history.
  if (asked.source !== 'watch' && asked.source !== 'view') {
    void deps.history.add(asked.user, { at: d.vantage.at.slice(0, 16).replace('T', ' '), what: target, verdict: d.verdict, channel: asked.channel });
  }
  return d;
}

/**
 * The agents a diagnosis asks: the ones named (`from office`, a button's), else every agent known. None when the
 * request names no host, and none for a pasted localhost: that is the reporter's own machine, which no agent sees.
 */
function agentsFor(deps: Deps, asked: Asked, req: DiagnoseRequest, facts: Facts): string[] {
  if (!deps.agents || facts.host === null) return [];
  const typed = req.type === 'facts' ? req.typed : req.type !== 'paste';
  if (!typed && isLoopback(facts.host)) return [];
  return (asked.vantages ?? deps.agents.names()).filter((name) => agentServes(deps, name, asked.channel));
}

/** An agent bound to channels (REFUSED_AGENT_CHANNELS) serves only those; an unbound one serves every channel. */
export function agentServes(deps: Pick<Deps, 'agents'>, name: string, channel: string | null): boolean {
  const bound = deps.agents?.channels?.get(name);
  return !bound || (channel !== null && bound.has(channel));
}

export const BUSY_WORDS = ':hourglass: I am busy with other diagnoses right now; try again in a minute.';

/** What to tell a person whose diagnosis did not run or did not finish. */
export function failureWords(err: unknown): string {
  if (err instanceof Busy) return BUSY_WORDS;
  if (err instanceof Abandoned) return ':hourglass: The bot is restarting and this diagnosis did not finish, so there is no answer; ask again in a moment.';
  if (err instanceof Draining) return ':hourglass: This instance of refused is restarting; try again in a moment.';
  if (err instanceof DeadlineExceeded) return `:warning: The diagnosis took longer than its deadline (${Math.round(err.ms / 1000)} s) and was stopped.`;
  return ':warning: The diagnosis failed unexpectedly; the bot logged the details.';
}

/** For a message that promised an answer: the diagnosis did not finish, and what to do. Never a cause. */
export function unfinishedWords(err: unknown): string {
  if (err instanceof Draining) return ':hourglass: No answer: the bot restarted before the diagnosis finished. Run `/refused` again in a moment.';
  if (err instanceof Busy) return ':hourglass: No answer: the bot was too busy. Run `/refused` again in a minute.';
  if (err instanceof DeadlineExceeded) return `:warning: No answer: the diagnosis took longer than its deadline (${Math.round(err.ms / 1000)} s) and was stopped.`;
  return ':warning: No answer: the diagnosis failed unexpectedly (the bot logged the details).';
}

/**
 * Admission before any work is promised: the rate limits, then the waiting line. Returns null when the
 * request may go ahead, else the private words to answer with (the refusal is logged here).
 */
export async function admit(deps: Deps, asked: Asked, req: DiagnoseRequest | null): Promise<string | null> {
  return inLine(deps, asked, req, await deps.limits.check(asked.user, asked.channel, deps.now().getTime()));
}

/**
 * A slash command's admission before its ack, with no store call (the ack waits for nothing but this process):
 * this replica's own count, then the waiting line. Where admit() returns null, the request is admitted here
 * for now: confirmAdmission() asks the store after the ack, before anything is posted.
 */
export function admitHere(deps: Deps, asked: Asked, req: DiagnoseRequest): string | null {
  const at = deps.now().getTime();
  const words = inLine(deps, asked, req, deps.limits.checkHere(asked.user, asked.channel, at));
  if (words === null) asked.admittedAt = at;
  return words;
}

/**
 * After the ack of a request admitHere() let in: the count of every replica (the store) decides. Returns null
 * when it may run, else the private words to answer with; a refused request gives its place in line back.
 */
export async function confirmAdmission(deps: Deps, asked: Asked, req: DiagnoseRequest): Promise<string | null> {
  const v = await deps.limits.confirm(asked.user, asked.channel, asked.admittedAt ?? deps.now().getTime());
  if (v.ok) return null;
  if (asked.ticket) deps.work.release(asked.ticket);
  asked.ticket = null;
  return refusedWords(deps, asked, req, v);
}

function refusedWords(deps: Deps, asked: Asked, req: DiagnoseRequest | null, v: Exclude<RateVerdict | StoreDown, { ok: true }>): string {
  const who = { user: asked.user, channel: asked.channel, kind: kindOf(asked.source), source: asked.source };
  if (v.scope === 'store') {
    deps.log.warn('rate_limited', { ...who, target: req ? auditTarget(req, null) : 'none', limit: 'store', hint: 'the store is unreachable and REFUSED_LIMITS_WITHOUT_STORE=closed' });
    return STORE_DOWN_WORDS;
  }
  deps.log.warn('rate_limited', { ...who, target: req ? auditTarget(req, null) : 'none', limit: v.scope, count: v.count, max: v.limit, retryInS: v.retryInS });
  return rateLimitedWords(v, deps.limits.config.windowMs);
}

/** After the rate limits' verdict: a refusal's words, or a place in the waiting line (null when there is one). */
function inLine(deps: Deps, asked: Asked, req: DiagnoseRequest | null, v: RateVerdict | StoreDown): string | null {
  if (!v.ok) return refusedWords(deps, asked, req, v);
  const who = { user: asked.user, channel: asked.channel, kind: kindOf(asked.source), source: asked.source };
  // Only a real request takes a place (overLimit asks with none).
  const ticket = req ? deps.work.reserve() : deps.work.full ? null : undefined;
  if (ticket === null) {
    deps.log.warn('busy', { ...who, target: req ? auditTarget(req, null) : 'none', running: deps.work.active, queued: deps.work.queued, reserved: deps.work.reserved });
    return BUSY_WORDS;
  }
  if (ticket) asked.ticket = ticket;
  return null;
}

/**
 * Before reading a paste (parsing is the costly part of taking a message): true when the person or channel is
 * already over its limit and has been told so in this window, so the text need not be read at all. Then a
 * flood of pastes at the size cap costs a map lookup each, and other people's acks are not kept waiting.
 */
export async function alreadyRefused(deps: Deps, asked: Asked): Promise<boolean> {
  return deps.notices.told(asked.user, deps.now().getTime()) && (await overLimit(deps, asked)) !== null;
}

/**
 * Before reading a request: when the person or channel is already over its limit, the words to refuse it with
 * (admit writes the audit line; the target is unknown, since the text was not read). Null while under it.
 */
export async function overLimit(deps: Deps, asked: Asked): Promise<string | null> {
  return deps.limits.over(asked.user, asked.channel, deps.now().getTime()) ? admit(deps, asked, null) : null;
}

/** overLimit() on this replica's own count alone, with no store call: for an answer that must not wait (an ack). */
export function overHere(deps: Deps, asked: Asked): string | null {
  const now = deps.now().getTime();
  return deps.limits.over(asked.user, asked.channel, now) ? inLine(deps, asked, null, deps.limits.checkHere(asked.user, asked.channel, now)) : null;
}

/** Lets waiting I/O (acks above all) go first before a stretch of CPU work such as parsing a large paste. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Pasted text cut to the bot's paste limit (`maxPasteBytes` of UTF-8) as the parser cuts a long paste
 * (parse/cut.ts keepEnds): its start and its end, the newest error being usually last, with a marker line for
 * the middle. The answer says what was cut once, from the parser: parse() reads the marker and adds its note to
 * the facts (the JSON notes), and the Slack renderer shows that note: the only place it is said.
 */
export function clipPaste(deps: Pick<Deps, 'maxPasteBytes'>, text: string): string {
  return keepEndsBytes(text, deps.maxPasteBytes);
}

/** keepEnds() at a budget of UTF-8 bytes rather than characters (the marker line included). */
export function keepEndsBytes(text: string, maxBytes: number): string {
  // Cheap exit: a UTF-16 string takes at most 3 UTF-8 bytes per code unit.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  let maxChars = Math.min(maxBytes, text.length - 1);
  // Characters of several bytes: shrink the character budget by the excess until the bytes fit (a step or two).
  for (let i = 0; i < 8; i++) {
    const kept = keepEnds(text, { maxChars });
    const bytes = Buffer.byteLength(kept.text);
    if (bytes <= maxBytes) return kept.text;
    maxChars = Math.floor((maxChars * maxBytes) / Math.max(bytes, maxBytes + 1)) - 1;
    if (maxChars < 128) break;
  }
  // Not reached with a budget of a KB or more; the start alone, as a last resort, never over the budget.
  return clipText(text, maxBytes).text;
}

/** Where and how a diagnosis was asked for: what its buttons are bound to. */
export interface Origin extends Place {
  how: CheckValue['u'];
}

export function originOf(asked: Asked, team: string | null): Origin | null {
  if (!asked.channel) return null;
  const kind = kindOf(asked.source);
  return { team, channel: asked.channel, how: kind === 'recheck' || kind === 'watch' || kind === 'answer' || kind === 'view' ? 'command' : kind };
}

/**
 * The diagnosis as a message, with signed Re-check/Watch, view and feedback buttons unless `buttons` is false, and
 * the message metadata (render/slack/metadata.ts) that chat.postMessage and chat.update carry. A button carries
 * the parsed target and where it was made, never the text: it travels to everyone who can read the channel.
 * `view` says which view to show (absent: the first view).
 */
export function diagnosisMessage(
  deps: Deps,
  d: Diagnosis,
  req: DiagnoseRequest,
  extra: Omit<RenderContext, 'checkValue' | 'feedbackValue' | 'question' | 'answers' | 'viewValue' | 'view'> & {
    buttons?: boolean;
    origin: Origin | null;
    answeredBy?: string | null;
    view?: View | null;
  },
): SlackMessage {
  const nowS = Math.floor(deps.now().getTime() / 1000);
  const { origin, answeredBy, view: asked, ...render } = extra;
  const buttons = (extra.buttons ?? true) && origin !== null;
  // Without view buttons an answer cannot show more later, so it shows every part at once.
  const view: View = asked ?? { part: buttons ? 'first' : 'all', os: null };
  const ctx: RenderContext = {
    ...render,
    view,
    // A view button runs the diagnosis again from what it carries, as Re-check does; also when nothing was probed.
    viewValue: buttons
      ? (v) => encodeView({ request: checkRequest(req, d), view: v, place: origin, origin: origin.how, askedBy: extra.requestedBy ?? null }, deps.key, nowS)
      : null,
    // Re-check and Watch repeat the probes; with nothing probed (a pasted localhost, no target) there is
    // nothing to repeat, so the buttons would only promise something.
    checkValue: buttons && d.probed
      ? encodeCheck({ request: checkRequest(req, d), state: snapshot(d), place: origin, origin: origin.how, askedBy: extra.requestedBy ?? null }, deps.key, nowS)
      : null,
    feedbackValue: buttons ? (i, cause) => encode({ k: 'fb', v: 2, t: nowS, c: String(cause.id).slice(0, 80), i, ...placeOf(origin) }, deps.key) : null,
    // A question is asked even when nothing was probed (a pasted localhost): there the answer is all there is to go on.
    question: buttons ? questionFor(deps, d, req, origin, extra.requestedBy ?? null, nowS) : null,
    answers: { clauses: answerClauses(d.facts.answers), by: answeredBy ?? null },
  };
  const os = view.os ?? likelyOs(d).os;
  return { ...renderBlocks(d, ctx), metadata: diagnosisMetadata(d, { part: view.part, os }) };
}

/** The question worth asking on this diagnosis (rules/questions.ts), each option a signed answer value; null: none. */
function questionFor(deps: Deps, d: Diagnosis, req: DiagnoseRequest, origin: Origin, askedBy: string | null, nowS: number): RenderContext['question'] {
  const picked = pickQuestion(d.causes, d.facts);
  if (!picked) return null;
  const request = checkRequest(req, d);
  const { question, between } = picked;
  return {
    text: question.text,
    between: [between[0].title, between[1].title],
    options: question.options.map((o) => ({
      label: o.label,
      value: encodeAnswer({ request, answer: { [question.id]: o.value } as Answers, place: origin, origin: origin.how, askedBy }, deps.key, nowS),
    })),
  };
}

/** Posts in a thread, with the message's metadata when it has some; returns the new message's ts. Throws Slack's error (callers decide on a fallback). */
export async function postInThread(client: SlackClient, channel: string, threadTs: string, msg: SlackMessage): Promise<string | undefined> {
  const res = await client.chat.postMessage({
    channel,
    thread_ts: threadTs,
    text: msg.text,
    blocks: msg.blocks,
    ...(msg.metadata ? { metadata: msg.metadata } : {}),
    unfurl_links: false,
    unfurl_media: false,
  });
  return res.ts;
}

/**
 * A new answer in a thread (from /refused, a paste, the shortcut): when another thread in the workspace asked about
 * the same target within the window, the answer links it and says what it found then; then this thread is
 * remembered for the next person. Throws Slack's error from the post (callers decide on a fallback).
 */
export async function postDiagnosis(
  deps: Deps,
  client: SlackClient,
  where: { channel: string; threadTs: string; team: string | null; user: string | null },
  d: Diagnosis,
  req: DiagnoseRequest,
  extra: { requestedBy: string | null; origin: Origin | null },
): Promise<void> {
  const thread = { channel: where.channel, ts: where.threadTs };
  const earlier = await deps.incidents.earlier(where.team, d, thread);
  const note = earlier ? await incidentNote(client, earlier, d, deps.now().getTime()) : null;
  if (earlier) deps.log.info('same_incident', { channel: where.channel, target: Incidents.key(d), earlierChannel: earlier.channel, earlierTs: earlier.ts, earlierCause: earlier.cause });
  await postInThread(client, where.channel, where.threadTs, diagnosisMessage(deps, d, req, { ...extra, note }));
  await deps.incidents.remember(where.team, d, thread, where.user);
}

/** Edits a message in place (chat.update), metadata included when the new message has some. Throws Slack's error. */
export async function updateMessage(client: SlackClient, channel: string, ts: string, msg: SlackMessage): Promise<void> {
  await client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks, ...(msg.metadata ? { metadata: msg.metadata } : {}) });
}

/** How to let the bot answer in the open, worded for where the person is. */
export function inviteHint(channel: string | null, botUserId: string): string {
  if (channel && (channel.startsWith('D') || channel.startsWith('G'))) {
    return `:lock: Only you can see this: I am not part of this conversation. DM me (<@${botUserId}>) or use a channel I am in to get answers everyone can see.`;
  }
  return `:lock: Only you can see this: I cannot post in this channel. Invite me with \`/invite <@${botUserId}>\` to get answers in threads.`;
}
