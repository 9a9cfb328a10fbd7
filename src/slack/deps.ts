// What every handler needs, passed in. A test builds this by hand and calls a handler with a fake Slack
// client; the running bot builds it once in app.ts.
import type { webApi } from '@slack/bolt';
import type { Diagnosis } from '../domain/types.js';
import type { DiagnoseRequest } from '../request.js';
import type { CauseCounts } from '../store/store.js';
import type { AgentHub } from '../agents/hub.js';
import type { Deliveries, History } from './history.js';
import type { Incidents } from './incidents.js';
import type { NoticeOnce, SharedLimits } from './limits.js';
import type { Log } from './log.js';
import type { Votes } from './votes.js';
import type { Watches } from './watches.js';
import type { Work } from './work.js';

export type SlackClient = webApi.WebClient;

export interface Deps {
  /**
   * The engine, bound to this instance's options (surface chat, timeouts, policy, rules); `feedback` is the
   * workspace's votes per cause, which move the causes' confidence (rules/feedback.ts).
   */
  diagnose(request: DiagnoseRequest, signal: AbortSignal, feedback?: ReadonlyMap<string, CauseCounts>): Promise<Diagnosis>;
  /** True when a text holds a connection error worth answering. */
  hasConnectionError(text: string): boolean;
  log: Log;
  now(): Date;
  /** Signs and checks button values. */
  key: Buffer;
  botUserId: string;
  work: Work;
  /** Each person's last diagnoses (App Home), in the store. */
  history: History;
  /** Slack deliveries already answered, across replicas (a retried event is answered once). */
  deliveries: Deliveries;
  /** Watches, run by whichever replica holds each one's lease. */
  watches: Watches;
  /** Per person and per channel rate limits on diagnoses, counted over every replica. */
  limits: SharedLimits;
  /** Recent diagnoses per target, to link the earlier thread when another person asks. */
  incidents: Incidents;
  /** "Fixed it" / "Didn't help" per message and per cause. */
  votes: Votes;
  /** The probe agents connected to this bot (REFUSED_AGENTS); absent in tests that need none. */
  agents?: Pick<AgentHub, 'names' | 'ask' | 'list'> & {
    deadlineMs: number;
    /** Agents bound to channels (REFUSED_AGENT_CHANNELS): asked only there. */
    channels?: ReadonlyMap<string, ReadonlySet<string>>;
  };
  /** One private notice per person per window for a rate-limited or refused paste; silence after that. */
  notices: NoticeOnce;
  /** Pasted text beyond this many bytes (UTF-8) is not read. */
  maxPasteBytes: number;
  /** For the Home tab: where this instance probes from and what it may probe, in words. */
  home: { vantage: string; policy: string[] };
}
