// Words typed over a real host are never reported as the target; real names that look a bit like them are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlaceholder, plausibleHost, splitHostPort } from '../../src/parse/endpoint.js';
import { parse } from '../../src/parse/index.js';

test('placeholders are not hosts', () => {
  for (const h of ['public_ip', 'xxx', 'x.x.x.x', '10.0.x.x', 'xxx.xxx.xxx.xxx', 'your-server', 'your-server.com', 'yourdomain.com', 'ip', 'ip_address', 'hostname', 'server_ip', 'remote-host']) {
    assert.equal(isPlaceholder(h), true, h);
    assert.equal(plausibleHost(h), false, h);
  }
});

test('real names and addresses stay hosts', () => {
  for (const h of ['db', 'server', 'my-server', 'yourls.org', 'api.xxx-shop.lan', '10.0.0.1', '::1', 'localhost', 'ipfs.lan']) {
    assert.equal(plausibleHost(h), true, h);
  }
});

test('host:port tokens: trailing punctuation and quotes, unresolved Java addresses, ip:port placeholders', () => {
  assert.deepEqual(splitHostPort('127.0.0.1:5432?', true), { host: '127.0.0.1', port: 5432, address: '127.0.0.1' });
  assert.deepEqual(splitHostPort('“10.1.1.1:443”', true), { host: '10.1.1.1', port: 443, address: '10.1.1.1' });
  assert.deepEqual(splitHostPort('cache.lan/<unresolved>:6380', true), { host: 'cache.lan', port: 6380, address: null });
  assert.equal(splitHostPort('ip:port', true), null);
});

test('a port written next to a placeholder survives without the host', () => {
  const f = parse('ssh: connect to host <ip address> port 22: Connection refused');
  assert.deepEqual([f.kind, f.host, f.port], ['refused', null, 22]);
  const g = parse('curl: (7) Failed to connect to your-server.com port 8443 after 2 ms: Connection refused');
  assert.deepEqual([g.kind, g.host, g.port], ['refused', null, 8443]);
});
