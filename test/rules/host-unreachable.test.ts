import { hostUnreachable } from '../../src/rules/host-unreachable.js';
import { ctx, facts, nearby, noProbe, ruleCases, tcp } from './helpers.js';

const f = facts();

ruleCases(hostUnreachable, {
  fires: [
    { name: 'EHOSTUNREACH with no other sign of the host', ctx: ctx(f, [tcp('10.0.0.5', 'unreachable')]), min: 0.85, evidence: /unreachable \(EHOSTUNREACH\)/ },
    { name: 'ENETUNREACH: no route at all', ctx: ctx(f, [tcp('fd00::5', 'unreachable', { errno: 'ENETUNREACH' })]), min: 0.9 },
    { name: 'unreachable, but another port answers: lower', ctx: ctx(f, [tcp('10.0.0.5', 'unreachable'), nearby('10.0.0.5', 22, 'refused')]), max: 0.4 },
    { name: 'no source address for IPv6 (EADDRNOTAVAIL)', ctx: ctx(f, [tcp('fd00::5', 'error', { errno: 'EADDRNOTAVAIL' })]), min: 0.65, max: 0.75 },
    { name: 'all timeouts: a down host is possible', ctx: ctx(f, [tcp('10.0.0.5', 'timeout')]), min: 0.2, max: 0.4 },
    { name: 'text alone: unreachable', ctx: ctx(facts({ kind: 'unreachable', errno: 'EHOSTUNREACH' }), [], noProbe(f)), min: 0.55, max: 0.7 },
    { name: 'text alone: EADDRNOTAVAIL is a local shortage, not a dead route', ctx: ctx(facts({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '10.100.3.7', port: 4444 }), [], noProbe(f)), min: 0.55, max: 0.65, evidence: /free local port/, vars: { unreachableWhy: 'this machine has no source address or free local port for it' } },
    { name: 'text alone: timeout', ctx: ctx(facts({ kind: 'timeout' }), [], noProbe(f)), max: 0.3 },
  ],
  quiet: [
    { name: 'text alone: a timeout after connecting says the host was up', ctx: ctx(facts({ kind: 'timeout', hints: ['awaiting-response'] }), [], noProbe(f)) },
    { name: 'refused', ctx: ctx(f, [tcp('10.0.0.5', 'refused')]) },
    { name: 'open', ctx: ctx(f, [tcp('10.0.0.5', 'open')]) },
    { name: 'timeouts but the host answers on another port', ctx: ctx(f, [tcp('10.0.0.5', 'timeout'), nearby('10.0.0.5', 22, 'open')]) },
    { name: 'text alone: refused', ctx: ctx(f, [], noProbe(f)) },
  ],
});
