import { firewallDrop } from '../../src/rules/firewall-drop.js';
import { ctx, facts, nearby, noProbe, ruleCases, tcp } from './helpers.js';

const f = facts();

ruleCases(firewallDrop, {
  fires: [
    { name: 'text alone: a timeout after connecting (awaiting headers) is a faint drop at most', ctx: ctx(facts({ kind: 'timeout', hints: ['awaiting-response'] }), [], noProbe(f)), max: 0.35 },
    { name: 'every address times out', ctx: ctx(f, [tcp('10.0.0.5', 'timeout'), tcp('fd00::5', 'timeout')]), min: 0.9, evidence: /no answer \(ETIMEDOUT\) after 2 s/ },
    { name: 'timeouts while another port on the host answers', ctx: ctx(f, [tcp('10.0.0.5', 'timeout'), nearby('10.0.0.5', 22, 'open')]), min: 0.92, evidence: /nearby 10\.0\.0\.5:22 → open/ },
    { name: 'timeout on one address, refused on the other', ctx: ctx(f, [tcp('10.0.0.5', 'timeout'), tcp('fd00::5', 'refused')]), min: 0.4, max: 0.6 },
    { name: 'text alone: a timeout', ctx: ctx(facts({ kind: 'timeout', errno: 'ETIMEDOUT' }), [], noProbe(f)), min: 0.5, max: 0.7, evidence: /ETIMEDOUT/ },
  ],
  quiet: [
    { name: 'refused', ctx: ctx(f, [tcp('10.0.0.5', 'refused')]) },
    { name: 'open on one address', ctx: ctx(f, [tcp('10.0.0.5', 'timeout'), tcp('fd00::5', 'open')]) },
    { name: 'text alone: refused', ctx: ctx(f, [], noProbe(f)) },
  ],
});
