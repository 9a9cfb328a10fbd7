import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firewallReject } from '../../src/rules/firewall-reject.js';
import { ctx, facts, nearby, noProbe, ruleCases, tcp } from './helpers.js';

const f = facts();

ruleCases(firewallReject, {
  fires: [
    {
      name: 'unreachable while another port on the same address answers',
      ctx: ctx(f, [tcp('10.0.0.5', 'unreachable'), nearby('10.0.0.5', 22, 'open')]),
      min: 0.9, evidence: /so the host is up/,
    },
    { name: 'unreachable and the paste says administratively prohibited', ctx: ctx(facts({ hints: ['admin-prohibited'] }), [tcp('10.0.0.5', 'unreachable')]), min: 0.85, evidence: /administratively prohibited/ },
    { name: 'unreachable with no sign of the host: listed lower', ctx: ctx(f, [tcp('10.0.0.5', 'unreachable')]), min: 0.3, max: 0.4 },
    { name: 'no route (ENETUNREACH): faint', ctx: ctx(f, [tcp('10.0.0.5', 'unreachable', { errno: 'ENETUNREACH' })]), max: 0.25 },
    { name: 'refused: a reject-with-reset looks the same', ctx: ctx(f, [tcp('10.0.0.5', 'refused')]), min: 0.2, max: 0.3 },
    { name: 'connect() forbidden by this machine (EPERM)', ctx: ctx(f, [tcp('10.0.0.5', 'error', { errno: 'EPERM' })]), min: 0.8, evidence: /own firewall/ },
    { name: 'text alone: admin prohibited', ctx: ctx(facts({ kind: 'unreachable', hints: ['admin-prohibited'] }), [], noProbe(f)), min: 0.8 },
    { name: 'text alone: EHOSTUNREACH', ctx: ctx(facts({ kind: 'unreachable', errno: 'EHOSTUNREACH' }), [], noProbe(f)), min: 0.3, max: 0.4 },
    { name: 'text alone: refused', ctx: ctx(f, [], noProbe(f)), max: 0.25 },
  ],
  quiet: [
    { name: 'text alone: refused on loopback (nobody filters lo)', ctx: ctx(facts({ host: '127.0.0.1' }), [], noProbe(f)) },
    { name: 'text alone: EADDRNOTAVAIL never left this machine', ctx: ctx(facts({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '10.100.3.7', port: 4444 }), [], noProbe(f)) },
    { name: 'text alone: a gateway answered 503 for an unnamed upstream', ctx: ctx(facts({ host: 'shop.mesh.local', port: 80, hints: ['http-503', 'upstream'] }), [], noProbe(f)) },
    { name: 'open', ctx: ctx(f, [tcp('10.0.0.5', 'open')]) },
    { name: 'timeouts (a drop, not a reject)', ctx: ctx(f, [tcp('10.0.0.5', 'timeout')]) },
    { name: 'text alone: dns', ctx: ctx(facts({ kind: 'dns' }), [], noProbe(f)) },
  ],
});

test('firewall-reject says honestly that a reject and a closed port look alike', () => {
  assert.match(firewallReject.explanation, /look the\s+same/);
  assert.match(firewallReject.explanation, /ss -ltn/);
  assert.match(firewallReject.explanation, /counter/);
});
