// OpenSSH: connect failures, name lookups, resets, and the debug lines of ssh -v.
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byText, ep } from '../patterns.js';
import type { Signature } from './row.js';

export const SSH: readonly Signature[] = [
  {
    // ssh: connect to host 10.0.0.5 port 22: Connection refused
    // ssh: connect to address 10.0.0.5 and port 22: No route to host · connect to host <ip address> port 22: …
    id: 'ssh-connect', runtime: 'cli', client: 'ssh', service: 'ssh', kind: null, weight: 3, pre: ['connect to host', 'connect to address', 'ssh: connect to', 'ssh:'],
    // "ssh: connect to host  port 22" (an empty host variable) and typed-over verbs ("ssh:coonect to host …") too.
    re: /(?:connect|^\s{0,8}ssh: ?[a-z]{5,9}) to (?:host |address )?(?:(<[^<>\n]{1,40}>|[^\s<]{1,255}) )?\s?(?:and )?port (\d{1,5}): ([^\n]{1,120})/,
    extract: (m, line) => {
      const k = byText(m[3]);
      if (!k.kind) return null;
      const e = m[1] ? ep(m[1], false) : {};
      // ssh -v logs each address it tries ("debug1: connect to address ::1 port 22"); its last line is the verdict.
      const attempt = /^debug\d?:/.test(line.trimStart());
      return { ...k, host: e.host ?? null, addresses: e.addresses ?? [], port: parsePort(m[2]), ...(attempt ? { weight: 2 } : {}) };
    },
  },
  {
    id: 'ssh-resolve', runtime: 'cli', client: 'ssh', service: 'ssh', kind: 'dns', weight: 3, pre: 'could not resolve hostname',
    re: /Could not resolve hostname ([^\s:]{1,255})/,
    extract: (m) => ({ host: cleanHost(m[1]!), errno: 'ENOTFOUND' }),
  },
  {
    // ssh -v: debug1: Connecting to db.lan [10.0.0.5] port 22. — pairs the name with the address tried next.
    id: 'ssh-debug-connecting', runtime: 'cli', client: 'ssh', service: 'ssh', kind: null, weight: 0, pre: 'connecting to ',
    re: /Connecting to ([A-Za-z0-9_.-]{1,253}) \[([0-9a-fA-F:.%]{2,60})\] port (\d{1,5})/,
    extract: (m) => {
      const addr = cleanHost(m[2]!);
      return { host: cleanHost(m[1]!), port: parsePort(m[3]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // ssh: kex_exchange_identification: … / Connection reset by 10.0.0.5 port 22
    id: 'ssh-reset-by', runtime: 'cli', client: 'ssh', service: 'ssh', kind: 'reset', weight: 3, pre: ['connection reset by ', 'connection closed by '],
    re: /Connection (?:reset|closed) by (?:remote host |authenticating user \S{1,64} )?([0-9A-Za-z_.:-]{2,255}) port (\d{1,5})/,
    extract: (m) => ({ host: cleanHost(m[1]!), port: parsePort(m[2]), errno: 'ECONNRESET', addresses: isIp(cleanHost(m[1]!)) ? [cleanHost(m[1]!)] : [] }),
  },
];
