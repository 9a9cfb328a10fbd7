import { proxyRefused } from '../../src/rules/proxy-refused.js';
import { ctx, facts, noProbe, ruleCases, tcp } from './helpers.js';

const viaProxy = facts({ host: 'proxy.corp', port: 3128, proxy: { host: 'proxy.corp', port: 3128 }, destination: { host: 'pypi.org', port: 443 }, hints: ['proxy'] });
const at = { host: 'proxy.corp', port: 3128 };

ruleCases(proxyRefused, {
  fires: [
    { name: 'text alone: the proxy refused', ctx: ctx(viaProxy, [], noProbe(viaProxy)), min: 0.9, evidence: /proxy \(proxy\.corp:3128\)/, vars: { proxyLabel: 'proxy.corp:3128', destinationHost: 'pypi.org', destinationPort: '443', proxyHost: 'proxy.corp', proxyPort: '3128' } },
    { name: 'the proxy refuses from here too', ctx: ctx(viaProxy, [tcp('10.0.0.3', 'refused', at)]), min: 0.95, evidence: /→ refused/ },
    { name: 'the proxy answers from here: lower', ctx: ctx(viaProxy, [tcp('10.0.0.3', 'open', at)]), max: 0.65 },
    {
      name: 'only the destination was named and probed (requests ProxyError): its answer says nothing about the proxy',
      ctx: ctx(facts({ host: 'pypi.org', port: 443, hints: ['proxy'], destination: { host: 'pypi.org', port: 443 } }), [tcp('10.0.0.9', 'open', { host: 'pypi.org', port: 443 })]),
      min: 0.9, vars: { proxyLabel: 'the one in HTTP(S)_PROXY' },
    },
    { name: 'only the hint, no endpoint', ctx: ctx(facts({ hints: ['proxy'] }), [], noProbe(viaProxy)), min: 0.9, vars: { destinationHost: '<destination host>', proxyFailure: 'refused the connection' } },
    { name: "requests' ProxyError with a timeout: the title says it timed out", ctx: ctx(facts({ host: null, port: null, kind: 'timeout', hints: ['proxy'] }), [], noProbe(viaProxy)), min: 0.9, vars: { proxyFailure: 'did not answer (the connection timed out)' } },
  ],
  quiet: [
    { name: 'no proxy involved', ctx: ctx(facts(), [tcp('10.0.0.5', 'refused')]) },
  ],
});
