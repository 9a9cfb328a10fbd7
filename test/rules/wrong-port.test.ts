import { wrongPort } from '../../src/rules/wrong-port.js';
import { banner, ctx, facts, nearby, noProbe, ruleCases, tcp } from './helpers.js';

const pg = facts({ service: 'postgres' });

ruleCases(wrongPort, {
  fires: [
    {
      name: 'the neighbouring port answers in the expected protocol',
      ctx: ctx(pg, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'open'), banner('10.0.0.5', 'postgres', { port: 5433 })]),
      min: 0.9, evidence: /10\.0\.0\.5:5433 answers \(postgres\)/, vars: { openPort: '5433' },
    },
    { name: 'a neighbouring port is open, protocol unknown', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'open')]), min: 0.7, max: 0.89, vars: { openPort: '5433' } },
    {
      name: 'the one matching the protocol is picked over another open one',
      ctx: ctx(pg, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 8080, 'open'), banner('10.0.0.5', 'http', { port: 8080 }), nearby('10.0.0.5', 5433, 'open'), banner('10.0.0.5', 'postgres', { port: 5433 })]),
      min: 0.9, vars: { openPort: '5433' },
    },
    { name: 'only a port speaking something else is open: weak', ctx: ctx(pg, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 8080, 'open'), banner('10.0.0.5', 'http', { port: 8080 })]), max: 0.6 },
    { name: 'text alone, port inferred', ctx: ctx(facts({ portInferred: true }), [], noProbe(pg)), min: 0.35, max: 0.45 },
    { name: 'text alone, port written', ctx: ctx(facts(), [], noProbe(pg)), max: 0.35 },
    { name: 'all refused and nothing nearby: a faint "also possible"', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')]), max: 0.25 },
  ],
  quiet: [
    { name: 'text alone: the named host is a gateway that answered 502', ctx: ctx(facts({ host: 'shop.mesh.local', port: 80, hints: ['http-502', 'upstream'] }), [], noProbe(facts())) },
    { name: 'the port answers in the right protocol', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres'), nearby('10.0.0.5', 5433, 'open')]) },
    { name: 'timeouts and nothing nearby', ctx: ctx(facts(), [tcp('10.0.0.5', 'timeout')]) },
    { name: 'text alone: a dns error', ctx: ctx(facts({ kind: 'dns' }), [], noProbe(pg)) },
  ],
});
