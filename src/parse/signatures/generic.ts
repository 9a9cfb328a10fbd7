// Shapes and words any runtime prints. Last in the table: a line that a runtime's own row also matches is decided
// by that row when the weights tie, and these only fill in what nothing more specific said.
import { isIp } from '../endpoint.js';
import { byNumber, byText, endpointIn, ep, merge } from '../patterns.js';
import { schemeInfo } from '../services.js';
import type { Signature } from './row.js';

// A changelog or test title that talks about handling the error ("Added handling of 'Connection refused'").
// A test title or a passing test's line is about the words too ("Connection refused handling", "✓ retries on connection refused").
// A test's failure message quoting the error words as values: expected 'Name or service not known', got '…'.
const ASSERTED = /\bexpected:? ['"][^'"\n]{1,200}['"],? (?:but )?got:? ['"]/i;

const ABOUT_THE_WORDS = new RegExp([
  `\\b(?:[Hh]andl(?:e|es|ed|ing)|[Tt]est(?:s|ed|ing)?|[Cc]atch(?:es|ing)?|[Ss]upport(?:s|ed|ing)?(?: for)?|[Dd]etect(?:s|ed|ing)?|[Tt]reat(?:s|ed|ing)?|[Rr]escu(?:e|es|ed|ing)|[Ff]ix(?:es|ed|ing)?|[Rr]etr(?:y|ies|ied|ying)|[Ii]gnor(?:e|es|ed|ing)|[Ss]wallow(?:s|ed|ing)?|[Ss]uppress(?:es|ed|ing)?|[Aa]void(?:s|ed|ing)?|[Pp]revent(?:s|ed|ing)?)(?: of| for| the| a| an| on| when| with| from| any| after){0,2} ['"“‘\`]?[Cc]onnection ?[Rr]efused\\b`,
  // A commit note: "Would cause \`ConnectionRefused\` otherwise".
  `\\b(?:[Ww]ould|[Cc]ould|[Mm]ight|[Ww]ill|[Mm]ay) (?:also )?cause (?:an? |the )?['"“‘\`]?[Cc]onnection ?[Rr]efused`,
  // The words as a pattern a script looks for: grep -i "port 22: connection refused\|…".
  `\\b(?:e?grep|rg|findstr|select-string)\\b[^\\n]{0,200}[Cc]onnection ?[Rr]efused`,
  `\\b[Cc]onnection ?[Rr]efused['"”’]? (?:handling|handler|tests?|test case|scenario|case)\\b`,
  // A negated mention: "I don't see the \`connection refused\` error", "no longer get Connection refused".
  `\\b(?:[Dd]on'?t|[Dd]o not|[Dd]idn'?t|[Dd]id not|[Nn]o longer|[Nn]ever|[Cc]an(?:no|'?)t) (?:see|seeing|get|getting|hit|hitting|receive|receiving|observe|reproduce) (?:the |a |any |that |this )?['"“‘\`]?[Cc]onnection ?[Rr]efused`,
  `^\\s{0,8}(?:✓|✔|ok \\d{1,5} -|PASS(?:ED)?\\b)[^\\n]{0,200}[Cc]onnection ?[Rr]efused`,
].join('|'));

/** A scheme this project knows (postgres, redis, http …): only those are worth keeping from "connection to http:…". */
function schemeKnown(scheme: string): boolean {
  return schemeInfo(scheme) !== null;
}

export const GENERIC: readonly Signature[] = [
  {
    // A server's own word that it is not up yet ("Server is still starting", "the broker is not ready yet"), even with
    // no client error in the paste: what a client sees then is a start-up race.
    id: 'server-still-starting', runtime: null, client: null, kind: 'refused', weight: 1, pre: [' is still ', ' is starting', ' is not ready', ' is not yet ready', ' is initiali'],
    re: /\b(?:server|service|database|db|broker|node|cluster|instance|application|app|api|backend)(?: process)? is (?:still )?(?:starting(?: up)?|initiali[sz]ing|not (?:yet )?ready)\b/i,
    extract: (_m, line) => (/\b(?:if|when|until|whether|wait(?:ing)? for|make sure)\b/i.test(line) ? null : { errno: null, hints: ['server-starting'] }),
  },
  {
    // PgJDBC without its advice, Spring's "I/O error: connection to http:10.0.0.5:8080 refused",
    // Apache HttpClient's "Connection to http://127.0.0.1:3128 refused".
    id: 'connection-to-refused', runtime: null, client: null, kind: 'refused', weight: 3, pre: 'connection to ',
    re: /\b[Cc]onnection to ([^\s]{1,300}?) refused\b/,
    extract: (m) => {
      const token = m[1]!.replace(/^[a-z][a-z0-9+.-]{1,20}:(?:\/\/)?/i, '').replace(/\/.{0,1000}$/, '');
      const e = ep(token, true);
      // "Connection to server refused" is prose: a bare word counts only with a port, a dot, or as localhost.
      if (e.host && e.port == null && !isIp(e.host) && !e.host.includes('.') && e.host.toLowerCase() !== 'localhost') return { errno: 'ECONNREFUSED' };
      const scheme = /^([a-z][a-z0-9+.-]{1,20}):/i.exec(m[1]!)?.[1]?.toLowerCase() ?? null;
      return { ...e, errno: 'ECONNREFUSED', ...(scheme && schemeKnown(scheme) ? { scheme } : {}) };
    },
  },
  {
    // pika and others: Connection to ::1:5672 failed: [Errno 111] Connection refused
    id: 'connection-to-failed', runtime: null, client: null, kind: null, weight: 3, pre: 'connection to ',
    re: /\b[Cc]onnection to (\[?[A-Za-z0-9_.:%-]{1,300}\]?:\d{1,5}) failed: ([^\n]{1,160})/,
    extract: (m) => {
      const k = byText(m[2]);
      const num = /\[Errno (-?\d{1,5})\]/.exec(m[2]!);
      return merge(num ? byNumber(num[1]) : {}, k, ep(m[1], true));
    },
  },
  {
    id: 'generic-refused', runtime: null, client: null, kind: 'refused', weight: 2, pre: ['connection refused', 'connectionrefused'],
    re: /\b[Cc]onnection ?[Rr]efused(?:Error|Exception)?\b/,
    extract: (_m, line) => (ABOUT_THE_WORDS.test(line) ? null : { errno: 'ECONNREFUSED', ...endpointIn(line) }),
  },
  {
    // The same words in other locales (curl, libpq and the OS translate them).
    id: 'generic-refused-i18n', runtime: null, client: null, kind: 'refused', weight: 2,
    pre: ['refusée', 'verweigert', 'abgelehnt', 'recusada', 'rechazada', 'rehusada', 'rifiutata', '拒绝', '拒否', 'denegó', 'отклонен', 'refused it',
      'отказано', 'geweigerd', '거부됨', 'odrzucone', 'odmítnuto', 'reddedildi', 'vägrad', 'nægtet', 'evätty', 'elutasítva'],
    re: /[Cc]onnexion refusée|Verbindung verweigert|Verbindungsaufbau abgelehnt|[Cc]onexão recusada|[Cc]onexión rechazada|[Cc]onexión rehusada|[Cc]onnessione rifiutata|连接被拒绝|拒绝连接|积极拒绝|接続を拒否|拒否されたため|denegó expresamente|[Пп]одключение не установлено|отклонил|actively refused it|Verbindung abgelehnt|[Vv]erbinding geweigerd|[Оо]тказано в соединении|[Вв] соединении отказано|연결이 거부됨|[Pp]ołączenie odrzucone|[Ss]pojení odmítnuto|[Bb]ağlantı reddedildi|[Ff]örbindelse vägrad|[Ff]orbindelse nægtet|[Yy]hteys evätty|[Kk]apcsolat elutasítva/,
    extract: (_m, line) => ({ errno: 'ECONNREFUSED', ...endpointIn(line) }),
  },
  {
    id: 'generic-timeout', runtime: null, client: null, kind: 'timeout', weight: 2, pre: ['timed out', 'timeout', 'timedout', 'deadline', 'did not properly respond'],
    re: /\b(?:[Cc]onnection timed out|[Cc]onnect timed out|[Oo]peration timed out|[Cc]onnection timeout|[Cc]onnect timeout|[Rr]ead timed out|i\/o timeout|ETIMEDOUT|ESOCKETTIMEDOUT|[Cc]onnectTimeout(?:Error|Exception)?|socket\.timeout|context deadline exceeded|(?<![\w.])timeout\(['"]timed out|Client\.Timeout exceeded|DeadlineExceeded|HttpClient\.Timeout|did not properly respond after a period of time)\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : { errno: 'ETIMEDOUT', ...endpointIn(line) }),
  },
  {
    id: 'generic-unreachable', runtime: null, client: null, kind: 'unreachable', weight: 2, pre: ['unreachable', 'no route to host'],
    re: /\b(?:[Nn]o route to host|[Nn]etwork (?:is )?unreachable|[Hh]ost is unreachable|EHOSTUNREACH|ENETUNREACH|attempted to an unreachable (?:network|host))\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : { ...byText(line), ...endpointIn(line) }),
  },
  {
    id: 'generic-dns', runtime: null, client: null, kind: 'dns', weight: 2,
    pre: ['not known', 'no such host', 'nodename nor servname', 'name resolution', 'could not resolve', 'getaddrinfo failed', 'unknown host', 'does not resolve', 'no address associated'],
    re: /\b(?:Name or service not known|no such host|nodename nor servname provided|[Tt]emporary failure in name resolution|[Cc]ould not resolve host|getaddrinfo failed|[Uu]nknown host|Name does not resolve|No address associated with hostname|No such host is known)\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : byText(line)),
  },
  {
    id: 'generic-reset', runtime: null, client: null, kind: 'reset', weight: 2,
    pre: ['reset by peer', 'connection reset', 'forcibly closed', 'socket hang up', 'remotedisconnected', 'remote end closed', 'epipe', 'broken pipe'],
    re: /\b(?:[Cc]onnection reset by peer|[Cc]onnection reset|forcibly closed by the remote host|socket hang up|RemoteDisconnected|Remote end closed connection without response|EPIPE|[Bb]roken pipe)\b/,
    extract: (_m, line) => (ASSERTED.test(line) ? null : { errno: 'ECONNRESET' }),
  },
  {
    id: 'generic-tls', runtime: null, client: null, kind: 'tls', weight: 2,
    pre: ['certificate', 'x509', 'ssl', 'tls', 'wrong version number', 'pkix', 'cert_', 'eof occurred', 'unexpected_eof'],
    re: /certificate verify failed|x509: |SSL routines|EOF occurred in violation of protocol|SSLEOFError|UNEXPECTED_EOF_WHILE_READING|self[- ]signed certificate|unable to get local issuer certificate|unable to verify the first certificate|wrong version number|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|certificate has expired|tls: handshake failure|tls: first record does not look like a TLS handshake|SSL_ERROR_SYSCALL|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SSL handshake failed/,
  },
];
