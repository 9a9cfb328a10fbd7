// The name does not resolve (or the resolver does not answer): nothing was ever connected to.
import { describeEvidence } from '../domain/describe.js';
import { anyOs, composePs, dnsLookup, linux, macos, perOs, systemLookup, windows } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, saysNoSuchName } from './view.js';

export const dnsNotFound: Rule = {
  id: 'dns-not-found',
  title: '{Subject} does not resolve',
  explanation:
    'Before any connection, the name has to become an address, and that failed. ENOTFOUND / NXDOMAIN means the ' +
    'resolver answered "no such name": a typo, a record that was never created or was deleted, or a name that ' +
    'exists only somewhere else (a Compose service name outside its network, a Kubernetes service outside the ' +
    'cluster, an internal name without the VPN or its split DNS). EAI_AGAIN or a timeout means the resolver itself ' +
    'did not answer: no network, a wrong nameserver in resolv.conf, or a container without working DNS.',
  steps: [
    {
      text: 'Ask the resolver the program uses, and the DNS servers directly:',
      commands: [
        linux(systemLookup('linux')),
        linux(dnsLookup('linux')),
        macos(`${systemLookup('macos')}; ${dnsLookup('macos')}`),
        windows(systemLookup('windows')),
      ],
    },
    {
      text: 'See which nameservers are configured (and whether a VPN added its own):',
      commands: perOs({ linux: 'resolvectl status 2>/dev/null || cat /etc/resolv.conf', macos: 'scutil --dns', windows: 'Get-DnsClientServerAddress' }),
    },
    {
      text: 'Inside Compose, a service name resolves only while that service\'s container runs and shares a network with the client:',
      requires: 'container',
      commands: [composePs(), anyOs('docker network inspect <project>_default')],
    },
    { text: 'Check the spelling, and where the name is meant to exist: a Compose service name resolves only on its project network; <svc>.<namespace>.svc.cluster.local only inside the cluster.' },
  ],
  docs: 'https://man7.org/linux/man-pages/man3/getaddrinfo.3.html',
  when({ facts, view }) {
    const dns = view.dns;
    const vars = hasHint(facts, 'in-container') ? { container: '1' } : undefined;
    if (dns && !dns.literal) {
      if (dns.error) {
        // The client got past DNS (it was refused, timed out …): the name resolves where it runs, only not
        // here — a Compose or cluster-internal name seen from outside. Worth a line, not the verdict.
        if (facts.kind !== 'dns' && facts.kind !== 'none') {
          // "No such name" here is private-name's story, told with the commands that look from inside.
          if (saysNoSuchName(dns.error)) return null;
          return { confidence: 0.3, evidence: [`${describeEvidence(dns)}; the client did resolve it where it ran`], ...(vars ? { vars } : {}) };
        }
        return { confidence: dns.error === 'ENOTFOUND' ? 0.95 : 0.85, evidence: [describeEvidence(dns)], ...(vars ? { vars } : {}) };
      }
      // It resolves here; a dns error in the paste is then the reporter's resolver (dns-mismatch says so).
      return facts.kind === 'dns' ? { confidence: 0.4, evidence: [describeEvidence(dns)] } : null;
    }
    if (facts.kind !== 'dns') return null;
    return {
      confidence: 0.75,
      evidence: [`the client could not resolve ${facts.host ?? 'the name'}${facts.errno ? ` (${facts.errno})` : ''}`],
      ...(vars ? { vars } : {}),
    };
  },
};
