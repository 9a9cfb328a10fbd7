import { serviceStarting } from '../../src/rules/service-starting.js';
import { ctx, facts, noProbe, ruleCases, tcp, tcpAttempts } from './helpers.js';

const note = 'the paste shows the server starting up: db_1 | LOG:  database system is ready to accept connections';
const racing = facts({ host: 'db', service: 'postgres', hints: ['in-container', 'server-starting'], notes: [note] });

ruleCases(serviceStarting, {
  fires: [
    { name: 'a compose paste, the db starting after the refusal, nothing probed', ctx: ctx(racing, [], noProbe(racing)), min: 0.75, max: 0.85, evidence: /database system is ready/ },
    { name: 'probed: the server accepts now', ctx: ctx(racing, [tcp('172.20.0.2', 'open', { host: 'db' })]), min: 0.8, evidence: /now$/ },
    { name: 'probed: still refused, so only a side note', ctx: ctx(racing, tcpAttempts('172.20.0.2', ['refused', 'refused'], { host: 'db' })), min: 0.4, max: 0.6 },
  ],
  quiet: [
    { name: 'no start-up line in the paste', ctx: ctx(facts({ host: 'db', service: 'postgres', hints: ['in-container'] }), [], noProbe(facts())) },
    { name: 'a plain refusal', ctx: ctx(facts(), tcpAttempts('10.0.0.5', ['refused', 'refused'])) },
  ],
});
