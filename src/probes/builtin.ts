// Node's own modules that a closed-port run never touches, loaded the first time a probe needs them. Loading
// node:tls (and the crypto it pulls in) and node:http costs the command several milliseconds at every start;
// a synchronous require keeps the probes' signatures as they are (tlsConnect returns its socket at once).
import { createRequire } from 'node:module';

type Tls = typeof import('node:tls');
type Http = typeof import('node:http');
type Https = typeof import('node:https');
type Dns = typeof import('node:dns');

const load = createRequire(import.meta.url);

let tls: Tls | undefined;
let http: Http | undefined;
let https: Https | undefined;
let dns: Dns | undefined;

export const builtin = {
  tls: (): Tls => (tls ??= load('node:tls') as Tls),
  http: (): Http => (http ??= load('node:http') as Http),
  https: (): Https => (https ??= load('node:https') as Https),
  dns: (): Dns => (dns ??= load('node:dns') as Dns),
};
