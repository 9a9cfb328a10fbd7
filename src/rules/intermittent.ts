// The port answers sometimes: a flapping or overloaded listener, or one bad address among several.
import {
  acceptQueue, anyOs, byOs, containers, dnsLookup, osByOs, portTest, posix, serviceLogs, testNetConnectionEach,
  testPortRepeatedly,
} from './commands.js';
import type { Rule } from './types.js';

export const intermittent: Rule = {
  id: 'intermittent',
  title: '{Target} answers only some of the time',
  explanation:
    'Repeated attempts did not agree. A listener that keeps restarting (crash loop, OOM kill, a health check ' +
    'recycling it) refuses between lives. An overloaded one whose accept queue (its listen backlog) is full drops ' +
    'new connection attempts on Linux, which shows as slow connects or timeouts between successes; on Windows a ' +
    'full backlog answers with a refusal instead. When a name has several addresses (round-robin DNS, several ' +
    'backends), one bad address fails only the clients that happen to pick it.',
  steps: [
    {
      text: 'Try the port a number of times and count the failures:',
      commands: testPortRepeatedly(20),
    },
    {
      text: 'On the server, look for a full accept queue (Recv-Q close to Send-Q on the listening line, overflow counters growing between two runs) and for restarts:',
      commands: [
        ...acceptQueue(),
        containers(['Names', 'Status'], { all: true, note: 'Restarting, or a recent Up time, means restarts' }),
        anyOs('kubectl get pods -o wide   # look at RESTARTS'),
      ],
    },
    {
      text: 'Read the service log of the last hour for crashes and restarts:',
      requires: 'unit',
      commands: [serviceLogs('{unit}', { since: '1 hour ago', lines: 50 })],
    },
    {
      text: 'If the name has several addresses, check each one on its own (one bad backend fails some clients):',
      commands: osByOs(
        posix(dnsLookup('posix')),
        byOs((os) => (os === 'windows' ? testNetConnectionEach('{host}', '{port}') : portTest(os, '<address>', '{port}', 2))),
      ),
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man2/listen.2.html',
  when({ view }) {
    if (view.flapping.length > 0) {
      return { confidence: 0.9, evidence: view.flapping.flatMap((a) => [a.line, ...a.otherLines]) };
    }
    // Several addresses of one family, some steadily open and some steadily failing: one bad backend.
    for (const family of [4, 6] as const) {
      const same = view.addresses.filter((a) => a.family === family && a.steady);
      const ok = same.filter((a) => a.first === 'open');
      const bad = same.filter((a) => a.first !== 'open');
      if (ok.length > 0 && bad.length > 0) return { confidence: 0.7, evidence: [...bad, ...ok].map((a) => a.line) };
    }
    // A port that accepts every time and then says nothing is steady, not intermittent: not-responding says so.
    return null;
  },
};
