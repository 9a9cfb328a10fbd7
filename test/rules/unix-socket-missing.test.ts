import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildContext, evaluate } from '../../src/rules/evaluate.js';
import { unixSocketMissing } from '../../src/rules/unix-socket-missing.js';
import { ctx, facts, noProbe, ruleCases, skipPlan, unix } from './helpers.js';

const docker = facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/docker.sock', service: 'docker', client: 'docker' });
const cliPlan = skipPlan(docker, 'unix-socket', 'checked on this machine');

ruleCases(unixSocketMissing, {
  fires: [
    { name: 'text alone: permission denied names it in the title', ctx: ctx(facts({ ...docker, errno: 'EACCES' }), [], noProbe(docker)), vars: { dockerDenied: '1', socketStory: 'Permission denied on the socket /var/run/docker.sock: your user may not open it' } },
    { name: 'text alone: no path in the error, no doubled "the socket"', ctx: ctx(facts({ kind: 'unix_socket', host: null, port: null, service: 'mysql', errno: 'ENOENT' }), [], noProbe(docker)), vars: { socketStory: 'Nothing serves the MySQL unix socket', socket: '/var/run/mysqld/mysqld.sock' } },
    { name: 'the socket file is missing', ctx: ctx(docker, [unix('/var/run/docker.sock', 'missing', 'ENOENT')], cliPlan), min: 0.95, evidence: /^unix \/var\/run\/docker\.sock → missing$/, vars: { socket: '/var/run/docker.sock', docker: '1' } },
    { name: 'a stale socket file', ctx: ctx(docker, [unix('/var/run/docker.sock', 'refused', 'ECONNREFUSED')], cliPlan), min: 0.9, vars: { stale: '1', unit: 'docker' } },
    { name: 'permission denied', ctx: ctx(docker, [unix('/var/run/docker.sock', 'denied', 'EACCES')], cliPlan), min: 0.9, evidence: /permission denied \(EACCES\)/, vars: { denied: '1' } },
    { name: 'text alone on chat', ctx: ctx(docker, [], skipPlan(docker, 'local-target', 'local', 'chat')), min: 0.9 },
    { name: 'a postgres socket, text alone', ctx: ctx(facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/postgresql/.s.PGSQL.5432', service: 'postgres' }), [], noProbe(docker)), min: 0.9 },
  ],
  quiet: [
    { name: 'the socket accepts', ctx: ctx(docker, [unix('/var/run/docker.sock', 'open')], cliPlan) },
    { name: 'a TCP error', ctx: ctx(facts(), [], noProbe(docker)) },
  ],
});

test('unix-socket-missing shows docker steps only for docker, group steps only when denied', () => {
  const steps = (c: Parameters<typeof evaluate>[1]) => evaluate([unixSocketMissing], c)[0]!.steps.flatMap((s) => [s.text, ...s.commands.map((x) => x.run)]).join('\n');
  const missing = steps(buildContext(docker, [unix('/var/run/docker.sock', 'missing')], cliPlan));
  assert.match(missing, /systemctl status docker/);
  assert.match(missing, /docker context ls/);
  assert.doesNotMatch(missing, /usermod/);
  const denied = steps(buildContext(docker, [unix('/var/run/docker.sock', 'denied', 'EACCES')], cliPlan));
  assert.match(denied, /usermod -aG docker/);
  const pgFacts = facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/tmp/.s.PGSQL.5432', service: 'postgres' });
  const pg = steps(buildContext(pgFacts, [], noProbe(pgFacts)));
  assert.match(pg, /unix_socket_directories/);
  assert.doesNotMatch(pg, /docker/i);
});

test('unix-socket-missing names the systemd unit, not the short service name, for a stale socket', () => {
  const redis = facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/run/redis/redis-server.sock', service: 'redis' });
  const found = evaluate([unixSocketMissing], buildContext(redis, [unix('/run/redis/redis-server.sock', 'refused', 'ECONNREFUSED')], skipPlan(redis, 'unix-socket', 'checked on this machine')))[0]!;
  const runs = found.steps.flatMap((s) => s.commands.map((c) => c.run));
  assert.ok(runs.includes('sudo systemctl restart redis-server'), runs.join('\n'));
});

test('unix-socket-missing gives docker-group advice only for the Docker socket', () => {
  const pg = facts({ kind: 'unix_socket', host: null, port: null, unixSocket: '/var/run/postgresql/.s.PGSQL.5432', service: 'postgres', errno: 'EACCES' });
  const found = evaluate([unixSocketMissing], buildContext(pg, [], noProbe(pg)))[0]!;
  const all = found.steps.flatMap((s) => [s.text, ...s.commands.map((c) => c.run)]).join('\n');
  assert.doesNotMatch(all, /usermod -aG docker/);
  assert.match(all, /may not open \/var\/run\/postgresql\/\.s\.PGSQL\.5432/);
});
