// The same incident, several reporters: when a target that another diagnosis in the workspace checked a few
// minutes ago (REFUSED_SAME_INCIDENT_MINUTES) is asked about again, the new answer still comes, and it links the
// earlier thread and says what was found then. Only probed targets count: "localhost" in two people's pastes is
// two machines, not one incident.
import { hostPort } from '../domain/describe.js';
import type { Diagnosis } from '../domain/types.js';
import { escape } from '../render/slack/blocks.js';
import type { IncidentRecord, Store } from '../store/store.js';
import type { SlackClient } from './deps.js';

export interface Thread {
  channel: string;
  /** The thread's parent message. */
  ts: string;
}

export class Incidents {
  constructor(
    private readonly store: Pick<Store, 'noteIncident' | 'findIncident'>,
    readonly windowMs: number,
    private readonly onDown: (err: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The target an incident is known by: the first endpoint probed, in lower case; null when nothing was. */
  static key(d: Diagnosis): string | null {
    const t = d.plan.targets[0];
    return t && d.probed ? hostPort(t.host.toLowerCase(), t.port) : null;
  }

  /** The latest other thread about this diagnosis's target in the window; null when none (or the store is away). */
  async earlier(team: string | null, d: Diagnosis, here: Thread | null): Promise<IncidentRecord | null> {
    const key = Incidents.key(d);
    if (this.windowMs <= 0 || key === null) return null;
    try {
      const found = await this.store.findIncident(team ?? '-', key, this.now() - this.windowMs);
      if (!found || (here && found.channel === here.channel && found.ts === here.ts)) return null;
      return isRecord(found) ? found : null;
    } catch (err) {
      this.onDown(err);
      return null;
    }
  }

  /** Remembers that this thread answered about the target (for the next reporter). */
  async remember(team: string | null, d: Diagnosis, where: Thread, user: string | null): Promise<void> {
    const key = Incidents.key(d);
    if (this.windowMs <= 0 || key === null) return;
    const rec: IncidentRecord = { channel: where.channel, ts: where.ts, user, cause: d.causes[0]?.id ?? null, verdict: d.verdict.slice(0, 300), at: this.now() };
    await this.store.noteIncident(team ?? '-', key, rec, this.windowMs).catch(this.onDown);
  }
}

/** A stored record read back: the fields the link needs, each of the right kind (a stale record is skipped). */
function isRecord(r: IncidentRecord): boolean {
  return typeof r.channel === 'string' && typeof r.ts === 'string' && typeof r.verdict === 'string' && typeof r.at === 'number' && (r.cause === null || typeof r.cause === 'string');
}

function ago(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? 'less than a minute ago' : m === 1 ? 'a minute ago' : `${m} minutes ago`;
}

/**
 * The line that links the earlier thread: where, when, and what it found then, with whether the cause is the
 * same now. The link comes from chat.getPermalink; without it the channel alone is named.
 */
export async function incidentNote(client: SlackClient, earlier: IncidentRecord, d: Diagnosis, nowMs: number): Promise<string> {
  let link: string | null = null;
  try {
    const res = await client.chat.getPermalink({ channel: earlier.channel, message_ts: earlier.ts });
    link = typeof res.permalink === 'string' && /^https?:\/\/[^\s|<>]+$/.test(res.permalink) ? res.permalink : null;
  } catch {
    // No link (the bot left that channel, or Slack said no): the channel still tells people where to look.
  }
  // Slack shows no markup inside a link's label, so the channel is named beside the link, not in it.
  const where = link ? `<${link}|a thread> in <#${earlier.channel}>` : `a thread in <#${earlier.channel}>`;
  const same = earlier.cause !== null && earlier.cause === (d.causes[0]?.id ?? null);
  const then = earlier.cause ? `\`${escape(earlier.cause)}\`: ${escape(earlier.verdict)}` : escape(earlier.verdict);
  return `:link: *Same target as ${where}* ${ago(nowMs - earlier.at)}. Then: ${then}${same ? ' Same cause now.' : ''}`;
}
