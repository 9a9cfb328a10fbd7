// Erlang and Elixir: DBConnection's "tcp connect (h:p): … - :econnrefused" and bare reason atoms.
import { byText, ep, merge } from '../patterns.js';
import type { Signature } from './row.js';

export const ERLANG: readonly Signature[] = [
  {
    // Postgrex/MyXQL: ** (DBConnection.ConnectionError) tcp connect (localhost:5432): connection refused - :econnrefused
    // Older Postgrex and DNS failures name no endpoint: tcp connect: non-existing domain - :nxdomain
    id: 'elixir-tcp-connect', runtime: 'other', client: 'dbconnection', kind: null, weight: 3, pre: 'tcp connect',
    re: /tcp connect(?: \(([^)\s]{1,300})\))?: ([^\n]{0,120}?) - :(\w{3,20})/,
    extract: (m) => merge(byText(`${m[2]} ${m[3]}`), ep(m[1])),
  },
  {
    // {:error, :econnrefused} · %Mint.TransportError{reason: :econnrefused} · reason: :nxdomain
    id: 'erlang-reason-atom', runtime: 'other', client: null, kind: null, weight: 2, pre: [':econnrefused', ':nxdomain', ':ehostunreach', ':etimedout', ':econnreset'],
    re: /(?:\{:error, |reason: ):(econnrefused|nxdomain|ehostunreach|enetunreach|etimedout|econnreset)\b/,
    extract: (m) => byText(m[1]),
  },
];
