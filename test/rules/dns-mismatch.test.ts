import { dnsMismatch } from '../../src/rules/dns-mismatch.js';
import { ctx, dns, facts, noProbe, ruleCases, tcp } from './helpers.js';

ruleCases(dnsMismatch, {
  fires: [
    {
      name: 'the DNS servers and the hosts file disagree',
      ctx: ctx(facts(), [dns('db.internal', ['10.0.0.5'], { dnsServers: [{ address: '10.0.0.9', family: 4 }], disagree: true }), tcp('10.0.0.5', 'refused')]),
      min: 0.9, evidence: /^dns servers say 10\.0\.0\.9 while the hosts file says 10\.0\.0\.5$/,
    },
    {
      name: 'the paste connected to another address than the name gives here',
      ctx: ctx(facts({ addresses: ['10.0.0.9'] }), [dns('db.internal', ['10.0.0.5']), tcp('10.0.0.5', 'open')]),
      min: 0.85, evidence: /connected to 10\.0\.0\.9/, vars: { theirs: '10.0.0.9' },
    },
    { name: 'IPv4-mapped spelling is normalised before comparing', ctx: ctx(facts({ addresses: ['::ffff:10.0.0.9'] }), [dns('db.internal', ['10.0.0.5'])]), min: 0.85 },
    { name: 'the paste could not resolve it, here it resolves', ctx: ctx(facts({ kind: 'dns', errno: 'ENOTFOUND' }), [dns('db.internal', ['10.0.0.5'])]), min: 0.9 },
  ],
  quiet: [
    { name: 'the paste address is among the answers', ctx: ctx(facts({ addresses: ['10.0.0.5'] }), [dns('db.internal', ['fd00::5', '10.0.0.5'])]) },
    { name: 'same address in IPv4-mapped form', ctx: ctx(facts({ addresses: ['::FFFF:10.0.0.5'] }), [dns('db.internal', ['10.0.0.5'])]) },
    { name: 'no address in the paste', ctx: ctx(facts(), [dns('db.internal', ['10.0.0.5'])]) },
    { name: 'the lookup failed here (dns-not-found says so)', ctx: ctx(facts({ addresses: ['10.0.0.9'] }), [dns('db.internal', [], { error: 'ENOTFOUND' })]) },
    { name: 'a literal', ctx: ctx(facts({ host: '10.0.0.5', addresses: ['10.0.0.9'] }), [dns('10.0.0.5', ['10.0.0.5'], { literal: true })]) },
    { name: 'text alone', ctx: ctx(facts({ addresses: ['10.0.0.9'] }), [], noProbe(facts())) },
  ],
});
