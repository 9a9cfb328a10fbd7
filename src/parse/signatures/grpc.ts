// gRPC over TCP: gRPC core (Python, C++, Ruby, PHP) names the address it tried as ipv4:h:p; grpc-js and the others
// only say that no address worked. gRPC-Go over a unix socket is in sockets.ts.
import { cleanHost, decodeUri, isIp, parsePort } from '../endpoint.js';
import { byNumber, byText, ep, merge } from '../patterns.js';
import type { Signature } from './row.js';

export const GRPC: readonly Signature[] = [
  {
    // gRPC core (Python, C++, Ruby, PHP): failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:50051: Failed to connect to remote host: Connection refused
    id: 'grpc-core-address', runtime: null, client: 'grpc', service: 'grpc', kind: null, weight: 3, pre: ['ipv4:', 'ipv6:'],
    re: /\b(?:ipv4|ipv6):(%5B[^%\s]{1,60}%5D|\[[^\]\s]{1,60}\]|[^\s:]{1,255}):(\d{1,5}): ([^\n"]{1,200})/,
    extract: (m) => {
      const k = byText(m[3]);
      const num = /\((\d{2,5})\)/.exec(m[3]!);
      const host = cleanHost(decodeUri(m[1]!));
      return merge(num ? byNumber(num[1]) : {}, k, { host, port: parsePort(m[2]), addresses: isIp(host) ? [host] : [], hints: ['grpc'] });
    },
  },
  {
    id: 'grpc-all-addresses', runtime: null, client: 'grpc', service: 'grpc', kind: 'refused', weight: 1,
    pre: ['failed to connect to all addresses', 'no connection established', 'connect failed'],
    re: /failed to connect to all addresses|14 UNAVAILABLE: No connection established|StatusCode\.UNAVAILABLE, Connect Failed/,
    extract: () => ({ hints: ['grpc'], errno: 'ECONNREFUSED' }),
  },
  {
    id: 'grpc-dns', runtime: null, client: 'grpc', service: 'grpc', kind: 'dns', weight: 3, pre: 'dns resolution failed',
    re: /DNS resolution failed for (?:service: )?([^\s"]{1,300})/,
    extract: (m) => ({ ...ep(m[1], false), hints: ['grpc'], errno: 'ENOTFOUND' }),
  },
  {
    // gRPC-Go: "connection closed before server preface received" — the TCP connect worked and the far side hung up
    // before speaking HTTP/2 (docker-proxy with nothing behind it on the container's interface, a TLS/plain mix-up).
    id: 'grpc-no-preface', runtime: null, client: 'grpc', service: 'grpc', kind: 'reset', weight: 2, pre: 'server preface',
    re: /connection closed before server preface received/,
    extract: () => ({ hints: ['grpc'], errno: 'ECONNRESET' }),
  },
];
