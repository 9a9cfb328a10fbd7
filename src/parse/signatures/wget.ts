// wget: GNU wget (in any language: its host (host)|addr|:port... shape does not change) and busybox wget.
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byText, ep } from '../patterns.js';
import type { Signature } from './row.js';

export const WGET: readonly Signature[] = [
  {
    // wget: Connecting to localhost (localhost)|127.0.0.1|:8080... failed: Connection refused.
    id: 'wget-connecting', runtime: 'cli', client: 'wget', kind: null, weight: 3, pre: 'connecting to',
    re: /Connecting to ([^\s|()]{1,255})(?: \(([^)\s]{1,255})\))?(?:\|([^|\s]{1,60})\|)?:(\d{1,5})\.\.\. failed: ([^\n]{1,120})/,
    extract: (m) => {
      const host = cleanHost(m[1]!);
      const addr = m[3] ? cleanHost(m[3]) : isIp(host) ? host : null;
      return { ...byText(m[5]), host, port: parsePort(m[4]), addresses: addr ? [addr] : [] };
    },
  },
  {
    // wget: Resolving db (db)... failed: Name or service not known. · wget: unable to resolve host address ‘db’
    id: 'wget-resolve', runtime: 'cli', client: 'wget', kind: 'dns', weight: 3, pre: ['resolving ', 'unable to resolve host address'],
    re: /Resolving ([^\s(]{1,255})(?: \([^)]{0,255}\))?\.\.\. failed: |unable to resolve host address ['‘"]?([^'’"\s]{1,255})/,
    extract: (m) => ({ host: cleanHost((m[1] ?? m[2])!), errno: 'ENOTFOUND' }),
  },
  {
    // busybox wget: Connecting to raw.example.net (10.1.2.3:443) — names the host the next error gives only as an address.
    id: 'busybox-wget-connecting', runtime: 'cli', client: 'wget', kind: null, weight: 0, pre: 'connecting to',
    re: /^Connecting to ([A-Za-z0-9_.-]{1,253}) \((\[[^\]\s]{2,60}\]:\d{1,5}|[^\s:()]{1,255}:\d{1,5})\)\s*$/,
    extract: (m) => {
      const inner = ep(m[2]);
      const addr = inner.host && isIp(inner.host) ? inner.host : null;
      return { host: cleanHost(m[1]!), port: inner.port ?? null, addresses: addr ? [addr] : [] };
    },
  },
  {
    // busybox wget: wget: can't connect to remote host (10.1.2.3): Connection refused
    id: 'busybox-wget-remote', runtime: 'cli', client: 'wget', kind: null, weight: 3, pre: "can't connect to remote host",
    re: /can't connect to remote host(?: \(([^)\s]{1,255})\))?: ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      if (!k.kind) return null;
      const h = m[1] ? cleanHost(m[1]) : null;
      return { ...k, host: h, addresses: h && isIp(h) ? [h] : [] };
    },
  },
  {
    // GNU wget in any language: <verb> host (host)|addr|:port... <failed>: Connection refused.
    id: 'wget-connecting-i18n', runtime: 'cli', client: 'wget', kind: null, weight: 3, pre: '|:',
    re: /(?:^|\s)([A-Za-z0-9_.-]{1,253}) \(([^)\s]{1,253})\)\|([^|\s]{1,60})\|:(\d{1,5})\.\.\. ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[5]);
      if (!k.kind) return null;
      const host = cleanHost(m[1]!);
      const addr = cleanHost(m[3]!);
      return { ...k, host, port: parsePort(m[4]), addresses: isIp(addr) ? [addr] : [] };
    },
  },
];
