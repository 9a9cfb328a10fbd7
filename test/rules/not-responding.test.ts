import { notResponding } from '../../src/rules/not-responding.js';
import { banner, ctx, facts, http, noProbe, tcp, tcpAttempts, ruleCases } from './helpers.js';

const pg = facts({ service: 'postgres' });
const web = facts({ service: 'http', scheme: 'http', port: 8080 });

ruleCases(notResponding, {
  fires: [
    { name: 'text alone: connected, then a read / response-header timeout', ctx: ctx(facts({ kind: 'timeout', errno: 'ETIMEDOUT', hints: ['awaiting-response'] }), [], noProbe(pg)), min: 0.65, evidence: /waiting for the answer/ },
    { name: 'accepts every time, then silence where postgres should answer', ctx: ctx(pg, [...tcpAttempts('10.0.0.5', ['open', 'open', 'open']), banner('10.0.0.5', 'silent', { ms: 1000 })]), min: 0.7, max: 0.8, evidence: /silence where postgres should answer/ },
    { name: 'two addresses, both silent', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), tcp('10.0.0.6', 'open'), banner('10.0.0.5', 'silent'), banner('10.0.0.6', 'silent')]), min: 0.7 },
    { name: 'open, and the HTTP request timed out waiting for headers', ctx: ctx(web, [tcp('10.0.0.5', 'open', { port: 8080 }), http('http://10.0.0.5:8080/', null, { error: 'ETIMEDOUT' })]), min: 0.6, evidence: /got no answer \(ETIMEDOUT\)/ },
  ],
  quiet: [
    { name: 'text alone: a connect timeout', ctx: ctx(facts({ kind: 'timeout', errno: 'ETIMEDOUT' }), [], noProbe(pg)) },
    { name: 'postgres answers', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres')]) },
    { name: 'silent, but nothing was expected to speak', ctx: ctx(facts(), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'silent')]) },
    { name: 'one address silent, one answering', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), tcp('10.0.0.6', 'open'), banner('10.0.0.5', 'silent'), banner('10.0.0.6', 'postgres')]) },
    { name: 'flapping (intermittent says so)', ctx: ctx(pg, [...tcpAttempts('10.0.0.5', ['open', 'refused', 'open']), banner('10.0.0.5', 'silent')]) },
    { name: 'refused', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['refused', 'refused'])) },
    { name: 'HTTP answered 200', ctx: ctx(web, [tcp('10.0.0.5', 'open', { port: 8080 }), banner('10.0.0.5', 'http', { port: 8080 }), http('http://10.0.0.5:8080/', 200)]) },
    { name: 'nothing probed', ctx: ctx(pg, [], noProbe(pg)) },
  ],
});
