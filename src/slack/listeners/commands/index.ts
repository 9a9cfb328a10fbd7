import type { App } from '@slack/bolt';
import type { SlackMessage } from '../../../render/slack/blocks.js';
import type { Deps } from '../../deps.js';
import { COMMAND } from '../../ids.js';
import type { EarlyAck } from '../../receiver.js';
import { type CommandInput, type CommandIO, type CommandStart, finishRefusedCommand, handleRefusedCommand, startRefusedCommand } from './refused.js';

/** Set in Bolt's context by commandsEarly(): the command was answered before Bolt saw it, and admitted. */
const STARTED = 'refusedStarted';
type Admitted = Exclude<CommandStart, { reply: SlackMessage }>;

/** An answer in the ack is seen only by the person who typed the command. */
const ackBody = (msg: SlackMessage) => ({ response_type: 'ephemeral' as const, text: msg.text, blocks: msg.blocks });

export function registerCommands(app: App, deps: Deps): void {
  app.command(COMMAND, async ({ command, ack, respond, client, context }) => {
    const io: CommandIO = {
      ack: async (msg) => (msg ? ack(ackBody(msg)) : ack()),
      respond: (msg) => respond({ ...msg, response_type: msg.response_type ?? 'ephemeral' }),
      client,
    };
    const admitted = context[STARTED] as Admitted | undefined;
    if (admitted) {
      await deps.work.track(finishRefusedCommand(command, admitted, io, deps));
      return;
    }
    // Slack hands a command it saw no ack for to another connection (another replica): answered once.
    if (command.trigger_id && !(await deps.deliveries.firstBeforeAck(`cmd:${command.trigger_id}`))) {
      deps.log.info('duplicate_delivery', { kind: 'command', user: command.user_id });
      await ack();
      return;
    }
    await deps.work.track(handleRefusedCommand(command, io, deps));
  });
}

/**
 * HTTP mode: /refused is answered before Bolt sees it (receiver.ts), from startRefusedCommand alone, and the rest
 * runs through Bolt's listener once the burst's acks are out. Left to the listener when deliveries have to be
 * checked in a shared store, or when the form lacks what a command has.
 */
export function commandsEarly(deps: Deps): EarlyAck {
  return (body) => {
    if (body.command !== COMMAND || typeof body.text !== 'string' || typeof body.user_id !== 'string' || typeof body.channel_id !== 'string') return null;
    const cmd = body as unknown as CommandInput;
    const first = typeof cmd.trigger_id === 'string' && cmd.trigger_id !== '' ? deps.deliveries.firstHere(`cmd:${cmd.trigger_id}`) : true;
    if (first === null) return null;
    if (!first) {
      deps.log.info('duplicate_delivery', { kind: 'command', user: cmd.user_id });
      return { response: undefined };
    }
    const start = startRefusedCommand(cmd, deps);
    if (start.reply) return { response: ackBody(start.reply) };
    deps.work.acked();
    return {
      response: undefined,
      context: { [STARTED]: start },
      // Tracked from the ack on, so a shutdown in between waits for it (or tells the asker), as for any command.
      later: (run) => void deps.work.track(deps.work.afterAcks().then(run)).catch(() => undefined),
    };
  };
}
