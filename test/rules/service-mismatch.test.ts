import { serviceMismatch } from '../../src/rules/service-mismatch.js';
import { banner, ctx, facts, noProbe, ruleCases, tcp } from './helpers.js';

const pg = facts({ service: 'postgres' });

ruleCases(serviceMismatch, {
  fires: [
    { name: 'postgres expected, http answers', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'http')]), min: 0.85, evidence: /answers \(http\); the client expects postgres/, vars: { found: 'http', expected: 'postgres' } },
    { name: 'redis expected on 5432, postgres answers', ctx: ctx(facts({ service: 'redis' }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres')]), min: 0.85, vars: { usualPort: '6379' } },
    { name: 'ssh answers where http was expected', ctx: ctx(facts({ scheme: 'http', port: 80 }), [tcp('10.0.0.5', 'open', { port: 80 }), banner('10.0.0.5', 'ssh', { port: 80 })]), min: 0.85 },
  ],
  quiet: [
    { name: 'the expected protocol answers', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres')]) },
    { name: 'nothing known about the service', ctx: ctx(facts(), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'http')]) },
    { name: 'unrecognised answer', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'unknown')]) },
    { name: 'TLS answers (tls-mismatch says so)', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'tls')]) },
    { name: 'TLS expected, plaintext answers (tls-mismatch says so)', ctx: ctx(facts({ service: 'redis', tls: true }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'redis')]) },
    { name: 'refused', ctx: ctx(pg, [tcp('10.0.0.5', 'refused')]) },
    { name: 'nothing probed', ctx: ctx(pg, [], noProbe(pg)) },
  ],
});
