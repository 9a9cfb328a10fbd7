// Watch: keep checking with growing pauses for a bounded time and post in the thread when the state
// changes; Stop watching ends it. The watch lives in the store: whichever replica holds its lease runs it
// (slack/watches.ts), so the checks and the goodbye use the hooks here with that replica's own client.
import type { Diagnosis } from '../../../domain/types.js';
import { escape, shortMessage, type Block, type SlackMessage } from '../../../render/slack/blocks.js';
import { diagnosisMetadata } from '../../../render/slack/metadata.js';
import { encode, placeOf, readCheckRequest, toDiagnoseRequest } from '../../button-value.js';
import type { Deps, SlackClient } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { describeRequest, postInThread, runDiagnosis, targetOf } from '../../reply.js';
import { changes, snapshot } from '../../state.js';
import type { EndReason, Watch, WatchHooks } from '../../watches.js';
import { Busy, DeadlineExceeded, Draining } from '../../../errors.js';
import { messageRef, readValue, tellPrivately, type ActionInput, type ActionIO } from './common.js';

function withStop(mrkdwn: string, text: string, stopValue: string): SlackMessage {
  const blocks: Block[] = [
    ...shortMessage(mrkdwn, text).blocks,
    { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Stop watching', emoji: true }, action_id: ACTION.stopWatch, value: stopValue, style: 'danger' }] },
  ];
  return { text, blocks };
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 1 ? `${m} minute${m === 1 ? '' : 's'}` : `${Math.round(ms / 1000)} seconds`;
}

export async function handleWatch(a: ActionInput, io: ActionIO, deps: Deps): Promise<void> {
  await io.ack();
  const value = await readValue(a, 'check', io, deps);
  if (!value) return;
  const where = messageRef(a);
  if (!where) {
    await tellPrivately(io, 'I can only watch from a diagnosis posted in a conversation.');
    return;
  }
  if (deps.work.draining) {
    await tellPrivately(io, ':hourglass: The bot is restarting; click Watch again in a moment.');
    return;
  }
  const client = io.client;
  const what = describeRequest(toDiagnoseRequest(value.r));
  // What is stored is the checked, redacted request the button carried: never a paste.
  const started = await deps.watches.start({ user: a.user.id, team: value.tm, channel: where.channel, threadTs: where.threadTs, request: value.r, what, state: value.s });
  if (!started.ok) {
    deps.log.info('watch_refused', { user: a.user.id, reason: started.reason });
    await tellPrivately(io, `:no_entry: I cannot start another watch: ${started.reason}.`);
    return;
  }
  const w = started.watch;
  deps.log.info('watch_started', { user: w.user, channel: w.channel, target: w.what, id: w.id, minutes: deps.watches.limits.durationMs / 60_000 });
  const stop = stopValue(w, deps);
  const msg = withStop(
    `:eyes: <@${escape(w.user)}> is watching \`${escape(w.what)}\` for ${minutes(deps.watches.limits.durationMs)}. I will post here when something changes.`,
    `Watching ${w.what} for ${minutes(deps.watches.limits.durationMs)}.`,
    stop,
  );
  await postInThread(client, w.channel, w.threadTs, msg).catch((err: unknown) => deps.log.warn('post_failed', { source: 'watch', error: err }));
}

function stopValue(w: Watch, deps: Deps): string {
  return encode({ k: 'stop', v: 2, t: Math.floor(deps.now().getTime() / 1000), w: w.id, ...placeOf({ team: w.team, channel: w.channel }) }, deps.key);
}

/** What a replica does with the watches it holds: check and post, say goodbye. */
export function watchHooks(client: SlackClient, deps: Deps): WatchHooks {
  return { tick: (w) => tick(w, client, deps), end: (w, reason, by) => end(w, reason, by, client, deps) };
}

async function tick(w: Watch, client: SlackClient, deps: Deps): Promise<boolean> {
  // A record read back from the store is checked like a button value: one that is not a request ends the watch.
  const stored = readCheckRequest(w.request);
  if (stored === null) {
    deps.log.warn('watch_record_unreadable', { id: w.id, user: w.user });
    return false;
  }
  const request = toDiagnoseRequest(stored);
  let d: Diagnosis;
  try {
    d = await runDiagnosis(deps, request, { source: 'watch', user: w.user, channel: w.channel, team: w.team, vantages: stored.vp ?? null });
  } catch (err) {
    // A full waiting line or a slow check is a skipped check, not the end: the next one comes after a
    // longer pause. A shutdown keeps the watch too (its lease is handed back and another replica resumes it).
    // An engine failure ends the watch rather than spin.
    return err instanceof Busy || err instanceof DeadlineExceeded || err instanceof Draining;
  }
  const next = snapshot(d);
  const changed = changes(w.state, next);
  w.state = next;
  if (changed.length === 0) return true;
  deps.log.info('watch_changed', { id: w.id, user: w.user, channel: w.channel, target: w.what, changes: changed });
  const target = targetOf(request, d);
  const lines = changed.map((c) => `• ${escape(c)}`).join('\n');
  const msg: SlackMessage = {
    ...withStop(
      `:rotating_light: *\`${escape(target)}\` changed* (check ${w.checks})\n${lines}\n*Now:* ${escape(d.verdict)}`,
      `${target} changed: ${changed.join('; ')}. Now: ${d.verdict}`,
      stopValue(w, deps),
    ),
    // The new state as data, like every answer: a workflow can follow a watch without reading the words.
    metadata: diagnosisMetadata(d),
  };
  await postInThread(client, w.channel, w.threadTs, msg).catch((err: unknown) => deps.log.warn('post_failed', { source: 'watch', error: err }));
  return true;
}

async function end(w: Watch, reason: EndReason, by: string | null, client: SlackClient, deps: Deps): Promise<void> {
  deps.log.info('watch_ended', { id: w.id, user: w.user, target: w.what, reason, by, checks: w.checks });
  const words: Record<EndReason, string> = {
    expired: `:white_circle: Stopped watching \`${escape(w.what)}\` after ${minutes(deps.watches.limits.durationMs)} (${w.checks} checks).`,
    stopped: `:white_circle: <@${escape(by ?? w.user)}> stopped watching \`${escape(w.what)}\` after ${w.checks} checks.`,
    failed: `:warning: Stopped watching \`${escape(w.what)}\`: a check failed.`,
  };
  await postInThread(client, w.channel, w.threadTs, shortMessage(words[reason]));
}

export async function handleStopWatch(a: ActionInput, io: ActionIO, deps: Deps): Promise<void> {
  await io.ack();
  const value = await readValue(a, 'stop', io, deps);
  if (!value) return;
  const w = await deps.watches.stop(value.w, a.user.id);
  if (!w) await tellPrivately(io, 'That watch is not running any more (it ended, or someone stopped it).');
}
