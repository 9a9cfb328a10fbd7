// Other command-line tools: redis-cli, kubectl, nc, telnet, and git over git://.
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byText, ep, merge, unix } from '../patterns.js';
import type { Signature } from './row.js';

export const CLI: readonly Signature[] = [
  {
    // redis-cli: Could not connect to Redis at 127.0.0.1:6379: Connection refused
    id: 'redis-cli-connect', runtime: 'cli', client: 'redis-cli', service: 'redis', kind: null, weight: 3, pre: 'could not connect to redis at',
    re: /Could not connect to Redis at ([^\s]{1,300}?): ([^\n]{1,120})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (m[1]!.startsWith('/')) return unix(m[1]!, m[2]);
      return merge(k.kind ? k : { kind: 'refused', errno: 'ECONNREFUSED' }, ep(m[1]));
    },
  },
  {
    // redis-cli against a port where another protocol answers: Error: Protocol error, got "H" as reply type byte
    // (the "H" of "HTTP/1.1 …"). The connection worked; the wrong server answered.
    id: 'redis-protocol-error', runtime: null, client: 'redis-cli', service: 'redis', kind: 'reset', weight: 2, pre: 'protocol error, got',
    re: /Protocol error, got "(.)" as reply type byte/,
    extract: () => ({ errno: null, hints: ['other-protocol'] }),
  },
  {
    // kubectl: The connection to the server localhost:8080 was refused - did you specify the right host or port?
    id: 'kubectl-refused', runtime: 'cli', client: 'kubectl', service: 'kubernetes-api', kind: 'refused', weight: 3,
    pre: 'the connection to the server', re: /The connection to the server ([^\s]{1,300}) was refused/,
    extract: (m) => {
      const e = ep(m[1], false);
      const hints = e.host === 'localhost' && e.port === 8080 ? ['kubectl-default'] : [];
      return { ...e, errno: 'ECONNREFUSED', hints };
    },
  },
  {
    // kubectl: Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout
    id: 'kubectl-unable', runtime: 'cli', client: 'kubectl', service: 'kubernetes-api', kind: null, weight: 1,
    pre: 'unable to connect to the server', re: /Unable to connect to the server: ([^\n]{1,200})/,
    extract: (m) => byText(m[1]),
  },
  {
    // nc: connect to localhost port 8080 (tcp) failed: Connection refused
    id: 'nc-connect', runtime: 'cli', client: 'nc', kind: null, weight: 3, pre: 'nc: connect to',
    re: /nc: connect to ([^\s]{1,255}) port (\d{1,5}) \((?:tcp|udp)\) failed: ([^\n]{1,120})/,
    extract: (m) => ({ ...byText(m[3]), ...ep(m[1], false), port: parsePort(m[2]) }),
  },
  {
    id: 'telnet-unable', runtime: 'cli', client: 'telnet', kind: null, weight: 3, pre: 'unable to connect to remote host',
    re: /Unable to connect to remote host: ([^\n]{1,120})/,
    extract: (m) => byText(m[1]),
  },
  {
    // git over git://: fatal: unable to connect to github.com: / github.com[0: 140.82.113.4]: errno=Connection timed out
    id: 'git-daemon-errno', runtime: 'cli', client: 'git', kind: null, weight: 3, pre: ']: errno=',
    re: /^\s{0,4}([A-Za-z0-9_.-]{1,253})\[\d{1,3}: ([0-9a-fA-F.:]{2,45})\]: errno=([^\n]{1,120})/,
    extract: (m) => {
      const k = byText(m[3]);
      if (!k.kind) return null;
      const addr = cleanHost(m[2]!);
      return { ...k, host: cleanHost(m[1]!), addresses: isIp(addr) ? [addr] : [] };
    },
  },
];
