import { hostNotSet } from '../../src/rules/host-not-set.js';
import { ctx, facts, noProbe, ruleCases, tcpAttempts } from './helpers.js';

const unset = facts({ host: null, port: 80, kind: 'refused', hints: ['host-unset'], matched: 'Errno::ECONNREFUSED: Connection refused - connect(2) for nil port 80' });

ruleCases(hostNotSet, {
  fires: [
    { name: "Ruby's connect(2) for nil port 80", ctx: ctx(unset, [], noProbe(unset)), min: 0.8, evidence: /for nil port 80/ },
    { name: 'getaddrinfo ENOTFOUND undefined', ctx: ctx(facts({ host: null, port: null, kind: 'dns', hints: ['host-unset'], matched: 'Error: getaddrinfo ENOTFOUND undefined' }), [], noProbe(unset)), min: 0.8 },
  ],
  quiet: [
    { name: 'a named host', ctx: ctx(facts(), tcpAttempts('10.0.0.5', ['refused'])) },
    { name: 'no host, but nothing says it was unset', ctx: ctx(facts({ host: null }), [], noProbe(facts({ host: null }))) },
  ],
});
