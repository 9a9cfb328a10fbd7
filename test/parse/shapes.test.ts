// One-line (or few-line) shapes of real error messages seen in public issue trackers, with our own
// hosts and ports. Each row: text, expected kind, host, port. A regression net for the signature table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/parse/index.js';

type Row = [text: string, kind: string, host: string | null, port: number | null];

const ROWS: Row[] = [
  // Node
  ['bower pkg#^1.0.0 EAI_AGAIN Request to https://registry.pkgs.dev/packages/pkg failed: getaddrinfo EAI_AGAIN registry.pkgs.dev:443', 'dns', 'registry.pkgs.dev', 443],
  ["{ Error: getaddrinfo ENOTFOUND bucket.store.example.net bucket.store.example.net:443\n  errno: 'ENOTFOUND',\n  hostname: 'bucket.store.example.net',\n  port: 443 }", 'dns', 'bucket.store.example.net', 443],
  ["Error: getaddrinfo EAI_AGAIN mailer\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {\n  errno: -3001,\n  code: 'EAI_AGAIN',", 'dns', 'mailer', null],
  ['Error: connect ETIMEDOUT 198.51.100.7:443 at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1117:14)', 'timeout', '198.51.100.7', 443],
  ['connect ETIMEDOUT \n    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1104:14)', 'timeout', null, null],
  ['Error: Redis connection to 127.0.0.1:6380 failed - connect ECONNREFUSED 127.0.0.1:6380', 'refused', '127.0.0.1', 6380],
  ['"Redis connection to localhost:6390 failed - conenct ECONNREFUSED"', 'refused', 'localhost', 6390],
  ['MongoError: failed to connect to server [127.0.0.1:27018] on first connect [MongoError: connect ECONNREFUSED 127.0.0.1:27018]', 'refused', '127.0.0.1', 27018],
  ['Unable to connect: connect ECONNREFUSED 127.0.0.1:27017, connect ECONNREFUSED ::1:27017', 'refused', '127.0.0.1', 27017],
  ["web  |   cause:  [Error: connect ECONNREFUSED 127.0.0.1:54000] {\nweb  |   errno: -111,", 'refused', '127.0.0.1', 54000],
  ['Error: socket hang up\n    at connResetException (node:internal/errors:720:14)', 'reset', null, null],
  ['TypeError: fetch failed\n  cause: ConnectTimeoutError: Connect Timeout Error (attempted address: llm.vendor.dev:443, timeout: 10000ms)', 'timeout', 'llm.vendor.dev', 443],
  ['Error connecting to PostgreSQL database AggregateError [ECONNREFUSED]: \n    at internalConnectMultiple (node:net:1116:18)', 'refused', null, null],
  // Python
  ["HTTPConnectionPool(host='10.9.9.9', port=8888): Max retries exceeded with url: / (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused',))", 'refused', '10.9.9.9', 8888],
  ["requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='slow.api.dev', port=443): Read timed out. (read timeout=10)", 'timeout', 'slow.api.dev', 443],
  ["requests.exceptions.ConnectionError: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))", 'reset', null, null],
  ["requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionRefusedError(111, 'Connection refused'))", 'refused', null, null],
  ['socket.gaierror: [Errno -3] Temporary failure in name resolution', 'dns', null, null],
  ['Exception: [Errno 113] No route to host with 203.0.113.40', 'unreachable', null, null],
  ['{"message": "Error 111 connecting to cache-7.aws.internal:8029. ECONNREFUSED.", "asctime": "2019-01-01T00:00:00Z"}', 'refused', 'cache-7.aws.internal', 8029],
  ["WARNING:kombu.connection:No hostname was supplied. Reverting to default 'localhost'\nkombu.exceptions.OperationalError: [Errno 111] Connection refused", 'refused', 'localhost', null],
  ['pymongo.errors.ServerSelectionTimeoutError: mongo:27017: [Errno -2] Name or service not known, Timeout: 30s', 'dns', 'mongo', 27017],
  ['redis.exceptions.ConnectionError: Error -2 connecting to redis:6379. Name or service not known.', 'dns', 'redis', 6379],
  ['redis.exceptions.ConnectionError: Error 10061 connecting to localhost:6379. No connection could be made because the target machine actively refused it.', 'refused', 'localhost', 6379],
  ['django.db.utils.OperationalError: (2005, "Unknown MySQL server host \'mysql-a\' (-2)")', 'dns', 'mysql-a', null],
  ['django.db.utils.OperationalError: (2002, "Can\'t connect to MySQL server on \'db.lan\' (115)")', 'timeout', 'db.lan', 3306],
  ['elasticsearch.exceptions.ConnectionError: ConnectionError(<urllib3.connection.HTTPConnection object at 0x01>: Failed to establish a new connection: [Errno 11001] getaddrinfo failed) caused by: NewConnectionError(<urllib3.connection.HTTPConnection object at 0x01>: Failed to establish a new connection: [Errno 11001] getaddrinfo failed)', 'dns', null, null],
  ['ssl.SSLEOFError: EOF occurred in violation of protocol (_ssl.c:1131)', 'tls', null, null],
  ['ConnectionAbortedError: [WinError 10053] An established connection was aborted by the software in your host machine', 'reset', null, null],
  ["with grpc.insecure_channel('localhost:50052') as channel:\ngrpc._channel._MultiThreadedRendezvous: <_MultiThreadedRendezvous of RPC that terminated with:\n        status = StatusCode.UNAVAILABLE\n        details = \"failed to connect to all addresses\"", 'refused', 'localhost', 50052],
  ['grpc._channel._Rendezvous: <_Rendezvous of RPC that terminated with (StatusCode.UNAVAILABLE, Connect Failed)>', 'refused', null, null],
  ['failed to connect to all addresses; last error: UNKNOWN: ipv4:198.51.100.3:50053: Failed to connect to remote host: connect: Connection refused (111)', 'refused', '198.51.100.3', 50053],
  // JVM
  ['java.net.ConnectException: Call From edge/10.0.0.1 to localhost:9000 failed on connection exception: java.net.ConnectException: Connection refused; For more details see:  http://wiki.apache.org/hadoop/ConnectionRefused', 'refused', 'localhost', 9000],
  ['WARN  [main-SendThread(localhost:2181):ClientCnxn$SendThread@1102] - Session 0x0 for server localhost/127.0.0.1:2181, unexpected error, closing socket connection and attempting reconnect\njava.net.ConnectException: Connection refused', 'refused', 'localhost', 2181],
  ['NoHostAvailableException: All host(s) tried for query failed (tried: /127.0.0.1:9042 (TransportException: [/127.0.0.1:9042] Cannot connect))\nCaused by: java.net.ConnectException: Connection refused', 'refused', '127.0.0.1', 9042],
  ['Caused by: io.grpc.netty.shaded.io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: no further information: localhost/[0:0:0:0:0:0:0:1]:80', 'refused', 'localhost', 80],
  ['WARN org.apache.kafka.clients.NetworkClient - [AdminClient clientId=a] Connection to node -1 (/192.0.2.31:9092) could not be established. Broker may not be available.', 'refused', '192.0.2.31', 9092],
  ['[warn] org.apache.kafka.clients.NetworkClient [] - Connection to node -1 could not be established. Broker may not be available.', 'refused', null, null],
  ['Caused by: com.mysql.cj.exceptions.CJCommunicationsException: Communications link failure\nCaused by: java.net.ConnectException: Connection refused: connect', 'refused', null, null],
  // Go, Rust, Ruby, PHP, .NET
  ['time="2023-10-29T12:38:56Z" level=fatal msg="dial tcp 172.24.0.9:5432: connect: connection refused"', 'refused', '172.24.0.9', 5432],
  ['panic: dial tcp 127.0.0.1:5433: connect: connection refused\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/cmd/app/main.go:41 +0x2a5', 'refused', '127.0.0.1', 5433],
  ['E0428 18:21:19.158007248   22417 server_chttp2.cc:40]        {"created":"@1556468479.1","description":"getaddrinfo failed"', 'dns', null, null],
  ['rpc error: code = Unavailable desc = all SubConns are in TransientFailure, latest connection error: connection error: desc = "transport: Error while dialing dial tcp :8091: connectex: No connection could be made because the target machine actively refused it."', 'refused', null, null],
  ['Error: Get "http://localhost/api/v1/namespaces/default": dial tcp [::1]:80: connect: connection refused', 'refused', 'localhost', 80],
  ['Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused', 'refused', '127.0.0.1', 6443],
  ['xh: error: error sending request for url (https://pkgs.lab.dev/): error trying to connect: tcp connect error: Connection refused (os error 111)', 'refused', 'pkgs.lab.dev', 443],
  ['`rescue in block in connect\': Failed to open TCP connection to 127.0.0.1:1338 (Connection refused - connect(2) for "127.0.0.1" port 1338) (Errno::ECONNREFUSED)', 'refused', '127.0.0.1', 1338],
  ['Errno::ECONNREFUSED: Connection refused - connect(2) for nil port 80', 'refused', null, 80],
  ['   Doctrine\\DBAL\\Driver\\PDOException  : SQLSTATE[HY000] [2002] Connection refused', 'refused', null, null],
  ['Warning: mysqli::__construct(): (HY000/2002): Connection refused in /var/www/html/db.php on line 3', 'refused', null, null],
  ['System.Net.Http.HttpRequestException: No se puede establecer una conexión ya que el equipo de destino denegó expresamente dicha conexión. (localhost:5055)\n ---> System.Net.Sockets.SocketException (10061): No se puede establecer una conexión.', 'refused', 'localhost', 5055],
  ['System.Net.Sockets.SocketException (00000005, 0xFFFDFFFF): Name or service not known', 'dns', null, null],
  ['gRPC Error (code: 14, codeName: UNAVAILABLE, message: Error connecting: SocketException: Connection refused (OS Error: Connection refused, errno = 111), address = 127.0.0.1, port = 42799, details: null)', 'refused', '127.0.0.1', 42799],
  // Tools, browsers, proxies
  ['curl: (7) Failed to connect to <IP> port 8080', 'refused', null, 8080],
  ['curl: (7) Failed to connect to localhost port 9014: Connexion refusée', 'refused', 'localhost', 9014],
  ['0curl: (7) Failed to connect to localhost port 80: Connection refused', 'refused', 'localhost', 80],
  ['lb_proxy | 2018/10/16 05:58:20 [error] 8#8: *2 connect() failed (111: Connection refused) while connecting to upstream, client: 172.21.0.1, server: localhost, request: "GET / HTTP/1.1", upstream: "http://172.21.0.7:9001/", host: "localhost:9001"', 'refused', '172.21.0.7', 9001],
  ['This site can’t be reached localhost refused to connect.\nTry:\nChecking the connection\nERR_CONNECTION_REFUSED', 'refused', 'localhost', null],
  ['Failed to load resource: net::ERR_CONNECTION_REFUSED', 'refused', null, null],
  ['wget: unable to resolve host address ‘mirror.lab.dev’', 'dns', 'mirror.lab.dev', null],
  ['read tcp 10.0.0.1:5555->10.0.0.5:443: read: connection reset by peer', 'reset', '10.0.0.5', 443],
  ['lookup kubernetes.default.svc on 10.96.0.10:53: read udp 10.244.1.5:43210->10.96.0.10:53: i/o timeout', 'dns', 'kubernetes.default.svc', null],
  // The paster's own server or page is not the target.
  ['ConnectionRefusedError at /checkout/\n[Errno 111] Connection refused\nRequest Method:\tPOST\nRequest URL:\thttp://127.0.0.1:8000/checkout/', 'refused', null, null],
  ['Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\nhttpx.ConnectError: [Errno 111] Connection refused', 'refused', null, null],
  // Erlang / Elixir, pika
  ['** (DBConnection.ConnectionError) tcp connect (pg.lan:5433): connection refused - :econnrefused', 'refused', 'pg.lan', 5433],
  ['{:error, %Mint.TransportError{reason: :econnrefused}}', 'refused', null, null],
  ['WARNING - Connection to ::1:5673 failed: [Errno 111] Connection refused', 'refused', '::1', 5673],
];

test('a proxy that answered 502 without its address in the paste: the target is the destination', () => {
  const f = parse('$ curl -v https://internal.service:8443/ping\n< HTTP/1.1 502 Bad Gateway\ncurl: (56) CONNECT tunnel failed, response 502');
  assert.equal(f.kind, 'refused');
  assert.equal(f.host, 'internal.service');
  assert.equal(f.port, 8443);
  assert.equal(f.proxy, null);
  assert.deepEqual(f.destination, { host: 'internal.service', port: 8443 });
  assert.ok(f.hints.includes('proxy') && f.hints.includes('http-502'));
});

for (const [text, kind, host, port] of ROWS) {
  test(`shape: ${text.split('\n')[0]!.slice(0, 90)}`, () => {
    const f = parse(text);
    assert.deepEqual({ kind: f.kind, host: f.host, port: f.port }, { kind, host, port });
  });
}
