// The bot's policy kept it from probing the target: say so plainly, and who can change it.
import { hostPort } from '../domain/describe.js';
import { testPort } from './commands.js';
import type { Rule } from './types.js';
import { skipLines } from './view.js';

/**
 * On the command line the policy is the user's own (--allow, --deny, --allow-ports, --deny-ports and their
 * REFUSED_* variables), so the step names the list that left the target out and how to change it, instead of
 * sending them to whoever runs the tool. Read from the policy's own reason words (src/policy/index.ts).
 */
function yourList(reason: string, host: string, port: string): string {
  if (/^port \d+ is on .*deny list/.test(reason)) return `Your own --deny-ports (or REFUSED_DENY_PORTS) left it out. To probe it, run again without port ${port} in that list.`;
  if (/^port \d+ is outside the ports/.test(reason)) return `Your own --allow-ports (or REFUSED_ALLOW_PORTS) left it out: only the ports named there are probed. To probe it, add it: --allow-ports ${port}.`;
  if (/deny list/.test(reason)) return `Your own --deny (or REFUSED_DENY_HOSTS) left it out. To probe it, run again without the entry that covers ${host}.`;
  if (/allow list/.test(reason)) return `Your own --allow (or REFUSED_ALLOW_HOSTS) left it out: only the hosts named there are probed. To probe it, add it: --allow ${host}.`;
  return `This command never probes such addresses unless you name them. To probe it anyway, run again with --allow ${host}.`;
}

export const blockedByPolicy: Rule = {
  id: 'blocked-by-policy',
  title: 'The probe policy does not allow {blocked} ({reasonShort})',
  explanation:
    'This diagnosis ran without looking at the target, because the probe policy of the machine running it does ' +
    'not allow connections there. Nothing here says whether the target is up; only the text of the error was used. ' +
    'A check from your own machine, or a change to the policy {policyOwner}, fills the gap.',
  steps: [
    {
      text: 'Test the port yourself from the machine that failed:',
      commands: testPort(),
    },
    { text: 'If {blocked} should be checkable from here, ask whoever runs this tool to allow it in the probe policy (reason given: {reason}).', unless: 'yourList' },
    { text: '{blocked} was not probed because {reason}. {yourList}', requires: 'yourList' },
  ],
  when({ view, evidence, surface }) {
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
        policyOwner: surface === 'cli' ? 'in your own flags or REFUSED_* variables' : 'by the people who run this bot',
        ...(surface === 'cli' ? { yourList: yourList(first.detail, first.host ?? '<host>', first.port !== null ? String(first.port) : '<port>') } : {}),
      },
    };
  },
};
