// The probe budget: distinct ports per address per minute, shared by every diagnosis of the process, spent
// before any socket opens. The nearby-port look gives way first; past that the target itself is skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { DEFAULT_POLICY, describePolicy, type Policy } from '../../src/policy/index.js';
import { defaultDeps, ProbeBudget, type ProbeDeps } from '../../src/probes/index.js';
import { FAST, listen } from './helpers.js';

describe('ProbeBudget', () => {
  it('counts distinct ports per address over a sliding minute; a port already counted is free', () => {
    let t = 0;
    const b = new ProbeBudget({ now: () => t });
    assert.deepEqual(b.take('10.0.0.5', [1, 2, 3], 4), { granted: [1, 2, 3], refused: [] });
    assert.deepEqual(b.take('10.0.0.5', [3, 4, 5], 4), { granted: [3, 4], refused: [5] });
    // One address however it is written.
    assert.deepEqual(b.take('::ffff:10.0.0.5', [6], 4), { granted: [], refused: [6] });
    assert.deepEqual(b.take('10.0.0.6', [5], 4), { granted: [5], refused: [] }, 'each address has its own');
    assert.equal(b.used('10.0.0.5'), 4);
    t = 30_000;
    assert.deepEqual(b.take('10.0.0.5', [1], 4), { granted: [1], refused: [] }, 'already counted: free, and counted again from now');
    assert.equal(b.retryInMs('10.0.0.5'), 30_000, 'the oldest charge (port 2 at 0 s) ends at 60 s');
    t = 60_001;
    assert.equal(b.used('10.0.0.5'), 1, 'ports 2, 3, 4 are a minute old; port 1 was counted again at 30 s');
    assert.deepEqual(b.take('10.0.0.5', [5, 6, 7], 4), { granted: [5, 6, 7], refused: [] });
  });

  it('no limit (0) grants everything and keeps nothing', () => {
    const b = new ProbeBudget();
    assert.deepEqual(b.take('10.0.0.5', [1, 2, 3], 0), { granted: [1, 2, 3], refused: [] });
    assert.equal(b.used('10.0.0.5'), 0);
  });

  it('its memory is bounded: the longest-unused addresses are forgotten first', () => {
    const b = new ProbeBudget({ maxAddresses: 100 });
    for (let i = 0; i < 5000; i++) b.take(`10.0.${i >> 8}.${i & 255}`, [80, 443], 40);
    assert.ok(b.size <= 100, `${b.size} addresses kept`);
    assert.equal(b.used('10.0.19.135'), 2, 'the most recent is still counted');
  });
});

async function closedPorts(n: number): Promise<number[]> {
  // Ports far enough apart that no target is another's neighbour (the nearby look reaches port - 1 … port + 2).
  const out: number[] = [];
  while (out.length < n) {
    const l = await listen('127.0.0.1');
    await l.close();
    if (out.every((p) => Math.abs(p - l.port) > 4) && l.port > 2 && l.port < 65533) out.push(l.port);
  }
  return out;
}

function budgetSkips(d: Diagnosis) {
  return d.plan.skipped.filter((s) => s.reason === 'policy' && /budget/.test(s.detail));
}

describe('the budget through the engine (loopback, closed ports)', () => {
  it('several diagnoses in a row: the nearby look is cut first, then the target; a minute later it is back', async () => {
    let t = 0;
    const budget = new ProbeBudget({ now: () => t });
    const policy: Policy = { ...DEFAULT_POLICY, probeBudgetPerHost: 10 };
    const asked: number[] = [];
    const real = defaultDeps().connect;
    const connect: ProbeDeps['connect'] = (to, signal, slot) => {
      if ('port' in to) asked.push(to.port);
      return real(to, signal, slot);
    };
    const run = (port: number) => diagnose({ type: 'target', host: '127.0.0.1', port }, { surface: 'cli', policy, timeouts: FAST, deps: { connect, probeBudget: budget } });
    const [p1, p2, p3, p4] = await closedPorts(4) as [number, number, number, number];

    // Each costs its port and three neighbours (port + 1, port - 1, port + 2): 4, then 8.
    for (const p of [p1, p2]) {
      const d = await run(p);
      assert.equal(d.causes[0]?.id, 'not-listening');
      assert.deepEqual(budgetSkips(d), []);
    }
    assert.equal(budget.used('127.0.0.1'), 8);

    // 9 with the target, 10 with its first neighbour; the other two are skipped and said so.
    asked.length = 0;
    const third = await run(p3);
    assert.ok(asked.includes(p3) && asked.includes(p3 + 1), JSON.stringify(asked));
    assert.ok(!asked.includes(p3 - 1) && !asked.includes(p3 + 2), JSON.stringify(asked));
    const [cut] = budgetSkips(third);
    assert.ok(cut, 'a skip says the budget cut the nearby look');
    assert.match(cut.detail, /^the probe budget is spent: 127\.0\.0\.1 has had 10 different ports probed in the last minute/);
    assert.match(cut.detail, new RegExp(`ports ${p3 - 1}, ${p3 + 2} next to ${p3} were not looked at`));
    assert.equal(third.causes[0]?.id, 'not-listening', 'the target itself was still probed');
    assert.ok(third.probed);

    // Over budget: the target is skipped before any socket, like a policy refusal.
    asked.length = 0;
    const fourth = await run(p4);
    assert.equal(asked.length, 0, `no socket for a target over budget: ${JSON.stringify(asked)}`);
    assert.equal(fourth.causes[0]?.id, 'blocked-by-policy');
    assert.match(budgetSkips(fourth)[0]!.detail, new RegExp(`^the probe budget is spent: 127\\.0\\.0\\.1 .*, so 127\\.0\\.0\\.1:${p4} was not probed; try again in 60 s$`));
    assert.equal(fourth.probed, false);

    // A port already counted costs nothing: a Re-check of the first target is answered in full.
    asked.length = 0;
    const again = await run(p1);
    assert.deepEqual(budgetSkips(again), []);
    assert.ok(asked.includes(p1) && asked.includes(p1 + 2));

    t += 61_000;
    asked.length = 0;
    const later = await run(p4);
    assert.deepEqual(budgetSkips(later), []);
    assert.ok(asked.includes(p4));
  });

  it('five people at once share one budget: never more distinct ports than it allows', async () => {
    const budget = new ProbeBudget();
    const policy: Policy = { ...DEFAULT_POLICY, probeBudgetPerHost: 12 };
    const asked = new Set<number>();
    const real = defaultDeps().connect;
    const connect: ProbeDeps['connect'] = (to, signal, slot) => {
      if ('port' in to) asked.add(to.port);
      return real(to, signal, slot);
    };
    const ports = await closedPorts(5);
    const all = await Promise.all(ports.map((port) => diagnose({ type: 'target', host: '127.0.0.1', port }, { surface: 'cli', policy, timeouts: FAST, deps: { connect, probeBudget: budget } })));
    assert.ok(asked.size <= 12, `${asked.size} distinct ports probed`);
    assert.equal(budget.used('127.0.0.1'), asked.size);
    assert.ok(all.some((d) => budgetSkips(d).length > 0));
  });

  it('without a budget (the command line) nothing is held back', async () => {
    const budget = new ProbeBudget();
    const [p] = await closedPorts(1) as [number];
    const d = await diagnose({ type: 'target', host: '127.0.0.1', port: p }, { surface: 'cli', timeouts: FAST, deps: { probeBudget: budget } });
    assert.deepEqual(budgetSkips(d), []);
    assert.equal(budget.used('127.0.0.1'), 0);
  });

  it('the Home tab states it', () => {
    assert.match(describePolicy({ ...DEFAULT_POLICY, probeBudgetPerHost: 40 }).join('\n'), /At most 40 different ports of any one address are probed per minute/);
    assert.doesNotMatch(describePolicy(DEFAULT_POLICY).join('\n'), /per minute/);
  });
});
