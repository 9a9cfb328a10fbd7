import { intermittent } from '../../src/rules/intermittent.js';
import { banner, ctx, facts, noProbe, ruleCases, tcp, tcpAttempts } from './helpers.js';

const pg = facts({ service: 'postgres' });

ruleCases(intermittent, {
  fires: [
    { name: 'open, refused, open on one address', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['open', 'refused', 'open'])), min: 0.9, evidence: /→ refused in 0\.4 ms \(attempt 2\)/ },
    { name: 'open then timeouts (a full accept queue)', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['open', 'timeout', 'timeout'])), min: 0.9 },
    { name: 'refused first, then open (a restarting server)', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['refused', 'open', 'open'])), min: 0.9 },
    { name: 'three opens, then the protocol check cannot connect (every third dropped)', ctx: ctx(pg, [...tcpAttempts('10.0.0.5', ['open', 'open', 'open']), banner('10.0.0.5', 'silent', { detail: 'connect failed: ETIMEDOUT' })]), min: 0.9, evidence: /ETIMEDOUT on the next connection/ },
    { name: 'round-robin: one of two IPv4 addresses refuses', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), tcp('10.0.0.6', 'refused')]), min: 0.6, max: 0.8 },
  ],
  quiet: [
    { name: 'steadily refused', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['refused', 'refused', 'refused'])) },
    { name: 'steadily open and answering', ctx: ctx(pg, [...tcpAttempts('10.0.0.5', ['open', 'open']), banner('10.0.0.5', 'postgres')]) },
    { name: 'refused then timeout: failing, never open', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['refused', 'timeout'])) },
    { name: 'accepts every time, then silence (not-responding says so)', ctx: ctx(pg, [...tcpAttempts('10.0.0.5', ['open', 'open', 'open']), banner('10.0.0.5', 'silent')]) },
    { name: 'silent, but nothing was expected to speak', ctx: ctx(facts(), [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'silent')]) },
    { name: 'families differ (family-mismatch says so)', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), tcp('fd00::5', 'refused')]) },
    { name: 'nothing probed', ctx: ctx(pg, [], noProbe(pg)) },
  ],
});
