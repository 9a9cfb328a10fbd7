// Coverage-only samples for signature rows that no fixture in test/fixtures/pastes exercises. Each is a short
// paste written for this file in the shape the row's tool prints, and `kind` is what parse() must make of it
// (the row's own kind when the row has one). A fixture is the better home for a shape: when one is added that
// a row matches, its sample here can go. signature-coverage.test.ts checks both ways.
import type { ErrorKind } from '../../src/domain/types.js';

export interface SignatureSample {
  text: string;
  kind: ErrorKind;
}

export const SIGNATURE_SAMPLES: Record<string, SignatureSample> = {
  // Node
  'mongo-node-first-connect': {
    text: 'MongoError: failed to connect to server [mongo.internal:27017] on first connect [Error: connect ECONNREFUSED 10.20.0.7:27017]',
    kind: 'refused',
  },
  'node-cert-altnames': {
    text: "Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: Host: billing.corp.example. is not in the cert's altnames: DNS:*.shop.example",
    kind: 'tls',
  },
  // Python
  'httpx-all-attempts': { text: 'httpx.ConnectError: All connection attempts failed', kind: 'refused' },
  'httpx-connect-timeout': { text: 'httpx.ConnectTimeout: timed out', kind: 'timeout' },
  // MySQL client
  'mysql-local-socket': {
    text: "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/run/mysqld/mysqld.sock' (2)",
    kind: 'unix_socket',
  },
  // JVM
  'java-no-route': { text: 'java.net.NoRouteToHostException: No route to host (Host unreachable)', kind: 'unreachable' },
  'java-ssl': { text: 'javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure', kind: 'tls' },
  // Go
  'go-read-write': { text: 'read tcp 10.1.4.20:51234->10.1.9.3:6379: read: connection reset by peer', kind: 'reset' },
  'pgx-dial-error': {
    text: 'failed to connect to `user=app database=orders`: [::1]:5432 (localhost): dial error: dial tcp [::1]:5432: connect: connection refused',
    kind: 'refused',
  },
  // gRPC
  'grpc-dns': { text: '14 UNAVAILABLE: DNS resolution failed for orders-api.internal:50051', kind: 'dns' },
  // Rust
  'hyper-http-connect': {
    text: [
      'TRACE hyper_util::client::legacy::connect::http: Http::connect; scheme=Some("http"), host=Some("inventory.local"), port=Some(Port(8081))',
      'Error: error trying to connect: tcp connect error: Connection refused (os error 111)',
    ].join('\n'),
    kind: 'refused',
  },
  // PHP
  'php-stream-connect': {
    text: 'PHP Warning:  stream_socket_client(): unable to connect to tcp://10.0.3.14:11211 (Connection refused) in /srv/app/src/Cache.php on line 41',
    kind: 'refused',
  },
  // curl, wget
  'curl-timeout': { text: 'curl: (28) Connection timed out after 10002 milliseconds', kind: 'timeout' },
  'curl-recv': { text: 'curl: (56) Recv failure: Connection reset by peer', kind: 'reset' },
  'wget-resolve': { text: 'Resolving artifacts.internal (artifacts.internal)... failed: Name or service not known.', kind: 'dns' },
  // nginx
  'nginx-no-live': {
    text: '2024/05/02 09:14:07 [error] 31#31: *882 no live upstreams while connecting to upstream, client: 172.18.0.1, server: _, request: "GET /api/orders HTTP/1.1", upstream: "http://orders_backend/api/orders", host: "localhost:8080"',
    kind: 'refused',
  },
  // Browsers
  'browser-interstitial': { text: 'This site can’t be reached\napi.staging.lan took too long to respond.', kind: 'timeout' },
  'browser-dns-probe': { text: 'DNS_PROBE_FINISHED_NXDOMAIN', kind: 'dns' },
  // Another protocol answering, a proxy's CONNECT, a hang-up after connect (issue #10)
  'redis-protocol-error': { text: '10.4.0.9:8081> PING\nError: Protocol error, got "<" as reply type byte', kind: 'reset' },
  'curl-http09': { text: '$ curl http://10.4.0.9:6380/\ncurl: (1) Received HTTP/0.9 when not allowed', kind: 'reset' },
  'node-http-parse-error': { text: "Error: Parse Error: Expected HTTP/\n    at Socket.socketOnData (node:_http_client:535:22) { bytesParsed: 0, code: 'HPE_INVALID_CONSTANT' }", kind: 'reset' },
  'pg-ssl-not-supported': { text: 'psql: error: server does not support SSL, but SSL was required', kind: 'tls' },
  'go-proxyconnect': { text: 'Get "https://pkg.example.dev/v2/": proxyconnect tcp: dial tcp 10.8.0.2:3128: connect: connection refused', kind: 'refused' },
  'grpc-no-preface': { text: 'rpc error: code = Unavailable desc = connection closed before server preface received', kind: 'reset' },
  'redis-py-closed': { text: 'redis.exceptions.ConnectionError: Connection closed by server.', kind: 'reset' },
  'mongoose-atlas-selection': { text: "MongooseServerSelectionError: Could not connect to any servers in your MongoDB Atlas cluster. One common reason is that you're trying to access the database from an IP that isn't whitelisted.", kind: 'timeout' },
  'pg-starting-up': { text: 'psql: error: connection to server at "db" (172.19.0.2), port 5432 failed: FATAL:  the database system is starting up', kind: 'refused' },
  'server-still-starting': { text: 'search-1  | {"level":"WARN","message":"node is still starting, requests will be rejected"}', kind: 'refused' },
  'node-fetch-url-unset': { text: 'TypeError: Failed to parse URL from undefined/api/orders\n    at node:internal/deps/undici/undici:13502:13', kind: 'dns' },
  // Erlang / Elixir
  'erlang-reason-atom': { text: '** (MatchError) no match of right hand side value: {:error, %Mint.TransportError{reason: :econnrefused}}', kind: 'refused' },
};
