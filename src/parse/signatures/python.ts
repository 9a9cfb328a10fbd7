// Python: the [Errno N] / [WinError N] that the socket module prints, and the wording of the libraries over it
// (urllib3 and requests, redis-py, pymongo, aiohttp, asyncio, httpx, kombu, pika, oslo.messaging, botocore, the
// Cassandra driver). The ssl module's row is a group of its own: see PYTHON_SSL.
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { kindFromText } from '../errno.js';
import { byNumber, byText, ep, merge, unix, url, type Extract } from '../patterns.js';
import type { Signature } from './row.js';

export const PYTHON: readonly Signature[] = [
  {
    // [Errno 111] Connection refused · [WinError 10061] … · [Errno -2] Name or service not known
    id: 'py-errno', runtime: 'python', client: null, kind: null, weight: 3, pre: ['errno', 'winerror'],
    re: /\[(Errno|WinError) (-?\d{1,5})\] ?([^'"\]\n]{0,160})/,
    extract: (m, line) => {
      const n = Number(m[2]);
      const text = m[3] ?? '';
      if (n === 2 || n === 13) {
        const sock = /(\/[^\s'"]{1,300}\.sock)\b/.exec(line);
        return sock ? unix(sock[1]!, n === 13 ? 'permission denied' : 'no such file') : null;
      }
      const e = byNumber(m[2], text);
      if (!e.kind) return null;
      if (m[1] === 'WinError') e.os = 'windows';
      const px = /\bproxy ([A-Za-z0-9_.-]{0,253}):(\d{1,5}): \[(?:Errno|WinError)/i.exec(line);
      if (px) {
        const port = parsePort(px[2]);
        const host = px[1] ? ep(`${px[1]}:${px[2]}`).host ?? null : null;
        return { ...e, ...(host ? { host, addresses: isIp(host) ? [host] : [] } : {}), port, hints: ['proxy'], proxy: host ? { host, port } : null };
      }
      return e;
    },
  },
  {
    // A connect refused on the client's own machine, in the socket module's words. [Errno 13] Permission denied and
    // [Errno 1] Operation not permitted with no file name after them (a file error names its path): a local policy
    // such as SELinux. On Windows, [WinError 10013] (access forbidden) and [WinError 10048] (no free source port)
    // count only inside a failed connection's message: on their own they are far more often a server's bind.
    id: 'py-connect-local', runtime: 'python', client: null, kind: 'unreachable', weight: 3,
    pre: ['errno 13]', 'errno 1]', 'winerror 10013]', 'winerror 10048]'],
    re: /\[(Errno|WinError) (13|1|10013|10048)\] ?(Permission denied|Operation not permitted|An attempt was made to access a socket|Only one usage of each socket address)(?!: ?['"]?[A-Za-z0-9_.~/\\])/,
    extract: (m, line) => {
      if (/\.sock\b/.test(line)) return null; // py-errno's: a unix socket
      const n = m[2]!;
      const inConnect = /Failed to establish a new connection|NewConnectionError|\bconnect(?:ion)?\b|Connect call failed|ConnectionError|ConnectError/i.test(line);
      const bare = /^\s*(?:[\w.]{0,60}(?:error|Error|Exception)|error): \[(?:Errno|WinError) \d{1,5}\] ?[A-Za-z ]{1,60}\s*$/.test(line);
      // [Errno 13] alone on an exception line is a connect's (a bind's traceback is caught by py-bind-failure).
      if (!inConnect && !(n === '13' && bare)) return null;
      const errno = n === '13' || n === '10013' ? 'EACCES' : n === '1' ? 'EPERM' : 'EADDRINUSE';
      return { errno, ...(m[1] === 'WinError' ? { os: 'windows' as const } : {}), weight: inConnect ? 3 : 2 };
    },
  },
  {
    // A server that could not bind, not a failed connection: socketserver's "in server_bind" frame, a traceback line
    // that calls sock.bind(…), asyncio's "error while attempting to bind on address". It comes before the [Errno N]
    // line of the same traceback, so it is the root when both weigh the same.
    id: 'py-bind-failure', runtime: 'python', client: null, kind: 'none', weight: 3, pre: ['server_bind', '.bind(', 'attempting to bind'],
    re: /, in server_bind\s*$|^\s{2,}(?:self\.)?(?:_?sock(?:et)?|s|srv|server|listener|httpd)\.bind\(|error while attempting to bind on address/,
  },
  {
    // urllib3/requests: HTTPConnectionPool(host='localhost', port=8000): Max retries exceeded …
    id: 'urllib3-pool', runtime: 'python', client: 'urllib3', service: 'http', kind: null, weight: 1, pre: 'connectionpool(host=',
    re: /(HTTPS?)ConnectionPool\(host=['"]([^'"]{1,255})['"], ?port=(\d{1,5})\)/,
    extract: (m, line) => {
      const tls = m[1] === 'HTTPS';
      const host = cleanHost(m[2]!);
      const port = parsePort(m[3]);
      const base: Extract = { host, port, scheme: tls ? 'https' : 'http', tls, addresses: isIp(host) ? [host] : [] };
      if (/ProxyError|Cannot connect to proxy|Unable to connect to proxy|Tunnel connection failed/i.test(line)) {
        const code = /Tunnel connection failed: (\d{3})/.exec(line);
        return {
          ...base, kind: 'refused', errno: 'ECONNREFUSED',
          hints: ['proxy', ...(code ? [`http-${code[1]}`] : [])],
          destination: { host, port },
        };
      }
      if (/Read timed out|ConnectTimeoutError|timed out/i.test(line)) return { ...base, kind: 'timeout', errno: 'ETIMEDOUT' };
      if (/SSLError|CERTIFICATE_VERIFY_FAILED|SSL:/.test(line)) return { ...base, kind: 'tls' };
      return base;
    },
  },
  {
    // urllib3 2.x: NameResolutionError(…: Failed to resolve 'api.internal' ([Errno -2] …))
    id: 'urllib3-resolve', runtime: 'python', client: 'urllib3', kind: 'dns', weight: 3, pre: 'failed to resolve',
    re: /Failed to resolve '([^'\s]{1,255})'/,
    extract: (m) => ({ host: cleanHost(m[1]!), errno: 'ENOTFOUND' }),
  },
  {
    // urllib3: ConnectTimeoutError(…, 'Connection to 10.0.0.5 timed out. (connect timeout=5)')
    id: 'urllib3-connect-timeout', runtime: 'python', client: 'urllib3', kind: 'timeout', weight: 3, pre: 'timed out. (connect timeout',
    re: /Connection to ([^\s]{1,255}) timed out\. \(connect timeout/,
    extract: (m, line) => {
      // The connection object names the scheme (HTTPSConnection → 443) when the message leaves the port out.
      const scheme = /\bHTTPSConnection\b/.test(line) ? 'https' : /\bHTTPConnection\b/.test(line) ? 'http' : null;
      return { ...ep(m[1], false), errno: 'ETIMEDOUT', scheme, tls: scheme === 'https' ? true : null };
    },
  },
  {
    // redis-py: Error 111 connecting to localhost:6379. Connection refused.
    id: 'redis-py-connect', runtime: 'python', client: 'redis-py', service: 'redis', kind: null, weight: 3, pre: 'connecting to',
    re: /Error (-?\d{1,5}) connecting to (?:unix socket: ([^\s]{1,300}?)\.|(\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:]{1,255}:\d{1,5})\.)[ ]?([^\n]{0,120})/,
    extract: (m) => {
      if (m[2]) return unix(m[2], m[4], m[1] === '111' ? 'ECONNREFUSED' : 'ENOENT');
      return merge(byNumber(m[1], m[4]), byText(m[4]), ep(m[3]));
    },
  },
  {
    // redis-py: redis.exceptions.ConnectionError: Connection closed by server. — the TCP connect worked and the far
    // side hung up (docker-proxy with nothing on the container's interface, protected mode, a connection limit).
    id: 'redis-py-closed', runtime: 'python', client: 'redis-py', service: 'redis', kind: 'reset', weight: 2, pre: 'connection closed by server',
    re: /redis\.exceptions\.ConnectionError: Connection closed by server/,
    extract: () => ({ errno: 'ECONNRESET' }),
  },
  {
    // redis-py: Timeout connecting to server / TimeoutError: Timeout reading from socket
    id: 'redis-py-timeout', runtime: 'python', client: 'redis-py', service: 'redis', kind: 'timeout', weight: 2,
    pre: 'timeout connecting to', re: /Timeout connecting to (?:server|([^\s]{1,300}))/,
    extract: (m) => ({ errno: 'ETIMEDOUT', ...ep(m[1]) }),
  },
  {
    // pymongo: ServerSelectionTimeoutError: localhost:27017: [Errno 111] Connection refused, Timeout: 30s
    // The inner errno decides, not the wrapper's word "Timeout".
    id: 'pymongo-selection', runtime: 'python', client: 'pymongo', service: 'mongodb', kind: null, weight: 3,
    pre: ['serverselectiontimeouterror', 'autoreconnect', 'connectionfailure', 'networktimeout'],
    re: /(?:ServerSelectionTimeoutError|AutoReconnect|ConnectionFailure|NetworkTimeout)[:(]? ?['"]?([^\s'",]{1,300}?): ([^,(\n]{1,160})/,
    extract: (m) => {
      const e = ep(m[1]);
      if (!e.host) return null;
      return merge(byText(m[2]), /\[Errno (-?\d+)\]/.test(m[2]!) ? byNumber(/\[Errno (-?\d+)\]/.exec(m[2]!)![1]) : {}, e);
    },
  },
  {
    // aiohttp: Cannot connect to host localhost:8080 ssl:default [Connect call failed ('127.0.0.1', 8080)]
    id: 'aiohttp-connector', runtime: 'python', client: 'aiohttp', service: 'http', kind: null, weight: 3, pre: 'cannot connect to host',
    re: /Cannot connect to host ([^\s]{1,300}) ssl:(?:<[^>]{0,300}>|\S{1,60}) \[([^\n]{0,200})\]/,
    extract: (m) => {
      const text = m[2] ?? '';
      const k = /Connect call failed/.test(text) && !kindFromText(text) ? { kind: 'refused' as const, errno: 'ECONNREFUSED' } : byText(text);
      return merge(k, ep(m[1]));
    },
  },
  {
    // asyncio: [Errno 111] Connect call failed ('127.0.0.1', 5432) — several for "Multiple exceptions"
    id: 'asyncio-connect-call', runtime: 'python', client: null, kind: 'refused', weight: 2, pre: 'connect call failed',
    re: /Connect call failed \('([^']{1,255})', (\d{1,5})/,
    extract: (m, line) => {
      const addrs = [...line.matchAll(/Connect call failed \('([^']{1,255})', \d{1,5}/g)].slice(0, 8).map((a) => cleanHost(a[1]!));
      const host = cleanHost(m[1]!);
      return { host, port: parsePort(m[2]), addresses: addrs.filter(isIp), errno: 'ECONNREFUSED' };
    },
  },
  {
    // httpx/httpcore/anyio: ConnectError: All connection attempts failed
    id: 'httpx-all-attempts', runtime: 'python', client: 'httpx', kind: 'refused', weight: 1, pre: 'all connection attempts failed',
    re: /All connection attempts failed/,
  },
  {
    id: 'httpx-connect-timeout', runtime: 'python', client: 'httpx', kind: 'timeout', weight: 2, pre: 'connecttimeout',
    re: /\b(?:httpx|httpcore)\.ConnectTimeout\b/,
    extract: () => ({ errno: 'ETIMEDOUT' }),
  },
  {
    // celery/kombu: consumer: Cannot connect to amqp://guest:**@127.0.0.1:5672//: [Errno 111] Connection refused.
    id: 'celery-cannot-connect', runtime: 'python', client: 'kombu', kind: null, weight: 2, pre: 'cannot connect to',
    re: /Cannot connect to ((?:amqps?|pyamqp|librabbitmq|redis|rediss|sqs|sentinel):\/\/[^\s]{1,300}?):? ([^\n]{0,160})/,
    extract: (m) => merge(byText(m[2]), url(m[1])),
  },
  {
    // pika: AMQPConnectionError, often with nothing after it — the broker could not be reached.
    id: 'pika-connection-error', runtime: 'python', client: 'pika', service: 'amqp', kind: 'refused', weight: 1,
    pre: ['amqpconnectionerror', 'amqpconnectorsocketconnecterror'],
    re: /AMQPConnectionError|AMQPConnectorSocketConnectError/,
    extract: () => ({ errno: 'ECONNREFUSED' }),
  },
  {
    // oslo.messaging: AMQP server on 10.0.0.5:5672 is unreachable: [Errno 111] ECONNREFUSED. Trying again in 1 seconds.
    id: 'oslo-amqp-unreachable', runtime: 'python', client: 'oslo.messaging', service: 'amqp', kind: null, weight: 3, pre: 'amqp server on',
    re: /AMQP server on ([^\s]{1,300}) is unreachable: ([^\n]{1,200})/,
    extract: (m) => {
      const num = /\[Errno (-?\d{1,5})\]/.exec(m[2]!);
      const k = merge(num ? byNumber(num[1]) : {}, byText(m[2]));
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // botocore: EndpointConnectionError: Could not connect to the endpoint URL: "http://localhost:4566/"
    // (raised for a refused or failed connect; a DNS or timeout cause printed above it outweighs this line)
    id: 'botocore-endpoint', runtime: 'python', client: 'botocore', kind: 'refused', weight: 2, pre: 'could not connect to the endpoint url',
    re: /Could not connect to the endpoint URL: ["']?([a-z][a-z0-9+.-]{1,20}:\/\/[^"'\s]{1,1000})/,
    extract: (m) => ({ errno: 'ECONNREFUSED', ...url(m[1]) }),
  },
  {
    // DataStax python driver: [Errno 111] Tried connecting to [('127.0.0.2', 9042)]. Last error: Connection refused
    id: 'cassandra-tried-connecting', runtime: 'python', client: 'cassandra-driver', kind: null, weight: 1, pre: 'tried connecting to [(',
    re: /Tried connecting to \[\('([^'\s]{1,255})', (\d{1,5})\)/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      return { host, port: parsePort(m[2]), addresses: isIp(host) ? [host] : [] };
    },
  },
];

// Python's ssl module. Kept apart from PYTHON because it must come after the MySQL client's rows: PyMySQL wraps
// an ssl error in its own message ("Can't connect to MySQL server on 'db' ([SSL: WRONG_VERSION_NUMBER] …)"), both
// rows weigh 3, and the MySQL row has always been the one that decides.
export const PYTHON_SSL: readonly Signature[] = [
  {
    // Python's ssl module: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed · [SSL: WRONG_VERSION_NUMBER]
    id: 'py-ssl', runtime: 'python', client: null, kind: 'tls', weight: 3, pre: '[ssl:',
    re: /\[SSL: ([A-Z_]{3,60})\]/,
  },
];
