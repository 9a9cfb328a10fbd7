import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPolicy, checkTarget } from '../../src/policy/index.js';
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

// On the command line the policy is the user's own flags and REFUSED_* variables: the step names the one that
// left the target out, read from the policy's own reasons (so a change of those words fails here).

describe('blocked-by-policy on the command line', () => {
  const lists = { allowHosts: '', denyHosts: '', allowPorts: '', denyPorts: '', nat64: '', allowLoopback: true, contact: null };
  const cases: [Partial<typeof lists>, string, number, RegExp][] = [
    [{ denyHosts: '10.9.0.0/16' }, '10.9.8.7', 5432, /^Your own --deny \(or REFUSED_DENY_HOSTS\) left it out\. To probe it, run again without the entry that covers 10\.9\.8\.7\.$/],
    [{ denyHosts: 'db.internal' }, 'db.internal', 5432, /--deny \(or REFUSED_DENY_HOSTS\)/],
    [{ allowHosts: '10.0.0.0/8' }, '192.168.1.5', 5432, /^Your own --allow \(or REFUSED_ALLOW_HOSTS\) .* add it: --allow 192\.168\.1\.5\.$/],
    [{ allowHosts: '*.corp.example' }, 'db.internal', 5432, /--allow \(or REFUSED_ALLOW_HOSTS\)/],
    [{ denyPorts: '5000-5999' }, '10.0.0.5', 5432, /^Your own --deny-ports \(or REFUSED_DENY_PORTS\) left it out\. To probe it, run again without port 5432 in that list\.$/],
    [{ allowPorts: '80,443' }, '10.0.0.5', 5432, /^Your own --allow-ports \(or REFUSED_ALLOW_PORTS\) .* add it: --allow-ports 5432\.$/],
    [{}, '169.254.169.254', 80, /^This command never probes such addresses unless you name them\. To probe it anyway, run again with --allow 169\.254\.169\.254\.$/],
  ];
  for (const [over, host, port, says] of cases) {
    it(`${JSON.stringify(over)} refusing ${host}:${port}`, () => {
      const { policy, problems } = buildPolicy({ ...lists, ...over }, { allowHosts: '--allow', denyHosts: '--deny', allowPorts: '--allow-ports', denyPorts: '--deny-ports' });
      assert.deepEqual(problems, []);
      const verdict = checkTarget(host, port, policy);
      assert.equal(verdict.allowed, false);
      const detail = verdict.allowed ? '' : verdict.reason;
      const f = facts({ host, port });
      const cli = blockedByPolicy.when(ctx(f, [], skipPlan(f, 'policy', detail, 'cli')));
      assert.match(cli?.vars?.yourList ?? '', says);
      assert.equal(cli?.vars?.policyOwner, 'in your own flags or REFUSED_* variables');
      const chat = blockedByPolicy.when(ctx(f, [], skipPlan(f, 'policy', detail, 'chat')));
      assert.equal(chat?.vars?.yourList, undefined, 'the bot: its operator owns the policy');
      assert.equal(chat?.vars?.policyOwner, 'by the people who run this bot');
    });
  }
});
