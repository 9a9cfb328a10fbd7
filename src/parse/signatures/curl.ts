// curl, its verbose lines (* Trying, * Connected to, * connect to … failed) and the PHP/Guzzle and git errors that
// quote it.
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byText, ep, merge, url } from '../patterns.js';
import type { Signature } from './row.js';

export const CURL: readonly Signature[] = [
  {
    // The C library's words for EADDRNOTAVAIL, which curl, redis-cli, redis-benchmark, nc and other C tools print after
    // their own "Failed to connect to …" / "Could not connect to …" (rows that take unknown words for a refusal): no
    // free source port, or no source address for the target. It decides the kind only; the tool's row on the same
    // line names the endpoint. First among the tools for that reason. A bind or listen on the line is a server's; one
    // address tried among several (curl -v's "* connect to ::1 …", wget's "|::1|:8080... failed:") stays part of the
    // error the last line gives.
    id: 'strerror-addr-not-avail', runtime: null, client: null, kind: 'unreachable', weight: 3, pre: 'assign requested address',
    re: /\b[Cc]an(?:not|'t) assign requested address\b/,
    extract: (_m, line) =>
      /\bbind(?:\(\))?\b|\blisten(?:ing)?\b|^\s*\*\s{1,4}(?:connect to|Immediate connect fail)|\|[^|\s]{1,60}\|:\d{1,5}\.\.\. failed:/i.test(line) ? null : { errno: 'EADDRNOTAVAIL' },
  },
  {
    // curl: (7) Failed to connect to localhost port 3000 after 1 ms: Connection refused
    // (also PHP/Guzzle "cURL error 7: …" and curl -v's "* connect to ::1 port 80 failed: …")
    id: 'curl-connect', runtime: null, client: 'curl', kind: null, weight: 3, pre: ['failed to connect to', 'connect to '],
    re: /(?:Failed to connect to|\* connect to) ([^\s]{1,255}) port (\d{1,5})(?: from [^\s]{1,100} port \d{1,5})?(?: after \d{1,9} ms)?(?: failed)?(?::\s?([^\n(]{1,160})|\s*$)/,
    extract: (m, line) => {
      const k = byText(m[3]);
      // Newer curl says "Couldn't connect to server" for a refused connect (and always on Windows).
      const kind = k.kind ? k : { kind: 'refused' as const, errno: 'ECONNREFUSED' };
      const e = merge(ep(`${m[1]}`, false), { port: parsePort(m[2]) });
      // git: unable to access 'https://github.com/x/y.git/': Failed to connect to 127.0.0.1 port 7890 — a proxy.
      const wanted = /unable to access '([a-z]{2,10}:\/\/[^'\s]{1,1000})'/.exec(line);
      const target = wanted ? url(wanted[1]) : {};
      if (target.host && e.host && target.host !== e.host && target.port != null && target.port !== e.port) {
        return merge(kind, e, { hints: ['proxy'], proxy: { host: e.host, port: e.port ?? null }, destination: { host: target.host, port: target.port } });
      }
      // curl -v logs each address it tries ("* connect to ::1 port 80 … failed"); its last line is the verdict.
      return merge(kind, e, /^\*\s{1,4}connect to /.test(line.trimStart()) ? { weight: 2 } : {});
    },
  },
  {
    // curl: (6) Could not resolve host: api.internal · curl: (5) Could not resolve proxy: proxy.corp
    id: 'curl-resolve', runtime: null, client: 'curl', kind: 'dns', weight: 3, pre: 'could not resolve',
    re: /Could not resolve (host|proxy): ([^\s;]{1,255})/,
    extract: (m) => {
      const e = ep(m[2], false);
      if (m[1] === 'proxy' && e.host) return { ...e, errno: 'ENOTFOUND', hints: ['proxy'], proxy: { host: e.host, port: e.port ?? null } };
      return { ...e, errno: 'ENOTFOUND' };
    },
  },
  {
    // curl: (28) Connection timed out after 5001 milliseconds · (28) Failed to connect … : Timed out (above)
    id: 'curl-timeout', runtime: null, client: 'curl', kind: 'timeout', weight: 2, pre: 'timed out after',
    re: /(?:Connection|Operation|Resolving) timed out after \d{1,9} milli/,
    extract: () => ({ errno: 'ETIMEDOUT' }),
  },
  {
    // curl: (56) Received HTTP code 502 from proxy after CONNECT · CONNECT tunnel failed, response 502
    id: 'curl-proxy-connect', runtime: null, client: 'curl', kind: 'refused', weight: 2, pre: ['from proxy after connect', 'connect tunnel failed', 'proxy connect aborted'],
    re: /Received HTTP code (\d{3}) from proxy after CONNECT|CONNECT tunnel failed, response (\d{3})|Proxy CONNECT aborted/,
    extract: (m) => {
      const code = m[1] ?? m[2];
      return { hints: ['proxy', ...(code ? [`http-${code}`] : [])], errno: 'ECONNREFUSED' };
    },
  },
  {
    id: 'curl-tls', runtime: null, client: 'curl', kind: 'tls', weight: 3, pre: 'curl: (',
    re: /curl: \((35|51|58|59|60|77|80|83|90|91)\)/,
  },
  {
    // curl: (56) Recv failure: Connection reset by peer · curl: (52) Empty reply from server
    id: 'curl-recv', runtime: null, client: 'curl', kind: 'reset', weight: 2, pre: ['recv failure', 'empty reply from server'],
    re: /Recv failure: Connection reset by peer|Empty reply from server/,
    extract: () => ({ errno: 'ECONNRESET' }),
  },
  {
    // curl -v: * Connected to api.x (10.0.0.5) port 443 (#0) — the endpoint of a later TLS or reset error.
    id: 'curl-verbose-connected', runtime: null, client: 'curl', kind: null, weight: 0, pre: 'connected to ',
    re: /^\*\s{1,4}Connected to ([^\s()]{1,255}) \(([^)\s]{1,60})\) port (\d{1,5})/,
    extract: (m) => {
      const addr = cleanHost(m[2]!);
      return { host: cleanHost(m[1]!), port: parsePort(m[3]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
  {
    // curl: (1) Received HTTP/0.9 when not allowed — the port answered with bytes that are not HTTP (Redis, Postgres,
    // a TLS port read as plain): another protocol is behind it.
    id: 'curl-http09', runtime: null, client: 'curl', kind: 'reset', weight: 2, pre: 'http/0.9',
    re: /Received HTTP\/0\.9 when not allowed/i,
    extract: () => ({ errno: null, hints: ['other-protocol'] }),
  },
  {
    // curl -v: *   Trying 10.0.0.5:443... · *   Trying [::1]:3000...
    id: 'curl-verbose-trying', runtime: null, client: 'curl', kind: null, weight: 0, pre: 'trying ',
    re: /^\*\s{1,4}Trying (\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:]{1,255}:\d{1,5}|[0-9a-fA-F:]{2,45})(?:\.\.\.|\s|$)/,
    extract: (m) => ep(m[1]),
  },
  {
    // old curl: curl: (7) Failed connect to api.x:443; Connection refused
    id: 'curl-failed-connect-old', runtime: null, client: 'curl', kind: null, weight: 3, pre: 'failed connect to',
    re: /Failed connect to ([^\s;]{1,300}); ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
];
