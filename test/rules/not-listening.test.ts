import { notListening } from '../../src/rules/not-listening.js';
import { ctx, facts, nearby, noProbe, ruleCases, skipPlan, tcp } from './helpers.js';

const f = facts();

ruleCases(notListening, {
  fires: [
    { name: 'every address refuses and no nearby port is open', ctx: ctx(f, [tcp('10.0.0.5', 'refused'), tcp('fd00::5', 'refused'), nearby('10.0.0.5', 5433, 'refused')]), min: 0.9, evidence: /tcp 10\.0\.0\.5:5432 → refused in 0\.4 ms/ },
    { name: 'nearby closed ports are named', ctx: ctx(f, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'refused')]), min: 0.9, evidence: /nearby ports 5433/ },
    { name: 'refused on one address, timeout on the other', ctx: ctx(f, [tcp('10.0.0.5', 'refused'), tcp('fd00::5', 'timeout')]), min: 0.7, max: 0.89 },
    { name: 'a nearby port is open: lower', ctx: ctx(f, [tcp('10.0.0.5', 'refused'), nearby('10.0.0.5', 5433, 'open')]), min: 0.5, max: 0.7 },
    { name: 'text alone: refused', ctx: ctx(f, [], noProbe(f)), min: 0.5, max: 0.7, evidence: /refused by db\.internal:5432/ },
    { name: 'text alone, no host', ctx: ctx(facts({ host: null, port: null }), [], skipPlan(facts({ host: null }), 'no-target')), min: 0.5, max: 0.7 },
  ],
  quiet: [
    { name: 'text alone: the named host is a gateway that answered 503 (its upstream refused)', ctx: ctx(facts({ host: 'shop.mesh.local', port: 80, hints: ['http-503', 'upstream'] }), [], noProbe(f)) },
    { name: 'everything open', ctx: ctx(f, [tcp('10.0.0.5', 'open')]) },
    { name: 'one family open', ctx: ctx(f, [tcp('10.0.0.5', 'open'), tcp('fd00::5', 'refused')]) },
    { name: 'all timeouts', ctx: ctx(f, [tcp('10.0.0.5', 'timeout')]) },
    { name: 'text alone: a timeout', ctx: ctx(facts({ kind: 'timeout' }), [], noProbe(f)) },
    { name: 'no error in the text', ctx: ctx(facts({ kind: 'none', host: null, port: null }), [], noProbe(f)) },
  ],
});
