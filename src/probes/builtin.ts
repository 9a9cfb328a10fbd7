// Node's own modules that a closed-port run never touches, loaded the first time a probe needs them. Loading
// node:tls (and the crypto it pulls in) and node:http costs the command several milliseconds at every start;
// a synchronous require keeps the probes' signatures as they are (tlsConnect returns its socket at once).
// And the one clock the engine reads, without loading node:perf_hooks.
import { createRequire } from 'node:module';

type Tls = typeof import('node:tls');
type Http = typeof import('node:http');
type Https = typeof import('node:https');
type Dns = typeof import('node:dns');
type FsPromises = typeof import('node:fs/promises');

const load = createRequire(import.meta.url);

let tls: Tls | undefined;
let http: Http | undefined;
let https: Https | undefined;
let dns: Dns | undefined;
let fsPromises: FsPromises | undefined;

export const builtin = {
  tls: (): Tls => (tls ??= load('node:tls') as Tls),
  http: (): Http => (http ??= load('node:http') as Http),
  https: (): Https => (https ??= load('node:https') as Https),
  dns: (): Dns => (dns ??= load('node:dns') as Dns),
  fsPromises: (): FsPromises => (fsPromises ??= load('node:fs/promises') as FsPromises),
};

/**
 * Milliseconds from a monotonic clock, for measuring and for timers. process.hrtime needs no module;
 * performance.now() is the same clock but its first use loads node:perf_hooks (eleven internal modules).
 */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
