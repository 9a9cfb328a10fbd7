// Java, Kotlin and the JVM: java.net exceptions, the JDBC drivers, Hadoop IPC, Apache HttpClient, Spring, netty and
// lettuce, and okhttp on Android.
import { cleanHost, isIp, parsePort, plausibleHost } from '../endpoint.js';
import { byText, endpointIn, ep, merge, url } from '../patterns.js';
import type { Signature } from './row.js';

export const JVM: readonly Signature[] = [
  {
    // MySQL Connector/J: Communications link failure — the driver never reached the server. The cause
    // below it (ConnectException, UnknownHostException …) says why; alone it most often means refused.
    id: 'mysql-jdbc-link-failure', runtime: 'java', client: 'jdbc', service: 'mysql', kind: 'refused', weight: 1,
    pre: 'communications link failure', re: /Communications link failure/,
    extract: () => ({ errno: 'ECONNREFUSED' }),
  },
  {
    // Hadoop IPC: Call From host/10.0.0.1 to localhost:9000 failed on connection exception: java.net.ConnectException: Connection refused
    id: 'hadoop-call-from', runtime: 'java', client: 'hadoop', kind: null, weight: 3, pre: 'failed on',
    re: /Call From \S{1,300} to ([^\s]{1,300}) failed on (connection|socket timeout) exception: ([^;\n]{1,200})/,
    extract: (m) => {
      const k = m[2] === 'socket timeout' ? { kind: 'timeout' as const, errno: 'ETIMEDOUT' } : byText(m[3]);
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // PgJDBC: Connection to localhost:5432 refused. Check that the hostname and port are correct …
    id: 'pgjdbc-refused', runtime: 'java', client: 'jdbc', service: 'postgres', kind: 'refused', weight: 3, pre: 'refused. check that the hostname',
    re: /Connection to ([^\s]{1,300}) refused\. Check that the hostname and port are correct/,
    extract: (m) => ({ ...ep(m[1]), errno: 'ECONNREFUSED' }),
  },
  {
    // Apache HttpClient: Connect to localhost:8080 [localhost/127.0.0.1, localhost/0:0:0:0:0:0:0:1] failed: Connection refused
    id: 'httpclient-connect-to', runtime: 'java', client: 'httpclient', kind: null, weight: 3, pre: 'connect to',
    re: /Connect to ([^\s]{1,300}) \[([^\]]{1,400})\] failed: ([^\n]{1,160})/,
    extract: (m) => {
      const addrs = m[2]!.split(',').map((s) => s.trim().split('/').pop() ?? '').map(cleanHost).filter(isIp);
      const e = merge(byText(m[3]), ep(m[1], false));
      e.addresses = addrs;
      return e;
    },
  },
  {
    // Spring RestTemplate: I/O error on GET request for "http://localhost:8081/api": Connection refused
    id: 'spring-io-error', runtime: 'java', client: 'spring', kind: null, weight: 2, pre: 'i/o error on',
    re: /I\/O error on [A-Z]{3,7} request for "([^"]{1,1000})": ([^;\n]{0,200})/,
    extract: (m) => {
      const u = url(m[1]);
      const msg = m[2]!.trim();
      const k = byText(msg);
      if (!k.kind) {
        // OkHttp under RestTemplate: "Failed to connect to localhost/127.0.0.1:9411" (a ConnectException).
        if (/^Failed to connect to /i.test(msg)) return merge({ kind: 'refused', errno: 'ECONNREFUSED' }, u);
        // UnknownHostException's message is the bare host name: "…/oauth/token": auth.example.com
        if (u.host && !isIp(u.host) && msg.toLowerCase() === u.host) return merge({ kind: 'dns', errno: 'ENOTFOUND' }, u);
      }
      return merge(k, u);
    },
  },
  {
    // The JVM's words for a connect that failed on the client's own machine: NoRouteToHostException: Cannot assign
    // requested address (no free source port; before java-no-route, which would say EHOSTUNREACH) · BindException:
    // Address already in use: connect (Windows out of ports) · SocketException: Permission denied: connect (a local
    // policy) · Android's socket failed: EACCES (Permission denied) (the app lacks the INTERNET permission). A
    // BindException without "connect" is a server's bind.
    id: 'java-connect-local', runtime: 'java', client: null, kind: 'unreachable', weight: 3,
    pre: ['assign requested address', 'already in use: connect', 'permission denied', 'operation not permitted', 'socket failed: e'],
    re: /NoRouteToHostException: Can(?:not|'t) assign requested address|(?:BindException|SocketException|ConnectException): (?:Can(?:not|'t) assign requested address|Address already in use|Permission denied|Operation not permitted)(?:: connect| \(connect failed\))|socket failed: (EACCES|EPERM)\b/,
    extract: (m) => {
      const text = m[0];
      const errno = m[1] ?? (/assign/.test(text) ? 'EADDRNOTAVAIL' : /already in use/.test(text) ? 'EADDRINUSE' : /not permitted/.test(text) ? 'EPERM' : 'EACCES');
      return { errno, ...(errno === 'EADDRINUSE' ? { os: 'windows' as const } : {}) };
    },
  },
  {
    // java.net.ConnectException: Connection refused (Connection refused) / Connection refused: connect (Windows)
    // netty: AnnotatedConnectException: Connection refused: localhost/127.0.0.1:6379
    // okhttp: ConnectException: Failed to connect to localhost/127.0.0.1:8080
    id: 'java-connect-exception', runtime: 'java', client: null, kind: null, weight: 3, pre: 'connectexception',
    re: /ConnectException: ([^\n]{1,300})/,
    extract: (m) => {
      const msg = m[1]!;
      const k = byText(msg);
      const e = endpointIn(msg);
      // "Connection refused: connect" is the wording of Java's Windows socket implementation.
      if (/^Connection (?:refused|timed out): connect\b/.test(msg)) k.os = 'windows';
      if (!k.kind) {
        if (/Failed to connect\b|Connection failed/i.test(msg)) return { kind: 'refused', errno: 'ECONNREFUSED', ...e };
        if (/Connection timed out|connect timed out/i.test(msg)) return { kind: 'timeout', errno: 'ETIMEDOUT', ...e };
        return Object.keys(e).length ? e : null;
      }
      return merge(k, e);
    },
  },
  {
    // java.net.SocketTimeoutException: connect timed out · Connect timed out
    id: 'java-socket-timeout', runtime: 'java', client: null, kind: 'timeout', weight: 3, pre: 'sockettimeoutexception',
    re: /SocketTimeoutException(?:: ([^\n]{0,200}))?/,
    extract: (m) => ({ errno: 'ETIMEDOUT', ...endpointIn(m[1] ?? '') }),
  },
  {
    // java.net.UnknownHostException: db: Name or service not known · UnknownHostException: No such host is known (db)
    id: 'java-unknown-host', runtime: 'java', client: null, kind: 'dns', weight: 3, pre: 'unknownhostexception',
    re: /UnknownHostException: (?:No such host is known \(([^)\s]{1,255})\)|Unable to resolve host "([^"\s]{1,255})"|([^\s:]{1,255}))/,
    extract: (m) => {
      const h = cleanHost((m[1] ?? m[2] ?? m[3])!);
      return plausibleHost(h) ? { host: h, errno: 'ENOTFOUND' } : { errno: 'ENOTFOUND' };
    },
  },
  {
    id: 'java-no-route', runtime: 'java', client: null, kind: 'unreachable', weight: 3, pre: 'noroutetohostexception',
    re: /NoRouteToHostException(?:: ([^\n]{0,200}))?/,
    extract: (m) => ({ errno: 'EHOSTUNREACH', ...endpointIn(m[1] ?? '') }),
  },
  {
    // java.net.SocketException: Connection reset
    id: 'java-socket-reset', runtime: 'java', client: null, kind: 'reset', weight: 3, pre: 'socketexception: connection reset',
    re: /SocketException: Connection reset/,
    extract: () => ({ errno: 'ECONNRESET' }),
  },
  {
    id: 'java-ssl', runtime: 'java', client: null, kind: 'tls', weight: 3, pre: ['sslhandshakeexception', 'pkix path', 'sslexception'],
    re: /SSLHandshakeException|PKIX path building failed|javax\.net\.ssl\.SSLException/,
  },
  {
    // netty / lettuce / reactor: finishConnect(..) failed: Connection refused: localhost/127.0.0.1:6379
    id: 'jvm-refused-endpoint', runtime: 'java', client: null, kind: 'refused', weight: 3, pre: 'connection refused: ',
    re: /Connection refused: ((?:[A-Za-z0-9_.-]{0,253}\/)?[^\s;]{2,300}:\d{1,5})/,
    extract: (m) => {
      const e = ep(m[1]);
      return e.host ? { ...e, errno: 'ECONNREFUSED' } : null;
    },
  },
  {
    // Lettuce: Unable to connect to localhost:6379 / Exception in monitor thread while connecting to server localhost:27017
    id: 'jvm-unable-to-connect', runtime: null, client: null, kind: null, weight: 1, pre: ['unable to connect to', 'while connecting to server'],
    re: /(?:Unable to connect to|while connecting to server) ([^\s]{1,300})/,
    extract: (m) => {
      const e = ep(m[1]);
      return e.host && e.port != null ? e : null;
    },
  },
  {
    // Android / okhttp: failed to connect to /10.0.2.2 (port 8080) from /10.0.2.16 (port 41234) after 10000ms
    id: 'android-failed-to-connect', runtime: 'java', client: 'okhttp', kind: null, weight: 1, pre: 'failed to connect to',
    re: /failed to connect to ([^\s()]{1,300}) \(port (\d{1,5})\)(?: from [^\s()]{1,300} \(port \d{1,5}\))?(?: after \d{1,9}\s?ms)?(?:: ([^\n]{1,160}))?/,
    extract: (m) => {
      const e = ep(m[1], false);
      const k = m[3] ? byText(m[3]) : {};
      // Without a reason the message comes from SocketTimeoutException: the connect timed out.
      const kind = k.kind ? k : /after \d/.test(m[0]) && !m[3] ? { kind: 'timeout' as const, errno: 'ETIMEDOUT', weight: 2 } : {};
      return merge(kind, { host: e.host ?? null, addresses: e.addresses ?? [], port: parsePort(m[2]) });
    },
  },
];
