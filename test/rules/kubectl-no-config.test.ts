import { kubectlNoConfig } from '../../src/rules/kubectl-no-config.js';
import { ctx, facts, noProbe, ruleCases, tcp } from './helpers.js';

const kube = facts({ host: 'localhost', port: 8080, client: 'kubectl', service: 'kubernetes-api', hints: ['kubectl-default'] });
const at = { host: 'localhost', port: 8080 };

ruleCases(kubectlNoConfig, {
  fires: [
    { name: 'the kubectl-default hint', ctx: ctx(kube, [], noProbe(kube)), min: 0.95, evidence: /no kubeconfig/ },
    { name: 'kubectl on localhost:8080 without the hint', ctx: ctx(facts({ host: 'localhost', port: 8080, client: 'kubectl' }), [], noProbe(kube)), min: 0.85 },
    { name: 'probed and refused on the CLI', ctx: ctx(kube, [tcp('127.0.0.1', 'refused', at), tcp('::1', 'refused', at)]), min: 0.95, evidence: /→ refused/ },
    { name: 'something answers on localhost:8080: doubtful', ctx: ctx(kube, [tcp('127.0.0.1', 'open', at)]), max: 0.55 },
  ],
  quiet: [
    { name: 'kubectl against a real API server', ctx: ctx(facts({ host: 'k8s.corp', port: 6443, client: 'kubectl' }), [], noProbe(kube)) },
    { name: 'something else on localhost:8080', ctx: ctx(facts({ host: 'localhost', port: 8080, client: 'curl' }), [], noProbe(kube)) },
  ],
});
