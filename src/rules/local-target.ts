// Loopback in a pasted error is the reporter's own machine: a shared bot cannot see it, so it hands over
// the commands that look from there.
import { hostPort } from '../domain/describe.js';
import { allListeners, containers, listenersOn, publishedPorts, testPorts } from './commands.js';
import type { Rule } from './types.js';
import { skipLines } from './view.js';

export const localTarget: Rule = {
  id: 'local-target',
  title: '{local} is on your own machine, which the bot cannot see',
  explanation:
    'localhost, 127.0.0.1 and ::1 always mean "this machine" to the program that uses them. In a pasted error that is ' +
    'your laptop, server or container, not the machine the bot runs on, so probing it from here would test the ' +
    'wrong computer. The usual causes on your side: the server process is not running, it listens on another port, ' +
    'it listens on only one of 127.0.0.1 / ::1, or it runs in a container whose port is not published. The commands ' +
    'below, run where the error happened, tell these apart.',
  steps: [
    {
      text: 'See what listens on port {port} on your machine (no output means nothing does; the address column tells 127.0.0.1 from [::1] from 0.0.0.0; add sudo to see processes of other users):',
      commands: listenersOn('{port}', { sudo: false, windows: 'netstat' }),
    },
    {
      text: 'List every listening TCP port, in case the server picked another one:',
      commands: allListeners({ sudo: false }),
    },
    {
      text: 'Try both loopback addresses: a server on 127.0.0.1 does not answer on ::1, and localhost may mean either.',
      commands: testPorts(['127.0.0.1', '::1']),
    },
    {
      text: 'If the server runs in Docker, check that it is up and that port {port} is published to the host:',
      commands: [containers(['Names', 'Status', 'Ports']), publishedPorts()],
    },
    { text: 'Or run `refused {host} {port}` on that machine: there localhost is the right one.' },
  ],
  docs: 'https://man7.org/linux/man-pages/man8/ss.8.html',
  when({ facts, view, surface }) {
    const skips = view.skipped['local-target'];
    const first = skips?.[0];
    if (!first) {
      // Loopback without a port ("localhost refused to connect"): there was nothing to probe, yet on chat it is
      // still the reporter's machine, and the commands that look there are the answer.
      const noPort = view.skipped['no-target']?.some((s) => s.host !== null && s.host === facts.host);
      if (surface !== 'chat' || view.probed || !noPort || !view.loopback || !facts.host) return null;
      return {
        confidence: 0.9,
        evidence: [`${facts.host} in a pasted error is the reporter's own machine (or container), not the bot's; only a command run there can see it`],
        vars: { local: facts.host },
      };
    }
    return {
      confidence: view.probed ? 0.5 : 0.9,
      evidence: skipLines(skips),
      vars: { local: first.host ? hostPort(first.host, first.port) : facts.unixSocket ?? 'The target' },
    };
  },
};
