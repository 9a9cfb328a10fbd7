// Apple's URLSession and CFNetwork: NSURLErrorDomain codes, with the POSIX errno under them when it is printed.
import { errnoFromNumber } from '../errno.js';
import { url, type Extract } from '../patterns.js';
import type { Signature } from './row.js';

export const APPLE: readonly Signature[] = [
  {
    // Error Domain=NSURLErrorDomain Code=-1004 "Could not connect to the server." UserInfo={…, _kCFStreamErrorCodeKey=61, …}
    // The operation couldn’t be completed. (NSURLErrorDomain error -1004.) · kCFErrorDomainCFNetwork Code=-1001
    id: 'nsurl-error', runtime: 'other', client: 'urlsession', kind: null, weight: 3, pre: ['nsurlerrordomain', 'kcferrordomaincfnetwork'],
    re: /(?:NSURLErrorDomain|kCFErrorDomainCFNetwork)(?: Code=| error )(-\d{3,4})\b/,
    extract: (m, line) => {
      const code = Number(m[1]);
      // The POSIX errno under the URL error says which connect failure it was (61 refused, 60 timed out …).
      const posix = /_kCFStreamErrorCodeKey=(\d{1,3})\b/.exec(line);
      const fromPosix = posix && /_kCFStreamErrorDomainKey=1\b/.test(line) ? errnoFromNumber(Number(posix[1])) : null;
      const k: Extract = fromPosix && code === -1004 ? { kind: fromPosix.kind, errno: fromPosix.errno }
        : code === -1004 ? { kind: 'refused', errno: 'ECONNREFUSED' }
        : code === -1001 ? { kind: 'timeout', errno: 'ETIMEDOUT' }
        : code === -1003 || code === -1006 ? { kind: 'dns', errno: 'ENOTFOUND' }
        : code === -1005 ? { kind: 'reset', errno: 'ECONNRESET' }
        : code === -1009 ? { kind: 'unreachable', errno: 'ENETUNREACH' }
        : code <= -1200 && code >= -1206 ? { kind: 'tls' }
        : {};
      if (!k.kind) return null;
      const u = /NSErrorFailingURL(?:String)?Key=([a-z][a-z0-9+.-]{1,20}:\/\/[^\s,}]{1,1000})/.exec(line);
      return { ...k, os: 'macos', ...(u ? url(u[1]) : {}) };
    },
  },
  {
    // The failing URL on a line of its own (UserInfo spread over several lines).
    id: 'nsurl-failing-url', runtime: 'other', client: 'urlsession', kind: null, weight: 0, pre: 'nserrorfailingurl',
    re: /NSErrorFailingURL(?:String)?Key=([a-z][a-z0-9+.-]{1,20}:\/\/[^\s,}]{1,1000})/,
    extract: (m) => url(m[1]),
  },
];
