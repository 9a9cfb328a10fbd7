import { probeFailed } from '../../src/rules/probe-failed.js';
import { banner, ctx, dns, facts, http, noProbe, ruleCases, tcp, tcpAttempts, tls, top } from './helpers.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const f = facts();
const typed = facts({ kind: 'none' });

ruleCases(probeFailed, {
  fires: [
    { name: 'every connect failed with EMFILE', ctx: ctx(typed, [tcp('10.0.0.5', 'error', { errno: 'EMFILE' })]), min: 0.9, evidence: /EMFILE/, vars: { resource: 'file descriptors (open files and sockets)' } },
    { name: 'ENFILE: the whole machine is out', ctx: ctx(f, [tcp('10.0.0.5', 'error', { errno: 'ENFILE' }), tcp('fd00::5', 'error', { errno: 'ENFILE' })]), min: 0.9, evidence: /whole machine/ },
    { name: 'ENOBUFS', ctx: ctx(f, [tcp('10.0.0.5', 'error', { errno: 'ENOBUFS' })]), min: 0.9, vars: { resource: 'network buffers' } },
    { name: 'ENOMEM', ctx: ctx(f, [tcp('10.0.0.5', 'error', { errno: 'ENOMEM' })]), min: 0.9, vars: { resource: 'memory' } },
    { name: 'the process-wide socket queue was full', ctx: ctx(f, [tcp('10.0.0.5', 'error', { errno: 'ESOCKETLIMIT' })]), min: 0.9 },
    { name: 'the lookup itself could not run', ctx: ctx(f, [dns('db.internal', [], { error: 'EMFILE' })]), min: 0.9 },
    {
      name: 'some probes ran: a side note',
      ctx: ctx(f, [tcp('10.0.0.5', 'refused'), tcp('fd00::5', 'error', { errno: 'EMFILE' })]),
      max: 0.6,
    },
    {
      name: 'the target answered, the follow-up probes could not run',
      ctx: ctx(facts({ service: 'postgres' }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'silent', { detail: 'connect failed: EMFILE' }), tls('10.0.0.5', { ok: false, error: 'EMFILE', port: 5432 }), http('http://db.internal:5432/', null, { error: 'EMFILE' })]),
      max: 0.6,
    },
  ],
  quiet: [
    { name: 'probed normally', ctx: ctx(f, [tcp('10.0.0.5', 'refused')]) },
    { name: 'a network error', ctx: ctx(f, [tcp('10.0.0.5', 'unreachable')]) },
    { name: 'EADDRNOTAVAIL is about the route, not this process', ctx: ctx(f, [tcp('10.0.0.5', 'error', { errno: 'EADDRNOTAVAIL' })]) },
    { name: 'a refused address (EPOLICY) is the policy, not starvation', ctx: ctx(f, [tcp('169.254.169.254', 'error', { errno: 'EPOLICY' })]) },
    { name: 'text alone', ctx: ctx(f, [], noProbe(f)) },
  ],
});

describe('a failure of this machine is never a cause about the target', () => {
  it('every probe failed locally: probe-failed alone, no cause from the broken probes', () => {
    const c = ctx(typed, [tcp('10.0.0.5', 'error', { errno: 'EMFILE' }), tcp('fd00::5', 'error', { errno: 'EMFILE' })]);
    assert.equal(top(c), 'probe-failed');
  });
  it('open, then the repeats failed with EMFILE: not intermittent', () => {
    const c = ctx(f, tcpAttempts('10.0.0.5', ['open', 'error', 'error']).map((e, i) => (i > 0 ? { ...e, errno: 'EMFILE' } : e)));
    assert.notEqual(top(c), 'intermittent');
    assert.equal(c.view.flapping.length, 0);
  });
  it('open, and the protocol check could not connect: not "accepts but never answers"', () => {
    const c = ctx(facts({ service: 'postgres' }), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'silent', { detail: 'connect failed: EMFILE' })]);
    assert.equal(c.view.addresses[0]!.stuck, false);
  });
  it('a pasted refusal and starved probes: the text still speaks, below the probe failure', () => {
    const c = ctx(f, [tcp('10.0.0.5', 'error', { errno: 'EMFILE' })]);
    assert.equal(top(c), 'probe-failed');
    assert.equal(c.view.probed, false, 'a probe that never left this machine is not a probe of the target');
  });
});
