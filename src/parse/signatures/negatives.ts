// Errors that are not a failed connection: the port is already taken (a listen-side error), or the connection
// worked and the login did not. kind 'none': the paste has no target to probe.
import type { Signature } from './row.js';

export const NEGATIVES: readonly Signature[] = [
  {
    // A listen-side error (the port is taken), an authentication failure after a connect that worked.
    id: 'not-a-connect-failure', runtime: null, client: null, kind: 'none', weight: 3,
    pre: ['eaddrinuse', 'address already in use', 'authentication failed', 'bad auth', 'access denied for user', 'noauth', 'wrongpass', 'invalid password', 'login failed for user'],
    re: /\bEADDRINUSE\b|[Aa]ddress already in use|password authentication failed|[Aa]uthentication failed(?: for|\.|:|\s*$)|bad auth\b|Access denied for user|NOAUTH Authentication required|WRONGPASS|Login failed for user/,
  },
];
