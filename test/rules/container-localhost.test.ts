import { containerLocalhost } from '../../src/rules/container-localhost.js';
import { ctx, facts, noProbe, ruleCases, skipPlan, tcp } from './helpers.js';

const inside = facts({ host: 'localhost', port: 5432, hints: ['in-container'] });

ruleCases(containerLocalhost, {
  fires: [
    { name: 'localhost from inside a container (chat)', ctx: ctx(inside, [], skipPlan(inside, 'local-target', 'local', 'chat')), min: 0.9, evidence: /inside a container|in a container/ },
    { name: '127.0.0.1 with a compose clue (CLI, probed)', ctx: ctx(facts({ host: '127.0.0.1', hints: ['compose'] }), [tcp('127.0.0.1', 'refused', { host: '127.0.0.1' })]), min: 0.9, evidence: /→ refused/ },
    { name: 'text alone', ctx: ctx(inside, [], noProbe(inside)), min: 0.9 },
  ],
  quiet: [
    { name: 'localhost with no container clue', ctx: ctx(facts({ host: 'localhost' }), [], noProbe(inside)) },
    { name: 'a container clue but a real host name', ctx: ctx(facts({ hints: ['in-container'] }), [], noProbe(inside)) },
  ],
});
