import { reachableFromHere } from '../../src/rules/reachable-from-here.js';
import { banner, ctx, dns, facts, http, noProbe, probePlan, ruleCases, tcp, tcpAttempts, tls, unix } from './helpers.js';

const pg = facts({ service: 'postgres' });

ruleCases(reachableFromHere, {
  fires: [
    { name: 'every address open, the expected protocol answers', ctx: ctx(pg, [dns('db.internal', ['10.0.0.5']), tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'postgres')]), min: 0.8, evidence: /answers \(postgres\)/, vars: { resolved: '10.0.0.5' } },
    { name: 'open with no service known', ctx: ctx(facts({ kind: 'none' }), [tcp('10.0.0.5', 'open'), tcp('fd00::5', 'open')]), min: 0.8 },
    { name: 'the unix socket accepts', ctx: ctx(facts({ host: null, port: null, kind: 'unix_socket', unixSocket: '/run/x.sock' }), [unix('/run/x.sock', 'open')], probePlan(facts({ host: null }))), min: 0.75 },
    { name: 'open, but another protocol answers: a footnote', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), banner('10.0.0.5', 'http')]), max: 0.35 },
    { name: 'open, but the proxy says 502: a footnote', ctx: ctx(facts({ service: 'http', port: 80 }), [tcp('10.0.0.5', 'open', { port: 80 }), http('http://db.internal/', 502)]), max: 0.35 },
    { name: 'open, but the TLS handshake fails: a footnote', ctx: ctx(facts({ tls: true, port: 443 }), [tcp('10.0.0.5', 'open', { port: 443 }), tls('10.0.0.5', { ok: false, error: 'ERR_SSL_WRONG_VERSION_NUMBER' })]), max: 0.35 },
  ],
  quiet: [
    { name: 'refused', ctx: ctx(pg, [tcp('10.0.0.5', 'refused')]) },
    { name: 'one address refuses', ctx: ctx(pg, [tcp('10.0.0.5', 'open'), tcp('fd00::5', 'refused')]) },
    { name: 'flapping', ctx: ctx(pg, tcpAttempts('10.0.0.5', ['open', 'refused', 'open'])) },
    { name: 'nothing probed', ctx: ctx(pg, [], noProbe(pg)) },
  ],
});
