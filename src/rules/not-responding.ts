// The port accepts, and then nothing: the kernel finished the handshake, the program behind it never answers.
import { anyOs, connectByHand, linux, perOs, recentLogs, ssListening } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const notResponding: Rule = {
  id: 'not-responding',
  title: '{Target} accepts connections, but the service never answers',
  explanation:
    'The operating system completes the TCP handshake for any listening socket on its own, before the program calls ' +
    'accept(). So a port can look open while the program behind it is hung: deadlocked, its event loop or every worker ' +
    'thread busy, paused by a long garbage collection, stopped (SIGSTOP, a debugger), or still starting up (running ' +
    'migrations, loading data) before it serves. A forwarder whose far side hangs (docker-proxy, kubectl port-forward, ' +
    'an SSH tunnel, a load balancer) looks the same. Clients usually report a read or handshake timeout rather than a ' +
    'refusal; once the accept queue fills, new connections start to time out as well.',
  steps: [
    {
      text: 'Talk to it by hand with a time limit, to see the silence yourself:',
      commands: [anyOs('curl -v --max-time 5 http://{endpoint}/')],
      service: ['http'],
    },
    {
      text: 'Connect by hand and wait a few seconds for any answer:',
      commands: connectByHand('{host}', '{port}', 5),
    },
    {
      text: 'On the server, see whether the program takes connections off the queue: a Recv-Q above 0 on the listening socket that keeps growing means it does not call accept():',
      commands: perOs({ linux: ssListening('{port}', false), macos: 'netstat -Lan | grep {port}', windows: 'netstat -ano | findstr :{port}' }),
    },
    {
      text: 'Look at what the process is doing (state T = stopped, D = stuck on I/O; a thread dump shows where it waits):',
      commands: [
        linux('ps -o pid,stat,etime,pcpu,cmd -p <pid>'),
        anyOs('py-spy dump --pid <pid>   # Python'),
        anyOs('jstack <pid>   # Java'),
        anyOs('kill -QUIT <pid>   # Go: goroutine dump on stderr, and the process exits'),
      ],
    },
    {
      text: 'Read its recent logs, then restart it if it stays hung:',
      requires: 'unit',
      commands: recentLogs('{unit}', 100),
    },
    {
      text: 'Read its recent logs, then restart it if it stays hung:',
      unless: 'unit',
      commands: recentLogs('<service-unit>', 100),
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man2/accept.2.html',
  when({ facts, view }) {
    // From the text alone: the client connected and then timed out waiting for the answer ("awaiting headers",
    // "Read timed out"), which is this story rather than a dropped connection attempt.
    if (!view.probed) {
      if (facts.kind !== 'timeout' || !hasHint(facts, 'awaiting-response')) return null;
      return { confidence: 0.7, evidence: ['the client connected, then timed out waiting for the answer (a read or response-header timeout, not a connect timeout)'] };
    }
    if (!view.allOpen || view.open.length === 0 || view.flapping.length > 0) return null;
    const stuck = view.open.filter((a) => a.stuck);
    const httpTimeouts = view.http.filter((e) => e.status === null && /TIMEDOUT|timeout/i.test(e.error ?? ''));
    if (stuck.length === view.open.length) {
      const lines = stuck.map((a) => `${a.line}; then silence where ${view.expected} should answer`);
      return { confidence: 0.75, evidence: [...lines, ...httpTimeouts.map((h) => `GET ${h.url} got no answer (${h.error})`)] };
    }
    if (httpTimeouts.length > 0 && !view.open.some((a) => a.protocol !== null && a.protocol !== 'silent')) {
      return { confidence: 0.7, evidence: [...view.open.map((a) => a.line), ...httpTimeouts.map((h) => `GET ${h.url} got no answer (${h.error})`)] };
    }
    return null;
  },
};
