import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import { commandsFor, renderText } from '../../src/render/text/index.js';
import { displayWidth, terminalWidth, wrap } from '../../src/render/text/wrap.js';

const paste = 'psql: error: connection to server at "db.internal" (10.1.2.3), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The text with wrapped lines joined again: what a person reads, whatever the width. */
const unwrapped = (out: string) => out.replace(/\n +(?! |[$·]|\d+\) )/g, ' ');
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** A line that may be wider than the terminal: a command, or one word too long for any line (a URL, a setting). */
const mayOverflow = (line: string) => /^ *\$ /.test(plain(line)) || /^ *(?:\d+\) |[·✖✔] )?\S+$/.test(plain(line));

describe('the first view (default)', () => {
  test('the verdict first, what the text said, the first cause with at most three steps, one line per other cause, how to see more', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false, hostname: 'laptop' });
    const out = unwrapped(renderText(d, { color: false, os: 'linux' }));
    assert.ok(out.startsWith(`✖ ${d.verdict}\n`) || out.startsWith(`✖ ${d.verdict} `), out);
    assert.match(out, /From the text: refused · db\.internal:5432/);
    const first = d.causes[0]!;
    assert.match(out, new RegExp(`\\n1\\. ${escapeRe(first.title)} \\(\\d+%\\) `));
    assert.match(out, /\n {3}3\) /);
    assert.doesNotMatch(out, /\n {3}4\) /, 'three steps at most');
    assert.ok(first.steps.length > 3, 'the fixture has more steps than the first view shows');
    assert.match(out, new RegExp(`\\(${first.steps.length - 3} more steps?: --verbose\\)`));
    for (const [i, other] of d.causes.slice(1, 6).entries()) assert.match(out, new RegExp(`\\n${i + 2}\\. ${escapeRe(other.title.slice(0, 30))}`));
    // Other causes are one line each: their explanations are not shown.
    assert.doesNotMatch(out, new RegExp(escapeRe(d.causes[1]!.explanation.slice(0, 40))));
    assert.match(out, /Everything: --verbose/);
    assert.doesNotMatch(out, /\x1b\[/);
  });

  test('the commands are for one OS: the one asked for', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
    const linux = renderText(d, { color: false, os: 'linux' });
    const windows = renderText(d, { color: false, os: 'windows' });
    assert.match(linux, /\$ sudo ss -ltnp/);
    assert.doesNotMatch(linux, /Get-NetTCPConnection|netstat -ano/);
    assert.match(windows, /Get-NetTCPConnection|netstat -ano/);
    assert.doesNotMatch(windows, /\$ sudo ss -ltnp/);
    assert.match(windows, /Windows commands shown; others: --os linux, --os macos/);
    assert.doesNotMatch(linux, /# (Linux|Windows|macOS)/, 'no OS labels: only one OS is shown');
  });

  test('every line fits the width, except a command, which is never wrapped', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
    for (const width of [40, 60, 80, 120]) {
      for (const verbose of [false, true]) {
        const out = renderText(d, { color: false, os: 'linux', width, verbose });
        for (const line of out.split('\n')) {
          if (mayOverflow(line)) continue;
          assert.ok(displayWidth(line) <= width, `${width}${verbose ? ' verbose' : ''}: ${JSON.stringify(line)}`);
        }
        // Each command of the shown steps appears whole on one line.
        const shown = verbose ? d.causes.flatMap((c) => c.steps) : d.causes[0]!.steps.slice(0, 3);
        for (const cmd of commandsFor(shown.flatMap((s) => s.commands), 'linux')) assert.ok(out.split('\n').some((l) => l.trimStart() === `$ ${cmd.run}`), cmd.run);
      }
    }
  });

  test('colour only when asked for, and colour codes take no columns', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
    const coloured = renderText(d, { color: true, os: null, width: 60 });
    assert.match(coloured, /\x1b\[1m/);
    for (const line of coloured.split('\n')) if (!mayOverflow(line)) assert.ok(displayWidth(line) <= 60, JSON.stringify(line));
    assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), renderText(d, { color: false, os: null, width: 60 }));
  });

  test('text with no connection error says so, with a tick', async () => {
    const d = await diagnose({ type: 'paste', text: 'all good here, the deploy finished' }, { surface: 'cli', probe: false });
    for (const verbose of [false, true]) {
      const out = renderText(d, { color: false, os: 'linux', verbose });
      assert.match(out.split('\n')[0]!, /^✔ /);
      assert.doesNotMatch(out, /Likely causes|Also possible|--verbose/);
    }
  });

  test('a policy refusal on the command line names the user\'s own flag, not whoever runs the tool', async () => {
    const { buildPolicy } = await import('../../src/policy/index.js');
    const { policy } = buildPolicy({ allowHosts: '', denyHosts: '10.9.0.0/16', allowPorts: '', denyPorts: '', nat64: '', allowLoopback: true, contact: null }, { allowHosts: '--allow', denyHosts: '--deny', allowPorts: '--allow-ports', denyPorts: '--deny-ports' });
    const d = await diagnose({ type: 'target', host: '10.9.8.7', port: 5432 }, { surface: 'cli', probe: true, policy });
    assert.equal(d.causes[0]!.id, 'blocked-by-policy');
    const out = unwrapped(renderText(d, { color: false, os: 'linux' }));
    assert.match(out, /Your own --deny \(or REFUSED_DENY_HOSTS\) left it out/);
    assert.doesNotMatch(out, /whoever runs/);
    const verbose = renderText(d, { color: false, os: 'linux', verbose: true });
    assert.match(unwrapped(verbose), /a change to the policy in your own flags or REFUSED_\* variables/);
    assert.doesNotMatch(verbose, /whoever runs|the people who run this bot/);
  });
});

describe('--verbose: everything', () => {
  test('what the text said, every cause in full with its evidence and steps, and where it ran', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false, hostname: 'laptop' });
    const out = unwrapped(renderText(d, { color: false, os: 'linux', verbose: true }));
    assert.match(out, /From the text: refused · db\.internal:5432/);
    assert.match(out, /Likely causes, most likely first:|Cause:/);
    d.causes.forEach((c, i) => {
      assert.match(out, new RegExp(`\\n${i + 1}\\. ${escapeRe(c.title)} \\(${c.id}, \\d+%\\)`), c.id);
      assert.ok(out.includes(c.explanation.replace(/\s+/g, ' ')), `${c.id}: the whole explanation`);
    });
    assert.match(out, /read from the text on laptop/);
    const lines = (o: string) => o.split('\n').length;
    assert.ok(lines(renderText(d, { color: false, os: 'linux', verbose: true })) > lines(renderText(d, { color: false, os: 'linux' })) + 20);
  });

  test('causes past fullCauses get one line each', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
    assert.ok(d.causes.length >= 2, 'the paste yields several causes');
    const out = unwrapped(renderText(d, { color: false, os: 'linux', verbose: true, fullCauses: 1 }));
    const second = d.causes[1]!;
    assert.match(out, new RegExp(`\\n2\\. .*\\(${second.id}, \\d+%\\)\\n`));
    assert.doesNotMatch(out, new RegExp(escapeRe(second.explanation.slice(0, 30))));
  });

  test('with no OS known, every OS\'s commands, labelled', async () => {
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', probe: false });
    const out = renderText(d, { color: false, os: null, verbose: true });
    assert.match(out, /# Windows/);
  });
});

test('commands: the reporter\'s OS only when known, every OS labelled when not', () => {
  const cmds = [{ run: 'ss -ltnp', os: 'linux' as const }, { run: 'netstat -ano', os: 'windows' as const }, { run: 'nc -vz h 1' }];
  assert.deepEqual(commandsFor(cmds, 'windows'), [{ run: 'netstat -ano', label: null }, { run: 'nc -vz h 1', label: null }]);
  assert.deepEqual(commandsFor(cmds, null), [{ run: 'ss -ltnp', label: 'Linux' }, { run: 'netstat -ano', label: 'Windows' }, { run: 'nc -vz h 1', label: null }]);
});

describe('wrap', () => {
  test('breaks on word boundaries, never past the width', () => {
    const text = 'The host answered at once, with a refusal: its kernel received the connection request and had no socket listening.';
    const lines = wrap(text, 30);
    assert.deepEqual(lines, ['The host answered at once,', 'with a refusal: its kernel', 'received the connection', 'request and had no socket', 'listening.']);
    assert.equal(lines.join(' '), text);
  });

  test('a hanging indent: the first line\'s prefix, spaces under it after', () => {
    assert.deepEqual(wrap('check whether anything listens on the port', 24, { first: '   1) ', rest: '      ' }), [
      '   1) check whether',
      '      anything listens',
      '      on the port',
    ]);
    assert.deepEqual(wrap('a b c d', 5, 2), ['  a b', '  c d']);
    assert.deepEqual(wrap('a b c d', 5, '> '), ['> a b', '> c d']);
  });

  test('a word longer than the line is never cut: it goes whole on a line of its own (a URL, a setting, a path)', () => {
    assert.deepEqual(wrap('see aaaaaaaaaabbbbbbbbbbcc now', 10), ['see', 'aaaaaaaaaabbbbbbbbbbcc', 'now']);
    const url = 'https://man7.org/linux/man-pages/man8/iptables-extensions.8.html';
    assert.deepEqual(wrap(`Docs: ${url} and more`, 30, '   '), ['   Docs:', `   ${url}`, '   and more']);
    const setting = 'KAFKA_ADVERTISED_LISTENERS=INTERNAL://kafka:29092,EXTERNAL://localhost:9092,';
    assert.deepEqual(wrap(`set ${setting} then restart`, 40, { first: '1) ', rest: '   ' }), ['1) set', `   ${setting}`, '   then restart']);
    assert.deepEqual(wrap(url, 20, { first: '1) ', rest: '   ' }), [`1) ${url}`], 'first on the line: it stays after the prefix');
  });

  test('newlines start a line; spaces and tabs collapse; nothing trails', () => {
    assert.deepEqual(wrap('one  two\tthree\nfour ', 40, '  '), ['  one two three', '  four']);
    assert.deepEqual(wrap('', 40), ['']);
    assert.deepEqual(wrap('a\n\nb', 40), ['a', '', 'b']);
  });

  test('widths are terminal columns: colour codes none, CJK and emoji two', () => {
    assert.equal(displayWidth('\x1b[1mbold\x1b[0m'), 4);
    assert.equal(displayWidth('接続が拒否されました'), 20);
    assert.equal(displayWidth('🔥 ok'), 5);
    assert.equal(displayWidth('é'), 1, 'a combining accent takes no column');
    assert.deepEqual(wrap('接続 が 拒否 されました 接続 接続', 10), ['接続 が', '拒否', 'されました', '接続 接続']);
    assert.deepEqual(wrap('\x1b[1mbold words\x1b[0m here', 10), ['\x1b[1mbold words\x1b[0m', 'here']);
  });

  test('a width too small for the indent still makes progress, a word a line', () => {
    assert.deepEqual(wrap('abc de', 2, '    '), ['    abc', '    de']);
    assert.deepEqual(wrap('ab cd', Number.NaN), ['ab cd'], 'a width that is not a number: 80');
  });
});

describe('displayWidth', () => {
  test('counts printable ASCII by its length, and wide, combined and coloured text by its columns', () => {
    assert.equal(displayWidth(''), 0);
    assert.equal(displayWidth('refused 127.0.0.1:5432 ~ {}|'), 28);
    assert.equal(displayWidth('日本語'), 6);
    assert.equal(displayWidth('ok 🚨'), 5);
    assert.equal(displayWidth('\u001b[1mbold\u001b[0m'), 4);
    assert.equal(displayWidth('a\u0301'), 1);
  });
});

describe('terminalWidth', () => {
  test('COLUMNS first, then the terminal, then 80', () => {
    assert.equal(terminalWidth({ COLUMNS: '100' }, { isTty: true, columns: 132 }), 100);
    assert.equal(terminalWidth({}, { isTty: true, columns: 132 }), 132);
    assert.equal(terminalWidth({}, { isTty: false, columns: 132 }), 80, 'not a terminal: 80');
    assert.equal(terminalWidth({}, { isTty: true }), 80, 'a terminal that does not say');
    assert.equal(terminalWidth({ COLUMNS: 'wide' }, { isTty: false }), 80, 'a COLUMNS that is not a number is ignored');
    assert.equal(terminalWidth({ COLUMNS: '5' }, { isTty: false }), 20, 'never narrower than 20');
    assert.equal(terminalWidth({ COLUMNS: '0' }, { isTty: true, columns: 90 }), 90);
  });
});
