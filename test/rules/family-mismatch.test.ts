import { familyMismatch } from '../../src/rules/family-mismatch.js';
import { ctx, dns, facts, noProbe, ruleCases, tcp, tcpAttempts } from './helpers.js';

const lh = facts({ host: 'localhost', port: 3000 });
const at = { host: 'localhost', port: 3000 };

ruleCases(familyMismatch, {
  fires: [
    {
      name: 'localhost: ::1 refuses, 127.0.0.1 answers',
      ctx: ctx(lh, [dns('localhost', ['::1', '127.0.0.1']), tcp('::1', 'refused', at), tcp('127.0.0.1', 'open', at)]),
      min: 0.9, evidence: /\[::1\]:3000 → refused/,
      vars: { works: 'IPv4 (127.0.0.1)', fails: 'IPv6 (::1)', workingAddress: '127.0.0.1', familyStory: 'localhost answers over IPv4 (127.0.0.1) but not over IPv6 (::1)' },
    },
    {
      name: 'a dual-stack name where IPv6 times out',
      ctx: ctx(facts(), [tcp('fd00::5', 'timeout'), tcp('10.0.0.5', 'open')]),
      min: 0.9, vars: { works: 'IPv4 (10.0.0.5)' },
    },
    {
      name: 'IPv6 answers, IPv4 refuses',
      ctx: ctx(facts(), [tcp('fd00::5', 'open'), tcp('10.0.0.5', 'refused')]),
      min: 0.9, vars: { fails: 'IPv4 (10.0.0.5)' },
    },
    { name: 'text alone: localhost tried on ::1 only', ctx: ctx(facts({ host: 'localhost', addresses: ['::1'] }), [], noProbe(lh)), min: 0.4, max: 0.5, vars: { workingAddress: '127.0.0.1' } },
    { name: 'text alone: Node printed ECONNREFUSED ::1:3000', ctx: ctx(facts({ host: '::1', port: 3000, runtime: 'node' }), [], noProbe(lh)), min: 0.4, max: 0.5, evidence: /Node ≥ 17/ },
    { name: 'text alone: EADDRNOTAVAIL to ::1 (no IPv6 here), any client', ctx: ctx(facts({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '::1', port: 5672, runtime: 'python' }), [], noProbe(lh)), min: 0.7, max: 0.8, evidence: /no IPv6 loopback/, vars: { workingAddress: '127.0.0.1' } },
  ],
  quiet: [
    { name: 'both families refuse', ctx: ctx(lh, [tcp('::1', 'refused', at), tcp('127.0.0.1', 'refused', at)]) },
    { name: 'both open', ctx: ctx(lh, [tcp('::1', 'open', at), tcp('127.0.0.1', 'open', at)]) },
    { name: 'two IPv4 addresses disagree (not a family story)', ctx: ctx(facts(), [tcp('10.0.0.5', 'open'), tcp('10.0.0.6', 'refused')]) },
    { name: 'one address flaps', ctx: ctx(facts(), [...tcpAttempts('10.0.0.5', ['open', 'refused', 'open']), tcp('fd00::5', 'refused')]) },
    { name: 'text alone: both loopbacks tried (AggregateError)', ctx: ctx(facts({ host: 'localhost', addresses: ['::1', '127.0.0.1'], hints: ['aggregate'] }), [], noProbe(lh)) },
    { name: 'text alone: not localhost', ctx: ctx(facts({ addresses: ['fd00::5'] }), [], noProbe(lh)) },
    { name: 'text alone: EADDRNOTAVAIL to a remote IPv4 address (local ports, not families)', ctx: ctx(facts({ kind: 'unreachable', errno: 'EADDRNOTAVAIL', host: '10.100.3.7', port: 4444 }), [], noProbe(lh)) },
    { name: 'text alone: ::1 from a client that is not Node', ctx: ctx(facts({ host: '::1', runtime: 'python' }), [], noProbe(lh)) },
  ],
});
