import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { COMMAND } from '../../ids.js';
import { handleRefusedCommand } from './refused.js';

export function registerCommands(app: App, deps: Deps): void {
  app.command(COMMAND, async ({ command, ack, respond, client }) => {
    // Slack hands a command it saw no ack for to another connection (another replica): answered once.
    if (command.trigger_id && !(await deps.deliveries.firstBeforeAck(`cmd:${command.trigger_id}`))) {
      deps.log.info('duplicate_delivery', { kind: 'command', user: command.user_id });
      await ack();
      return;
    }
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
