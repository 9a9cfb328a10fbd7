import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { publishHome } from './home.js';

export function registerViews(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab === 'home') await publishHome(event.user, client, deps);
  });
}
