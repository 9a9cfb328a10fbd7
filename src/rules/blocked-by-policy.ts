// The bot's policy kept it from probing the target: say so plainly, and who can change it.
import { hostPort } from '../domain/describe.js';
import { testPort } from './commands.js';
import type { Rule } from './types.js';
import { skipLines } from './view.js';

export const blockedByPolicy: Rule = {
  id: 'blocked-by-policy',
  title: 'The probe policy does not allow {blocked} ({reasonShort})',
  explanation:
    'This diagnosis ran without looking at the target, because the probe policy of the machine running it does ' +
    'not allow connections there. Nothing here says whether the target is up; only the text of the error was used. ' +
    'A check from your own machine, or a change to the policy by the people who run this bot, fills the gap.',
  steps: [
    {
      text: 'Test the port yourself from the machine that failed:',
      commands: testPort(),
    },
    { text: 'If {blocked} should be checkable from here, ask whoever runs this tool to allow it in the probe policy (reason given: {reason}).' },
  ],
  when({ view, evidence }) {
    const skips = view.skipped.policy;
    const first = skips?.[0];
    if (!first) return null;
    // An address the probes refused (errno EPOLICY) opened no socket: it does not count as probed.
    const probed = evidence.some((e) => (e.type === 'tcp' && e.errno !== 'EPOLICY') || e.type === 'unix');
    return {
      // When every target was blocked there is nothing else to go on; when some were probed it is a side note.
      confidence: probed ? 0.45 : 0.99,
      evidence: skipLines(skips),
      vars: {
        blocked: first.host ? hostPort(first.host, first.port) : 'the target',
        reason: first.detail,
        // Titles end up in Slack headers (150 characters at most); the full reason is in the evidence and steps.
        reasonShort: first.detail.length > 90 ? `${first.detail.slice(0, 89).trimEnd()}…` : first.detail,
      },
    };
  },
};
