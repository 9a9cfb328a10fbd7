import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { handleMessage, type MessageInput } from './message.js';

export function registerEvents(app: App, deps: Deps): void {
  // Bolt's own ignoreSelf middleware drops our own posts already; handleMessage checks again so a test
  // (or another receiver) cannot make the bot answer itself.
  app.event('message', async ({ event, client }) => {
    await deps.work.track(handleMessage({ ...(event as unknown as MessageInput), type: 'message' }, client, deps));
  });
  app.event('app_mention', async ({ event, client }) => {
    await deps.work.track(handleMessage({ ...(event as unknown as MessageInput), type: 'app_mention' }, client, deps));
  });
}
