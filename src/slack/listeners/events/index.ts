import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { handleMessage, type MessageInput } from './message.js';

/** The workspace of an event: the event's own `team`, else its envelope's `team_id`. */
function teamOf(event: unknown, body: unknown): string | undefined {
  const own = (event as { team?: unknown }).team;
  const envelope = (body as { team_id?: unknown }).team_id;
  return typeof own === 'string' ? own : typeof envelope === 'string' ? envelope : undefined;
}

export function registerEvents(app: App, deps: Deps): void {
  // Bolt's own ignoreSelf middleware drops our own posts already; handleMessage checks again so a test
  // (or another receiver) cannot make the bot answer itself.
  app.event('message', async ({ event, body, client }) => {
    await deps.work.track(handleMessage({ ...(event as unknown as MessageInput), type: 'message', team: teamOf(event, body) }, client, deps));
  });
  app.event('app_mention', async ({ event, body, client }) => {
    await deps.work.track(handleMessage({ ...(event as unknown as MessageInput), type: 'app_mention', team: teamOf(event, body) }, client, deps));
  });
}
