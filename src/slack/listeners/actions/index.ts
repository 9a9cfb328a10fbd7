import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { handleAnswer } from './answer.js';
import type { ActionInput, ActionIO } from './common.js';
import { handleFeedback } from './feedback.js';
import { handleRecheck } from './recheck.js';
import { handleView } from './view.js';
import { handleStopWatch, handleWatch } from './watch.js';

type Handler = (a: ActionInput, io: ActionIO, deps: Deps) => Promise<void>;

// An action id, or a pattern for a family of them (the options of a question: refused_answer_0, _1 …).
const HANDLERS: [string | RegExp, Handler][] = [
  [ACTION.recheck, handleRecheck],
  [ACTION.watch, handleWatch],
  [ACTION.stopWatch, handleStopWatch],
  [ACTION.fixed, handleFeedback],
  [ACTION.didntHelp, handleFeedback],
  [new RegExp(`^${ACTION.answer}\\d{1,2}$`), handleAnswer],
  // All steps, Other causes, Show less, Commands for <OS>: the value says which view.
  [new RegExp(`^${ACTION.view}[a-z_]{1,24}$`), handleView],
];

/** The handler for an action id, or undefined for one that is not ours. */
export function handlerFor(actionId: string): Handler | undefined {
  return HANDLERS.find(([id]) => (typeof id === 'string' ? id === actionId : id.test(actionId)))?.[1];
}

// One listener for all of them: Bolt walks every registered listener's middleware for every request it gets (a
// slash command too), so seven listeners cost seven walks each time.
// Our ids are letters and underscores, so they need no escaping inside the pattern.
export const OUR_ACTIONS = new RegExp(`^(?:${HANDLERS.map(([id]) => (typeof id === 'string' ? id : id.source.replace(/^\^|\$$/g, ''))).join('|')})$`);

export function registerActions(app: App, deps: Deps): void {
  app.action<BlockAction<ButtonAction>>(OUR_ACTIONS, async ({ body, action, ack, respond, client }) => {
    const handler = handlerFor(action.action_id);
    if (!handler) {
      await ack();
      return;
    }
    // A click Slack hands over twice (to a second connection) is one click: Watch must not start two watches.
    const once = body.trigger_id ?? `${action.action_ts}:${body.user.id}:${action.action_id}`;
    if (!(await deps.deliveries.firstBeforeAck(`act:${once}`))) {
      deps.log.info('duplicate_delivery', { kind: 'action', action: action.action_id, user: body.user.id });
      await ack();
      return;
    }
    const input = { ...(body as unknown as ActionInput), action: { action_id: action.action_id, block_id: action.block_id, value: action.value } };
    await deps.work.track(handler(input, { ack: () => ack(), respond: (m) => respond(m), client }, deps));
  });
}
