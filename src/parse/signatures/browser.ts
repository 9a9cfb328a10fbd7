// Browsers: the net::ERR_ codes in the console and the words of Chrome's error pages (in English and Chinese).
import type { ErrorKind } from '../../domain/types.js';
import { isIp } from '../endpoint.js';
import { DEFAULT_ERRNO } from '../errno.js';
import { ep, url } from '../patterns.js';
import type { Signature } from './row.js';

export const BROWSER: readonly Signature[] = [
  {
    // Browsers: localhost refused to connect. · GET http://localhost:5000/api net::ERR_CONNECTION_REFUSED
    id: 'browser-net-error', runtime: 'other', client: 'browser', kind: null, weight: 2, pre: 'err_',
    re: /(?:(https?:\/\/[^\s]{1,1000}) )?(?:net::)?ERR_(CONNECTION_REFUSED|CONNECTION_TIMED_OUT|TIMED_OUT|NAME_NOT_RESOLVED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|ADDRESS_UNREACHABLE|PROXY_CONNECTION_FAILED|CERT_[A-Z_]{1,40}|SSL_[A-Z_]{1,40})\b/,
    extract: (m) => {
      const code = m[2]!;
      const kind: ErrorKind = code === 'CONNECTION_REFUSED' || code === 'PROXY_CONNECTION_FAILED' ? 'refused' : code.includes('TIMED_OUT') ? 'timeout'
        : code === 'NAME_NOT_RESOLVED' ? 'dns' : code === 'CONNECTION_RESET' || code === 'CONNECTION_CLOSED' || code === 'EMPTY_RESPONSE' ? 'reset'
        : code === 'ADDRESS_UNREACHABLE' ? 'unreachable' : 'tls';
      return { kind, errno: DEFAULT_ERRNO[kind] ?? null, ...url(m[1]) };
    },
  },
  {
    id: 'browser-refused-to-connect', runtime: 'other', client: 'browser', kind: 'refused', weight: 2, pre: 'refused to connect',
    // Chrome's page text often loses the line break: "This site can’t be reachedlocalhost refused to connect."
    re: /(?:^|\s)(?:reached)?([A-Za-z0-9_.:[\]-]{1,255}) refused to connect\b/,
    extract: (m) => {
      const e = ep(m[1], false);
      // "Connection refused to connect" is prose; Chrome names a dotted name, an address or localhost.
      const named = e.host && (isIp(e.host) || e.host.includes('.') || e.host.toLowerCase() === 'localhost');
      return named ? { ...e, errno: 'ECONNREFUSED' } : { errno: 'ECONNREFUSED' };
    },
  },
  {
    // Chrome's other interstitials: "db.lan took too long to respond." · "localhost didn’t send any data."
    // "api.lan’s server IP address could not be found."
    id: 'browser-interstitial', runtime: 'other', client: 'browser', kind: null, weight: 2,
    pre: ['took too long to respond', 't send any data', 'server ip address could not be found'],
    re: /(?:^|\s)(?:reached)?([A-Za-z0-9_.:[\]-]{1,255}?)(?: took too long to respond| didn[’']t send any data|[’']s server IP address could not be found)/,
    extract: (m) => {
      const kind: ErrorKind = /took too long/.test(m[0]) ? 'timeout' : /send any data/.test(m[0]) ? 'reset' : 'dns';
      const e = ep(m[1], false);
      return { ...e, kind, errno: DEFAULT_ERRNO[kind] ?? null };
    },
  },
  {
    // Chrome's DNS page code, often the only line pasted.
    id: 'browser-dns-probe', runtime: 'other', client: 'browser', kind: 'dns', weight: 2, pre: 'dns_probe_finished',
    re: /DNS_PROBE_FINISHED_(?:NXDOMAIN|NO_INTERNET|BAD_CONFIG|BAD_SECURE_CONFIG)/,
    extract: () => ({ errno: 'ENOTFOUND' }),
  },
  {
    // Chrome in Chinese: localhost 拒绝了我们的连接请求。
    id: 'browser-refused-zh', runtime: 'other', client: 'browser', kind: 'refused', weight: 2, pre: '拒绝了我们的连接请求',
    re: /(?:^|\s)([A-Za-z0-9_.:[\]-]{1,255}) ?拒绝了我们的连接请求/,
    extract: (m) => ({ ...ep(m[1], false), errno: 'ECONNREFUSED' }),
  },
];
