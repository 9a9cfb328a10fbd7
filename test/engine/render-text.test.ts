import assert from 'node:assert/strict';
import test from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { commandsFor, renderText } from '../../src/render/text/index.js';

const paste = 'psql: error: connection to server at "db.internal" (10.1.2.3), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?';

test('the verdict comes first, then what the text said, then numbered causes and steps', async () => {
  const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false, hostname: 'laptop' });
  const out = renderText(d, { color: false, os: 'linux' });
  const lines = out.split('\n');
  assert.equal(lines[0], `✖ ${d.verdict}`);
  assert.match(out, /From the text: refused · db\.internal:5432/);
  assert.match(out, /Likely causes, most likely first:|Cause:/);
  assert.match(out, new RegExp(`1\\. ${d.causes[0]!.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(out, /not probed from laptop/);
  assert.doesNotMatch(out, /\x1b\[/);
});

test('colour only when asked for', async () => {
  const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
  assert.match(renderText(d, { color: true, os: null }), /\x1b\[1m/);
});

test('commands: the reporter\'s OS only when known, every OS labelled when not', () => {
  const cmds = [{ run: 'ss -ltnp' , os: 'linux' as const }, { run: 'netstat -ano', os: 'windows' as const }, { run: 'nc -vz h 1' }];
  assert.deepEqual(commandsFor(cmds, 'windows'), [{ run: 'netstat -ano', label: null }, { run: 'nc -vz h 1', label: null }]);
  assert.deepEqual(commandsFor(cmds, null), [{ run: 'ss -ltnp', label: 'Linux' }, { run: 'netstat -ano', label: 'Windows' }, { run: 'nc -vz h 1', label: null }]);
});

test('text with no connection error says so, with a tick', async () => {
  const d = await diagnose({ type: 'paste', text: 'all good here, the deploy finished' }, { surface: 'cli', probe: false });
  const out = renderText(d, { color: false, os: 'linux' });
  assert.match(out.split('\n')[0]!, /^✔ /);
  assert.doesNotMatch(out, /Likely causes/);
});

test('causes past the first few get one line each', async () => {
  const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
  assert.ok(d.causes.length >= 2, 'the paste yields several causes');
  const out = renderText(d, { color: false, os: 'linux', fullCauses: 1 });
  const second = d.causes[1]!;
  assert.match(out, new RegExp(`\\n2\\. .*\\(${second.id}, \\d+%\\)\\n`));
  assert.doesNotMatch(out, new RegExp(second.explanation.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});
