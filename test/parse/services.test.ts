import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_PORTS, schemeInfo, serviceForPort } from '../../src/parse/services.js';
import { SERVICES } from '../../src/domain/types.js';

test('every service has ports, the documented default first', () => {
  for (const s of SERVICES) assert.ok(SERVICE_PORTS[s].length > 0, s);
  const first = Object.fromEntries(SERVICES.map((s) => [s, SERVICE_PORTS[s][0]]));
  assert.deepEqual(first, {
    postgres: 5432, mysql: 3306, redis: 6379, mongodb: 27017, kafka: 9092, http: 80, grpc: 50051, docker: 2375,
    'kubernetes-api': 6443, ssh: 22, amqp: 5672, elasticsearch: 9200,
  });
  assert.ok(SERVICE_PORTS.http.includes(8080));
  assert.ok(SERVICE_PORTS.grpc.includes(443));
  assert.ok(SERVICE_PORTS.docker.includes(2376));
  assert.ok(SERVICE_PORTS['kubernetes-api'].includes(8080));
});

test('schemeInfo', () => {
  assert.deepEqual(schemeInfo('postgres'), { service: 'postgres', port: 5432, tls: false });
  assert.deepEqual(schemeInfo('postgresql'), { service: 'postgres', port: 5432, tls: false });
  assert.deepEqual(schemeInfo('rediss'), { service: 'redis', port: 6379, tls: true });
  assert.deepEqual(schemeInfo('mongodb+srv'), { service: 'mongodb', port: 27017, tls: true });
  assert.deepEqual(schemeInfo('amqps'), { service: 'amqp', port: 5671, tls: true });
  assert.deepEqual(schemeInfo('HTTPS'), { service: 'http', port: 443, tls: true });
  assert.deepEqual(schemeInfo('wss'), { service: 'http', port: 443, tls: true });
  assert.deepEqual(schemeInfo('grpc'), { service: 'grpc', port: 50051, tls: false });
  assert.deepEqual(schemeInfo('ssh'), { service: 'ssh', port: 22, tls: false });
  assert.deepEqual(schemeInfo('kafka'), { service: 'kafka', port: 9092, tls: false });
  assert.equal(schemeInfo('mysql+pymysql')?.service, 'mysql');
  assert.equal(schemeInfo('jdbc:postgresql')?.port, 5432);
  assert.equal(schemeInfo('gopher'), null);
});

test('serviceForPort', () => {
  assert.equal(serviceForPort(5432), 'postgres');
  assert.equal(serviceForPort(3306), 'mysql');
  assert.equal(serviceForPort(6379), 'redis');
  assert.equal(serviceForPort(27017), 'mongodb');
  assert.equal(serviceForPort(9092), 'kafka');
  assert.equal(serviceForPort(80), 'http');
  assert.equal(serviceForPort(8080), 'http');
  assert.equal(serviceForPort(443), 'http');
  assert.equal(serviceForPort(50051), 'grpc');
  assert.equal(serviceForPort(2375), 'docker');
  assert.equal(serviceForPort(6443), 'kubernetes-api');
  assert.equal(serviceForPort(22), 'ssh');
  assert.equal(serviceForPort(5672), 'amqp');
  assert.equal(serviceForPort(9200), 'elasticsearch');
  assert.equal(serviceForPort(12345), null);
});
