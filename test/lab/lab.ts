// The network lab: real Linux hosts in network namespaces, for what loopback cannot show (a dropped SYN,
// an ICMP reject, a server bound to the wrong interface, a name that resolves differently on two hosts).
//
// Topology: one client namespace; every other host gets its own veth pair to the client and its own
// subnet, 10.213.<k>.0/24 and fd7a:213:0:<k>::/64. The client holds only those connected routes, so any
// other address has no route at all, and nothing can leave the lab: the namespaces have no link to the
// machine's own network. Each namespace gets its own /etc/netns/<ns>/{hosts,resolv.conf,nsswitch.conf},
// which `ip netns exec` bind-mounts over /etc, so every host has its own view of names.
//
// Everything a lab makes is removed by close(), registered with the test (t.after), and again from
// process exit / SIGINT / SIGTERM handlers; namespaces left by a crashed earlier run are swept at start.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnosis, TcpOutcome } from '../../src/domain/types.js';

export const VERBOSE = process.env.REFUSED_LAB_VERBOSE === '1';
const PREFIX = 'rflab-';
/** Every command the harness runs is bounded; nothing here should take more than a few seconds. */
const COMMAND_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 5_000;
/** Servers exit by themselves after this long, whatever happens to the test process. */
const SERVER_TTL_S = 300;

function log(line: string): void {
  if (VERBOSE) process.stderr.write(`[lab] ${line}\n`);
}

/** The repository root: the nearest folder above this file with a package.json (works from test/ and dist/test/). */
export const ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('lab: no package.json above ' + fileURLToPath(import.meta.url));
})();
export const SERVERS_DIR = join(ROOT, 'test', 'lab', 'servers');

/** How to start the CLI: the compiled one when this file runs compiled, the source through tsx otherwise. */
export function cliCommand(): string[] {
  if (process.env.REFUSED_LAB_CLI) return [process.execPath, process.env.REFUSED_LAB_CLI];
  const compiled = import.meta.url.endsWith('.js');
  return compiled
    ? [process.execPath, join(ROOT, 'dist', 'src', 'cli.js')]
    : [process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli.ts')];
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end (bounded by timeoutMs, then SIGKILL); never rejects for a non-zero exit. */
export function run(argv: string[], opts: { input?: string; timeoutMs?: number; quiet?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
  if (!opts.quiet) log(`$ ${argv.map(shellQuote).join(' ')}`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? COMMAND_TIMEOUT_MS);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started });
    });
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run(), but a non-zero exit is an error that carries the command and what it printed. */
async function must(argv: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`lab: \`${argv.join(' ')}\` failed (${r.code ?? r.signal}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function syncQuiet(argv: string[]): string | null {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Can the lab run here?

export type Support = { ok: true } | { ok: false; reason: string };
let supportCache: Support | null = null;

/** Checks root, iproute2 with netns, nftables and node inside a namespace, by trying them once. */
export function labSupport(): Support {
  if (supportCache) return supportCache;
  supportCache = checkSupport();
  return supportCache;
}

function checkSupport(): Support {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces are Linux only (this is ${process.platform})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, reason: 'not running as root (ip netns needs CAP_SYS_ADMIN)' };
  if (syncQuiet(['ip', '-V']) === null) return { ok: false, reason: '`ip` not found: install the Debian package iproute2' };
  if (syncQuiet(['nft', '--version']) === null) return { ok: false, reason: '`nft` not found: install the Debian package nftables' };
  const probe = `${PREFIX}${process.pid}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: ['ignore', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    return { ok: false, reason: `\`ip netns add\` failed: ${msg}` };
  }
  try {
    const nft = syncQuiet(['ip', 'netns', 'exec', probe, 'nft', 'list', 'ruleset']);
    if (nft === null) return { ok: false, reason: '`nft list ruleset` fails inside a network namespace (no nf_tables in this kernel?)' };
    const node = syncQuiet(['ip', 'netns', 'exec', probe, process.execPath, '-e', 'process.stdout.write("ok")']);
    if (node !== 'ok') return { ok: false, reason: '`ip netns exec` cannot start node inside a namespace' };
  } finally {
    syncQuiet(['ip', 'netns', 'del', probe]);
  }
  return { ok: true };
}

/** True when python3 is there (only the never-accepting listener needs it). */
export function hasPython(): boolean {
  return syncQuiet(['python3', '-c', 'print(1)']) !== null;
}

/**
 * Whether servers/no-connect.py can forbid TCP connect() here: python3 and Landlock's network rules (ABI 4, Linux
 * 6.7). The permission-denied scenario runs the command inside it.
 */
export function landlockNet(): Support {
  try {
    execFileSync('python3', [join(SERVERS_DIR, 'no-connect.py'), '--check'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS });
    return { ok: true };
  } catch (e) {
    const said = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return { ok: false, reason: said || `python3 ${join(SERVERS_DIR, 'no-connect.py')} --check failed: ${(e as Error).message}` };
  }
}

/** The command prefix that runs a program in servers/no-connect.py's sandbox: every TCP connect() gets EACCES. */
export function noConnectSandbox(): string[] {
  return ['python3', join(SERVERS_DIR, 'no-connect.py')];
}

// ---------------------------------------------------------------------------------------------------
// Cleanup: of this process's labs at exit, and of earlier runs' leftovers at start.

const openLabs = new Set<Lab>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => { for (const lab of openLabs) lab.closeSync(); });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const lab of openLabs) lab.closeSync();
      // Re-raise so the exit status still says which signal ended the run.
      process.kill(process.pid, sig);
    });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killNamespacePids(ns: string): void {
  const pids = syncQuiet(['ip', 'netns', 'pids', ns]);
  for (const p of (pids ?? '').split(/\s+/).filter(Boolean)) {
    try { process.kill(Number(p), 'SIGKILL'); } catch { /* already gone */ }
  }
}

function removeNamespaceSync(ns: string): void {
  killNamespacePids(ns);
  syncQuiet(['ip', 'netns', 'del', ns]);
  rmSync(join('/etc/netns', ns), { recursive: true, force: true });
}

/** Removes rflab- namespaces and /etc/netns dirs whose creating process is gone (a crashed or killed run). */
export function sweepStale(): string[] {
  const swept: string[] = [];
  const listed = (syncQuiet(['ip', 'netns', 'list']) ?? '').split('\n').map((l) => l.split(' ')[0] ?? '');
  const dirs = existsSync('/etc/netns') ? readdirSync('/etc/netns') : [];
  for (const name of new Set([...listed, ...dirs])) {
    const m = /^rflab-(\d+)-/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    removeNamespaceSync(name);
    swept.push(name);
  }
  if (swept.length) log(`swept ${swept.length} stale namespace(s) from earlier runs: ${swept.join(' ')}`);
  return swept;
}

// ---------------------------------------------------------------------------------------------------
// The lab.

export interface Host {
  /** Role name in the lab: "client", "db", "web" … */
  name: string;
  /** The namespace. */
  ns: string;
  /** Subnet number k: 10.213.k.0/24 and fd7a:213:0:k::/64. 0 for the client. */
  index: number;
  v4: string[];
  v6: string[];
  /** The client's interface towards this host (for neighbour sysctls). */
  clientDev: string | null;
}

export interface Server {
  pid: number;
  host: Host;
  stop(): Promise<void>;
}

export interface CliRun extends ExecResult {
  args: string[];
  /** Parsed --json output; null when stdout was not JSON (the failure message then shows stdout). */
  diagnosis: Diagnosis | null;
  /** The human text of the same command, when REFUSED_LAB_VERBOSE=1. */
  text: string | null;
}

let labCounter = 0;

/** IPv4 and IPv6 addresses of host k: .2, .3 … and ::2, ::3 … (the client side is .1 / ::1). */
export function hostV4(k: number, n = 2): string { return `10.213.${k}.${n}`; }
export function hostV6(k: number, n = 2): string { return `fd7a:213:0:${k}::${n.toString(16)}`; }

const BASE_HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

export class Lab {
  readonly id: string;
  readonly client: Host;
  private readonly hosts: Host[] = [];
  private readonly procs = new Set<ChildProcess>();
  private readonly tmp: string[] = [];
  private nameserver: string | null = null;
  private closed = false;
  /** False after a new link until its operstate is UP: IPv6 neighbour discovery fails before that. */
  private linksReady = true;

  private constructor(id: string) {
    this.id = id;
    this.client = { name: 'client', ns: `${id}-client`, index: 0, v4: [], v6: [], clientDev: null };
  }

  /** Makes the client namespace; pass the test context so the lab is removed when the test ends. */
  static async open(t?: { after(fn: () => unknown): void }): Promise<Lab> {
    installExitHandlers();
    if (labCounter === 0) sweepStale();
    const lab = new Lab(`${PREFIX}${process.pid}-${++labCounter}`);
    openLabs.add(lab);
    t?.after(() => lab.close());
    await lab.addNamespace(lab.client);
    return lab;
  }

  private async addNamespace(h: Host): Promise<void> {
    this.hosts.push(h);
    await must(['ip', 'netns', 'add', h.ns]);
    await must(['ip', '-n', h.ns, 'link', 'set', 'lo', 'up']);
    // No duplicate address detection in the lab: it keeps new IPv6 addresses (link-local ones too, which
    // neighbour discovery needs) unusable for a second or more after a link comes up.
    // ICMP rate limits off, so every rejected SYN gets its ICMP error, however fast the probes come.
    await this.sysctl(h, {
      'net/ipv6/conf/all/accept_dad': '0',
      'net/ipv6/conf/default/accept_dad': '0',
      'net/ipv4/icmp_ratelimit': '0',
      'net/ipv6/icmp/ratelimit': '0',
    });
    // Files here are bind-mounted over /etc by `ip netns exec`: this host's own view of names.
    // nsswitch is pinned to "files dns" so the machine's own choice (mdns, resolve …) cannot leak in.
    this.writeEtc(h, 'hosts', BASE_HOSTS);
    this.writeEtc(h, 'resolv.conf', this.resolvConf());
    this.writeEtc(h, 'nsswitch.conf', 'hosts: files dns\nnetworks: files\n');
  }

  private resolvConf(): string {
    // With no lab DNS yet, point at the host's own loopback, where nothing listens: a lookup fails at
    // once with a port-unreachable, still inside the namespace.
    return `nameserver ${this.nameserver ?? '127.0.0.1'}\noptions timeout:1 attempts:1\n`;
  }

  private writeEtc(h: Host, file: string, text: string): void {
    const dir = join('/etc/netns', h.ns);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), text);
    log(`/etc/netns/${h.ns}/${file}: ${text.trim().replace(/\n/g, ' | ')}`);
  }

  /**
   * A new host linked to the client by its own veth pair. `extra` adds more addresses on the same
   * link (.3, .4 … / ::3, ::4 …); `v6: false` leaves it IPv4 only.
   */
  async host(name: string, opts: { extra?: number; v6?: boolean } = {}): Promise<Host> {
    const k = this.hosts.length; // the client is 0, so hosts count from 1
    const h: Host = { name, ns: `${this.id}-${name}`, index: k, v4: [], v6: [], clientDev: `v${k}` };
    await this.addNamespace(h);
    const c = this.client.ns;
    // Made inside the namespaces straight away: no interface ever appears in the machine's own namespace.
    // The client's end gets ifindex 100+k so the two ends differ: the kernel's link watcher handles a
    // device whose ifindex differs from its peer's at once, and others up to a second later (both ends
    // would otherwise be ifindex 2 in fresh namespaces), and IPv6 waits for that.
    await must(['ip', '-n', c, 'link', 'add', `v${k}`, 'index', String(100 + k), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns]);
    await must(['ip', '-n', c, 'addr', 'add', `10.213.${k}.1/24`, 'dev', `v${k}`]);
    // nodad: duplicate address detection would keep a fresh IPv6 address unusable for a second or two.
    if (opts.v6 !== false) await must(['ip', '-n', c, 'addr', 'add', `fd7a:213:0:${k}::1/64`, 'dev', `v${k}`, 'nodad']);
    for (let n = 2; n < 3 + (opts.extra ?? 0); n++) {
      h.v4.push(hostV4(k, n));
      await must(['ip', '-n', h.ns, 'addr', 'add', `${hostV4(k, n)}/24`, 'dev', 'eth0']);
      if (opts.v6 !== false) {
        h.v6.push(hostV6(k, n));
        await must(['ip', '-n', h.ns, 'addr', 'add', `${hostV6(k, n)}/64`, 'dev', 'eth0', 'nodad']);
      }
    }
    await must(['ip', '-n', c, 'link', 'set', `v${k}`, 'up']);
    await must(['ip', '-n', h.ns, 'link', 'set', 'eth0', 'up']);
    this.linksReady = false;
    // A neighbour that never answers fails after mcast_solicit × retrans_time: 3 × 1 s by default. The
    // lab makes that 1 × 200 ms on the client so "no host behind this address" costs little time.
    await this.sysctl(this.client, {
      [`net/ipv4/neigh/v${k}/mcast_solicit`]: '1',
      [`net/ipv4/neigh/v${k}/ucast_solicit`]: '1',
      [`net/ipv4/neigh/v${k}/app_solicit`]: '0',
      [`net/ipv4/neigh/v${k}/retrans_time_ms`]: '200',
      [`net/ipv6/neigh/v${k}/mcast_solicit`]: '1',
      [`net/ipv6/neigh/v${k}/ucast_solicit`]: '1',
      [`net/ipv6/neigh/v${k}/retrans_time_ms`]: '200',
    });
    return h;
  }

  /**
   * Waits (bounded) until every veth in the lab is operationally UP. The kernel's link watcher can take
   * up to a second to get there, and until then IPv6 neighbour discovery fails with EHOSTUNREACH while
   * IPv4 already works: probing before this would make IPv6 look broken when it is not.
   */
  async ready(): Promise<void> {
    if (this.linksReady) return;
    const deadline = performance.now() + 5000;
    for (;;) {
      const states = await Promise.all(this.hosts.map((h) => run(['ip', '-n', h.ns, '-br', 'link', 'show', 'type', 'veth'], { quiet: true })));
      const down = states.flatMap((r) => r.stdout.split('\n').filter((l) => l.trim() && !/\sUP\s/.test(l)));
      if (down.length === 0) break;
      if (performance.now() > deadline) throw new Error(`lab: links not up after 5 s: ${down.join('; ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.linksReady = true;
  }

  /** Writes /proc/sys values inside a namespace (per-namespace settings: the machine's own are untouched). */
  async sysctl(h: Host, values: Record<string, string>): Promise<void> {
    const script = Object.entries(values).map(([k, v]) => `echo ${v} > /proc/sys/${k}`).join(' && ');
    await must(['ip', 'netns', 'exec', h.ns, 'sh', '-c', script]);
  }

  /** This host's /etc/hosts: name → addresses (on top of localhost). */
  setHosts(h: Host, entries: Record<string, string[]>): void {
    const lines = Object.entries(entries).flatMap(([name, addrs]) => addrs.map((a) => `${a}\t${name}`));
    this.writeEtc(h, 'hosts', BASE_HOSTS + lines.join('\n') + '\n');
  }

  /**
   * A DNS server on its own lab host, authoritative for `records` (NXDOMAIN for everything else); every
   * host's resolv.conf points at it.
   */
  async dns(records: Record<string, string[]>): Promise<Host> {
    const h = await this.host('dns', { v6: false });
    const address = h.v4[0]!;
    await this.serveArgv(h, [process.execPath, join(SERVERS_DIR, 'dns.mjs'), '--bind', address, '--port', '53', '--records', JSON.stringify(records), '--ttl', String(SERVER_TTL_S)]);
    this.nameserver = address;
    for (const x of this.hosts) this.writeEtc(x, 'resolv.conf', this.resolvConf());
    return h;
  }

  /** Loads an nftables ruleset inside a host (its own tables; the machine's are untouched). */
  async nft(h: Host, ruleset: string): Promise<void> {
    log(`nft in ${h.name}:\n${ruleset.trim()}`);
    await must(['ip', 'netns', 'exec', h.ns, 'nft', '-f', '-'], { input: ruleset });
  }

  /** Starts test/lab/servers/listen.mjs on the given host:port words and waits for it to listen. */
  serve(h: Host, mode: string, listen: string[], extra: string[] = []): Promise<Server> {
    const argv = [process.execPath, join(SERVERS_DIR, 'listen.mjs'), '--mode', mode, '--ttl', String(SERVER_TTL_S), ...extra];
    for (const l of listen) argv.push('--listen', l);
    return this.serveArgv(h, argv);
  }

  /** A listener with backlog `backlog` that never accepts (python3). */
  noAccept(h: Host, address: string, port: number, backlog: number): Promise<Server> {
    return this.serveArgv(h, ['python3', join(SERVERS_DIR, 'noaccept.py'), address, String(port), String(backlog), String(SERVER_TTL_S)]);
  }

  /** Opens `count` connections from `from` to address:port and keeps them open (servers/hold.mjs). */
  hold(from: Host, address: string, port: number, count: number): Promise<Server> {
    const to = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    return this.serveArgv(from, [process.execPath, join(SERVERS_DIR, 'hold.mjs'), '--to', to, '--count', String(count), '--ttl', String(SERVER_TTL_S)]);
  }

  /** Starts a command inside a host and resolves once it prints READY (bounded); rejects if it dies first. */
  async serveArgv(h: Host, argv: string[]): Promise<Server> {
    const full = ['ip', 'netns', 'exec', h.ns, ...argv];
    log(`$ ${full.map(shellQuote).join(' ')} &`);
    const child = spawn(full[0]!, full.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.add(child);
    child.on('exit', () => this.procs.delete(child));
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (VERBOSE) process.stderr.write(b);
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`lab: ${argv.join(' ')} in ${h.name} did not get ready within ${READY_TIMEOUT_MS} ms: ${stderr.trim()}`)), READY_TIMEOUT_MS);
      const onData = (b: Buffer) => {
        out += b.toString();
        if (/^READY/m.test(out)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          child.stdout.resume(); // keep draining so a chatty server never blocks
          resolve();
        }
      };
      const onExit = (code: number | null) => fail(new Error(`lab: ${argv.join(' ')} in ${h.name} exited (${code}) before it listened: ${stderr.trim()}`));
      const fail = (e: Error) => {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.kill('SIGKILL');
        reject(e);
      };
      child.stdout.on('data', onData);
      child.once('exit', onExit);
    });
    return {
      pid: child.pid!,
      host: h,
      stop: () => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    };
  }

  /** Runs a command inside a host. */
  exec(h: Host, argv: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ExecResult> {
    return run(['ip', 'netns', 'exec', h.ns, ...argv], opts);
  }

  /**
   * One TCP connect from inside `from` (the harness's own check, independent of the engine):
   * 'open', the errno (ECONNREFUSED, EHOSTUNREACH …), or 'timeout'.
   */
  async connect(from: Host, address: string, port: number, timeoutMs = 1000, asUid?: number): Promise<{ result: string; ms: number }> {
    await this.ready();
    const script = `const net=require('node:net');const t=performance.now();const s=net.connect({host:process.argv[1],port:+process.argv[2]});` +
      `const done=(r)=>{process.stdout.write(JSON.stringify({result:r,ms:performance.now()-t}));s.destroy();process.exit(0)};` +
      `s.setTimeout(+process.argv[3],()=>done('timeout'));s.on('connect',()=>done('open'));s.on('error',(e)=>done(e.code||e.message));`;
    // asUid: the same check as another user (setpriv, util-linux), for rules that match the socket's owner.
    const as = asUid === undefined ? [] : ['setpriv', `--reuid=${asUid}`, `--regid=${asUid}`, '--clear-groups'];
    const r = await this.exec(from, [...as, process.execPath, '-e', script, address, String(port), String(timeoutMs)], { timeoutMs: timeoutMs + 5000 });
    try {
      return JSON.parse(r.stdout) as { result: string; ms: number };
    } catch {
      throw new Error(`lab: connect check from ${from.name} failed: ${r.stderr.trim()}`);
    }
  }

  /** getaddrinfo inside a host, as `getent ahosts` shows it: the addresses, or [] when the name does not resolve. */
  async resolve(from: Host, name: string): Promise<string[]> {
    const r = await this.exec(from, ['getent', 'ahosts', name]);
    return [...new Set(r.stdout.split('\n').map((l) => l.split(/\s+/)[0] ?? '').filter(Boolean))];
  }

  /** A self-signed certificate for `names` (DNS names or IPs), made with openssl in a temp dir. */
  async certificate(names: string[]): Promise<{ cert: string; key: string }> {
    const dir = mkdtempSync(join(tmpdir(), `${this.id}-tls-`));
    this.tmp.push(dir);
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    await must(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', `/CN=${names[0] ?? 'rflab'}`, '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert]);
    return { cert, key };
  }

  /**
   * Runs `refused --json --timeout <ms> …args` in the client namespace. With REFUSED_LAB_VERBOSE=1 the
   * same command runs again without --json and its text is printed, so a person can watch.
   */
  async refused(args: string[], opts: { stdin?: string; timeoutMs?: number; wallMs?: number; wrap?: string[] } = {}): Promise<CliRun> {
    await this.ready();
    const timeout = String(opts.timeoutMs ?? 1000);
    const cli = cliCommand();
    const env = { ...process.env, NO_COLOR: '1' };
    const jsonArgs = ['--json', '--timeout', timeout, ...args];
    // wrap: a command that runs the CLI (a sandbox, another user), as in: wrapper … node cli.js --json …
    const r = await run(['ip', 'netns', 'exec', this.client.ns, ...(opts.wrap ?? []), ...cli, ...jsonArgs], { input: opts.stdin, timeoutMs: opts.wallMs ?? 15_000, env });
    let diagnosis: Diagnosis | null = null;
    try {
      diagnosis = JSON.parse(r.stdout) as Diagnosis;
    } catch { /* left null: the assertion message shows what came out instead */ }
    let text: string | null = null;
    if (VERBOSE) {
      if (opts.stdin) process.stderr.write(`[lab] pasted on stdin:\n${opts.stdin.replace(/^/gm, '  | ')}\n`);
      text = await this.textOf(diagnosis, args, timeout, opts.stdin, env);
      process.stderr.write(`[lab] refused ${args.join(' ')} → exit ${r.code}, ${Math.round(r.ms)} ms wall, durationMs ${diagnosis?.durationMs ?? '?'}:\n${text.replace(/^/gm, '  ')}\n`);
    }
    return { ...r, args: jsonArgs, diagnosis, text };
  }

  /**
   * The CLI's text for a Diagnosis: rendered by the CLI's own renderer from the JSON already in hand, so
   * the network is not probed twice (a second run would see a different lab: a full accept queue, a
   * numgen counter moved on). Falls back to the CLI's stdout/stderr when there is no Diagnosis.
   */
  private async textOf(d: Diagnosis | null, args: string[], timeout: string, stdin: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
    if (d) {
      try {
        const mod = (await import('../../src/render/text/index.js')) as { renderText(d: Diagnosis, o: { color: boolean; os: 'linux' }): string };
        return mod.renderText(d, { color: false, os: 'linux' });
      } catch (e) {
        return `(the text renderer could not be loaded: ${(e as Error).message})`;
      }
    }
    const t = await run(['ip', 'netns', 'exec', this.client.ns, ...cliCommand(), '--timeout', timeout, ...args], { input: stdin, env, quiet: true });
    return t.stdout + t.stderr;
  }

  /** Kills this lab's processes, deletes its namespaces and /etc/netns dirs and temp files. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    openLabs.delete(this);
    for (const p of this.procs) p.kill('SIGKILL');
    await Promise.all([...this.procs].map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) { resolve(); return; }
      const timer = setTimeout(resolve, 2000);
      p.once('exit', () => { clearTimeout(timer); resolve(); });
    })));
    for (const h of [...this.hosts].reverse()) {
      killNamespacePids(h.ns);
      await run(['ip', 'netns', 'del', h.ns], { quiet: !VERBOSE });
      rmSync(join('/etc/netns', h.ns), { recursive: true, force: true });
    }
    for (const d of this.tmp) rmSync(d, { recursive: true, force: true });
    log(`closed ${this.id}`);
  }

  /** The same, synchronously, for exit and signal handlers. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    openLabs.delete(this);
    for (const p of this.procs) p.kill('SIGKILL');
    for (const h of [...this.hosts].reverse()) removeNamespaceSync(h.ns);
    for (const d of this.tmp) rmSync(d, { recursive: true, force: true });
  }

  /** Namespaces this lab made (for tests of the harness itself). */
  namespaces(): string[] {
    return this.hosts.map((h) => h.ns);
  }
}

// ---------------------------------------------------------------------------------------------------
// Rulesets the scenarios share.

/**
 * Every third new connection to `port` is dropped, and so are that connection's SYN retransmissions: the
 * dropped flow goes into a set, so a retransmit cannot sneak through as the next "new" one.
 */
export function everyThirdDropped(port: number): string {
  return `
table inet rflab {
  set dropped4 { type ipv4_addr . inet_service; flags dynamic, timeout; timeout 2m; }
  set dropped6 { type ipv6_addr . inet_service; flags dynamic, timeout; timeout 2m; }
  chain input {
    type filter hook input priority 0; policy accept;
    ip saddr . tcp sport @dropped4 drop
    ip6 saddr . tcp sport @dropped6 drop
    meta nfproto ipv4 tcp dport ${port} tcp flags & (syn | ack) == syn numgen inc mod 3 == 2 add @dropped4 { ip saddr . tcp sport } drop
    meta nfproto ipv6 tcp dport ${port} tcp flags & (syn | ack) == syn numgen inc mod 3 == 2 add @dropped6 { ip6 saddr . tcp sport } drop
  }
}
`;
}

// ---------------------------------------------------------------------------------------------------
// Reading a Diagnosis.

/** address → outcome of the first connect attempt to `port`. */
export function firstOutcomes(d: Diagnosis, port: number): Record<string, TcpOutcome> {
  const out: Record<string, TcpOutcome> = {};
  for (const e of d.evidence) if (e.type === 'tcp' && e.port === port && e.attempt === 0) out[e.address] = e.outcome;
  return out;
}

/** address → every outcome seen on `port`, attempt by attempt. */
export function allOutcomes(d: Diagnosis, port: number): Record<string, TcpOutcome[]> {
  const out: Record<string, TcpOutcome[]> = {};
  const tcp = d.evidence.filter((e) => e.type === 'tcp' && e.port === port).sort((a, b) => (a as { attempt: number }).attempt - (b as { attempt: number }).attempt);
  for (const e of tcp) if (e.type === 'tcp') (out[e.address] ??= []).push(e.outcome);
  return out;
}

/** A compact account of a run, for assertion messages: what a person would need to see what went wrong. */
export function describeRun(r: CliRun): string {
  const lines = [`refused ${r.args.join(' ')} → exit ${r.code ?? r.signal} in ${Math.round(r.ms)} ms wall`];
  const d = r.diagnosis;
  if (!d) {
    lines.push(`stdout (not JSON): ${r.stdout.slice(0, 1500)}`);
  } else {
    lines.push(`verdict: ${d.verdict}`);
    lines.push(`durationMs: ${d.durationMs}`);
    lines.push(`facts: kind=${d.facts.kind} host=${d.facts.host} port=${d.facts.port} service=${d.facts.service} tls=${d.facts.tls} addresses=${d.facts.addresses.join(',')} hints=${d.facts.hints.join(',')} signature=${d.facts.signature}`);
    lines.push(`plan: targets=${d.plan.targets.map((t) => `${t.host}:${t.port}(${t.role})`).join(' ')} skipped=${d.plan.skipped.map((s) => s.reason).join(',')} attempts=${d.plan.attempts} nearby=${d.plan.nearbyPorts.join(',')}`);
    lines.push(`causes: ${d.causes.map((c) => `${c.id}(${c.confidence})`).join(' ') || '(none)'}`);
    for (const e of d.evidence) {
      switch (e.type) {
        case 'tcp': lines.push(`  tcp ${e.address}:${e.port} #${e.attempt} → ${e.outcome} ${e.errno ?? ''} ${Math.round(e.ms)} ms`); break;
        case 'dns': lines.push(`  dns ${e.host} → ${e.addresses.map((a) => a.address).join(',') || '-'} error=${e.error} servers=${e.dnsServers?.map((a) => a.address).join(',') ?? 'n/a'} ${Math.round(e.ms)} ms`); break;
        case 'banner': lines.push(`  banner ${e.address}:${e.port} → ${e.protocol} ${JSON.stringify(e.detail)} closed=${e.closed}`); break;
        case 'tls': lines.push(`  tls ${e.address}:${e.port} → ok=${e.ok} error=${e.error} verify=${e.verifyError}`); break;
        case 'http': lines.push(`  http ${e.url} → ${e.status} server=${e.server} error=${e.error}`); break;
        case 'nearby': lines.push(`  nearby ${e.address}:${e.port} → ${e.outcome}`); break;
        case 'unix': lines.push(`  unix ${e.path} → ${e.outcome}`); break;
      }
    }
  }
  if (r.stderr.trim()) lines.push(`stderr: ${r.stderr.trim().slice(0, 1500)}`);
  return lines.join('\n');
}
