import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { localTarget } from '../../src/rules/local-target.js';
import { ctx, facts, noProbe, probePlan, ruleCases, skipPlan, tcp } from './helpers.js';

const lh = facts({ host: '127.0.0.1', port: 5432 });
const chat = skipPlan(lh, 'local-target', "127.0.0.1 in a pasted error is the reporter's own machine", 'chat');

ruleCases(localTarget, {
  fires: [
    { name: 'chat: loopback without a port (nothing to probe) is still the reporter\'s machine', ctx: ctx(facts({ host: 'localhost', port: null }), [], skipPlan(facts({ host: 'localhost', port: null }), 'no-target', 'no port', 'chat')), min: 0.85, vars: { local: 'localhost' } },
    { name: 'chat: a unix socket is named by its path', ctx: ctx(facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/tmp/app.sock' }), [], skipPlan(facts({ host: null, port: null }), 'local-target', 'local', 'chat')), vars: { local: '/tmp/app.sock' } },
    { name: 'loopback in a paste on chat', ctx: ctx(lh, [], chat), min: 0.85, evidence: /reporter's own machine/, vars: { local: '127.0.0.1:5432' } },
    { name: 'IPv6 loopback is bracketed', ctx: ctx(facts({ host: '::1', port: 3000 }), [], skipPlan(facts({ host: '::1', port: 3000 }), 'local-target', 'local', 'chat')), vars: { local: '[::1]:3000' } },
    {
      name: 'the destination was local, the target probed: lower',
      ctx: ctx(facts(), [tcp('10.0.0.5', 'open')], probePlan(facts(), { skipped: [{ host: 'localhost', port: 8080, reason: 'local-target', detail: 'local' }] })),
      max: 0.55,
    },
  ],
  quiet: [
    { name: 'cli: loopback without a port', ctx: ctx(facts({ host: 'localhost', port: null }), [], skipPlan(facts({ host: 'localhost', port: null }), 'no-target', 'no port')) },
    { name: 'chat: a remote host without a port', ctx: ctx(facts({ host: 'db.internal', port: null }), [], skipPlan(facts({ host: 'db.internal', port: null }), 'no-target', 'no port', 'chat')) },
    { name: 'the CLI probes its own localhost', ctx: ctx(lh, [tcp('127.0.0.1', 'refused', { host: '127.0.0.1' })]) },
    { name: '--no-probe', ctx: ctx(lh, [], noProbe(lh)) },
  ],
});

test('local-target hands over the local commands for every OS, with the port filled in', () => {
  const found = evaluate([localTarget], buildContext(lh, [], chat))[0]!;
  const runs = found.steps.flatMap((s) => s.commands.map((c) => `${c.os ?? 'any'}: ${c.run}`));
  assert.ok(runs.includes("linux: ss -ltnp 'sport = :5432'"));
  assert.ok(runs.includes('macos: lsof -nP -iTCP:5432 -sTCP:LISTEN'));
  assert.ok(runs.includes('windows: netstat -ano | findstr :5432'));
  assert.ok(runs.includes('windows: Test-NetConnection 127.0.0.1 -Port 5432; Test-NetConnection ::1 -Port 5432'));
  assert.ok(runs.some((r) => r.includes('docker port')));
  // Docker's Go templates keep their braces: they are not placeholders.
  assert.ok(runs.some((r) => r.includes('{{.Ports}}')));
});
