import { upstreamRefused } from '../../src/rules/upstream-refused.js';
import { ctx, facts, http, noProbe, probePlan, ruleCases, tcp } from './helpers.js';

const nginx = facts({ host: 'shop.corp', port: 443, kind: 'refused', client: 'nginx', destination: { host: '127.0.0.1', port: 3000 }, hints: ['nginx-upstream', 'upstream'] });
const web = facts({ host: 'shop.corp', port: 80, service: 'http', scheme: 'http', kind: 'none' });

ruleCases(upstreamRefused, {
  fires: [
    { name: 'an HTTP probe gets 502 from nginx', ctx: ctx(web, [tcp('10.0.0.8', 'open', { host: 'shop.corp', port: 80 }), http('http://shop.corp/', 502, { server: 'nginx' })]), min: 0.95, evidence: /http GET http:\/\/shop\.corp\/ → 502 \(nginx\) in 3 ms/ },
    { name: '504 counts too', ctx: ctx(web, [tcp('10.0.0.8', 'open', { host: 'shop.corp', port: 80 }), http('http://shop.corp/', 504)]), min: 0.9 },
    { name: 'text alone: nginx upstream log line', ctx: ctx(nginx, [], noProbe(nginx)), min: 0.9, vars: { upstream: '127.0.0.1:3000', upstreamPort: '3000' } },
    {
      name: 'the destination refuses from here too',
      ctx: ctx(nginx, [tcp('127.0.0.1', 'refused', { host: '127.0.0.1', port: 3000 })], probePlan(nginx, { targets: [{ host: '127.0.0.1', port: 3000, service: null, tls: null, url: null, role: 'destination' }] })),
      min: 0.95, evidence: /127\.0\.0\.1:3000 → refused/,
    },
    { name: 'the http-503 hint of an envoy error', ctx: ctx(facts({ hints: ['http-503', 'upstream'] }), [], noProbe(nginx)), min: 0.9, vars: { upstreamLabel: 'see the proxy log' } },
  ],
  quiet: [
    { name: 'a 200', ctx: ctx(web, [tcp('10.0.0.8', 'open', { host: 'shop.corp', port: 80 }), http('http://shop.corp/', 200)]) },
    { name: 'a 500 from the app itself', ctx: ctx(web, [tcp('10.0.0.8', 'open', { host: 'shop.corp', port: 80 }), http('http://shop.corp/', 500)]) },
    { name: 'a plain refusal', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')]) },
  ],
});
