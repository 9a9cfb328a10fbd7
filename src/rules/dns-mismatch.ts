// The name means different addresses in different places: hosts file vs DNS, here vs the reporter.
import { describeDnsDisagreement, describeEvidence } from '../domain/describe.js';
import { byOs, dnsLookup, linux, macos, posix, systemLookup, windows } from './commands.js';
import type { Rule } from './types.js';
import { isIP } from 'node:net';
import { isLoopbackHost, normalizeAddress } from './view.js';

export const dnsMismatch: Rule = {
  id: 'dns-mismatch',
  title: '{host} resolves to different addresses in different places',
  explanation:
    'The same name does not lead to the same address everywhere. An entry in the hosts file overrides DNS on that ' +
    'machine; split-horizon DNS and VPNs give inside and outside clients different answers; resolvers, the JVM and ' +
    'some clients cache old answers after a record moved. So the client may connect to an old or wrong address ' +
    'where nothing listens any more, while the name works from elsewhere. Compare the answers and remove the odd one.',
  steps: [
    {
      text: 'Compare what the system resolver (hosts file included) and the DNS servers say, here and on the failing machine:',
      commands: byOs((os) => `${systemLookup(os)}; ${dnsLookup(os)}`),
    },
    {
      text: 'Look for a hosts-file entry for the name:',
      commands: [...posix('grep -iF {host} /etc/hosts'), windows('Select-String -SimpleMatch {host} C:\\Windows\\System32\\drivers\\etc\\hosts')],
    },
    {
      text: 'Flush the local cache after fixing the record or the hosts file (and restart long-running clients that cache):',
      commands: [
        linux('sudo resolvectl flush-caches   # systemd-resolved; nscd or dnsmasq keep their own cache'),
        macos('sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder'),
        windows('ipconfig /flushdns'),
      ],
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man5/hosts.5.html',
  when({ facts, view }) {
    const dns = view.dns;
    // From the text: the client resolved a name (not a loopback name) to loopback only, so a hosts-file entry or a
    // record points the name at the client's own machine.
    if (!dns && !view.probed && facts.kind === 'refused' && facts.host && !isLoopbackHost(facts.host) && isIP(facts.host) === 0
      && facts.addresses.length > 0 && facts.addresses.every((a) => isLoopbackHost(a))) {
      return {
        confidence: 0.7,
        evidence: [`the client resolved ${facts.host} to ${facts.addresses.join(', ')}: something (usually a hosts-file line) points that name at its own machine`],
        vars: { theirs: facts.addresses.join(', ') },
      };
    }
    if (!dns || dns.literal || dns.error) return null;
    const disagreement = describeDnsDisagreement(dns);
    // A name only the hosts file knows (the DNS servers have no answer) is a hosts file doing its job: worth a
    // line, never above what the probes of that address show.
    const hostsOnly = dns.dnsServers !== null && dns.dnsServers.length === 0 && dns.addresses.length > 0;
    if (disagreement) return { confidence: hostsOnly ? 0.2 : 0.92, evidence: [disagreement] };
    const here = new Set(dns.addresses.map((a) => normalizeAddress(a.address)));
    const theirs = facts.addresses.map(normalizeAddress);
    if (theirs.length > 0 && here.size > 0 && !theirs.some((a) => here.has(a))) {
      return {
        confidence: 0.9,
        evidence: [`the client connected to ${theirs.join(', ')}`, describeEvidence(dns)],
        vars: { theirs: theirs.join(', ') },
      };
    }
    if (facts.kind === 'dns') {
      // The reporter's resolver failed where this one answers: the difference is the finding.
      return { confidence: 0.92, evidence: [`the client could not resolve ${dns.host}${facts.errno ? ` (${facts.errno})` : ''}`, describeEvidence(dns)] };
    }
    return null;
  },
};
