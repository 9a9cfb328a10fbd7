// A real redis-server for the tests: a child process on 127.0.0.1 and a free port, nothing saved to disk, started
// fresh by each test file (or test) that needs one and stopped in its `after`. restart() starts it again on the
// SAME port, so a client that lost it can find it back ("the store came back").
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const DEBIAN_PATH = '/usr/bin/redis-server';
/** How long a server may take to answer its first PING (a loaded CI machine is slow, not broken). */
const START_DEADLINE_MS = 15_000;

/** The redis-server binary: Debian's, or the first on PATH; null when there is none. */
export function redisServerPath(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const file of [DEBIAN_PATH, ...dirs.map((d) => join(d, 'redis-server'))]) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not there, or not runnable: look further.
    }
  }
  return null;
}

/** Whether the Redis tests can run here. */
export function redisAvailable(): boolean {
  return redisServerPath() !== null;
}

/** True under CI (.ci/run sets CI=true): a missing redis-server is then a failure, not a skip. */
export const ON_CI = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());

/** The reason to skip the Redis tests, or false when they run (under CI a missing server fails them instead). */
export function redisSkip(): string | false {
  if (redisAvailable() || ON_CI) return false;
  return 'redis-server is missing: apt-get install --no-install-recommends redis-server to run the Redis tests';
}

/** Throws the CI message when redis-server is missing under CI (call it first in a suite's `before`). */
export function requireRedisOnCi(): void {
  if (ON_CI && !redisAvailable()) {
    throw new Error(`redis-server is missing (looked at ${DEBIAN_PATH} and PATH) and CI is set: .ci/run should install it (apt-get install redis-server)`);
  }
}

export interface RedisServer {
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  port: number;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, and waits for the exit. */
  kill9(): Promise<void>;
  /** Starts it again on the same port (after stop or kill9), empty. */
  restart(): Promise<void>;
  /** SIGSTOP: the port still accepts connections and commands, and nothing answers ("a hung server"). */
  freeze(): void;
  /** SIGCONT: answers again, in order. */
  thaw(): void;
}

/**
 * A port the kernel just handed out and took back: free now, almost certainly still free a moment later (so also
 * a closed port to connect to).
 */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', resolve);
  });
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Resolves once something on the port answers PING as Redis does (+PONG, or -NOAUTH when a password is set). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) done(/^(\+PONG|-NOAUTH)/.test(got));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts redis-server on 127.0.0.1 and a free port; `password` adds --requirepass. */
export async function startRedis(o: { password?: string } = {}): Promise<RedisServer> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server is missing: apt-get install --no-install-recommends redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'refused-redis-'));
  let child: ChildProcess | null = null;
  let port = await freePort();

  const launch = async (): Promise<void> => {
    mkdirSync(dir, { recursive: true });
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (o.password !== undefined) args.push('--requirepass', o.password);
    const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let log = '';
    const keep = (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    const deadline = Date.now() + START_DEADLINE_MS;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`redis-server on port ${port} exited at start:\n${log}`);
      if (await answersPing(port)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    c.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING within ${START_DEADLINE_MS} ms:\n${log}`);
  };

  // Another process may take the port between freePort() and the bind: try a few others.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
      port = await freePort();
    }
  }

  const end = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    child = null;
    c.kill(signal);
    // A frozen server only acts on SIGTERM once it runs again.
    c.kill('SIGCONT');
    await exited(c);
  };
  const auth = o.password === undefined ? '' : `:${encodeURIComponent(o.password)}@`;
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    stop: async () => {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill9: () => end('SIGKILL'),
    restart: async () => {
      await end('SIGTERM');
      await launch();
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
  };
}
