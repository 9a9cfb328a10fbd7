// What the reporter's words around the error say (passes/reporter-context.ts), and the rows added with it: each
// clue is set by a paste that shows it and stays off for a near miss. The pastes are written for this file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../src/parse/index.js';

const hints = (text: string) => parse(text).hints;
const has = (text: string, hint: string) => assert.ok(hints(text).includes(hint), `${hint} not in ${JSON.stringify(hints(text))}`);
const lacks = (text: string, hint: string) => assert.ok(!hints(text).includes(hint), `${hint} unexpectedly in ${JSON.stringify(hints(text))}`);

describe('reporter context: where the client ran', () => {
  it('a container shell prompt, docker exec, kubectl exec or the reporter\'s words put the client in a container', () => {
    has('root@4be1c07d9a2e:/srv# curl localhost:8080/health\ncurl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused', 'client-in-container');
    has('$ docker compose exec api node scripts/ping.js\nError: connect ECONNREFUSED 127.0.0.1:6379', 'client-in-container');
    has('$ kubectl exec -it web-7c9 -- wget -qO- http://127.0.0.1:9000\nwget: can\'t connect to remote host (127.0.0.1): Connection refused', 'client-in-container');
    has('the worker container uses REDIS=localhost and fails:\nError: connect ECONNREFUSED 127.0.0.1:6379', 'client-in-container');
  });
  it('a container that only runs the server, or a remote target, says nothing about the client', () => {
    lacks('$ docker run -d -p 5432:5432 postgres:16\n$ psql -h localhost -U postgres\npsql: error: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused', 'client-in-container');
    lacks('$ docker exec -it web sh\nError: connect ECONNREFUSED 10.0.4.7:5432', 'client-in-container');
  });
});

describe('reporter context: the server says where it listens', () => {
  it('a server log or bind setting naming a loopback', () => {
    has(' * Running on http://127.0.0.1:5000\n$ curl http://192.168.1.20:5000\ncurl: (7) Failed to connect to 192.168.1.20 port 5000 after 1 ms: Connection refused', 'listens-loopback-v4');
    has('gunicorn --bind 127.0.0.1:8000 app:app\nconnect() failed (111: Connection refused) while connecting to upstream, upstream: "http://10.0.0.9:8000/"', 'listens-loopback');
  });
  it('a client\'s advice about where the server should be is not a server log', () => {
    lacks("Error: P1001: Can't reach database server at `localhost`:`5432`\n\nPlease make sure your database server is running at `localhost`:`5432`.", 'listens-loopback');
    lacks("Error: connect ECONNREFUSED ::1:3000\n  address: '::1',\n  port: 3000", 'listens-loopback-v6');
  });
});

describe('reporter context: the other loopback works, ping works', () => {
  it('another loopback spelling that works', () => {
    has('connect ECONNREFUSED 127.0.0.1:4200\n\ncurl http://localhost:4200 works fine from the terminal', 'other-loopback-works');
    lacks('connect ECONNREFUSED 127.0.0.1:4200\n\ncurl http://127.0.0.1:4200 fails the same way', 'other-loopback-works');
  });
  it('no route to host while ping answers', () => {
    has('$ ping -c1 nas.lan\n64 bytes from 192.168.1.40: icmp_seq=1 ttl=64 time=0.7 ms\n$ nc -vz nas.lan 445\nnc: connect to nas.lan port 445 (tcp) failed: No route to host', 'ping-works');
    lacks('$ nc -vz nas.lan 445\nnc: connect to nas.lan port 445 (tcp) failed: No route to host', 'ping-works');
  });
});

describe('reporter context: two ports, a default endpoint, another protocol', () => {
  it('the container side of a published port, dialled from the host', () => {
    const f = parse('compose.yaml has ports:\n  - "6543:5432"\n\nError: connect ECONNREFUSED 127.0.0.1:5432');
    assert.ok(f.hints.includes('other-port-configured') && f.hints.includes('dialled-container-port'), JSON.stringify(f.hints));
    assert.ok(f.notes.some((n) => /says port 6543/.test(n)), JSON.stringify(f.notes));
  });
  it('a DSN for another host, or a web page\'s own address, is not a second port for this one', () => {
    lacks('DATABASE_URL=postgres://app@db.internal:6432/app\nError: connect ECONNREFUSED 127.0.0.1:5432', 'other-port-configured');
    lacks('referrer: "http://localhost:8080/login"\nconnect() failed (111: Connection refused) while connecting to upstream, upstream: "http://127.0.0.1:3000/"', 'other-port-configured');
  });
  it('a library on its own default: kombu\'s guest broker, a *_URL that is set yet unused', () => {
    has('consumer: Cannot connect to amqp://guest:**@127.0.0.1:5672//: [Errno 111] Connection refused.', 'default-endpoint');
    has('REDIS_URL is set on the dyno, still:\nError: connect ECONNREFUSED 127.0.0.1:6379', 'default-endpoint');
    lacks('Error: connect ECONNREFUSED 127.0.0.1:6379', 'default-endpoint');
  });
  it('a URL built from an unset variable', () => {
    has('GET http://localhost:5173/undefined/api/cart net::ERR_CONNECTION_REFUSED', 'host-unset');
    lacks('GET http://localhost:5173/api/cart net::ERR_CONNECTION_REFUSED', 'host-unset');
  });
  it('another protocol answered: redis-cli\'s protocol error, Node\'s parse error, curl\'s HTTP/0.9', () => {
    has('$ redis-cli -p 8500\n127.0.0.1:8500> ping\nError: Protocol error, got "H" as reply type byte', 'other-protocol');
    has("{ [Error: Parse Error] bytesParsed: 0, code: 'HPE_INVALID_CONSTANT' } calling http://10.1.1.4:1113/", 'other-protocol');
    has('$ curl http://127.0.0.1:6379/\ncurl: (1) Received HTTP/0.9 when not allowed', 'other-protocol');
    lacks('$ redis-cli -p 6380 ping\nCould not connect to Redis at 127.0.0.1:6380: Connection refused', 'other-protocol');
  });
});

describe('rows and passes added for issue #10', () => {
  it('redis-cli -p without -h dials its default host, on the port given', () => {
    const f = parse('$ redis-cli -p 8500\nError: Protocol error, got "H" as reply type byte');
    assert.equal(f.host, '127.0.0.1');
    assert.equal(f.port, 8500);
  });
  it('a target named only by a command flag counts', () => {
    const f = parse('$ ./bench --target 10.2.0.8 --port 7000\nerror: Connection refused');
    assert.equal(f.host, '10.2.0.8');
    assert.equal(f.port, 7000);
  });
  it('a masked host keeps its port in the note; an unmasked one is untouched', () => {
    const f = parse('Error: connect ECONNREFUSED xx.xx.xx.xx:6379');
    assert.equal(f.host, null);
    assert.ok(f.hints.includes('host-masked'));
    assert.ok(f.notes.some((n) => n.endsWith('only the port is known (6379)')), JSON.stringify(f.notes));
    assert.equal(parse('psql: error: connection to server at "db.[TEAM_DB].example.com", port 5432 failed: Connection refused').host, null);
    assert.ok(!parse('Error: connect ECONNREFUSED 10.0.0.7:6379').hints.includes('host-masked'));
  });
  it('localised strerror words and stray spaces still parse', () => {
    assert.equal(parse('ConnectionRefusedError: [Errno 111] Отказано в соединении').kind, 'refused');
    assert.equal(parse('connect: Verbindung abgelehnt').kind, 'refused');
    const f = parse('Error: connect ECONNREFUSED   10.4.0.2: 5432');
    assert.equal(f.host, '10.4.0.2');
    assert.equal(f.port, 5432);
    // A colon and words after an address are a message, not a port.
    assert.equal(parse('Error: connect ECONNREFUSED 10.4.0.2: Connection refused').port, null);
  });
  it('Ruby\'s connect(2) for [::1]:6379 gives the endpoint; EADDRNOTAVAIL is unreachable', () => {
    const f = parse('Errno::EADDRNOTAVAIL (Cannot assign requested address - connect(2) for [::1]:6379)');
    assert.equal(f.kind, 'unreachable');
    assert.equal(f.host, '::1');
    assert.equal(f.port, 6379);
  });
  it('a tunneling socket\'s address is the proxy; a module mirror named proxy.* that is being fetched is not', () => {
    const t = parse('error An unexpected error occurred: "https://registry.npmjs.org/left-pad: tunneling socket could not be established, cause=connect ECONNREFUSED 10.9.9.9:3128".');
    assert.deepEqual(t.proxy, { host: '10.9.9.9', port: 3128 });
    const g = parse('go: example.org/m@v1.0.0: Get "https://proxy.golang.org/example.org/m/@v/v1.0.0.mod": dial tcp 142.250.0.1:443: i/o timeout');
    assert.equal(g.proxy, null);
    assert.ok(!g.hints.includes('proxy'));
  });
  it('a server that says it is starting, with no client error around it', () => {
    assert.ok(parse('db-1  | FATAL:  the database system is starting up').hints.includes('server-starting'));
    assert.equal(parse('wait until the server is starting before you run the suite').kind, 'none');
  });
});
