import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../src/rules/evaluate.js';
import { RULES } from '../../src/rules/index.js';
import { verdict } from '../../src/rules/verdict.js';
import type { RuleContext } from '../../src/rules/types.js';
import { ctx, facts, noProbe, probePlan, skipPlan, tcp, tcpAttempts } from './helpers.js';

const say = (c: RuleContext) => verdict(evaluate(RULES, c), c);

describe('verdict', () => {
  it('names the top cause and what the probe saw', () => {
    assert.equal(say(ctx(facts(), [tcp('10.0.0.5', 'refused')])), 'Nothing is listening on db.internal:5432 (refused on 10.0.0.5 in 0.4 ms).');
  });
  it('groups several addresses by outcome', () => {
    const lh = facts({ host: 'localhost', port: 3000 });
    const at = { host: 'localhost', port: 3000 };
    assert.equal(say(ctx(lh, [tcp('::1', 'refused', at), tcp('127.0.0.1', 'open', at)])), 'localhost answers over IPv4 (127.0.0.1) but not over IPv6 (::1) (refused on ::1; open on 127.0.0.1).');
  });
  it('counts the tries of a flapping address', () => {
    assert.match(say(ctx(facts(), tcpAttempts('10.0.0.5', ['open', 'refused', 'open']))), /\(10\.0\.0\.5 answered on 2 of 3 tries\)\.$/);
  });
  it('says plainly when the target accepts', () => {
    assert.equal(say(ctx(facts({ kind: 'none' }), [tcp('10.0.0.5', 'open')])), 'db.internal:5432 accepts connections from here.');
  });
  it('says when it rests on the text alone', () => {
    const f = facts();
    assert.equal(say(ctx(f, [], noProbe(f))), 'Nothing is listening on db.internal:5432 (from the text alone; nothing was probed).');
  });
  it('has a line for no error at all, and for an error no rule explains', () => {
    const none = facts({ kind: 'none', host: null, port: null });
    assert.equal(say(ctx(none, [], probePlan(none))), 'No connection error found in the text.');
    const typed = facts({ kind: 'none' });
    assert.match(say(ctx(typed, [], noProbe(typed))), /^Nothing to go on for db\.internal:5432/);
    assert.equal(verdict([], ctx(facts({ kind: 'reset' }), [], noProbe(facts()))), 'No known cause fits this reset error for db.internal:5432.');
  });
  it('for the chat bot and a local target, says whose machine it is', () => {
    const lh = facts({ host: '127.0.0.1' });
    assert.equal(say(ctx(lh, [], skipPlan(lh, 'local-target', 'local', 'chat'))), '127.0.0.1:5432 is on your own machine, which the bot cannot see.');
  });
});
