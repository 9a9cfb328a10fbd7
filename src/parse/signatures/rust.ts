// Rust: std::io errors ("(os error 111)", Os { code, kind }), hyper and reqwest.
import { cleanHost, parsePort } from '../endpoint.js';
import { byNumber, url } from '../patterns.js';
import type { Signature } from './row.js';

export const RUST: readonly Signature[] = [
  {
    // Connection refused (os error 111) · No connection could be made … (os error 10061)
    id: 'rust-os-error', runtime: 'rust', client: null, kind: null, weight: 3, pre: 'os error',
    re: /\(os error (-?\d{1,5})\)/,
    extract: (m, line) => {
      const e = byNumber(m[1], line);
      return e.kind ? e : null;
    },
  },
  {
    // hyper: ConnectError("tcp connect error", Os { code: 111, kind: ConnectionRefused, … })
    id: 'rust-io-kind', runtime: 'rust', client: 'hyper', kind: null, weight: 3, pre: 'os { code:',
    re: /Os \{ code: (-?\d{1,5}), kind: (\w{1,40})/,
    extract: (m) => {
      const e = byNumber(m[1], m[2]);
      return e.kind ? e : null;
    },
  },
  {
    // hyper-util trace: Http::connect; scheme=Some("http"), host=Some("localhost"), port=Some(Port(3000))
    id: 'hyper-http-connect', runtime: 'rust', client: 'hyper', kind: null, weight: 0, pre: 'http::connect;',
    re: /Http::connect; scheme=Some\("([a-z]{1,10})"\), host=Some\("([^"\s]{1,255})"\), port=Some\(Port\((\d{1,5})\)\)/,
    extract: (m) => ({ host: cleanHost(m[2]!), port: parsePort(m[3]), scheme: m[1]! }),
  },
  {
    // reqwest: error sending request for url (http://localhost:8080/): …
    id: 'reqwest-url', runtime: 'rust', client: 'reqwest', kind: null, weight: 0, pre: 'for url (',
    re: /(?:error sending request|error trying to connect|request failed)[^(\n]{0,40} for url \(([^)\s]{1,1000})\)/,
    extract: (m) => url(m[1]),
  },
  {
    id: 'rust-dns-error', runtime: 'rust', client: null, kind: 'dns', weight: 3, pre: 'dns error',
    re: /dns error: ([^\n]{1,160})/,
    extract: () => ({ errno: 'ENOTFOUND' }),
  },
];
