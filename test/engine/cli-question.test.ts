// The command answers for itself what the bot has to ask: before ranking it looks at the machine it runs on
// (files, variables, at most one lookup of localhost), here with that I/O passed in through main()'s Io.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { main } from '../../src/cli.js';
import type { Diagnosis, DnsAddress } from '../../src/domain/types.js';
import type { LocalIo } from '../../src/local/look.js';

const PASTE = 'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n';
// 127.0.0.1:5432 listens (state 0A), written as the kernel writes it on a little-endian machine.
const PROC_TCP = '  sl  local_address rem_address   st\n   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000 999 0 1 1 0 100 0 0 10 0\n';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  read: string[];
  lookups: string[];
}

async function run(
  argv: string[],
  opts: { files?: Record<string, string>; env?: Record<string, string>; localhost?: DnsAddress[]; stdin?: string } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const read: string[] = [];
  const lookups: string[] = [];
  const files = opts.files ?? {};
  const local: Partial<LocalIo> = {
    readFile: async (path) => {
      read.push(path);
      return files[path] ?? null;
    },
    exists: async (path) => {
      read.push(path);
      return path in files;
    },
    lookup: async (host) => {
      lookups.push(host);
      return opts.localhost ?? [{ address: '127.0.0.1', family: 4 }];
    },
    endianness: 'LE',
  };
  const code = await main({
    argv,
    env: { NO_COLOR: '1', ...opts.env },
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readStdin: async () => ({ text: opts.stdin ?? PASTE, truncated: false, tty: false }),
    isTty: false,
    platform: 'linux',
    local,
  });
  return { code, stdout, stderr, read, lookups };
}

describe('the command looks at its own machine', () => {
  it('in a container: answers that the program runs in one, and a pasted localhost is the container itself', async () => {
    const r = await run(['--no-probe', '--json', '-'], { files: { '/.dockerenv': '', '/proc/1/cgroup': '0::/\n' } });
    assert.equal(r.code, 1, r.stderr);
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.deepEqual(d.local?.container, { kind: 'docker', clues: ['/.dockerenv exists'] });
    assert.deepEqual(d.facts.answers, { clientWhere: 'container' });
    assert.equal(d.causes[0]?.id, 'container-localhost');
    assert.match(d.causes[0]!.evidence[0]!, /runs in a container/);
  });

  it('in a Kubernetes pod (KUBERNETES_SERVICE_HOST): clientWhere is pod', async () => {
    const r = await run(['--no-probe', '--json', '-'], { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' } });
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.facts.answers?.clientWhere, 'pod');
    assert.equal(d.local?.container?.kind, 'kubernetes');
  });

  it('text output (--verbose): what it looked at, the proxy variables masked, localhost ::1 first, the port listening on 127.0.0.1 only', async () => {
    const r = await run(['--verbose', '--no-probe', '-'], {
      files: { '/proc/net/tcp': PROC_TCP, '/proc/net/tcp6': '' },
      env: { HTTPS_PROXY: 'http://alice:s3cret-pass@proxy.corp:3128', no_proxy: 'localhost,.internal' },
      localhost: [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    assert.equal(r.code, 1, r.stderr);
    // Wrapped at 80 columns: a long line goes on under a deeper indent; joined again here.
    const block = r.stdout.slice(r.stdout.indexOf('Looked at this machine:')).replace(/\n {4,}/g, ' ');
    assert.ok(r.stdout.includes('Looked at this machine:'), r.stdout);
    assert.match(block, /no sign of a container/);
    assert.match(block, /proxy variables: HTTPS_PROXY=http:\/\/alice:\*\*\*\*@proxy\.corp:3128 · no_proxy=localhost,\.internal/);
    assert.doesNotMatch(r.stdout, /s3cret/);
    assert.match(block, /localhost → ::1, 127\.0\.0\.1 \(::1 first\)/);
    assert.match(block, /port 5432 listens here on 127\.0\.0\.1\n/);
    assert.match(block, /port 5432 listens on 127\.0\.0\.1 only, and localhost here is ::1 first/);
    assert.match(block, /so for 127\.0\.0\.1:5432: the server runs on the same machine as the program/);
  });

  it('--json carries the look under `local` and its answers in facts.answers', async () => {
    const r = await run(['--no-probe', '--json', '-'], {
      files: { '/proc/net/tcp': PROC_TCP },
      localhost: [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
    });
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.deepEqual(d.local, {
      container: null,
      proxy: [],
      localhost: [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
      listening: [{ address: '127.0.0.1', port: 5432 }],
    });
    assert.deepEqual(d.facts.answers, { sameMachine: true });
  });

  it('--no-probe still looks at a paste, and only reads files and looks up localhost once', async () => {
    const r = await run(['--no-probe', '--json', '-']);
    assert.deepEqual(r.lookups, ['localhost']);
    assert.deepEqual([...new Set(r.read)].sort(), ['/.dockerenv', '/proc/1/cgroup', '/proc/net/tcp', '/proc/net/tcp6', '/run/.containerenv']);
    assert.equal((JSON.parse(r.stdout) as Diagnosis).probed, false);
  });

  it('a typed target looks localhost up only when its port listens on one loopback family alone', async () => {
    const localhost = [
      { address: '::1', family: 6 as const },
      { address: '127.0.0.1', family: 4 as const },
    ];
    // Nothing listens on 5433: no lookup, and the look says so rather than that localhost failed to resolve.
    const nothing = await run(['--no-probe', '--json', '127.0.0.1', '5433'], { files: { '/proc/net/tcp': PROC_TCP }, localhost });
    assert.deepEqual(nothing.lookups, []);
    assert.equal((JSON.parse(nothing.stdout) as Diagnosis).local?.localhost, 'not-looked-up');
    const text = await run(['--verbose', '--no-probe', 'http://127.0.0.1:5433/'], { files: { '/proc/net/tcp': PROC_TCP }, localhost });
    assert.deepEqual(text.lookups, []);
    assert.match(text.stdout.replace(/\n {4,}/g, ' '), /localhost: not looked up/);
    // 5432 listens on 127.0.0.1 only and localhost is ::1 first: looked up, and the family story told.
    const one = await run(['--verbose', '--no-probe', '127.0.0.1', '5432'], { files: { '/proc/net/tcp': PROC_TCP }, localhost });
    assert.deepEqual(one.lookups, ['localhost']);
    assert.match(one.stdout.replace(/\n {4,}/g, ' '), /port 5432 listens on 127\.0\.0\.1 only, and localhost here is ::1 first/);
  });

  it('--no-local: no look at all, no `local` field, no lines', async () => {
    const json = await run(['--no-probe', '--no-local', '--json', '-'], { files: { '/.dockerenv': '' } });
    assert.deepEqual([json.read, json.lookups], [[], []]);
    const d = JSON.parse(json.stdout) as Diagnosis;
    assert.equal('local' in d, false);
    assert.equal(d.facts.answers, undefined);
    const text = await run(['--verbose', '--no-probe', '--no-local', '-']);
    assert.doesNotMatch(text.stdout, /Looked at this machine/);
  });

  it('a typed localhost probed from inside a container: what the probe saw leads, the container note follows', async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const r = await run(['--json', '--timeout', '500', '127.0.0.1', String(port)], { files: { '/.dockerenv': '' } });
    const d = JSON.parse(r.stdout) as Diagnosis;
    assert.equal(d.facts.answers?.clientWhere, 'container');
    const ids = d.causes.map((c) => c.id);
    assert.equal(ids[0], 'not-listening');
    assert.ok(ids.includes('container-localhost'), ids.join(', '));
  });
});
