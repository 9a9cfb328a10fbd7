// One IP family listens and the other does not: localhost → ::1 while the server is on 127.0.0.1, or an
// IPv4-only Docker publish behind a name with an AAAA record.
import { listenersOn, testPortPerFamily } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, loopbackFamilyClue, normalizeAddress, type AddressView } from './view.js';

const label = (family: 4 | 6, list: readonly AddressView[]) => `IPv${family} (${list.map((a) => a.address).join(', ')})`;

export const familyMismatch: Rule = {
  id: 'family-mismatch',
  // The whole sentence comes from the predicate: a probe can say which family works, the text can only guess.
  title: '{familyStory}',
  explanation:
    'The name has both an IPv6 and an IPv4 address, and only one of them has a listener. Node 17 and later keep ' +
    'the resolver\'s order, so localhost often means ::1 first; a server bound to 127.0.0.1 then refuses. Node 20 ' +
    'tries each family in turn (and throws an AggregateError listing both when all fail), but many clients, older ' +
    'runtimes and tools try one address only. A Docker port published on an IPv4 address only (-p 127.0.0.1:3000:3000) ' +
    'refuses on ::1, and dev servers often bind 127.0.0.1 or ::1 only. Either make the server listen on both (:: ' +
    'with dual stack, or both loopbacks), or point the client at the address that works.',
  steps: [
    {
      text: 'On the server, see which address the listener is bound to (127.0.0.1 vs [::1] vs 0.0.0.0 / [::] / *):',
      commands: listenersOn(),
    },
    {
      text: 'Test each family on its own:',
      commands: testPortPerFamily('{name}'),
    },
    { text: 'Quick fix on the client: use the literal address that works ({workingAddress}) instead of {host}; for Node, `node --dns-result-order=ipv4first` restores the old order.' },
    { text: 'Lasting fix on the server: listen on both families (e.g. host "::", which also accepts IPv4 unless the socket is IPv6-only, or both 127.0.0.1 and ::1); for Docker, publish on both addresses or drop the IPv4-only address from -p.' },
  ],
  docs: 'https://nodejs.org/api/dns.html#dnssetdefaultresultorderorder',
  when({ facts, view }) {
    // nginx dialled its upstream on [::1] (proxy_pass http://localhost:…) and was refused: the app listens on 127.0.0.1.
    const upstream = facts.destination?.host.toLowerCase().replace(/^\[|\]$/g, '');
    // Not when it tried 127.0.0.1 too and was refused there as well, nor from a container (whose loopback is its own).
    const alsoV4 = facts.addresses.some((a) => !normalizeAddress(a).includes(':'));
    if (upstream === '::1' && facts.kind === 'refused' && hasHint(facts, 'nginx-upstream') && !alsoV4 && !hasHint(facts, 'in-container', 'client-in-container')) {
      return {
        confidence: 0.95,
        evidence: [`the proxy dialled its upstream on [::1]${facts.destination!.port !== null ? `:${facts.destination!.port}` : ''} (localhost in proxy_pass resolved to IPv6) and was refused`],
        vars: { name: 'localhost', works: 'IPv4', fails: 'IPv6 (::1)', workingAddress: '127.0.0.1', familyStory: 'The proxy reached its upstream over IPv6 (::1); the app may listen on IPv4 (127.0.0.1) only' },
      };
    }
    if (view.probed) {
      if (view.flapping.length > 0) return null;
      const open = view.addresses.filter((a) => a.steady && a.first === 'open');
      const failed = view.addresses.filter((a) => a.steady && a.first !== 'open');
      const okFamilies = new Set(open.map((a) => a.family));
      const badFamilies = new Set(failed.map((a) => a.family));
      if (okFamilies.size !== 1 || badFamilies.size !== 1) return null;
      const ok = [...okFamilies][0]!;
      const bad = [...badFamilies][0]!;
      if (ok === bad) return null;
      return {
        confidence: 0.9,
        evidence: [...failed, ...open].map((a) => a.line),
        vars: {
          works: label(ok, open), fails: label(bad, failed), workingAddress: open[0]!.address, name: view.target?.host ?? facts.host ?? '<host>',
          familyStory: `${view.target?.host ?? facts.host ?? 'The server'} answers over ${label(ok, open)} but not over ${label(bad, failed)}`,
        },
      };
    }
    // From the text alone: `localhost` that ended up on ::1 only is the classic Node ≥ 17 case; Node then
    // prints the address (ECONNREFUSED ::1:3000), not the name.
    const host = facts.host?.toLowerCase() ?? '';
    const literalV6Loopback = host === '::1' || host === '0:0:0:0:0:0:0:1';
    // EADDRNOTAVAIL to ::1: this machine (or container) has no IPv6 loopback at all, so IPv4 is the way in.
    if (facts.errno === 'EADDRNOTAVAIL' && (literalV6Loopback || (host === 'localhost' && facts.addresses.length > 0 && facts.addresses.every((a) => normalizeAddress(a).includes(':'))))) {
      return {
        confidence: 0.75,
        evidence: [`the client tried ${literalV6Loopback ? host : facts.addresses.map(normalizeAddress).join(', ')} and got EADDRNOTAVAIL: this machine has no IPv6 loopback address (IPv6 is disabled here)`],
        vars: { name: 'localhost', works: 'IPv4', fails: 'IPv6 (::1)', workingAddress: '127.0.0.1', familyStory: 'The client tried IPv6 (::1), which this machine does not have; use 127.0.0.1' },
      };
    }
    if (facts.kind !== 'refused') return null;
    // The reporter says the other loopback works, or the server's log names the other family: this, not a guess.
    const clue = loopbackFamilyClue(facts);
    if (clue?.strong) {
      const worksV6 = /^127\./.test(host) || hasHint(facts, 'listens-loopback-v6');
      return {
        confidence: 0.85,
        evidence: [clue.line],
        vars: worksV6
          ? { name: 'localhost', works: 'IPv6', fails: `IPv4 (${host})`, workingAddress: '::1', familyStory: 'The server answers over IPv6 (::1), not over IPv4 (127.0.0.1)' }
          : { name: 'localhost', works: 'IPv4', fails: `IPv6 (${host === 'localhost' ? '::1' : host})`, workingAddress: '127.0.0.1', familyStory: 'The server listens on IPv4 (127.0.0.1); the client went to IPv6 (::1)' },
      };
    }
    if (host !== 'localhost' && !(literalV6Loopback && facts.runtime === 'node')) return null;
    const tried = (facts.addresses.length > 0 ? facts.addresses : literalV6Loopback ? [host] : []).map(normalizeAddress);
    if (tried.length === 0) return null;
    const v6Only = tried.every((a) => a.includes(':'));
    const v4Only = tried.every((a) => !a.includes(':'));
    if (!v6Only && !v4Only) return null;
    return {
      confidence: v6Only ? 0.45 : 0.3,
      evidence: [`the client tried ${tried.join(', ')} only${literalV6Loopback ? ' (Node ≥ 17 puts ::1 first for localhost)' : ''}`],
      // -4 / -6 mean something for a name only: a pasted ::1 was localhost to the client.
      vars: v6Only
        ? { name: 'localhost', works: 'IPv4', fails: `IPv6 (${tried.join(', ')})`, workingAddress: '127.0.0.1', familyStory: 'The client tried IPv6 (::1) only; the server may listen on IPv4 (127.0.0.1) only' }
        : { name: 'localhost', works: 'IPv6', fails: `IPv4 (${tried.join(', ')})`, workingAddress: '::1', familyStory: 'The client tried IPv4 (127.0.0.1) only; the server may listen on IPv6 (::1) only' },
    };
  },
};
