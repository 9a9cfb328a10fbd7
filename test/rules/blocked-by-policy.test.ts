import { blockedByPolicy } from '../../src/rules/blocked-by-policy.js';
import { ctx, facts, noProbe, probePlan, ruleCases, skipPlan, tcp } from './helpers.js';

const meta = facts({ host: '169.254.169.254', port: 80 });
const reason = '169.254.169.254 is a cloud metadata endpoint, which holds credentials; it is never probed';

ruleCases(blockedByPolicy, {
  fires: [
    { name: 'the only target was blocked', ctx: ctx(meta, [], skipPlan(meta, 'policy', reason)), min: 0.95, evidence: /not probed: .*metadata/, vars: { blocked: '169.254.169.254:80', reason } },
    {
      name: 'the destination was blocked, the target probed: a side note',
      ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')], probePlan(facts(), { skipped: [{ host: '169.254.169.254', port: 80, reason: 'policy', detail: reason }] })),
      max: 0.5,
    },
    {
      name: 'a name resolved only to refused addresses (EPOLICY, no socket): nothing was probed',
      ctx: ctx(facts(), [tcp('169.254.169.254', 'error', { errno: 'EPOLICY' })], probePlan(facts(), { skipped: [{ host: 'db.internal', port: 5432, reason: 'policy', detail: 'db.internal resolved to 169.254.169.254, which is a cloud metadata endpoint' }] })),
      min: 0.95,
    },
  ],
  quiet: [
    { name: 'probed normally', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')]) },
    { name: 'skipped for another reason', ctx: ctx(facts(), [], noProbe(facts())) },
  ],
});
