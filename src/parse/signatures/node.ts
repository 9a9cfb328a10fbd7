// Node.js: libuv error codes (connect ECONNREFUSED h:p, getaddrinfo ENOTFOUND h), the negative errno numbers
// Node prints, and the wording of node-redis, node-fetch, undici, prisma and the MongoDB driver.
import type { Runtime } from '../../domain/types.js';
import { escapeRegExp } from '../chars.js';
import { cleanHost, isIp, parsePort, plausibleHost } from '../endpoint.js';
import { errnoFromNodeNumber, kindFromErrnoName } from '../errno.js';
import { byText, ep, merge, unix, url } from '../patterns.js';
import type { Signature } from './row.js';

// Where a Node error's token is a socket path (unix socket, Windows named pipe) rather than host:port.
const IS_SOCKET_PATH = /^(?:\/|\\\\|\/\/\.\/pipe)/;
const NODE_ERRNO_VERB_G = /\bconnect (?:ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH) ([^\s'"\]),“”‘’]{1,300})/g;
const NODE_ERRNO_VERB = /\b(connect|read|write|getaddrinfo|queryA{1,4}|querySrv|queryTxt|queryCname|lookup) \[?(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOTFOUND|EAI_AGAIN|ENOENT|EACCES)\]?(?:[ ]([^\s'"\]),“”‘’]{1,300}))?/;

export const NODE: readonly Signature[] = [
  {
    // connect ECONNREFUSED 127.0.0.1:5432 · connect ECONNREFUSED ::1:5432 · getaddrinfo ENOTFOUND db
    // connect ENOENT /tmp/app.sock · read ECONNRESET · AggregateError [ECONNREFUSED]
    id: 'node-errno', runtime: null, client: null, kind: null, weight: 3,
    pre: ['econn', 'enotfound', 'eai_again', 'ehostunreach', 'enetunreach', 'etimedout', 'enoent', 'eacces'],
    re: /\b(connect|read|write|getaddrinfo|queryA{1,4}|querySrv|queryTxt|queryCname|lookup|spawn)?[ ]?\[?(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOTFOUND|EAI_AGAIN|ENOENT|EACCES)\]?(?:[ ]([^\s'"\]),“”‘’]{1,300}))?/,
    extract: (first, line) => {
      // The line may name the code twice ("EAI_AGAIN Request to … failed: getaddrinfo EAI_AGAIN host:443"):
      // the occurrence with a verb in front is the one that carries the endpoint.
      let m = first;
      if (!m[1]) {
        const better = NODE_ERRNO_VERB.exec(line);
        if (better) m = better;
      }
      const verb = m[1];
      const code = m[2]!;
      let token = m[3];
      // Old Node closes the message after the code: { [Error: getaddrinfo ENOTFOUND] code: 'ENOTFOUND', … }.
      if (token && m[0].includes(`${code}]`)) token = undefined;
      // Without a verb, a following word is prose ("EAI_AGAIN Request to …"), not a host, unless it has a port.
      if (!verb && token && !/:\d{1,5}$/.test(token) && !IS_SOCKET_PATH.test(token)) token = undefined;
      // Node's connect/read/write errors always print address:port (or a path); a bare word after one is prose.
      if ((verb === 'connect' || verb === 'read' || verb === 'write') && token) {
        const bare = token.replace(/[?!.,;:]+$/, '');
        if (!/:\d{1,5}$/.test(bare) && !isIp(bare) && !IS_SOCKET_PATH.test(bare)) token = undefined;
      }
      if (verb === 'spawn') return null;
      const runtime: Runtime | null = verb ? 'node' : null;
      if (code === 'ENOENT' || code === 'EACCES') {
        if (!token || !IS_SOCKET_PATH.test(token)) return null;
        return { ...unix(token, code === 'EACCES' ? 'permission denied' : 'no such file'), runtime };
      }
      const kind = kindFromErrnoName(code);
      const hints = /AggregateError/.test(line) ? ['aggregate'] : [];
      if (token && IS_SOCKET_PATH.test(token)) return { ...unix(token, code === 'ECONNREFUSED' ? 'refused' : code), runtime };
      // A bare code ("code: 'ECONNREFUSED'", "[ECONNREFUSED]") decides the kind less firmly than "connect ECONNREFUSED h:p".
      if (!verb && !token) return { kind, errno: code, hints, weight: 2 };
      if (verb === 'getaddrinfo' || verb === 'lookup' || (verb && verb.startsWith('query'))) {
        const e = ep(token, false);
        // Old Node repeats the host with its port: getaddrinfo ENOTFOUND api.x api.x:443
        const again = e.host ? new RegExp(`${escapeRegExp(token!)}:(\\d{1,5})\\b`).exec(line) : null;
        if (again && e.port == null) e.port = parsePort(again[1]);
        return { kind: 'dns', errno: code, host: e.host ?? null, port: e.port ?? null, runtime, hints };
      }
      const e = ep(token, true);
      // "connect ECONNREFUSED ::1:27017, connect ECONNREFUSED 127.0.0.1:27017" on one line: every address tried.
      for (const more of line.matchAll(NODE_ERRNO_VERB_G)) {
        const o = ep(more[1], true);
        if (o.host && o.port === e.port && isIp(o.host) && !e.addresses?.includes(o.host)) (e.addresses ??= []).push(o.host);
      }
      return merge({ kind, errno: code, runtime, hints }, e);
    },
  },
  {
    // errno: -111 (Node prints libuv's negative, platform-specific numbers)
    id: 'node-errno-number', runtime: 'node', client: null, kind: null, weight: 1, pre: 'errno:',
    re: /^\s*errno: (-\d{1,5}),?\s*$/,
    extract: (m) => {
      const info = errnoFromNodeNumber(Number(m[1]));
      return info ? { kind: info.kind, errno: info.errno, os: info.os } : null;
    },
  },
  {
    // A connect that failed on the client's own machine: connect EADDRNOTAVAIL 127.0.0.1:8983 - Local (127.0.0.1:0)
    // (no free source port) · connect EACCES 10.0.0.5:443 / connect EPERM … (a local policy; a path is a socket's
    // story, node-errno's) · connect ECONNABORTED 104.16.22.35:443 · old Node's [Error: connect EADDRNOTAVAIL].
    // A bare code: 'EADDRNOTAVAIL' decides less firmly; a listen or bind failure is a server's, not this.
    id: 'node-connect-local', runtime: null, client: null, kind: null, weight: 3,
    pre: ['eaddrnotavail', 'eacces', 'eperm', 'econnaborted'],
    re: /\bconnect (EADDRNOTAVAIL|EACCES|EPERM|ECONNABORTED)\b(?: ([^\s'"\]),“”‘’]{1,300}))?|\b(?:code|errno): ['"](EADDRNOTAVAIL)['"]/,
    extract: (m) => {
      if (m[3]) return { kind: 'unreachable', errno: 'EADDRNOTAVAIL', weight: 2 };
      const code = m[1]!;
      const token = m[2] && !/^-/.test(m[2]) ? m[2] : undefined;
      if (token && IS_SOCKET_PATH.test(token)) return null;
      const e = ep(token, true);
      if (code === 'EADDRNOTAVAIL') return merge({ kind: 'unreachable', errno: code, runtime: 'node' }, e);
      // EACCES, EPERM and ECONNABORTED say something about TCP only when an address follows (files fail with them too).
      if (!e.host || e.port == null) return null;
      const kind = code === 'ECONNABORTED' ? kindFromErrnoName(code) : 'unreachable';
      return merge({ kind, errno: code, runtime: 'node' }, e);
    },
  },
  {
    // A server that could not listen where it was told: listen EADDRNOTAVAIL: address not available 10.0.0.9:3000,
    // listen EACCES: permission denied 0.0.0.0:80. Not a failed connection (the port-taken case is a negative row).
    id: 'node-listen-local', runtime: 'node', client: null, kind: 'none', weight: 3, pre: ['listen ', 'bind '],
    re: /\b(?:listen|bind) (?:EADDRNOTAVAIL|EACCES|EPERM)\b/,
  },
  {
    // node_redis 2.x/3.x: Redis connection to 127.0.0.1:6379 failed - connect ECONNREFUSED 127.0.0.1:6379
    id: 'node-redis-connection', runtime: 'node', client: 'node-redis', service: 'redis', kind: null, weight: 2, pre: 'redis connection to',
    re: /Redis connection to ([^\s]{1,300}) failed - ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      return merge(k.kind ? k : /ECONN|EHOST|ETIMEDOUT|ENOTFOUND/.test(m[2]!) ? byText(m[2]!.replace(/conenct/, 'connect')) : {}, m[1]!.startsWith('/') ? unix(m[1]!, m[2]) : ep(m[1]));
    },
  },
  {
    // node-fetch: request to http://x/ failed, reason: connect ECONNREFUSED 127.0.0.1:5000
    id: 'node-fetch-request', runtime: 'node', client: 'node-fetch', kind: null, weight: 1, pre: 'request to',
    re: /request to ([a-z][a-z0-9+.-]{1,20}:\/\/\S{1,1000}) failed, reason: (.{1,200})/,
    extract: (m, line) => {
      const target = url(m[1]);
      const refused = ep(/connect E[A-Z]{4,20} ([^\s'"\]),]{1,300})/.exec(line)?.[1]);
      // npm and friends behind a proxy: the request names one host and port, the refusal another.
      if (target.host && refused.host && target.host !== refused.host && refused.port != null && target.port != null && target.port !== refused.port) {
        return merge(byText(m[2]), refused, {
          hints: ['proxy'], proxy: { host: refused.host, port: refused.port }, destination: { host: target.host, port: target.port },
        });
      }
      return merge(byText(m[2]), target);
    },
  },
  {
    // undici: ConnectTimeoutError: Connect Timeout Error (attempted address: api.x:443, timeout: 10000ms)
    id: 'undici-connect-timeout', runtime: 'node', client: 'undici', kind: 'timeout', weight: 3, pre: 'connect timeout error',
    re: /Connect Timeout Error(?: \(attempted addresses?: ([^\s,)]{1,300})(?:, [^\s,)]{1,300}){0,8}, timeout: \d{1,9}\s?ms\))?/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ETIMEDOUT' }),
  },
  {
    // prisma: Can't reach database server at `localhost`:`5432` (backticks are gone after normalising)
    id: 'prisma-p1001', runtime: 'node', client: 'prisma', kind: 'refused', weight: 2, pre: "can't reach database server",
    re: /Can't reach database server at ([^\s]{1,300})/,
    extract: (m) => {
      const e = ep(m[1]);
      if (e.host) return e;
      // A name someone bracketed over (db.[MY_INSTANCE].supabase.co:5432) still says the port.
      const port = /:\s?`?(\d{1,5})`?[.,]?$/.exec(m[1]!);
      return port ? { port: parsePort(port[1]) } : {};
    },
  },
  {
    // mongodb (old node driver): failed to connect to server [localhost:27017] on first connect
    id: 'mongo-node-first-connect', runtime: 'node', client: 'mongodb', service: 'mongodb', kind: null, weight: 1,
    pre: 'failed to connect to server', re: /failed to connect to server \[([^\]\s]{1,300})\]/,
    extract: (m) => ep(m[1]),
  },
  {
    // MongoServerSelectionError's reason lists the servers it tried: 'localhost:27017' => ServerDescription
    id: 'mongo-node-topology', runtime: 'node', client: 'mongodb', service: 'mongodb', kind: null, weight: 0,
    pre: '=>', re: /'([^'\s]{1,300})' => \[?ServerDescription/,
    extract: (m) => ep(m[1]),
  },
  {
    // Mongoose against Atlas: "Could not connect to any servers in your MongoDB Atlas cluster. One common reason is
    // … an IP that isn't whitelisted." Atlas's network access list drops connections from addresses it does not list.
    id: 'mongoose-atlas-selection', runtime: 'node', client: 'mongoose', service: 'mongodb', kind: 'timeout', weight: 2,
    pre: 'could not connect to any servers in your mongodb atlas cluster',
    re: /Could not connect to any servers in your MongoDB Atlas cluster/,
    extract: () => ({ errno: 'ETIMEDOUT' }),
  },
  {
    // fetch() with a base URL from a variable that was not set: TypeError: Failed to parse URL from undefined/api/items.
    // No host at all: the setting is empty (host-not-set); there was nothing to resolve.
    id: 'node-fetch-url-unset', runtime: 'node', client: 'undici', kind: 'dns', weight: 2, pre: 'failed to parse url from',
    re: /Failed to parse URL from (?:undefined|null)\b/,
    extract: () => ({ errno: null, hints: ['host-unset'] }),
  },
  {
    // Node's HTTP parser met bytes that are not HTTP: { [Error: Parse Error] code: 'HPE_INVALID_CONSTANT' },
    // undici's "Expected HTTP/": the port answers in another protocol.
    id: 'node-http-parse-error', runtime: 'node', client: null, kind: 'reset', weight: 2, pre: ['hpe_invalid_constant', 'expected http/'],
    re: /HPE_INVALID_CONSTANT|Expected HTTP\//,
    extract: () => ({ errno: null, hints: ['other-protocol'] }),
  },
  {
    // Node: Hostname/IP does not match certificate's altnames: Host: api.x. is not in the cert's altnames: DNS:*.y
    id: 'node-cert-altnames', runtime: 'node', client: null, kind: 'tls', weight: 3, pre: "does not match certificate's altnames",
    re: /Hostname\/IP does not match certificate's altnames(?:: (?:Host: ([^\s]{1,255}?)\.? is not in the cert's altnames|IP: ([^\s]{1,60}) is not in the cert's list))?/,
    extract: (m) => {
      const raw = m[1] ?? m[2];
      const h = raw ? cleanHost(raw) : null;
      return h && plausibleHost(h) ? { host: h, addresses: isIp(h) ? [h] : [], hints: ['tls-cert'] } : { hints: ['tls-cert'] };
    },
  },
];
