import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { COMMAND } from '../../ids.js';
import { handleRefusedCommand } from './refused.js';

export function registerCommands(app: App, deps: Deps): void {
  app.command(COMMAND, async ({ command, ack, respond, client }) => {
    await deps.work.track(handleRefusedCommand(
      command,
      {
        ack: async (msg) => (msg ? ack({ response_type: 'ephemeral', text: msg.text, blocks: msg.blocks }) : ack()),
        respond: (msg) => respond({ ...msg, response_type: msg.response_type ?? 'ephemeral' }),
        client,
      },
      deps,
    ));
  });
}
