// What every handler needs, passed in. A test builds this by hand and calls a handler with a fake Slack
// client; the running bot builds it once in app.ts.
import type { webApi } from '@slack/bolt';
import type { Diagnosis } from '../domain/types.js';
import type { DiagnoseRequest } from '../request.js';
import type { History, Seen } from './history.js';
import type { NoticeOnce, RateLimits } from './limits.js';
import type { Log } from './log.js';
import type { Watches } from './watches.js';
import type { Work } from './work.js';

export type SlackClient = webApi.WebClient;

export interface Deps {
  /** The engine, bound to this instance's options (surface chat, timeouts, policy, rules). */
  diagnose(request: DiagnoseRequest, signal: AbortSignal): Promise<Diagnosis>;
  /** True when a text holds a connection error worth answering. */
  hasConnectionError(text: string): boolean;
  log: Log;
  now(): Date;
  /** Signs and checks button values. */
  key: Buffer;
  botUserId: string;
  work: Work;
  history: History;
  seen: Seen;
  watches: Watches;
  /** Per person and per channel rate limits on diagnoses. */
  limits: RateLimits;
  /** One private notice per person per window for a rate-limited or refused paste; silence after that. */
  notices: NoticeOnce;
  /** Pasted text beyond this many bytes (UTF-8) is not read. */
  maxPasteBytes: number;
  /** For the Home tab: where this instance probes from and what it may probe, in words. */
  home: { vantage: string; policy: string[] };
}
