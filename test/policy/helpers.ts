// Shared by the policy tests: spellings of the built-in denies, and probe deps that record every attempt to
// open a socket (and open none), with a resolver that answers from a table instead of the network.
import type { ProbeDeps } from '../../src/probes/index.js';
import { buildPolicy, type Policy, type PolicyInput } from '../../src/policy/index.js';

/** Every spelling a resolver reads as 169.254.169.254 (or the IPv6 metadata address), and the names. */
export const METADATA = [
  '169.254.169.254', '2852039166', '0xa9fea9fe', '0XA9FEA9FE', '0xA9FEA9FE', '0251.0376.0251.0376', '0xa9.0xfe.0xa9.0xfe',
  '00000251.254.169.254', '169.254.43518', '169.16689662', '0251.0xfe.43518', '169.254.169.254.', '[169.254.169.254]',
  '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::FFFF:A9FE:A9FE', '[::ffff:169.254.169.254]', '0:0:0:0:0:ffff:a9fe:a9fe',
  '0000:0000:0000:0000:0000:ffff:a9fe:a9fe', '::ffff:169.254.169.254.', '::169.254.169.254', '::a9fe:a9fe', '64:ff9b::169.254.169.254',
  '2002:a9fe:a9fe::', 'fd00:ec2::254', '[fd00:ec2::254]', 'FD00:EC2:0:0:0:0:0:254', 'fd00:0ec2::0254', '100.100.100.200',
  'metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata', 'metadata.goog',
  // Translated forms (SIIT, local-use NAT64, Teredo client) and the other platforms' addresses.
  '::ffff:0:a9fe:a9fe', '::ffff:0:169.254.169.254', '64:ff9b:1::a9fe:a9fe', '64:ff9b:1::169.254.169.254', '2001:0:cb00:7101:8000:f227:5601:5601',
  '168.63.129.16', '0xa83f8110', '::ffff:168.63.129.16', 'fd00:ec2::23', 'fd00:ec2::1', 'fd20:ce::254', 'fd00:42::42', '192.0.0.192',
];

export const LINK_LOCAL = [
  '169.254.1.1', '169.254.0.0', '169.254.255.255', '2851995905', '0xa9fe0101', '169.254.257', '::ffff:169.254.1.1', '::ffff:a9fe:101',
  'fe80::1', 'FE80::1', 'fe80::1%eth0', '[fe80::1%eth0]', 'fe80::1%25eth0', 'febf:ffff::1', 'fe80:0:0:0:0:0:0:1',
];

export const UNSPECIFIED = ['0.0.0.0', '0', '0x0', '00', '0.0', '0.0.0', '0.0.0.0.', '::', '[::]', '0:0:0:0:0:0:0:0', '::0', '::ffff:0.0.0.0', '0.1.2.3', '16777215'];

export const MULTICAST = ['224.0.0.1', '239.255.255.250', '0xe0000001', '3758096385', '0340.0.0.1', '224.1', '::ffff:224.0.0.1', 'ff02::1', 'FF05::1:3', 'ff0e::1'];

export const BROADCAST = ['255.255.255.255', '4294967295', '0xffffffff', '0377.0377.0377.0377', '255.255.65535', '255.16777215', '::ffff:255.255.255.255'];

/** Loopback: refused in chat, probed from the command line. */
export const LOOPBACK = [
  '127.0.0.1', '127.1', '127.0.1', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '017700000001', '127.0.0.1.', '127.255.255.254',
  '::1', '[::1]', '0:0:0:0:0:0:0:1', '::0001', '::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:127.0.0.1]', 'localhost', 'LOCALHOST.',
  'api.localhost', 'ip6-localhost',
];

export const ALWAYS_REFUSED: [string, string[]][] = [
  ['cloud metadata', METADATA], ['link-local', LINK_LOCAL], ['unspecified', UNSPECIFIED], ['multicast', MULTICAST], ['broadcast', BROADCAST],
];

const NAMES = { allowHosts: 'REFUSED_ALLOW_HOSTS', denyHosts: 'REFUSED_DENY_HOSTS', allowPorts: 'REFUSED_ALLOW_PORTS', denyPorts: 'REFUSED_DENY_PORTS', nat64: 'REFUSED_NAT64_PREFIXES' };

/** A policy from the operator's text; throws on a problem (a test's policy must be valid). */
export function policyOf(input: Partial<PolicyInput>): Policy {
  const { policy, problems } = buildPolicy({ allowLoopback: false, ...input }, NAMES);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return policy;
}

export interface Recorder {
  /** Every socket the probes asked for, as "address:port" (tls / http prefixed). None is opened. */
  calls: string[];
  /** Every name handed to the resolver. */
  lookups: string[];
  deps: Partial<ProbeDeps>;
}

const family = (a: string) => (a.includes(':') ? 6 : 4);

/**
 * Probe deps that open nothing: connect records its target and answers ECONNREFUSED, TLS and HTTP record and
 * fail; names resolve from `table` (anything else is ENOTFOUND), the DNS servers agree with it.
 */
export function recorder(table: Record<string, string[]> = {}): Recorder {
  const calls: string[] = [];
  const lookups: string[] = [];
  const refused = () => Object.assign(new Error('connect ECONNREFUSED (test)'), { code: 'ECONNREFUSED' });
  const answer = (host: string) => table[host.toLowerCase().replace(/\.$/, '')];
  return {
    calls,
    lookups,
    deps: {
      lookup: async (host) => {
        lookups.push(host);
        const list = answer(host);
        if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return list.map((address) => ({ address, family: family(address) }));
      },
      resolve4: async (host) => (answer(host) ?? []).filter((a) => family(a) === 4),
      resolve6: async (host) => (answer(host) ?? []).filter((a) => family(a) === 6),
      connect: async (to) => {
        calls.push('address' in to ? `${to.address}:${to.port}` : to.path);
        throw refused();
      },
      tlsConnect: (options) => {
        calls.push(`tls ${String(options.host)}:${String(options.port)}`);
        throw refused();
      },
      httpRequest: async (options) => {
        calls.push(`http ${options.address} ${options.url}`);
        throw refused();
      },
    },
  };
}
