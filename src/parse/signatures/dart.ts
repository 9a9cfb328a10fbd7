// Dart and Flutter: SocketException with an "OS Error" inside (the .NET row steps aside for it).
// Before dotnet.ts: on Windows the OS error text is Winsock's "actively refused it", and the Dart row decides.
import { cleanHost, isIp, parsePort } from '../endpoint.js';
import { byNumber, byText, merge } from '../patterns.js';
import type { Signature } from './row.js';

export const DART: readonly Signature[] = [
  {
    // Dart: SocketException: Connection refused (OS Error: Connection refused, errno = 111), address = 127.0.0.1, port = 42796
    id: 'dart-socket', runtime: 'other', client: 'dart', kind: null, weight: 3, pre: 'os error:',
    // Older Dart: SocketException: OS Error: Connection refused, errno = 111, address = localhost, port = 35396
    re: /SocketException: (?:([^(\n]{1,160})\()?OS Error: ([^,\n]{1,120}), errno = (\d{1,5})\)?(?:, address = ([^\s,]{1,255}), port = (\d{1,5}))?/,
    extract: (m) => {
      const k = merge(byNumber(m[3], m[2]), byText(m[1]));
      if (!k.kind) return null;
      const host = m[4] ? cleanHost(m[4]) : null;
      // For a failed connect Dart prints the socket's local port (a new ephemeral one each retry:
      // 46740, 46742, …), not the port it dialled; a port in the ephemeral range is not the target's.
      const p = parsePort(m[5]);
      const port = p !== null && p >= 32768 ? null : p;
      return { ...k, host, port, addresses: host && isIp(host) ? [host] : [] };
    },
  },
];
