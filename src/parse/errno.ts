// Errno numbers and words → kind, symbolic errno and the OS that uses that number.
import type { ErrorKind, Os } from '../domain/types.js';

export interface ErrnoInfo {
  errno: string;
  kind: ErrorKind;
  os: Os | null;
}

// Positive numbers as C/Python/Ruby/Rust/nginx print them. Linux, macOS (BSD) and Winsock differ.
const NUMBERS: Record<number, ErrnoInfo> = {
  111: { errno: 'ECONNREFUSED', kind: 'refused', os: 'linux' },
  61: { errno: 'ECONNREFUSED', kind: 'refused', os: 'macos' },
  10061: { errno: 'ECONNREFUSED', kind: 'refused', os: 'windows' },
  110: { errno: 'ETIMEDOUT', kind: 'timeout', os: 'linux' },
  60: { errno: 'ETIMEDOUT', kind: 'timeout', os: 'macos' },
  10060: { errno: 'ETIMEDOUT', kind: 'timeout', os: 'windows' },
  113: { errno: 'EHOSTUNREACH', kind: 'unreachable', os: 'linux' },
  65: { errno: 'EHOSTUNREACH', kind: 'unreachable', os: 'macos' },
  10065: { errno: 'EHOSTUNREACH', kind: 'unreachable', os: 'windows' },
  101: { errno: 'ENETUNREACH', kind: 'unreachable', os: 'linux' },
  51: { errno: 'ENETUNREACH', kind: 'unreachable', os: 'macos' },
  10051: { errno: 'ENETUNREACH', kind: 'unreachable', os: 'windows' },
  104: { errno: 'ECONNRESET', kind: 'reset', os: 'linux' },
  54: { errno: 'ECONNRESET', kind: 'reset', os: 'macos' },
  10054: { errno: 'ECONNRESET', kind: 'reset', os: 'windows' },
  10053: { errno: 'ECONNABORTED', kind: 'reset', os: 'windows' },
  // EADDRNOTAVAIL on connect: no local address can reach that family or range (::1 with IPv6 off,
  // ephemeral ports used up) — the target cannot be reached from here.
  99: { errno: 'EADDRNOTAVAIL', kind: 'unreachable', os: 'linux' },
  49: { errno: 'EADDRNOTAVAIL', kind: 'unreachable', os: 'macos' },
  10049: { errno: 'EADDRNOTAVAIL', kind: 'unreachable', os: 'windows' },
  11001: { errno: 'ENOTFOUND', kind: 'dns', os: 'windows' },
  11002: { errno: 'EAI_AGAIN', kind: 'dns', os: 'windows' },
  // getaddrinfo's own codes as Python prints them ([Errno -2] Name or service not known).
  [-2]: { errno: 'ENOTFOUND', kind: 'dns', os: 'linux' },
  [-3]: { errno: 'EAI_AGAIN', kind: 'dns', os: 'linux' },
  [-5]: { errno: 'ENOTFOUND', kind: 'dns', os: 'linux' },
  [-9]: { errno: 'ENOTFOUND', kind: 'dns', os: 'linux' },
  8: { errno: 'ENOTFOUND', kind: 'dns', os: 'macos' },
};

/** errno number (as Python/C/Rust print it) → info; null for numbers that are not connection errors. */
export function errnoFromNumber(n: number): ErrnoInfo | null {
  return NUMBERS[n] ?? null;
}

// Node's libuv errno values are negative and differ per platform (Windows uses its own -40xx range).
const NODE_NUMBERS: Record<number, ErrnoInfo> = {
  [-111]: { errno: 'ECONNREFUSED', kind: 'refused', os: 'linux' },
  [-61]: { errno: 'ECONNREFUSED', kind: 'refused', os: 'macos' },
  [-4078]: { errno: 'ECONNREFUSED', kind: 'refused', os: 'windows' },
  [-110]: { errno: 'ETIMEDOUT', kind: 'timeout', os: 'linux' },
  [-60]: { errno: 'ETIMEDOUT', kind: 'timeout', os: 'macos' },
  [-4039]: { errno: 'ETIMEDOUT', kind: 'timeout', os: 'windows' },
  [-113]: { errno: 'EHOSTUNREACH', kind: 'unreachable', os: 'linux' },
  [-65]: { errno: 'EHOSTUNREACH', kind: 'unreachable', os: 'macos' },
  [-4062]: { errno: 'EHOSTUNREACH', kind: 'unreachable', os: 'windows' },
  [-101]: { errno: 'ENETUNREACH', kind: 'unreachable', os: 'linux' },
  [-104]: { errno: 'ECONNRESET', kind: 'reset', os: 'linux' },
  [-54]: { errno: 'ECONNRESET', kind: 'reset', os: 'macos' },
  [-4077]: { errno: 'ECONNRESET', kind: 'reset', os: 'windows' },
};

export function errnoFromNodeNumber(n: number): ErrnoInfo | null {
  return NODE_NUMBERS[n] ?? null;
}

// Symbolic names. ENOENT/EACCES only mean something for a unix socket; the caller decides.
const NAMES: Record<string, ErrorKind> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  ETIMEOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  EAI_FAIL: 'dns',
};

export function kindFromErrnoName(name: string): ErrorKind | null {
  return NAMES[name.toUpperCase()] ?? null;
}

export const DEFAULT_ERRNO: Partial<Record<ErrorKind, string>> = {
  refused: 'ECONNREFUSED',
  timeout: 'ETIMEDOUT',
  reset: 'ECONNRESET',
  dns: 'ENOTFOUND',
};

/**
 * Kind from the words of an error message ("Connection refused", "i/o timeout", "no such host" …).
 * The order matters: "connection refused" beats a wrapper's "timed out" on the same line only when the
 * caller asks per clause; here the first family found in this fixed order wins.
 */
export function kindFromText(s: string): { kind: ErrorKind; errno: string | null } | null {
  const t = s.toLowerCase();
  if (/econnrefused|connection refused|connexion refusée|verbindung verweigert|verbindungsaufbau abgelehnt|conexão recusada|conexión rechazada|conexión rehusada|connessione rifiutata|连接被拒绝|拒绝连接|denegó expresamente|积极拒绝|拒否されたため|actively refused|refused to connect|connect(?:ion)? was refused|connectionrefused|refused the network connection|verbindung abgelehnt|verbinding geweigerd|отказано в соединении|в соединении отказано|соединение отклонено|接続を拒否されました|接続が拒否されました|연결이 거부됨|połączenie odrzucone|spojení odmítnuto|bağlantı reddedildi|ligação recusada|förbindelse vägrad|forbindelse nægtet|yhteys evätty|kapcsolat elutasítva/.test(t)) {
    return { kind: 'refused', errno: 'ECONNREFUSED' };
  }
  if (/name or service not known|no such host|nodename nor servname|temporary failure in name resolution|could not resolve|couldn't resolve|unknown host|getaddrinfo failed|enotfound|eai_again|failed to resolve|name resolution|no address associated with hostname|unable to resolve|host not found|nxdomain|name does not resolve|no such host is known|failed to lookup address|nxdomain|non-existing domain/.test(t)) {
    return { kind: 'dns', errno: /eai_again|temporary failure/.test(t) ? 'EAI_AGAIN' : 'ENOTFOUND' };
  }
  if (/no route to host|host is unreachable|host unreachable|ehostunreach|unreachable host|keine route zum zielrechner|aucun chemin d'accès pour atteindre l'hôte|no hay ruta hasta el anfitrión|nessun instradamento per l'host|нет маршрута до узла/.test(t)) return { kind: 'unreachable', errno: 'EHOSTUNREACH' };
  if (/network is unreachable|enetunreach|network unreachable|unreachable network/.test(t)) return { kind: 'unreachable', errno: 'ENETUNREACH' };
  if (/connection reset|econnreset|reset by peer|forcibly closed|socket hang up|connection aborted|remotedisconnected|remote end closed|broken pipe|epipe/.test(t)) return { kind: 'reset', errno: 'ECONNRESET' };
  if (/timed out|timeout|etimedout|operation timed|did not properly respond|deadline exceeded|zeitüberschreitung|délai d'attente|connexion expirée|tiempo de espera|tempo esgotado|tempo limite|connessione scaduta|время ожидания|超时|タイムアウト/.test(t)) return { kind: 'timeout', errno: 'ETIMEDOUT' };
  if (/certificate|ssl|tls|handshake|wrong version number|pkix/.test(t)) return { kind: 'tls', errno: null };
  if (/no such file or directory|enoent|cannot find the file/.test(t)) return { kind: 'unix_socket', errno: 'ENOENT' };
  if (/permission denied|eacces/.test(t)) return { kind: 'unix_socket', errno: 'EACCES' };
  return null;
}
