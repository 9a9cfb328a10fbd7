// A unix socket or a socket file named in quotes or after "dial unix": gRPC-Go (containerd, the kubelet's CRI)
// and .NET over a unix domain socket. After docker.ts: a docker CLI line that quotes the dial matches both, and
// the Docker row has always been the one to name that line's client.
import { kindFromText } from '../errno.js';
import { unix } from '../patterns.js';
import type { Signature } from './row.js';

export const SOCKETS: readonly Signature[] = [
  {
    // .NET over a unix socket or a Windows UDS file: Error connecting to 'C:\…\grpc.tmp' / '/tmp/app.sock'
    id: 'error-connecting-to-path', runtime: null, client: null, kind: 'unix_socket', weight: 3, pre: ['connecting to ', 'unable to connect to '],
    re: /(?:Error connecting to|Failed connecting to|Unable to connect to) ['"]((?:[A-Za-z]:\\|\/)[^'"\n]{1,300})['"]/,
    extract: (m, line) => {
      const k = kindFromText(line.slice(m.index + m[0].length));
      const errno = k?.errno === 'ECONNREFUSED' ? 'ECONNREFUSED' : k?.errno === 'EACCES' ? 'EACCES' : 'ENOENT';
      return { unixSocket: m[1]!, errno };
    },
  },
  {
    // gRPC-Go over a unix socket: dial unix:///run/containerd/containerd.sock: timeout ·
    // transport:dial unix /var/run/x.sock:connect:connection refused (spaces dropped) ·
    // failed to dial "/run/containerd/containerd.sock": context deadline exceeded
    id: 'grpc-dial-unix', runtime: 'go', client: 'grpc', kind: 'unix_socket', weight: 3, pre: ['dial unix', 'failed to dial "/'],
    re: /\bdial unix(?::\/\/| ?)(\/[^\s:"'\\]{1,300})\s?:\s?([^\n"\\]{1,200})|failed to dial "(\/[^"\s]{1,300})": ([^\n"\\]{1,200})/,
    extract: (m) => unix((m[1] ?? m[3])!, m[2] ?? m[4]),
  },
];
