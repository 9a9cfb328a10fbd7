// The command's own look at the machine it runs on, which is the reporter's side: a shared bot has to ask
// where the failing program runs; the command can see it. Is this machine a container, which proxy variables
// are set, what `localhost` resolves to first, which TCP ports listen. Only files are read and `localhost` is
// looked up once (the hosts file answers it on every usual system): nothing is sent off the machine.
// The I/O is passed in (LocalIo), so tests give it files, variables and lookups of their own.
import { access, readFile } from 'node:fs/promises';
import { lookup as dnsLookup } from 'node:dns/promises';
import { endianness } from 'node:os';
import type { DnsAddress, LocalLook } from '../domain/types.js';
import { redact } from '../parse/redact.js';

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
/** /proc/net/tcp on a busy server lists every connection; the first this many characters are read. */
const MAX_PROC_CHARS = 4 * 1024 * 1024;
/** Listening sockets kept (a machine with thousands is shown in part). */
const MAX_LISTENING = 512;

/** The real machine. */
export function realLocalIo(env: Readonly<Record<string, string | undefined>> = process.env): LocalIo {
  return {
    readFile: async (path) => {
      try {
        return (await readFile(path, 'utf8')).slice(0, MAX_PROC_CHARS);
      } catch {
        return null;
      }
    },
    exists: async (path) =>
      access(path).then(
        () => true,
        () => false,
      ),
    env,
    lookup: async (host) => (await dnsLookup(host, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })),
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
  const rows: [RegExp, Kind, string][] = [
    [/kubepods/, 'kubernetes', 'kubepods'],
    [/libpod/, 'podman', 'libpod'],
    [/docker/, 'docker', 'docker'],
    [/containerd|cri-o|crio-/, 'container', 'containerd'],
    [/\/lxc[/.]/, 'container', 'lxc'],
  ];
  for (const [re, kind, word] of rows) if (re.test(text)) return { kind, word };
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
 * Format: https://www.kernel.org/doc/Documentation/networking/proc_net_tcp.txt
 */
export function listeningIn(text: string, family: 4 | 6, order: 'LE' | 'BE'): { address: string; port: number }[] {
  const out: { address: string; port: number }[] = [];
  const width = family === 4 ? 8 : 32;
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[3] !== '0A') continue;
    const m = new RegExp(`^([0-9A-Fa-f]{${width}}):([0-9A-Fa-f]{4})$`).exec(cols[1] ?? '');
    if (!m) continue;
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

/** Looks at this machine. Never throws: what cannot be read is null (or absent) in the answer. */
export async function lookAround(io: LocalIo): Promise<LocalLook> {
  const [container, localhost, listening] = await Promise.all([
    containerOf(io).catch(() => null),
    localhostAddresses(io),
    listeningSockets(io).catch(() => null),
  ]);
  return { container, proxy: proxyVariables(io.env, io.platform), localhost, listening };
}
