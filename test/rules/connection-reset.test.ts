import { connectionReset } from '../../src/rules/connection-reset.js';
import { banner, ctx, facts, noProbe, ruleCases, tcp } from './helpers.js';

ruleCases(connectionReset, {
  fires: [
    { name: 'the connect itself is reset', ctx: ctx(facts(), [tcp('10.0.0.5', 'reset')]), min: 0.75, evidence: /→ reset \(ECONNRESET\)/ },
    { name: 'accepted, then reset (docker-proxy with nothing behind it)', ctx: ctx(facts({ host: 'localhost' }), [tcp('127.0.0.1', 'open', { host: 'localhost' }), banner('127.0.0.1', 'silent', { closed: 'reset' })]), min: 0.75, evidence: /accepts, then resets/ },
    { name: 'text alone: reset', ctx: ctx(facts({ kind: 'reset', errno: 'ECONNRESET' }), [], noProbe(facts())), min: 0.5, max: 0.7 },
  ],
  quiet: [
    { name: 'refused', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')]) },
    { name: 'open and talking', ctx: ctx(facts({ service: 'postgres' }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres')]) },
    { name: 'text alone: refused', ctx: ctx(facts(), [], noProbe(facts())) },
  ],
});
