import { privateName } from '../../src/rules/private-name.js';
import { ctx, dns, facts, noProbe, ruleCases } from './helpers.js';

const compose = facts({ host: 'db', port: 5432, service: 'postgres', hints: ['in-container'] });

ruleCases(privateName, {
  fires: [
    { name: 'a compose service name the client reached, unknown here', ctx: ctx(compose, [dns('db', [], { error: 'ENOTFOUND' })]), min: 0.5, max: 0.6, evidence: /resolved the name; from here it does not resolve \(ENOTFOUND\)/ },
    { name: 'a cluster service name', ctx: ctx(facts({ host: 'orders.prod.svc.cluster.local', port: 8080 }), [dns('orders.prod.svc.cluster.local', [], { error: 'ENOTFOUND' })]), min: 0.5 },
    { name: 'a public-looking name, less sure', ctx: ctx(facts({ host: 'api.example.com', port: 443 }), [dns('api.example.com', [], { error: 'ENOTFOUND' })]), min: 0.4, max: 0.5 },
  ],
  quiet: [
    { name: 'the paste itself is a DNS failure', ctx: ctx(facts({ host: 'db', kind: 'dns', errno: 'ENOTFOUND' }), [dns('db', [], { error: 'ENOTFOUND' })]) },
    { name: 'the resolver timed out (says nothing about the name)', ctx: ctx(compose, [dns('db', [], { error: 'ETIMEOUT' })]) },
    { name: 'the name resolves here', ctx: ctx(compose, [dns('db', ['10.0.0.5'])]) },
    { name: 'an address literal', ctx: ctx(facts({ host: '10.0.0.5' }), [dns('10.0.0.5', ['10.0.0.5'], { literal: true })]) },
    { name: 'nothing probed', ctx: ctx(compose, [], noProbe(compose)) },
    { name: 'a typed target (no error in a paste)', ctx: ctx(facts({ host: 'db', kind: 'none' }), [dns('db', [], { error: 'ENOTFOUND' })]) },
  ],
});
