// The bot registers one Bolt action listener for all its buttons: the pattern takes every id it owns and no
// other, and each id reaches the handler it had when each had a listener of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handlerFor, OUR_ACTIONS } from '../../src/slack/listeners/actions/index.js';
import { handleAnswer } from '../../src/slack/listeners/actions/answer.js';
import { handleFeedback } from '../../src/slack/listeners/actions/feedback.js';
import { handleRecheck } from '../../src/slack/listeners/actions/recheck.js';
import { handleView } from '../../src/slack/listeners/actions/view.js';
import { handleStopWatch, handleWatch } from '../../src/slack/listeners/actions/watch.js';
import { ACTION } from '../../src/slack/ids.js';

describe('one action listener', () => {
  it('routes every id of ours to its handler', () => {
    const cases: [string, unknown][] = [
      [ACTION.recheck, handleRecheck],
      [ACTION.watch, handleWatch],
      [ACTION.stopWatch, handleStopWatch],
      [ACTION.fixed, handleFeedback],
      [ACTION.didntHelp, handleFeedback],
      [`${ACTION.answer}0`, handleAnswer],
      [`${ACTION.answer}12`, handleAnswer],
      [`${ACTION.view}steps`, handleView],
      [`${ACTION.view}os_macos`, handleView],
    ];
    for (const [id, handler] of cases) {
      assert.ok(OUR_ACTIONS.test(id), id);
      assert.equal(handlerFor(id), handler, id);
    }
  });

  it('takes no other id', () => {
    for (const id of ['', 'refused_recheck_x', 'xrefused_watch', `${ACTION.answer}123`, `${ACTION.answer}`, `${ACTION.view}Steps`, `${ACTION.view}${'a'.repeat(25)}`, 'refused_feedback_', 'other_app_button']) {
      assert.equal(OUR_ACTIONS.test(id), false, id);
      assert.equal(handlerFor(id), undefined, id);
    }
  });
});
