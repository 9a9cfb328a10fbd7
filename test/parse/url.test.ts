// Typed targets: factsFromUrl and factsFromEndpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factsFromEndpoint, factsFromUrl, emptyFacts } from '../../src/parse/index.js';

test('postgres URL without a port: 5432 inferred, noted, password gone', () => {
  const f = factsFromUrl('postgres://u:p4ssw0rd@db/app')!;
  assert.equal(f.kind, 'none');
  assert.equal(f.host, 'db');
  assert.equal(f.port, 5432);
  assert.equal(f.portInferred, true);
  assert.equal(f.service, 'postgres');
  assert.equal(f.scheme, 'postgres');
  assert.equal(f.tls, null);
  assert.deepEqual(f.hints, ['typed']);
  assert.ok(f.notes.some((n) => n.includes('5432') && n.includes('inferred')));
  assert.ok(!JSON.stringify(f).includes('p4ssw0rd'));
});

test('explicit port is kept and not marked inferred', () => {
  const f = factsFromUrl('mysql://root@10.0.0.5:3307/shop')!;
  assert.equal(f.host, '10.0.0.5');
  assert.equal(f.port, 3307);
  assert.equal(f.portInferred, false);
  assert.deepEqual(f.addresses, ['10.0.0.5']);
  assert.equal(f.service, 'mysql');
});

test('TLS from the scheme and from sslmode', () => {
  assert.equal(factsFromUrl('https://api.internal/health')!.tls, true);
  assert.equal(factsFromUrl('https://api.internal/health')!.port, 443);
  assert.equal(factsFromUrl('http://api.internal/health')!.tls, false);
  assert.equal(factsFromUrl('http://api.internal/health')!.port, 80);
  assert.equal(factsFromUrl('rediss://cache:6380')!.tls, true);
  assert.equal(factsFromUrl('redis://cache')!.tls, false);
  assert.equal(factsFromUrl('amqps://mq')!.port, 5671);
  assert.equal(factsFromUrl('postgresql://db/app?sslmode=require')!.tls, true);
  assert.equal(factsFromUrl('wss://socket.internal/ws')!.service, 'http');
});

test('IPv6 literal: brackets stripped', () => {
  const f = factsFromUrl('http://[::1]:8080/')!;
  assert.equal(f.host, '::1');
  assert.equal(f.port, 8080);
  assert.deepEqual(f.addresses, ['::1']);
});

test('driver-suffixed and jdbc schemes', () => {
  const f = factsFromUrl('postgresql+psycopg2://svc:x@pg.internal:6543/app')!;
  assert.equal(f.service, 'postgres');
  assert.equal(f.port, 6543);
  const j = factsFromUrl('jdbc:mysql://mysql-primary/shop')!;
  assert.equal(j.host, 'mysql-primary');
  assert.equal(j.port, 3306);
  assert.equal(j.service, 'mysql');
});

test('mongodb+srv and multi-host mongodb', () => {
  const srv = factsFromUrl('mongodb+srv://u:pw@cluster0.abcde.mongodb.net/db')!;
  assert.equal(srv.service, 'mongodb');
  assert.equal(srv.tls, true);
  const multi = factsFromUrl('mongodb://a.internal:27017,b.internal:27017/db?replicaSet=rs0')!;
  assert.equal(multi.host, 'a.internal');
  assert.equal(multi.port, 27017);
});

test('unix socket URL', () => {
  const f = factsFromUrl('unix:///var/run/docker.sock')!;
  assert.equal(f.unixSocket, '/var/run/docker.sock');
  assert.equal(f.host, null);
});

test('unknown scheme keeps host and port, no service guess without a port', () => {
  const f = factsFromUrl('foo://box.internal')!;
  assert.equal(f.host, 'box.internal');
  assert.equal(f.port, null);
  assert.equal(f.service, null);
  const g = factsFromUrl('foo://box.internal:5432')!;
  assert.equal(g.service, 'postgres');
});

test('not a URL → null', () => {
  assert.equal(factsFromUrl('db 5432'), null);
  assert.equal(factsFromUrl('connect ECONNREFUSED 127.0.0.1:5432'), null);
  assert.equal(factsFromUrl(''), null);
  assert.equal(factsFromUrl('http://'), null);
});

test('factsFromEndpoint: typed host and port', () => {
  const f = factsFromEndpoint('db', 5432);
  assert.deepEqual({ ...f, notes: [] }, { ...emptyFacts(), host: 'db', port: 5432, service: 'postgres', hints: ['typed'] });
  const v6 = factsFromEndpoint('[::1]', 6379);
  assert.equal(v6.host, '::1');
  assert.deepEqual(v6.addresses, ['::1']);
  assert.equal(v6.service, 'redis');
  assert.equal(factsFromEndpoint('api.internal', null).port, null);
  assert.equal(factsFromEndpoint('api.internal', null).service, null);
});

test('emptyFacts is kind none with nothing filled in', () => {
  const e = emptyFacts();
  assert.equal(e.kind, 'none');
  assert.equal(e.host, null);
  assert.deepEqual(e.addresses, []);
  assert.deepEqual(e.hints, []);
  assert.notEqual(emptyFacts().hints, e.hints, 'each call returns fresh arrays');
});
