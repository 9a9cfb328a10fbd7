// The command's look at its own machine, with files, variables and lookups passed in; and once against this
// machine for real (a port this test opens on 127.0.0.1 shows up as listening).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DnsAddress } from '../../src/domain/types.js';
import { containerOf, listeningIn, localhostMatters, LOOKUP_MS, lookAround, proxyVariables, realLocalIo, type LocalIo } from '../../src/local/look.js';

/** A machine made of the given files and variables. */
function machine(files: Record<string, string> = {}, over: Partial<LocalIo> = {}): LocalIo {
  return {
    readFile: async (path) => files[path] ?? null,
    exists: async (path) => path in files,
    env: {},
    lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    platform: 'linux',
    endianness: 'LE',
    ...over,
  };
}

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const TCP = [
  HEADER,
  '   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 12345 1 0000000000000000 100 0 0 10 0',
  '   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 23456 1 0000000000000000 100 0 0 10 0',
  // An established connection, not a listener.
  '   2: 0100007F:1538 0100007F:D4C2 01 00000000:00000000 00:00000000 00000000   999        0 34567 1 0000000000000000 20 4 30 10 -1',
  '   3: garbage',
].join('\n');
const TCP6 = [
  HEADER,
  '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0',
  '   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
  '   2: 0000000000000000FFFF00000100007F:1A0A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0',
  '   3: B80D0120000000000000000001000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0',
].join('\n');

describe('listening sockets from /proc/net/tcp and tcp6', () => {
  it('reads listeners (state 0A) and skips connections and lines that do not parse', () => {
    assert.deepEqual(listeningIn(TCP, 4, 'LE'), [
      { address: '127.0.0.1', port: 5432 },
      { address: '0.0.0.0', port: 22 },
    ]);
  });

  it('writes IPv6 in its short form, IPv4-mapped as such', () => {
    assert.deepEqual(listeningIn(TCP6, 6, 'LE'), [
      { address: '::1', port: 8080 },
      { address: '::', port: 80 },
      { address: '::ffff:127.0.0.1', port: 6666 },
      { address: '2001:db8::1', port: 443 },
    ]);
  });

  it('finds the few listeners among thousands of connections, wherever they are in the file', () => {
    const established = Array.from(
      { length: 5000 },
      (_, i) =>
        `${String(i + 2).padStart(4)}: 0100007F:${(20000 + (i % 9000)).toString(16).toUpperCase()} 0100007F:1538 06 00000000:00000000 03:00000CE2 00000000     0        0 0 3 0000000000000000`,
    );
    const text = [HEADER, ...established.slice(0, 2500), TCP.split('\n')[1]!, ...established.slice(2500), TCP.split('\n')[2]!].join('\n');
    assert.deepEqual(listeningIn(text, 4, 'LE'), [
      { address: '127.0.0.1', port: 5432 },
      { address: '0.0.0.0', port: 22 },
    ]);
  });

  it('on a big-endian machine the words are in address order already', () => {
    assert.deepEqual(listeningIn('   0: 7F000001:1538 00000000:0000 0A 0 0 0', 4, 'BE'), [{ address: '127.0.0.1', port: 5432 }]);
  });
});

describe('is this a container?', () => {
  it('no clue: null', async () => {
    assert.equal(await containerOf(machine({ '/proc/1/cgroup': '0::/\n' })), null);
  });

  it('Docker: /.dockerenv, and a cgroup v1 path that names it', async () => {
    const c = await containerOf(machine({ '/.dockerenv': '', '/proc/1/cgroup': '12:memory:/docker/3f1e…\n' }));
    assert.deepEqual(c, { kind: 'docker', clues: ['/.dockerenv exists', '/proc/1/cgroup mentions docker'] });
  });

  it('Podman: /run/.containerenv or container=podman', async () => {
    assert.equal((await containerOf(machine({ '/run/.containerenv': '' })))?.kind, 'podman');
    assert.equal((await containerOf(machine({}, { env: { container: 'podman' } })))?.kind, 'podman');
  });

  it('Kubernetes wins over the runtime under it: kubepods in the cgroup, or KUBERNETES_SERVICE_HOST', async () => {
    const pod = await containerOf(machine({ '/.dockerenv': '', '/proc/1/cgroup': '1:name=systemd:/kubepods/besteffort/pod1/abc\n' }));
    assert.equal(pod?.kind, 'kubernetes');
    const byEnv = await containerOf(machine({}, { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' } }));
    assert.deepEqual(byEnv, { kind: 'kubernetes', clues: ['KUBERNETES_SERVICE_HOST is set'] });
  });

  it('other runtimes in the cgroup path: containerd, CRI-O and LXC are a container', async () => {
    for (const [cgroup, word] of [
      ['0::/system.slice/containerd.service/abc\n', 'containerd'],
      ['1:cpu:/kubelet.slice/crio-0123.scope\n', 'containerd'],
      ['1:cpu:/lxc/web01\n', 'lxc'],
      ['1:cpu:/lxc.payload.web01\n', 'lxc'],
    ]) {
      assert.deepEqual(await containerOf(machine({ '/proc/1/cgroup': cgroup! })), { kind: 'container', clues: [`/proc/1/cgroup mentions ${word}`] }, cgroup);
    }
    // A word that only looks alike is no clue.
    assert.equal(await containerOf(machine({ '/proc/1/cgroup': '1:cpu:/user.slice/lxcfs.service\n' })), null);
  });

  it('does not read /proc off Linux', async () => {
    assert.equal(await containerOf(machine({ '/proc/1/cgroup': '1:cpu:/docker/x' }, { platform: 'darwin' })), null);
  });
});

describe('proxy variables', () => {
  it('lists those set, in a fixed order, with passwords and bare proxy tokens masked', () => {
    const env = {
      https_proxy: 'http://alice:s3cret-pass@proxy.corp:3128',
      HTTP_PROXY: 'http://tok3n0nly@proxy.corp:3128',
      NO_PROXY: 'localhost,.internal',
      ALL_PROXY: '  ',
      PATH: '/usr/bin',
    };
    assert.deepEqual(proxyVariables(env, 'linux'), [
      { name: 'HTTP_PROXY', value: 'http://****@proxy.corp:3128' },
      { name: 'https_proxy', value: 'http://alice:****@proxy.corp:3128' },
      { name: 'NO_PROXY', value: 'localhost,.internal' },
    ]);
  });

  it('on Windows, where a variable name has no case, each is listed once', () => {
    assert.deepEqual(proxyVariables({ HTTP_PROXY: 'http://p:8080', http_proxy: 'http://p:8080' }, 'win32'), [{ name: 'HTTP_PROXY', value: 'http://p:8080' }]);
  });
});

describe('lookAround', () => {
  it('puts it together: container, proxies, localhost in resolver order, listeners of both families', async () => {
    const look = await lookAround(
      machine(
        { '/.dockerenv': '', '/proc/net/tcp': TCP, '/proc/net/tcp6': TCP6 },
        {
          env: { HTTPS_PROXY: 'http://proxy:3128' },
          lookup: async () => [
            { address: '::1', family: 6 },
            { address: '127.0.0.1', family: 4 },
          ],
        },
      ),
    );
    assert.equal(look.container?.kind, 'docker');
    assert.deepEqual(look.proxy, [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }]);
    assert.deepEqual(look.localhost, [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ]);
    assert.deepEqual(
      look.listening?.map((s) => s.port),
      [22, 80, 443, 5432, 6666, 8080],
    );
  });

  it('what cannot be read is null: no /proc off Linux, a failed or hung lookup', async () => {
    const failed = await lookAround(
      machine(
        {},
        {
          platform: 'darwin',
          lookup: async () => {
            throw new Error('EAI_FAIL');
          },
        },
      ),
    );
    assert.deepEqual(failed, { container: null, proxy: [], localhost: null, listening: null });
    const started = Date.now();
    const hung = await lookAround(machine({}, { lookup: () => new Promise<DnsAddress[]>(() => undefined) }));
    assert.equal(hung.localhost, null);
    assert.ok(Date.now() - started < LOOKUP_MS + 500, 'the lookup is bounded');
  });

  it('for a typed target, localhost is looked up only when the port listens on one loopback family alone', async () => {
    const lookups: string[] = [];
    const io = machine(
      { '/proc/net/tcp': TCP, '/proc/net/tcp6': TCP6 },
      {
        lookup: async (host) => {
          lookups.push(host);
          return [{ address: '::1', family: 6 }];
        },
      },
    );
    // 5432 listens on 127.0.0.1 only: localhost answering ::1 first is the story, so it is looked up.
    assert.deepEqual((await lookAround(io, { host: '127.0.0.1', port: 5432 })).localhost, [{ address: '::1', family: 6 }]);
    assert.deepEqual((await lookAround(io, { host: 'localhost', port: 8080 })).localhost, [{ address: '::1', family: 6 }]);
    assert.equal(lookups.length, 2);
    // Nothing listens on 5433; 22 and 80 take every address; db.internal is not this machine's loopback.
    for (const target of [
      { host: '127.0.0.1', port: 5433 },
      { host: '127.0.0.1', port: 22 },
      { host: '::1', port: 80 },
      { host: 'db.internal', port: 5432 },
      { host: '127.0.0.1', port: null },
    ]) {
      const look = await lookAround(io, target);
      assert.equal(look.localhost, 'not-looked-up', JSON.stringify(target));
      assert.equal(look.listening?.length, 6, 'the listening sockets are read either way');
    }
    assert.equal(lookups.length, 2);
    // A paste (no target yet): always.
    assert.deepEqual((await lookAround(io)).localhost, [{ address: '::1', family: 6 }]);
    assert.deepEqual(lookups, ['localhost', 'localhost', 'localhost']);
  });

  it('localhostMatters: a paste may need it; a typed target only when loopback and listening on one family', () => {
    const listening = [{ address: '::1', port: 3000 }];
    assert.equal(localhostMatters(null, null), true);
    assert.equal(localhostMatters({ host: '[::1]', port: 3000 }, listening), true);
    assert.equal(localhostMatters({ host: '::1', port: 3000 }, null), false);
    assert.equal(localhostMatters({ host: 'app.internal', port: 3000 }, listening), false);
  });

  it('realLocalIo reads a file of any size whole (a /proc file is handed out a page at a time), and a missing one as null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refused-look-'));
    try {
      const big = `${'0123456789abcdef'.repeat(40_000)}é\n`;
      writeFileSync(join(dir, 'big'), big);
      const io = realLocalIo({});
      assert.equal(await io.readFile(join(dir, 'big')), big);
      assert.equal(await io.readFile(join(dir, 'missing')), null);
      assert.equal(await io.exists(join(dir, 'big')), true);
      assert.equal(await io.exists(join(dir, 'missing')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on this machine: a port opened on 127.0.0.1 is listed as listening (Linux)', { skip: process.platform !== 'linux' }, async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      // A typed 127.0.0.1 target whose port listens on IPv4 loopback alone: localhost is looked up.
      const look = await lookAround(realLocalIo({}), { host: '127.0.0.1', port });
      assert.ok(
        look.listening?.some((s) => s.port === port && s.address === '127.0.0.1'),
        `port ${port} not among ${JSON.stringify(look.listening?.slice(0, 20))}`,
      );
      assert.ok(Array.isArray(look.localhost) && look.localhost.length > 0, 'localhost resolves');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
