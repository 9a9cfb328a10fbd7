// The App Home tab: how to use the bot, what this instance may probe, and the viewer's last diagnoses.
import { homeView } from '../../../render/slack/home.js';
import type { Deps, SlackClient } from '../../deps.js';

export async function publishHome(user: string, client: SlackClient, deps: Deps): Promise<void> {
  const view = homeView({ vantage: deps.home.vantage, policy: deps.home.policy, recent: await deps.history.recent(user), ...(deps.agents ? { agents: deps.agents.list() } : {}) });
  try {
    await client.views.publish({ user_id: user, view });
  } catch (err) {
    deps.log.warn('home_publish_failed', { user, error: err });
  }
}
