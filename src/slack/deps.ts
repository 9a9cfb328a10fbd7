// What every handler needs, passed in. A test builds this by hand and calls a handler with a fake Slack
// client; the running bot builds it once in app.ts.
import type { webApi } from '@slack/bolt';
import type { Diagnosis } from '../domain/types.js';
import type { DiagnoseRequest } from '../request.js';
import type { History, Seen } from './history.js';
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
  /** For the Home tab: where this instance probes from and what it may probe, in words. */
  home: { vantage: string; policy: string[] };
}
