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
  ['django.db.utils.OperationalError: (2005, "Unknown MySQL server host \'mysql-a\' (-2)")', 'dns', 'mysql-a', 3306],
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
  ['Caused by: com.mysql.cj.exceptions.CJCommunicationsException: Communications link failure\nCaused by: java.net.ConnectException: Connection refused: connect', 'refused', null, 3306],
  // Go, Rust, Ruby, PHP, .NET
  ['time="2023-10-29T12:38:56Z" level=fatal msg="dial tcp 172.24.0.9:5432: connect: connection refused"', 'refused', '172.24.0.9', 5432],
  ['panic: dial tcp 127.0.0.1:5433: connect: connection refused\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/cmd/app/main.go:41 +0x2a5', 'refused', '127.0.0.1', 5433],
  ['E0428 18:21:19.158007248   22417 server_chttp2.cc:40]        {"created":"@1556468479.1","description":"getaddrinfo failed"', 'dns', null, null],
  ['rpc error: code = Unavailable desc = all SubConns are in TransientFailure, latest connection error: connection error: desc = "transport: Error while dialing dial tcp :8091: connectex: No connection could be made because the target machine actively refused it."', 'refused', null, 8091],
  ['Error: Get "http://localhost/api/v1/namespaces/default": dial tcp [::1]:80: connect: connection refused', 'refused', 'localhost', 80],
  ['Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused', 'refused', '127.0.0.1', 6443],
  ['xh: error: error sending request for url (https://pkgs.lab.dev/): error trying to connect: tcp connect error: Connection refused (os error 111)', 'refused', 'pkgs.lab.dev', 443],
  ['`rescue in block in connect\': Failed to open TCP connection to 127.0.0.1:1338 (Connection refused - connect(2) for "127.0.0.1" port 1338) (Errno::ECONNREFUSED)', 'refused', '127.0.0.1', 1338],
  ['Errno::ECONNREFUSED: Connection refused - connect(2) for nil port 80', 'refused', null, 80],
  ['   Doctrine\\DBAL\\Driver\\PDOException  : SQLSTATE[HY000] [2002] Connection refused', 'refused', null, 3306],
  ['Warning: mysqli::__construct(): (HY000/2002): Connection refused in /var/www/html/db.php on line 3', 'refused', null, 3306],
  ['System.Net.Http.HttpRequestException: No se puede establecer una conexión ya que el equipo de destino denegó expresamente dicha conexión. (localhost:5055)\n ---> System.Net.Sockets.SocketException (10061): No se puede establecer una conexión.', 'refused', 'localhost', 5055],
  ['System.Net.Sockets.SocketException (00000005, 0xFFFDFFFF): Name or service not known', 'dns', null, null],
  ['gRPC Error (code: 14, codeName: UNAVAILABLE, message: Error connecting: SocketException: Connection refused (OS Error: Connection refused, errno = 111), address = 127.0.0.1, port = 42799, details: null)', 'refused', '127.0.0.1', null],
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
  // Shapes added after the first run on real pastes (own hosts and values).
  ['Fix this? ConnectionRefusedError [SequelizeConnectionRefusedError]: connect ECONNREFUSED 127.0.0.1:5439?', 'refused', '127.0.0.1', 5439],
  ['org.postgresql.util.PSQLException: Connection to pg.office.lan:5433 refused', 'refused', 'pg.office.lan', 5433],
  ['org.apache.http.conn.HttpHostConnectException: Connection to http://127.0.0.1:3129 refused', 'refused', '127.0.0.1', 3129],
  ['got ResourceAccessException:I/O error:connection to http:10.20.30.40:8181 refused, no idea', 'refused', '10.20.30.40', 8181],
  ['org.springframework.web.client.ResourceAccessException: I/O error on POST request for "http://billing.lan:9000/charge": Connection refused; nested exception is java.net.ConnectException: Connection refused', 'refused', 'billing.lan', 9000],
  ['io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: no further information: /10.1.1.9:9043', 'refused', '10.1.1.9', 9043],
  ['java.net.SocketTimeoutException: failed to connect to api.lan/10.0.2.2 (port 8088) after 5000ms', 'timeout', 'api.lan', 8088],
  ['java.net.ConnectException: failed to connect to /10.0.2.2 (port 8089) from /10.0.2.16 (port 41234) after 10000ms: isConnected failed: ECONNREFUSED (Connection refused)', 'refused', '10.0.2.2', 8089],
  ['Post "https://hooks.lan:8443/x": dial tcp <nil>->10.3.3.3:8443: connect: connection refused', 'refused', 'hooks.lan', 8443],
  ['error: dial tcp <nil>->10.3.3.4:8443: i/o timeout', 'timeout', '10.3.3.4', 8443],
  ['dial tcp :2222: connect: connection refused', 'refused', null, 2222],
  ['connect to address 10.4.4.4 and port 2200: Connection refused', 'refused', '10.4.4.4', 2200],
  ['ssh: connect to host <server ip> port 22: Connection timed out', 'timeout', null, 22],
  ['ssh: connect to host your-server port 22: Connection refused', 'refused', null, 22],
  ['ssh: Could not resolve hostname gitbox.lan: Name or service not known', 'dns', 'gitbox.lan', 22],
  ['Connecting to files.lan (10.9.8.7:443)\nwget: can\'t connect to remote host (10.9.8.7): Connection refused', 'refused', 'files.lan', 443],
  ['*   Trying 10.6.6.6:8443...\n* connect to 10.6.6.6 port 8443 failed: Connection refused\n* Failed to connect to 10.6.6.6 port 8443 after 3 ms: Couldn\'t connect to server', 'refused', '10.6.6.6', 8443],
  ['curl: (7) Failed connect to mirror.lan:443; Connection refused', 'refused', 'mirror.lan', 443],
  ['$ openssl s_client -connect vault.lan:8200\n140245:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record/ssl3_record.c:354:', 'tls', 'vault.lan', 8200],
  ['{"errno":-3008,"code":"ENOTFOUND","syscall":"getaddrinfo","hostname":"queue.lan"}', 'dns', 'queue.lan', null],
  ['{\n  "code": "ECONNREFUSED",\n  "address": "10.2.2.2",\n  "port": 6390\n}', 'refused', '10.2.2.2', 6390],
  ['PHP Warning:  stream_socket_client(): php_network_getaddresses: getaddrinfo failed: Name or service not known [tcp://cache.lan:6390]', 'dns', 'cache.lan', 6390],
  ['ERROR oslo.messaging._drivers.impl_rabbit [-] AMQP server on 10.7.7.7:5673 is unreachable: [Errno 111] ECONNREFUSED. Trying again in 2 seconds.', 'refused', '10.7.7.7', 5673],
  ['java.net.UnknownHostException: Unable to resolve host "api.shop.lan": No address associated with hostname', 'dns', 'api.shop.lan', null],
  ['This site can’t be reachedlocalhost refused to connect.\nTry:\nERR_CONNECTION_REFUSED', 'refused', 'localhost', null],
  ['无法访问此网站\nlocalhost 拒绝了我们的连接请求。', 'refused', 'localhost', null],
  ['GET http://127.0.0.1:5055/api/items net::ERR_CONNECTION_REFUSED', 'refused', '127.0.0.1', 5055],
  ["Couldn't connect to Docker daemon at http+docker://localunixsocket - is it running?", 'unix_socket', null, null],
  ["Couldn't connect to Docker daemon at http+unix://var/run/docker.sock - is it running?", 'unix_socket', null, null],
  ['psql: could not connect to server: Connection refused\n\tIs the server running locally and accepting\n\tconnections on Unix domain socket "/var/run/postgresql/.s.PGSQL.5432"?', 'unix_socket', null, null],
  ['Redis::CannotConnectError: Connection refused (Predis without an address)\nPredis\\Connection\\ConnectionException: Connection refused', 'refused', null, 6379],
  ['fail: System.Net.Http.HttpRequestException: Error connecting to \'C:\\Users\\me\\AppData\\Local\\Temp\\api.sock\'. (localhost:80)\n ---> System.Net.Sockets.SocketException (10061): No connection could be made because the target machine actively refused it.', 'unix_socket', null, null],
  ['(2003, "Can\'t connect to MySQL server on \'localhost\' ([Errno 2] No such file or directory)")\nFailed to connect by socket, retrying over TCP/IP\n(2003, "Can\'t connect to MySQL server on u\'localhost\' ([Errno 61] Connection refused)")', 'refused', 'localhost', 3306],
  ['> could not connect to server: Connection refused\n>\tIs the server running on host "localhost" (::1) and accepting\n>\tTCP/IP connections on port 5433?', 'refused', 'localhost', 5433],
  ['DB_URL=mongodb://localhost:27017/app\nMongoNetworkError: connect ECONNREFUSED ::1:27017', 'refused', '::1', 27017],
  ['Error: Get http://localhost:9094/api/v1/status: dial tcp 127.0.0.1:9094: connect: connection refused', 'refused', 'localhost', 9094],
  ['2|api   | Error: getaddrinfo ENOTFOUND auth.shop.lan\n2|api   | while calling endpoint<https://auth.shop.lan/v1/token>', 'dns', 'auth.shop.lan', 443],
  ['“connect EHOSTUNREACH 10.11.12.13:443”\n“connect ETIMEDOUT 10.11.12.14:443”', 'unreachable', '10.11.12.13', 443],
  ["WARNING:urllib3.connectionpool:Retrying after connection broken by 'ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to llm.vendor.lan timed out. (connect timeout=60)')': /v1/chat", 'timeout', 'llm.vendor.lan', 443],
  ['*1 connect() failed (111: Connection refused) while connecting to upstream\nhttp://public_ip/api fails', 'refused', null, null],
  ['MongooseServerSelectionError: querySrv ENOTFOUND _mongodb._tcp.cluster9.abcde.mongodb.net', 'dns', '_mongodb._tcp.cluster9.abcde.mongodb.net', null],
  ['failed to solve: DeadlineExceeded: failed to fetch anonymous token: Get "https://auth.registry.lan/token?scope=pull": dial tcp 10.0.0.9:443: i/o timeout', 'timeout', 'auth.registry.lan', 443],
  ['io.lettuce.core.RedisConnectionException: Unable to connect to cache.lan/<unresolved>:6380\nCaused by: java.net.ConnectException: Connection refused', 'refused', 'cache.lan', 6380],
  ["Error: Hostname/IP does not match certificate's altnames: Host: api.team.lan. is not in the cert's altnames: DNS:*.other.lan", 'tls', 'api.team.lan', null],
  ['This site can’t be reached\nDNS_PROBE_FINISHED_NXDOMAIN', 'dns', null, null],
  // Not a failed connection.
  ['Error: listen EADDRINUSE: address already in use :::3000', 'none', null, null],
  ['psql: error: connection to server at "db.lan" (10.0.0.8), port 5432 failed: FATAL:  password authentication failed for user "app"', 'none', null, null],
  ["Added handling of 'Connection refused' from the retry helper", 'none', null, null],
  ['test_reconnect (tests.test_client.ClientTest) ... ok\nit handles connection refused when the broker restarts ... ok', 'none', null, null],
  ['HTTP/1.1 503 Service Unavailable\nContent-Type: text/html', 'none', null, null],
  ['## Connection refused handling\nThe client now backs off and retries.', 'none', null, null],
  ['  ✓ retries on connection refused (12ms)\n  ✓ gives up after five tries (3ms)', 'none', null, null],
  ['Error: listen EADDRINUSE: address already in use 127.0.0.1:8080', 'none', null, null],
  ['MongoServerError: bad auth : Authentication failed.', 'none', null, null],
  ['localhost didn’t send any data.\nERR_EMPTY_RESPONSE', 'reset', 'localhost', null],
  ['This site can’t be reached\nreports.lan took too long to respond.\nERR_CONNECTION_TIMED_OUT', 'timeout', 'reports.lan', null],
  ['This site can’t be reached\nCheck if there is a typo in wiki.lan.\nwiki.lan’s server IP address could not be found.\nDNS_PROBE_FINISHED_NXDOMAIN', 'dns', 'wiki.lan', null],
  ['org.springframework.amqp.AmqpConnectException: java.net.ConnectException: Connection refused (Connection refused)', 'refused', null, 5672],
  ["SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo failed: Name or service not known", 'dns', null, 3306],
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

test('a malformed %-escape or a regex character in a host never makes a paste unreadable', () => {
  for (const text of ['connect ECONNREFUSED unix:///tmp/%zz.sock', 'Error: getaddrinfo ENOTFOUND db(x db(x:5432', 'dial unix:///var/run/%E0%A4%A.sock: connect: no such file or directory']) {
    const f = parse(text);
    assert.ok(!f.notes.some((n) => /could not be read/.test(n)), `${text}: ${f.notes.join(' | ')}`);
  }
});
