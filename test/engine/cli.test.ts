// The command line, run as a person runs it: a child process, argv, stdin, stdout, exit code.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Diagnosis } from '../../src/domain/types.js';
import { loopback, type Loopback } from './helpers.js';

// Compiled tests live in dist/test/engine and the command in dist/src; from sources, run src/cli.ts via tsx.
const here = fileURLToPath(new URL('.', import.meta.url));
const compiled = import.meta.url.endsWith('.js');
const cli = compiled ? join(here, '..', '..', 'src', 'cli.js') : join(here, '..', '..', 'src', 'cli.ts');
const nodeArgs = compiled ? [cli] : ['--import', 'tsx', cli];

interface Run { code: number | null; stdout: string; stderr: string }

function run(args: string[], stdin = '', env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { env: { ...process.env, NO_COLOR: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(stdin);
  });
}

let lo: Loopback;
let openPort = 0;
let closedPort = 0;

before(async () => {
  lo = await loopback();
  ({ openPort, closedPort } = lo);
});
after(() => lo.close());

test('refused localhost <closed port>: not-listening first, exit 1, refused evidence per address', async () => {
  const r = await run(['--json', 'localhost', String(closedPort)]);
  assert.equal(r.code, 1, r.stderr);
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.schemaVersion, 1);
  assert.equal(d.causes[0]!.id, 'not-listening');
  const tcp = d.evidence.filter((e) => e.type === 'tcp' && e.attempt === 0);
  assert.ok(tcp.length >= 1);
  for (const e of tcp) assert.equal(e.type === 'tcp' && e.outcome, 'refused');
  assert.ok(d.durationMs < 1000, `took ${d.durationMs} ms`);
});

test('an open port: exit 0 and reachable-from-here', async () => {
  const r = await run(['--json', `127.0.0.1:${openPort}`]);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.causes[0]!.id, 'reachable-from-here');
});

test('text output: the verdict first, numbered steps, no colour codes when not a TTY', async () => {
  const r = await run(['localhost', String(closedPort)]);
  assert.equal(r.code, 1);
  const first = r.stdout.split('\n')[0]!;
  assert.match(first, /^✖ /);
  assert.match(r.stdout, /1\. /);
  assert.match(r.stdout, /1\) /);
  assert.doesNotMatch(r.stdout, /\x1b\[/);
});

/** Columns a line takes (the check mark and the arrows are one each; no CJK in this output). */
const columns = (line: string) => [...line].length;
/** A line that may be wider: a command (never wrapped), or one word too long for any line (a URL, a setting). */
const mayOverflow = (line: string) => /^ *\$ /.test(line) || /^ *(?:\d+\) |[·✖✔] )?\S+$/.test(line);

test('a closed loopback port: the answer fits in 30 lines of 80 columns; --verbose is longer and holds every cause', async () => {
  const r = await run(['127.0.0.1', String(closedPort)]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.replace(/\n$/, '').split('\n');
  assert.ok(lines.length <= 30, `${lines.length} lines:\n${r.stdout}`);
  for (const line of lines) assert.ok(columns(line) <= 80, `${columns(line)} columns: ${line}`);
  assert.match(r.stdout, new RegExp(`^✖ Nothing is listening on 127\\.0\\.0\\.1:${closedPort}`));
  assert.match(r.stdout, new RegExp(`\\n  ✖ 127\\.0\\.0\\.1:${closedPort}\\b.*refused`), 'one line for the address');
  assert.match(r.stdout, /\n {3}1\) /);
  assert.match(r.stdout, /\nEverything: --verbose/);

  const json = JSON.parse((await run(['--json', '127.0.0.1', String(closedPort)])).stdout) as Diagnosis;
  const verbose = await run(['--verbose', '127.0.0.1', String(closedPort)]);
  assert.equal(verbose.code, 1, verbose.stderr);
  assert.ok(verbose.stdout.split('\n').length > lines.length, 'longer');
  const joined = verbose.stdout.replace(/\n +/g, ' ');
  for (const c of json.causes) assert.match(joined, new RegExp(`\\(${c.id}, \\d+%\\)`), `${c.id} in --verbose`);
  assert.match(verbose.stdout, /Seen from /);
  for (const line of verbose.stdout.split('\n')) if (!mayOverflow(line)) assert.ok(columns(line) <= 80, line);
});

test('COLUMNS sets the width the answer is wrapped at; commands stay whole', async () => {
  const r = await run(['--verbose', '127.0.0.1', String(closedPort)], '', { COLUMNS: '50' });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  for (const line of lines) if (!mayOverflow(line)) assert.ok(columns(line) <= 50, line);
  assert.ok(lines.some((l) => /^ +\$ \S/.test(l) && columns(l) > 50), 'a command longer than the width is not wrapped');
});

test('--deny on the command line: the answer says it was your own flag, not whoever runs the tool', async () => {
  const r = await run(['--deny', '127.0.0.1', '127.0.0.1', String(closedPort)]);
  assert.equal(r.code, 3, r.stderr);
  const text = r.stdout.replace(/\n +/g, ' ');
  assert.match(text, /Your own --deny \(or REFUSED_DENY_HOSTS\) left it out\. To probe it, run again without the entry that covers 127\.0\.0\.1\./);
  assert.doesNotMatch(text, /whoever runs|people who run this bot/);
  const env = await run(['127.0.0.1', String(closedPort)], '', { REFUSED_DENY_PORTS: String(closedPort) });
  assert.equal(env.code, 3, env.stderr);
  assert.match(env.stdout.replace(/\n +/g, ' '), /Your own --deny-ports \(or REFUSED_DENY_PORTS\) left it out/);
});

test('`refused -` on a terminal says how to end the paste, on stderr, before it reads (a real pseudo-terminal)', async (t) => {
  // util-linux `script` runs the command on a pseudo-terminal: stdin is a TTY there, as when a person types.
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.error || script.status !== 0) {
    t.skip('util-linux script is not installed');
    return;
  }
  const command = [process.execPath, ...nodeArgs, '--no-local', '--no-probe', '-'].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const tty = (input: string) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout: stdout.replace(/\r\n/g, '\n'), stderr: '' }); });
      // Ctrl-D on a line of its own ends the paste, as the prompt says.
      child.stdin.end(input);
    });
  const pasted = await tty('psql: error: connection to server at "db.internal" (10.1.2.3), port 5432 failed: Connection refused\n\x04');
  assert.equal(pasted.code, 1, pasted.stdout);
  assert.match(pasted.stdout, /Paste the error, then press Ctrl-D on a new line \(Ctrl-Z then Enter on Windows\)\./);
  assert.match(pasted.stdout, /Nothing is listening on db\.internal:5432/);
  const empty = await tty('\x04');
  assert.equal(empty.code, 2, empty.stdout);
  assert.match(empty.stdout, /Paste the error/);
  assert.match(empty.stdout, /nothing was pasted: run `refused -` again, paste the error, then press Ctrl-D/);
  // Not a terminal: no prompt (a pipe ends by itself).
  const piped = await run(['--no-local', '--no-probe', '-'], 'psql: error: connection to server at "db.internal" (10.1.2.3), port 5432 failed: Connection refused\n');
  assert.doesNotMatch(piped.stderr, /Paste the error/);
});

test('--no-probe - reads a paste from stdin and diagnoses without the network', async () => {
  const paste = 'psycopg2.OperationalError: connection to server at "db.internal" (10.1.2.3), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n';
  const r = await run(['--no-probe', '--json', '-'], paste);
  assert.equal(r.code, 1, r.stderr);
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.facts.kind, 'refused');
  assert.equal(d.facts.host, 'db.internal');
  assert.equal(d.facts.port, 5432);
  assert.equal(d.probed, false);
  assert.deepEqual(d.evidence, []);
  assert.ok(d.causes.length > 0);
});

test('--no-probe on text with no connection error: kind none, no target, exit 0', async () => {
  const r = await run(['--no-probe', '--json', '-'], 'Deployed build 4521 to staging, all green. Lunch at 12?\n');
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.facts.kind, 'none');
  assert.equal(d.facts.host, null);
  assert.deepEqual(d.causes, []);
});

test('secrets in a paste never reach the output', async () => {
  const paste = 'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db" (10.0.0.7), port 5432 failed: Connection refused\n(Background on this error at: https://sqlalche.me/e/20/e3q8)\nDATABASE_URL=postgres://app:hunter2-s3cret@db:5432/app\n';
  for (const args of [['--no-probe', '--json', '-'], ['--no-probe', '-']]) {
    const r = await run(args, paste);
    assert.doesNotMatch(r.stdout + r.stderr, /hunter2-s3cret/);
  }
});

test('a cloud metadata address is blocked by policy: exit 3', async () => {
  const r = await run(['--json', '169.254.169.254', '80']);
  assert.equal(r.code, 3, r.stderr);
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.causes[0]!.id, 'blocked-by-policy');
  assert.equal(d.probed, false);
});

test('a denied target in any spelling exits 3 without probing', async () => {
  for (const args of [['0xa9fea9fe', '80'], ['[::ffff:169.254.169.254]:80'], ['http://0251.0376.0251.0376/latest/'], ['[fe80::1%eth0]:22'], ['0', '80'], ['224.1', '5353']]) {
    const r = await run(['--json', ...args]);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.causes[0]!.id, 'blocked-by-policy', args.join(' '));
    assert.equal(d.probed, false);
    assert.equal(d.evidence.filter((e) => e.type === 'tcp').length, 0);
  }
});

test('the policy from flags and env: a denied name, port or network exits 3; the rest still probes', async () => {
  // localhost resolves (hosts file) to loopback only; with loopback denied, nothing is connected to.
  const name = await run(['--json', '--deny', '127.0.0.0/8', '--deny', '::1', 'localhost', String(closedPort)]);
  assert.equal(name.code, 3, name.stderr);
  const d = JSON.parse(name.stdout) as Diagnosis;
  assert.equal(d.probed, false);
  assert.match(d.plan.skipped.find((s) => s.reason === 'policy')!.detail, /localhost resolved to .*deny list/);
  const port = await run(['--json', `127.0.0.1:${closedPort}`], '', { REFUSED_ALLOW_PORTS: '1-1023', REFUSED_POLICY_CONTACT: '#infra' });
  assert.equal(port.code, 3, port.stderr);
  assert.match((JSON.parse(port.stdout) as Diagnosis).plan.skipped[0]!.detail, /port \d+ is outside the ports .*; ask #infra/);
  const text = await run(['--deny', '127.0.0.1', '127.0.0.1', String(closedPort)]);
  assert.equal(text.code, 3);
  assert.match(text.stdout, /deny list/);
  const allowed = await run(['--json', '--allow', '127.0.0.1', '--allow-ports', `${closedPort}`, '127.0.0.1', String(closedPort)]);
  assert.equal(allowed.code, 1, allowed.stderr);
  assert.equal((JSON.parse(allowed.stdout) as Diagnosis).causes[0]!.id, 'not-listening');
});

test('--nat64 and REFUSED_NAT64_PREFIXES: an address under the prefix is judged by the IPv4 address it carries', async () => {
  // --allow 127.0.0.1 narrows the policy, so the target is refused with or without the prefix and nothing is
  // ever connected to; which reason is given shows whether the prefix was read.
  const target = '[2001:db8:64::a9fe:a9fe]:80';
  for (const r of [
    await run(['--json', '--allow', '127.0.0.1', '--nat64', '2001:db8:64::/96', target]),
    await run(['--json', '--allow', '127.0.0.1', target], '', { REFUSED_NAT64_PREFIXES: '2001:db8:64::/96' }),
  ]) {
    assert.equal(r.code, 3, r.stderr);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.probed, false);
    assert.match(d.plan.skipped[0]!.detail, /2001:db8:64::a9fe:a9fe carries 169\.254\.169\.254 \(this network's NAT64 prefix 2001:db8:64::\/96\), a cloud metadata endpoint/);
  }
  const without = await run(['--json', '--allow', '127.0.0.1', target]);
  assert.equal(without.code, 3);
  assert.match((JSON.parse(without.stdout) as Diagnosis).plan.skipped[0]!.detail, /outside the hosts/);
  const bad = await run(['--nat64', '2001:db8:64::/80', '127.0.0.1', '1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--nat64 \/ REFUSED_NAT64_PREFIXES: entry "2001:db8:64::\/80" has prefix length 80; RFC 6052 allows only 32, 40, 48, 56, 64 or 96/);
});

test('translated forms of a denied address, and the platform addresses, exit 3 without probing', async () => {
  // --allow 127.0.0.1 keeps every one of these refused however the policy reads it (nothing is ever connected
  // to); the reason shows it was refused for what it is, not for lying outside the allow list.
  const cases: [string[], RegExp][] = [
    [['[64:ff9b:1::a9fe:a9fe]:80'], /carries 169\.254\.169\.254 \(NAT64, local-use/],
    [['[::ffff:0:a9fe:a9fe]:80'], /carries 169\.254\.169\.254 \(SIIT/],
    [['[2001:0:cb00:7101:8000:f227:5601:5601]:80'], /carries 169\.254\.169\.254 \(Teredo client\)/],
    [['168.63.129.16', '80'], /Azure/],
    [['[fd00:ec2::23]:53'], /AWS/],
  ];
  for (const [args, why] of cases) {
    const r = await run(['--json', '--allow', '127.0.0.1', ...args]);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.causes[0]!.id, 'blocked-by-policy', args.join(' '));
    assert.equal(d.probed, false);
    assert.match(d.plan.skipped[0]!.detail, why, args.join(' '));
  }
});

test('a bad policy entry is a usage error naming the entry', async () => {
  const r = await run(['--allow', '10.0.0.1/8', '--deny-ports', '90-80', '127.0.0.1', '1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--allow \/ REFUSED_ALLOW_HOSTS: entry "10\.0\.0\.1\/8" has bits set beyond the \/8 prefix; write 10\.0\.0\.0\/8/);
  assert.match(r.stderr, /--deny-ports \/ REFUSED_DENY_PORTS: entry "90-80" runs backwards/);
  const env = await run(['127.0.0.1', '1'], '', { REFUSED_DENY_HOSTS: '127.1' });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /REFUSED_DENY_HOSTS: entry "127\.1" is an unusual spelling of 127\.0\.0\.1/);
});

test('usage errors: exit 2 and a clear message on stderr', async () => {
  const cases: [string[], string, RegExp][] = [
    [[], '', /nothing to diagnose/],
    [['db', '99999'], '', /not a TCP port/],
    [['--frobnicate', 'db', '1'], '', /^refused: unknown option --frobnicate\n/],
    [['--verbos', 'db', '1'], '', /^refused: unknown option --verbos; did you mean --verbose\?\n/],
    [['--timeout', 'soon', 'db', '1'], '', /--timeout takes a whole number/],
    [['-'], '', /stdin was empty/],
    [['db.internal'], '', /no port for db\.internal/],
    [['please', 'help', 'me'], '', /not a host and port or a URL/],
    [['--os', 'beos', 'db', '1'], '', /--os takes one of/],
  ];
  for (const [args, stdin, message] of cases) {
    const r = await run(args, stdin);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '', 'nothing on stdout for a usage error');
  }
});

test('a broken rules file stops with every problem listed: exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'refused-cli-'));
  const file = join(dir, 'rules.yml');
  writeFileSync(file, 'rules:\n  - id: BAD\n    when: { hots: x }\n');
  const r = await run(['--rules', file, '127.0.0.1', String(closedPort)]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /rules\[0\]\.id/);
  assert.match(r.stderr, /rules\[0\]\.title/);
  assert.match(r.stderr, /unknown key "hots"/);
});

test('operator rules from REFUSED_RULES_FILE rank with the built-in ones and runbooks attach', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'refused-cli-'));
  const file = join(dir, 'rules.yml');
  writeFileSync(file, [
    'rules:',
    '  - id: local-dev-db',
    '    title: The dev database container is stopped',
    '    when: { host: "127.0.0.*", outcome: refused }',
    '    confidence: 0.99',
    '    steps: [{ text: "Start it", commands: ["docker compose up -d db"] }]',
    'runbooks:',
    '  - { host: "127.0.0.1", url: "https://runbooks.example.test/dev", title: Dev runbook }',
  ].join('\n'));
  const r = await run(['--json', '127.0.0.1', String(closedPort)], '', { REFUSED_RULES_FILE: file });
  assert.equal(r.code, 1, r.stderr);
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.causes[0]!.id, 'local-dev-db');
  assert.ok(d.causes.some((c) => c.id === 'not-listening' && c.runbook?.url === 'https://runbooks.example.test/dev'));
});

test('--help and --version', async () => {
  const h = await run(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /refused <host> <port>/);
  const v = await run(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
});

test('refused - with 5 MB piped in, its only error on the last line: that target is probed, and the cut is said in the answer', async () => {
  const noise = '2024-05-01T10:00:00Z INFO worker: heartbeat ok queue=jobs depth=0 elapsed=3ms\n';
  const paste = `${noise.repeat(Math.ceil((5 * 1024 * 1024) / noise.length))}Error: connect ECONNREFUSED 127.0.0.1:${closedPort}\n`;
  const r = await run(['--json', '--no-local', '-'], paste);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '', 'said in the answer, not on stderr');
  const d = JSON.parse(r.stdout) as Diagnosis;
  assert.equal(d.facts.port, closedPort);
  assert.equal(d.causes[0]!.id, 'not-listening');
  assert.ok(d.evidence.some((e) => e.type === 'tcp' && e.port === closedPort && e.outcome === 'refused'));
  const notes = d.facts.notes.filter((n) => n.startsWith('The paste was'));
  assert.equal(notes.length, 1, d.facts.notes.join(' | '));
  assert.match(notes[0]!, /^The paste was 5\.0 MB; kept the first [\d,]+ lines and the last [\d,]+; [\d,]+ lines in between were not read\.$/);
});
