// The paste shows the server starting up: the client connected before the server was ready (a start-up race,
// most often in Docker Compose, where depends_on waits for a container to start, not for it to be ready).
import { STARTING_NOTE } from '../parse/context.js';
import { composeServiceOf } from '../parse/normalize.js';
import { anyOs, composeExec, composeLogs, composePs } from './commands.js';
import type { Rule } from './types.js';
import { composeServiceName, hasHint } from './view.js';

export const serviceStarting: Rule = {
  id: 'service-starting',
  title: 'The client tried {target} before the server was ready',
  explanation:
    'The same paste shows the server starting up. Until a server has finished starting (initialising its data ' +
    'directory, replaying its log, loading data) it does not listen, so early connections are refused. Docker Compose ' +
    'depends_on only orders container starts; it does not wait for the service inside to be ready unless the ' +
    'dependency has a healthcheck and the client asks for condition: service_healthy. Kubernetes starts the pods of ' +
    'a Deployment without regard to each other in the same way. Most database drivers give up on the first refusal ' +
    'instead of retrying.',
  steps: [
    {
      text: 'Check whether the server is ready now (a later attempt that works confirms a start-up race):',
      commands: [composePs(), composeLogs('{composeService}', 20)],
    },
    { text: 'Ask the server itself:', service: ['postgres'], commands: [composeExec('{composeService}', 'pg_isready -U postgres')] },
    { text: 'Ask the server itself:', service: ['mysql'], commands: [composeExec('{composeService}', 'mysqladmin ping -h 127.0.0.1 -u root -p')] },
    { text: 'Ask the server itself:', service: ['redis'], commands: [composeExec('{composeService}', 'redis-cli ping')] },
    { text: 'Ask the server itself:', service: ['mongodb'], commands: [composeExec('{composeService}', "mongosh --quiet --eval \"db.adminCommand('ping')\"")] },
    { text: 'Ask the server itself:', service: ['amqp'], commands: [composeExec('{composeService}', 'rabbitmq-diagnostics -q ping')] },
    {
      text: 'Make the client wait for a ready server, not a started one: give the server service a healthcheck (the command from the step above, as test: ["CMD-SHELL", "…"], with interval, timeout and retries) and, in the client service, depends_on: {composeService}: condition: service_healthy. Then recreate:',
      commands: [anyOs('docker compose up -d --force-recreate')],
    },
    { text: "Make the client retry its first connection with a backoff for a minute or so (a loop around connect, or the driver's or framework's own retry setting), so a restart of the server does not take the client down either." },
    { text: 'On Kubernetes: a readinessProbe on the server keeps it out of its Service until it is ready; the client needs a retry (or an init container that waits for the port) as well.' },
  ],
  docs: 'https://docs.docker.com/compose/how-tos/startup-order/',
  when({ facts, view }) {
    if (!hasHint(facts, 'server-starting')) return null;
    const line = facts.notes.find((n) => n.startsWith(STARTING_NOTE));
    const evidence = [line ?? 'the paste shows the server starting up', `the client was refused${facts.host ? ` by ${facts.host}` : ''} while it started`];
    // The compose service: the host when it is a service name, else the prefix of the start-up line ("mysql-1  | …").
    const printed = line ? composeServiceOf(line.slice(STARTING_NOTE.length)) : null;
    const composeService = composeServiceName(facts.host) ?? printed ?? '<server-service>';
    const vars = { composeService };
    // Probed and still refused everywhere: the server is down now, not just starting; not-listening leads.
    if (view.probed && view.refused.length > 0 && !view.anyOpen) return { confidence: 0.5, evidence, vars };
    // Open now: it was a start-up race, and this cause explains both the error and the healthy port.
    if (view.probed && view.allOpen) return { confidence: 0.85, evidence: [...evidence, ...view.open.map((a) => `${a.line} now`)], vars };
    return { confidence: 0.8, evidence, vars };
  },
};
