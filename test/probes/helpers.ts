// Test helpers for the probes: real listeners on loopback (port 0), hand-built plans, a self-signed cert.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Facts, Plan, Target, Timeouts } from '../../src/domain/types.js';
import type { ConnectTarget, ProbeDeps } from '../../src/probes/index.js';
import { defaultDeps } from '../../src/probes/index.js';

export const FAST: Timeouts = { connectMs: 1000, dnsMs: 1000, bannerMs: 600, tlsMs: 1500, httpMs: 1500, deadlineMs: 5000 };

export function target(host: string, port: number, extra: Partial<Target> = {}): Target {
  return { host, port, service: null, tls: null, url: null, role: 'target', ...extra };
}

export function makePlan(targets: Target[], extra: Partial<Plan> = {}): Plan {
  return { surface: 'cli', targets, skipped: [], nearbyPorts: [], attempts: 1, timeouts: FAST, ...extra };
}

export function makeFacts(extra: Partial<Facts> = {}): Facts {
  return {
    kind: 'refused', host: null, port: null, portInferred: false, addresses: [], unixSocket: null, runtime: null, client: null,
    service: null, os: null, proxy: null, destination: null, scheme: null, tls: null, errno: null, hints: [], matched: null,
    signature: null, notes: [], ...extra,
  };
}

export interface Listener {
  server: Server;
  port: number;
  /** Connections the server accepted (the server side). */
  accepted: Socket[];
  close(): Promise<void>;
}

/** A TCP server on `host`, port 0; close() destroys every accepted connection too. */
export function listen(host: string, onConnection: (socket: Socket) => void = () => {}, server?: Server): Promise<Listener> {
  const srv = server ?? createServer();
  const accepted: Socket[] = [];
  srv.on('connection', (s: Socket) => {
    accepted.push(s);
    s.on('error', () => {});
    onConnection(s);
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') throw new Error('no port');
      resolve({
        server: srv,
        port: addr.port,
        accepted,
        close: () => new Promise<void>((done) => {
          for (const s of accepted) s.destroy();
          srv.close(() => done());
        }),
      });
    });
  });
}

/** A port that was just open on `host` and is now closed: connecting to it is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const l = await listen(host);
  await l.close();
  return l.port;
}

/** A connect that never answers until aborted: what a firewall DROP looks like, without leaving loopback. */
export function stalledConnect(_to: ConnectTarget, signal: AbortSignal): Promise<Duplex> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Wraps the real connect and keeps every socket it made, so a test can check they were all destroyed. */
export function recordingConnect(): { connect: ProbeDeps['connect']; sockets: Duplex[] } {
  const real = defaultDeps().connect;
  const sockets: Duplex[] = [];
  return {
    sockets,
    connect: async (to, signal) => {
      const s = await real(to, signal);
      sockets.push(s);
      return s;
    },
  };
}

/** DNS-server deps that answer from a table and never touch the network. */
export function fakeDnsServers(table: Record<string, { v4?: string[]; v6?: string[] }>): Pick<ProbeDeps, 'resolve4' | 'resolve6'> {
  const answer = (family: 'v4' | 'v6') => async (host: string) => {
    const list = table[host]?.[family];
    if (!list || list.length === 0) throw Object.assign(new Error(`queryA ENODATA ${host}`), { code: 'ENODATA' });
    return list;
  };
  return { resolve4: answer('v4'), resolve6: answer('v6') };
}

export async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 20));
}

/** Sockets and timers alive right now (stdout/stderr pipes and servers excluded). */
export function liveHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap' || r === 'ConnectWrap');
}

export interface Cert {
  key: Buffer;
  cert: Buffer;
}

/** A self-signed cert for probe.test and 127.0.0.1, made with openssl; null (the test skips) when there is none. */
export function selfSignedCert(): Cert | null {
  const dir = mkdtempSync(join(tmpdir(), 'refused-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
      '-subj', '/CN=probe.test', '-addext', 'subjectAltName=DNS:probe.test,IP:127.0.0.1',
    ], { stdio: 'ignore', timeout: 10_000 });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
