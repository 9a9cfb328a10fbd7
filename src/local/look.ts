// The command's own look at the machine it runs on, which is the reporter's side: a shared bot has to ask
// where the failing program runs; the command can see it. Is this machine a container, which proxy variables
// are set, which TCP ports listen, and, when it can change the answer, what `localhost` resolves to first.
// Only files are read and `localhost` is looked up at most once (the hosts file answers it on every usual
// system): nothing is sent off the machine.
// The I/O is passed in (LocalIo), so tests give it files, variables and lookups of their own.
//
// It runs beside the probes at every start of the command, so it is kept cheap (measured on a 2-core VM, issue
// #12): the files are read with fs callbacks (fs/promises costs its own load and FileHandle round trips), and
// `localhost` is looked up only when it can matter, since the first lookup of a name costs Node's IPv6 check
// (a large regular expression compiled on the main thread), the dns module and a thread-pool round trip.
import { access, close, open, read } from 'node:fs';
import { endianness } from 'node:os';
import type { DnsAddress, LocalLook } from '../domain/types.js';
import { redact } from '../parse/redact.js';
import { isLoopbackHost } from '../rules/view.js';
import { oneLoopbackFamily } from './describe.js';

export interface LocalIo {
  /** A file's text, or null when it is missing or cannot be read. */
  readFile(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  env: Readonly<Record<string, string | undefined>>;
  /** Every address of a name, in the order the resolver gives them (dns.lookup with all: true). */
  lookup(host: string): Promise<DnsAddress[]>;
  platform: NodeJS.Platform;
  /** Byte order of the words in /proc/net/tcp*: the kernel writes them in this machine's own. */
  endianness: 'LE' | 'BE';
}

/** How long the one lookup of localhost may take; the hosts file answers at once. */
export const LOOKUP_MS = 1000;
/** /proc/net/tcp on a busy server lists every connection; the first this many bytes are read. */
const MAX_PROC_BYTES = 4 * 1024 * 1024;
/** Listening sockets kept (a machine with thousands is shown in part). */
const MAX_LISTENING = 512;

/**
 * A read that returns less than asked and at most this many bytes ended the file. A /proc file is handed out
 * one kernel buffer (a page, 4 KiB or more) per read, cut before the first line that does not fit; lines of
 * /proc/net/tcp*, and of /proc/1/cgroup in practice, are far shorter than 1 KiB, so a read that stops below
 * 3 KiB met the end. Asking again to be told so costs another walk of the kernel's connection table (~2 ms
 * per file on the 2-core VM, issue #12); a regular file ends at its first short read anyway.
 */
const ENDS_BELOW = 3 * 1024;

/**
 * The first `max` bytes of a file as text, or null. One buffer filled by read() calls until end of file: a /proc
 * file says size 0, and the kernel hands it out a page or so per read, so there is no size to ask for first.
 */
function readText(path: string, max: number): Promise<string | null> {
  return new Promise((resolve) => {
    open(path, 'r', (err, fd) => {
      if (err) {
        resolve(null);
        return;
      }
      let buf = Buffer.allocUnsafe(64 * 1024);
      let size = 0;
      // Answered before the descriptor is closed: nothing waits for the close.
      const done = (text: string | null) => {
        close(fd, () => undefined);
        resolve(text);
      };
      const next = () => {
        if (size === buf.length) {
          if (size >= max) return done(buf.toString('utf8', 0, size));
          const bigger = Buffer.allocUnsafe(Math.min(max, buf.length * 4));
          buf.copy(bigger, 0, 0, size);
          buf = bigger;
        }
        const want = buf.length - size;
        read(fd, buf, size, want, null, (e, n) => {
          if (e) return done(null);
          size += n;
          if (n === 0 || (n < want && n <= ENDS_BELOW)) return done(buf.toString('utf8', 0, size));
          next();
        });
      };
      next();
    });
  });
}

/** The real machine. */
export function realLocalIo(env: Readonly<Record<string, string | undefined>> = process.env): LocalIo {
  return {
    readFile: (path) => readText(path, MAX_PROC_BYTES),
    exists: (path) => new Promise((resolve) => access(path, (err) => resolve(!err))),
    env,
    lookup: async (host) => {
      // Loaded when a lookup is made, which most runs do not need.
      const { lookup } = await import('node:dns');
      return new Promise((resolve, reject) =>
        lookup(host, { all: true }, (err, addresses) =>
          err ? reject(err) : resolve(addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))),
        ),
      );
    },
    platform: process.platform,
    endianness: endianness(),
  };
}

/** Proxy variables curl, Python, Go and most tools read, in the order they are shown. */
export const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'] as const;

type Kind = NonNullable<LocalLook['container']>['kind'];
// When several clues agree on a container, the most specific one names it.
const KIND_ORDER: readonly Kind[] = ['kubernetes', 'podman', 'docker', 'container'];

/** What /proc/1/cgroup says about the container PID 1 runs in (cgroup v1 paths name the runtime; v2 shows "0::/"). */
function cgroupKind(text: string): { kind: Kind; word: string } | null {
  // Plain words, not regular expressions: this runs at every start of the command, where compiling five
  // patterns costs more than searching a few hundred bytes.
  const rows: [string[], Kind, string][] = [
    [['kubepods'], 'kubernetes', 'kubepods'],
    [['libpod'], 'podman', 'libpod'],
    [['docker'], 'docker', 'docker'],
    [['containerd', 'cri-o', 'crio-'], 'container', 'containerd'],
    [['/lxc/', '/lxc.'], 'container', 'lxc'],
  ];
  for (const [words, kind, word] of rows) if (words.some((w) => text.includes(w))) return { kind, word };
  return null;
}

export async function containerOf(io: LocalIo): Promise<LocalLook['container']> {
  const found: { kind: Kind; clue: string }[] = [];
  const [dockerenv, containerenv, cgroup] = await Promise.all([
    io.exists('/.dockerenv'),
    io.exists('/run/.containerenv'),
    io.platform === 'linux' ? io.readFile('/proc/1/cgroup') : Promise.resolve(null),
  ]);
  if (dockerenv) found.push({ kind: 'docker', clue: '/.dockerenv exists' });
  if (containerenv) found.push({ kind: 'podman', clue: '/run/.containerenv exists' });
  const fromCgroup = cgroup ? cgroupKind(cgroup) : null;
  if (fromCgroup) found.push({ kind: fromCgroup.kind, clue: `/proc/1/cgroup mentions ${fromCgroup.word}` });
  if (io.env.KUBERNETES_SERVICE_HOST) found.push({ kind: 'kubernetes', clue: 'KUBERNETES_SERVICE_HOST is set' });
  // systemd's convention, which Podman and systemd-nspawn follow: container=<manager> in PID 1's environment.
  const manager = io.env.container?.trim();
  if (manager && /^[a-z0-9-]{1,32}$/i.test(manager))
    found.push({ kind: /podman/i.test(manager) ? 'podman' : 'container', clue: `container=${manager} is set` });
  if (found.length === 0) return null;
  const kind = KIND_ORDER.find((k) => found.some((f) => f.kind === k))!;
  return { kind, clues: found.map((f) => f.clue) };
}

export function proxyVariables(env: LocalIo['env'], platform: NodeJS.Platform): LocalLook['proxy'] {
  const out: LocalLook['proxy'] = [];
  for (const name of PROXY_VARIABLES) {
    // Windows variables ignore case: HTTP_PROXY and http_proxy are the same one.
    if (platform === 'win32' && name !== name.toUpperCase()) continue;
    const value = env[name]?.trim();
    if (!value) continue;
    // A user name alone before @ is often a token for the proxy: it goes as well as any password.
    const masked = redact(value).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@:\s]+@/i, '$1****@');
    out.push({ name, value: masked.length > 300 ? `${masked.slice(0, 299)}…` : masked });
  }
  return out;
}

async function localhostAddresses(io: LocalIo): Promise<DnsAddress[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), LOOKUP_MS);
  });
  try {
    return await Promise.race([io.lookup('localhost').catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One 32-bit word of /proc/net/tcp as bytes in address order (the kernel prints it in host byte order). */
function wordBytes(hex8: string, order: 'LE' | 'BE'): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return order === 'LE' ? bytes.reverse() : bytes;
}

function ipv6Text(bytes: number[]): string {
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // The URL parser writes IPv6 in its shortest form (RFC 5952).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

/**
 * The listening sockets in the text of /proc/net/tcp (family 4) or /proc/net/tcp6 (family 6): state 0A is
 * LISTEN, and local_address is the address in hex words and the port in hex. Lines that do not parse are skipped.
 * One scan for LISTEN rows: on a busy machine the file holds thousands of connections and a handful of listeners.
 * Format: https://www.kernel.org/doc/Documentation/networking/proc_net_tcp.txt
 */
export function listeningIn(text: string, family: 4 | 6, order: 'LE' | 'BE'): { address: string; port: number }[] {
  const out: { address: string; port: number }[] = [];
  const width = family === 4 ? 8 : 32;
  // sl, local_address, rem_address, st: the row's first four columns.
  const row = new RegExp(`^[ \\t]*\\S+[ \\t]+([0-9A-Fa-f]{${width}}):([0-9A-Fa-f]{4})[ \\t]+\\S+[ \\t]+0A(?=\\s|$)`, 'gm');
  for (const m of text.matchAll(row)) {
    const hex = m[1]!;
    const port = parseInt(m[2]!, 16);
    if (port < 1) continue;
    const bytes: number[] = [];
    for (let i = 0; i < width; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8), order));
    out.push({ address: family === 4 ? bytes.join('.') : ipv6Text(bytes), port });
  }
  return out;
}

async function listeningSockets(io: LocalIo): Promise<LocalLook['listening']> {
  if (io.platform !== 'linux') return null;
  const [v4, v6] = await Promise.all([io.readFile('/proc/net/tcp'), io.readFile('/proc/net/tcp6')]);
  if (v4 === null && v6 === null) return null;
  const all = [...(v4 ? listeningIn(v4, 4, io.endianness) : []), ...(v6 ? listeningIn(v6, 6, io.endianness) : [])];
  const seen = new Set<string>();
  const unique = all.filter((s) => {
    const k = `${s.address}|${s.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return unique.sort((a, b) => a.port - b.port || a.address.localeCompare(b.address)).slice(0, MAX_LISTENING);
}

/** A typed target (its host and port), or null for a pasted error, whose target is known only once it is parsed. */
export type LookTarget = { host: string | null; port: number | null } | null;

/**
 * Whether what `localhost` resolves to can change the answer: for a paste, perhaps; for a typed target, only
 * when it is loopback and its port listens here on one family's loopback alone (describe.ts familyNote).
 */
export function localhostMatters(target: LookTarget, listening: LocalLook['listening']): boolean {
  if (target === null) return true;
  return target.port !== null && isLoopbackHost(target.host) && oneLoopbackFamily(listening, target.port) !== null;
}

/** Looks at this machine. Never throws: what cannot be read is null (or absent) in the answer. */
export async function lookAround(io: LocalIo, target: LookTarget = null): Promise<LocalLook> {
  // For a paste the lookup goes out at once, beside the files; for a typed target, once the listening sockets
  // say it can matter.
  const early = target === null ? localhostAddresses(io) : null;
  const [container, listening] = await Promise.all([containerOf(io).catch(() => null), listeningSockets(io).catch(() => null)]);
  const localhost = early ?? (localhostMatters(target, listening) ? localhostAddresses(io) : ('not-looked-up' as const));
  return { container, proxy: proxyVariables(io.env, io.platform), localhost: await localhost, listening };
}
