// kubectl with no kubeconfig falls back to localhost:8080, where nothing listens: the fix is config, not network.
import { anyOs, linux, perOs } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const kubectlNoConfig: Rule = {
  id: 'kubectl-no-config',
  title: 'kubectl has no cluster configured, so it tried localhost:8080',
  explanation:
    'When kubectl finds no kubeconfig (no ~/.kube/config, no KUBECONFIG, no --kubeconfig), it falls back to an ' +
    'unauthenticated API server at localhost:8080, which almost never exists; the refusal is the symptom. Typical ' +
    'reasons: the kubeconfig was never fetched on this machine, KUBECONFIG points to a missing file, the command ran ' +
    'with sudo (root has its own home and no config), or it runs in a CI job / container without the file.',
  steps: [
    {
      text: 'See which config and context kubectl uses (an empty config means none was found):',
      commands: [anyOs('kubectl config view --minify'), anyOs('kubectl config get-contexts'), anyOs('kubectl config current-context')],
    },
    {
      text: 'Check where kubectl looks for it:',
      commands: perOs({ posix: 'echo "$KUBECONFIG"; ls -l ~/.kube/config', windows: 'echo $env:KUBECONFIG; Get-Item $HOME\\.kube\\config' }),
    },
    {
      text: 'Fetch credentials for the cluster (pick the one for your provider), or point KUBECONFIG at the file:',
      commands: [
        anyOs('aws eks update-kubeconfig --name <cluster> --region <region>'),
        anyOs('gcloud container clusters get-credentials <cluster> --region <region>'),
        anyOs('az aks get-credentials --resource-group <group> --name <cluster>'),
        linux('mkdir -p ~/.kube && sudo cp /etc/rancher/k3s/k3s.yaml ~/.kube/config && sudo chown "$USER" ~/.kube/config   # k3s (its file is readable by root only)'),
        linux('microk8s config > ~/.kube/config   # MicroK8s'),
      ],
    },
    { text: 'If you ran it with sudo, run it as yourself (or pass --kubeconfig): root does not read your ~/.kube/config.' },
    {
      text: 'For a local cluster, check that it is running, then write its context into your kubeconfig:',
      commands: [anyOs('kind get clusters'), anyOs('kind export kubeconfig --name <cluster>'), anyOs('minikube status'), anyOs('minikube update-context')],
    },
  ],
  docs: 'https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/',
  when({ facts, view }) {
    const byHint = hasHint(facts, 'kubectl-default');
    const byShape = facts.client === 'kubectl' && view.loopback && facts.port === 8080;
    if (!byHint && !byShape) return null;
    // Something answering on localhost:8080 from here would make the fallback story less likely.
    const confidence = view.allOpen ? 0.5 : byHint ? 0.95 : 0.9;
    return { confidence, evidence: [`kubectl reached for ${facts.host ?? 'localhost'}:${facts.port ?? 8080}, its built-in default when no kubeconfig is found`, ...view.refused.map((a) => a.line)] };
  },
};
