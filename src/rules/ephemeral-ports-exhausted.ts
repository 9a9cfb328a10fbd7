// The client ran out of local ports: every outgoing TCP connection takes a source port from a fixed range, and a
// program that opens and closes connections faster than they leave TIME_WAIT (a new client per request, keep-alive
// off, a load test) uses the range up. The next connect() fails on the client's machine with EADDRNOTAVAIL
// ("cannot assign requested address"; Windows says WSAEADDRINUSE, 10048, "Only one usage of each socket address").
//
// The same errno to ::1 is a machine without an IPv6 loopback (family-mismatch tells that) or a client that fell
// back to its default localhost; so without words of load, a loopback IPv6 target keeps this cause low.
import { hostPort } from '../domain/describe.js';
import type { Facts, Runtime } from '../domain/types.js';
import { ephemeralPortRange, socketStates, timeWaitPeers, widenEphemeralPorts } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, normalizeAddress } from './view.js';

/** The errnos a connect gets when no source port (or address) is left: POSIX, and Winsock's 10048 on connect. */
const OUT_OF_PORTS = new Set(['EADDRNOTAVAIL', 'EADDRINUSE']);

/** How to keep connections open and reuse them, in the client's own terms. */
const REUSE: Partial<Record<Runtime, string>> = {
  go: 'Go: create one http.Client (one Transport) for the whole program, read every response body to the end and close it, and raise Transport.MaxIdleConnsPerHost (2 by default) to the number of requests you run at once',
  node: "Node: pass one keep-alive agent to every request (new http.Agent({ keepAlive: true, maxSockets: 50 })), or use fetch / undici's pool, instead of a new connection per request",
  python: 'Python: make one requests.Session() (or one httpx.Client / aiohttp.ClientSession) and send every request through it, instead of requests.get / requests.post each time',
  java: 'Java: share one HttpClient (or one pooled OkHttp / Apache client) across requests, and close every response',
  ruby: 'Ruby: keep one persistent connection (Net::HTTP.start with a block around many requests, or a connection pool) instead of one per request',
  php: 'PHP: reuse one Guzzle client or cURL handle for many requests, and use persistent connections for the database',
  dotnet: '.NET: share one static HttpClient (or IHttpClientFactory) instead of a new HttpClient per request',
};

function reuseHint(facts: Facts): string {
  if (facts.client === 'redis-cli') return 'redis-benchmark: keep keep-alive on (-k 1), or use fewer clients (-c); with -k 0 every request is a new connection';
  const general = 'a load generator such as k6 needs connection reuse left on (no noConnectionReuse), or its virtual users spread over several machines';
  return `${(facts.runtime && REUSE[facts.runtime]) ?? 'reuse connections: one HTTP client or connection pool for the whole program with keep-alive on, instead of a new connection per request'}; ${general}`;
}

/** ::1, or localhost with only IPv6 addresses tried (or none shown): the no-IPv6-loopback story is as likely. */
function loopbackV6(facts: Facts): boolean {
  const host = normalizeAddress(facts.host ?? '');
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (host !== 'localhost') return false;
  return facts.addresses.length === 0 || facts.addresses.every((a) => normalizeAddress(a).includes(':'));
}

export const ephemeralPortsExhausted: Rule = {
  id: 'ephemeral-ports-exhausted',
  title: '{Who} ran out of local ports for new connections to {target}',
  explanation:
    'Every outgoing TCP connection takes a source port from a fixed range on the client (Linux hands out 32768–60999, ' +
    'macOS and Windows 49152–65535), and a closed connection keeps its port for a while in TIME_WAIT (60 s on Linux, ' +
    'up to 4 minutes elsewhere). A program that opens a new connection per request (a new HTTP client each time, ' +
    'keep-alive off, a load test without connection reuse) can use the whole range for one destination; then connect() ' +
    'fails on the client itself with EADDRNOTAVAIL, "cannot assign requested address" (on Windows WSAEADDRINUSE, ' +
    '"Only one usage of each socket address"), until ports come free again. Nothing was sent: the server is not the ' +
    'problem, and a curl from the same machine often still works. The fix is to reuse connections; a wider port range ' +
    'or TIME_WAIT reuse only buys headroom.',
  steps: [
    {
      text: 'On the client, count sockets by state while the errors happen (tens of thousands in TIME_WAIT: ports used up):',
      commands: socketStates(),
    },
    {
      text: 'See which destination holds them (the one the program keeps reconnecting to):',
      commands: timeWaitPeers(),
    },
    {
      text: 'Compare with the range of local ports this machine hands out:',
      commands: ephemeralPortRange(),
    },
    { text: 'Fix it in the client: {reuse}.' },
    {
      text: 'Only as extra headroom (a real load test, many clients at once): widen the range, and on Linux let new outgoing connections reuse ports in TIME_WAIT:',
      commands: [...widenEphemeralPorts(), { run: 'sudo sysctl -w net.ipv4.tcp_tw_reuse=1', os: 'linux' }],
    },
  ],
  docs: 'https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html',
  when({ facts, view }) {
    const load = hasHint(facts, 'under-load');
    const vars = { reuse: reuseHint(facts), Who: 'The client' };
    if (view.probed) {
      // The probes themselves found no free port: this machine is out of them, for that destination at least.
      const none = view.addresses.filter((a) => a.errnos.some((e) => OUT_OF_PORTS.has(e)));
      if (none.length > 0 && !view.anyOpen) {
        // Over IPv6, EADDRNOTAVAIL is as often no source address of that family (host-unreachable, family-mismatch).
        const v4 = none.filter((a) => a.family === 4);
        const evidence = none.map((a) => `${a.line}: no free local port or address for the connection on this machine`);
        if (load) evidence.push('the text describes many connections in a short time (a load test, a loop, a benchmark)');
        return { confidence: v4.length > 0 ? 0.9 : load ? 0.6 : 0.3, evidence, vars: { ...vars, Who: 'This machine' } };
      }
    }
    if (!OUT_OF_PORTS.has(facts.errno ?? '') || facts.kind === 'none' || facts.kind === 'unix_socket') return null;
    const said = `the client got ${facts.errno}${facts.errno === 'EADDRINUSE' ? ' ("Only one usage of each socket address")' : ' ("cannot assign requested address")'} connecting${facts.host ? ` to ${hostPort(facts.host, facts.port)}` : ''}: it had no free local port`;
    if (load) return { confidence: 0.9, evidence: [said, 'the text describes many connections in a short time (a load test, a loop, a benchmark)'], vars };
    // Without words of load, ::1 (or localhost that went to IPv6) is likelier a missing IPv6 loopback or a default host.
    if (loopbackV6(facts)) return { confidence: 0.3, evidence: [`${said}, or, to ${facts.host}, none of IPv6`], vars };
    return { confidence: 0.7, evidence: [said], vars };
  },
};
