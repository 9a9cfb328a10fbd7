// Masks secrets in pasted text. parse() runs this over the whole paste before it reads anything,
// so every field of Facts is cut from redacted text and a password cannot leak into matched/notes/host.
// Every pattern is bounded (no unbounded quantifiers, and no repetition whose pieces could be split more than
// one way): a hostile 1 MB paste stays linear (test/parse/redact.test.ts measures that without a clock).
//
// Families, in the order they run:
//   private key blocks (PEM, OpenSSH, PGP; whole or cut off) → passwords in URLs → webhook URLs (Slack,
//   Discord) → passwords on command lines (mysql -pX, redis-cli -a X, sshpass -p X, curl -u user:X,
//   --password X, AUTH X …) → Authorization and Cookie headers → bare "Bearer x" → key=value pairs whose key
//   names a secret → token shapes that need no key (Slack, JWT, AWS, GitHub, Stripe, Twilio, SendGrid, npm,
//   Google).

import { type Step, Steps } from './steps.js';

const MASK = '****';
const HTTP_VERB = /^(?:Get|Post|Put|Delete|Patch|Head|GET|POST|PUT|DELETE|PATCH|HEAD)$/;

// Text also reaches the redactor JSON-escaped (a Socket Mode payload in a debug log, an API error body): there
// a line begins after the two characters \n, and a quote is \" (or \\\" nested once more). So a secret may
// start at a word boundary or right after an escaped newline or tab, a quote may carry backslashes, and a
// value stops at an escaped quote or newline.
const START = String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))`;
const QUOTE = String.raw`(?:\\{1,3}["']|["'])?`;
/** One character of a value: none of `stop`, and a backslash only when it does not escape a quote or newline. */
const valueChar = (stop: string) => String.raw`(?:[^\s\\${stop}]|\\(?![\\"'nrt]))`;
const rx = (source: string, flags: string) => new RegExp(source, flags);
/** `lit` where a token starts (`boundary`, START by default). The literal comes first, so the engine scans for
 * it instead of trying the boundary at every position; the boundary is checked behind it. `lit` holds no group. */
const at = (lit: string, boundary = START) => String.raw`(?:${lit})(?<=${boundary}(?:${lit}))`;
/** Where a command or a flag starts: not inside a word or a longer flag. */
const CMD_START = String.raw`(?:(?<![\w-])|(?<=\\[nrt]))`;
/** A line break, real or JSON-escaped (once or nested). */
const EOL = String.raw`(?:\r?\n|\\{1,8}[nr])`;


// --- Private key blocks -------------------------------------------------------------------------------------
// "-----BEGIN RSA PRIVATE KEY-----", EC, OPENSSH, ENCRYPTED, DSA, plain PKCS#8, "PGP PRIVATE KEY BLOCK", and
// the ssh.com "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----". Certificates and public keys are not secrets.
const PEM_LABEL = String.raw`[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?`;
const PEM_BEGIN = String.raw`-{4,5} ?BEGIN ${PEM_LABEL} ?-{4,5}`;
const PEM_END = String.raw`-{4,5} ?END ${PEM_LABEL} ?-{4,5}`;
// A body runs to the END line. It holds no "--" (so it stops at the next marker and cannot run across a
// block), but single dashes are fine ("Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,…").
const PEM_BODY = String.raw`(?:[^-]|-(?!-)){1,16384}`;
// A block cut off before its END line (a log line truncated at 2000 characters, a half-pasted key): its
// lines of base64 and its header lines go, up to the first line that is anything else, so the error after
// it stays. A key flattened onto one line ("echo $KEY") goes chunk by chunk while the chunks are long.
const B64 = String.raw`(?:[A-Za-z0-9+/=]|\\{1,3}\/)`;
/** The end of a line of a key: a line break (real or escaped), a closing quote, a cut mark, or the end. */
const B64_LINE_END = String.raw`(?=[ \t]{0,16}(?:[\r\n"'\\…]|$))`;
const PEM_HEADER = String.raw`(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset):[^\r\n\\]{0,128}`;
const PEM_SEGMENT = String.raw`(?:(?:[ \t]{0,16}${EOL}){1,4}[ \t]{0,16}(?:${PEM_HEADER}|${B64}{1,8192}${B64_LINE_END})|[ \t]{1,16}(?:${B64}{40,8192}(?=\s|$)|${B64}{1,8192}${B64_LINE_END}))`;

// --- Command lines -----------------------------------------------------------------------------------------
/** The argument of a flag: quoted (anything up to the quote), or bare (up to a space or a shell operator), and
 * not another flag. */
const ARG = String.raw`(${QUOTE})((?<=["'])[^"'\r\n\\]{1,256}|(?!-)${valueChar(String.raw`"'\`;|&<>()`)}{1,256})`;
/** A value that is a port or a port mapping ("-p 27017:27017/tcp" of "docker run --name mongo …"), not a password. */
const NOT_PORT = String.raw`(?!["']?(?:\d{1,5}|[\d.:[\]]{0,60}:\d{1,5}(?:\/(?:tcp|udp|sctp))?)(?=[\s"'\`;|&<>()]|$))`;
/** A command, then up to 200 characters of the same line before the flag. */
const command = (names: string) => String.raw`${at(names, CMD_START)}(?![\w-])[^\n]{0,200}?`;
const maskArg = (m: string, head: string, quote: string, value: string) => (value === MASK ? m : `${head}${quote}${MASK}`);

// --- key=value --------------------------------------------------------------------------------------------
// A key names a secret when it holds one of these words anywhere (DB_PASSWORD, x-api-key, AccountKey, …).
const STRONG = String.raw`password|passwd|passphrase|pwd|secret|token|credentials?|apikey|(?:api|access|account|private|secret|signing|encryption|master|client|app|license|shared|auth)[_-]?key|sshpass|rediscli[_-]?auth|conn(?:ection)?[_-]?str(?:ing)?`;
// Short words that are secrets only as a whole part of a key (REDISCLI_AUTH, sig=, db.pass, SLACK_WEBHOOK_URL)
// and not inside another word (oauth, authSource, bypass, signal, SIGTERM).
const WEAK = String.raw`auth|pass|sig|signature|sas|webhook`;
const STRONG_KEY = rx(STRONG, 'i');
const CONN_KEY = /conn(?:ection)?[_-]?str/i;
// Error chains put a message after "key:" ("failed to fetch token: dial tcp …", "bad auth : Authentication
// failed"): these words are not secrets under any key; under a weak key no plain word is.
const MESSAGE_WORD =
  /^(?:dial|read|write|lookup|connect|context|eof|x509|tls|unable|failed|error|cannot|could|invalid|missing|expired|required|command|none|null|nil|undefined|true|false|not|no)$/i;
const PLAIN_WORD = /^(?:[A-Za-z][a-z]{0,19}|[A-Z]{1,12}|\d{1,5})$/;
// A lowercase plural is prose, not a key ("ran out of tokens: retrying", "no secrets: skipping").
const PROSE_KEY = /^[a-z]{2,40}s$/;
const PEM_MARK = /^-{2,5} ?(?:BEGIN|END)$/;
const URL_ORIGIN = /^[a-z][a-z0-9+.-]{1,30}:\/\/[^/?#\s]{1,256}/i;

// A key is a whole run of key characters, not after a slash (a URL path that ends in "/token" is not a key),
// that ends in a key word and at most a short suffix without a dot (DB_PASSWORD_FILE, api_key_id; not the
// file of a stack frame, "(TokenClient.kt:44)"). Only the start of a run is tried: a long dotted run costs once.
// A value does not start with "=" or ">": "token == x", "token := f()" and "auth => …" are code, not pairs.
const PAIR = rx(
  String.raw`(?<![A-Za-z0-9_.\/-])(?=[A-Za-z0-9_.-]{0,100}?(?:${STRONG}|(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))(?:${WEAK})(?![A-Za-z]))[A-Za-z0-9_-]{0,30}(?![A-Za-z0-9_.-]))([A-Za-z0-9_.-]{1,128})(${QUOTE}[ \t]*[=:][ \t]*${QUOTE})(?![=>])(${valueChar('"\'`;&,)}\\]<>')}{1,1024})`,
  'gi',
);

// The words every key of a pair holds (STRONG and WEAK, each cut to a word it always contains), lower-case.
const PAIR_WORDS = ['pass', 'pwd', 'secret', 'token', 'credential', 'key', 'auth', 'sig', 'sas', 'webhook', 'connstr', 'conn_str', 'conn-str', 'connectionstr', 'connection_str', 'connection-str'];

// The pass over a connection string's own pairs (one level deep: its inner connection strings stay as they are).
const PAIR_INNER = rx(PAIR.source, PAIR.flags);

function pair(inner: boolean) {
  return (m: string, key: string, sep: string, value: string): string => {
    // Already masked by an earlier rule (a URL's password, a webhook path, a key block), or a key block's marker.
    if (value.includes(MASK) || /^\*+$/.test(value) || PEM_MARK.test(value)) return m;
    // A connection string is a list of its own pairs (Server=…;Password=…) or a URL: its secrets are masked
    // one by one and its host stays. An opaque one goes whole.
    if (CONN_KEY.test(key)) {
      if (/[=:@/.]/.test(value)) return inner ? m : `${key}${sep}${value.replace(PAIR_INNER, pair(true))}`;
      return `${key}${sep}${MASK}`;
    }
    // A URL keeps its scheme, host and port (they may be the target being diagnosed); its path and query go.
    const origin = URL_ORIGIN.exec(value)?.[0];
    if (origin) return value.length - origin.length <= 1 ? m : `${key}${sep}${origin}/${MASK}`;
    if (HTTP_VERB.test(value) || MESSAGE_WORD.test(value)) return m;
    if ((!STRONG_KEY.test(key) || PROSE_KEY.test(key)) && PLAIN_WORD.test(value)) return m;
    return `${key}${sep}${MASK}`;
  };
}

const RULES: Step[] = [
  // Private key blocks, first: no later rule may cut a block into pieces ("Comment: …" is not a pair).
  { guard: /PRIVATE KEY/, re: rx(String.raw`(${PEM_BEGIN})${PEM_BODY}(${PEM_END})`, 'g'), replace: (_m, begin, end) => `${begin}${MASK}${end}` },
  { guard: /PRIVATE KEY/, re: rx(String.raw`(${PEM_BEGIN})(?:${PEM_SEGMENT}){1,512}`, 'g'), replace: (_m, begin) => `${begin}${MASK}` },
  // scheme://user:password@host → scheme://user:****@host (DSNs, broker URLs, proxies).
  {
    words: ['://'],
    re: /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:/@'"<>|]{0,128}):([^\s@/'"<>|]{1,256})@/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${MASK}@`,
  },
  // Webhook URLs carry their secret in the path: hooks.slack.com/services/T…/B…/<secret> (also workflows,
  // triggers, GovSlack), discord.com/api/webhooks/<id>/<token>. A slash may be JSON-escaped (\/).
  {
    words: ['hooks.slack'],
    re: rx(
      String.raw`(https?:(?:\\{0,3}\/){2}hooks\.slack(?:-gov)?\.com(?:\\{0,3}\/)(?:services|workflows|triggers)(?:\\{0,3}\/))(?:[A-Za-z0-9_-]|\\{0,3}\/){6,512}`,
      'gi',
    ),
    replace: (_m, head) => `${head}${MASK}`,
  },
  {
    words: ['discord'],
    re: rx(
      String.raw`(https?:(?:\\{0,3}\/){2}(?:[a-z]{1,12}\.)?discord(?:app)?\.com(?:\\{0,3}\/)api(?:\\{0,3}\/)webhooks(?:\\{0,3}\/))(?:[A-Za-z0-9_-]|\\{0,3}\/){6,512}`,
      'gi',
    ),
    replace: (_m, head) => `${head}${MASK}`,
  },
  // Command lines. Short flags mean a password only for some commands: psql -p, redis-cli -p, mysql -P,
  // ssh -p and docker run -p are ports and stay.
  // mysql/mariadb: the password glued to -p (-pX, -p'X'); "-p X" asks for one and X is a database name. A port
  // mapping is not a password: "docker run --name mysql -p3306:3306", "--name mongo -p 27017:27017".
  {
    words: ['mysql', 'mariadb'],
    re: rx(String.raw`(${command(String.raw`mysql[a-z]{0,8}|mariadb(?:-[a-z]{1,8})?`)}[ \t]-p)(?![\d.:[\]]{0,60}:\d)${ARG}`, 'g'),
    replace: maskArg,
  },
  // redis-cli -a X; mongo/mongosh -p X; docker/podman/helm … login -p X; sqlcmd/bcp and mosquitto -P X;
  // ldapsearch & co -w X; sshpass -p X (only among sshpass's own options, before the command it runs).
  { words: ['redis-cli'], re: rx(String.raw`(${command('redis-cli')}[ \t]-a[ \t]{1,4})${ARG}`, 'g'), replace: maskArg },
  { words: ['mongo'], re: rx(String.raw`(${command(String.raw`mongo(?:sh|dump|restore|export|import|stat|top)?`)}[ \t]-p(?:[ \t]{1,4}|=))${NOT_PORT}${ARG}`, 'g'), replace: maskArg },
  {
    words: ['login'],
    re: rx(
      String.raw`(${command(String.raw`(?:docker|podman|nerdctl|buildah|skopeo|oras|crane|finch|helm[ \t]{1,4}registry)[ \t]{1,4}login`)}[ \t]-p(?:[ \t]{1,4}|=)?)${NOT_PORT}${ARG}`,
      'g',
    ),
    replace: maskArg,
  },
  { words: ['sqlcmd', 'bcp', 'osql', 'mosquitto_'], re: rx(String.raw`(${command(String.raw`sqlcmd|bcp|osql|mosquitto_(?:pub|sub|rr)`)}[ \t]-P(?:[ \t]{1,4})?)${NOT_PORT}${ARG}`, 'g'), replace: maskArg },
  { words: ['ldap'], re: rx(String.raw`(${command(String.raw`ldap[a-z]{2,12}`)}[ \t]-w[ \t]{1,4})${ARG}`, 'g'), replace: maskArg },
  {
    words: ['sshpass'],
    re: rx(String.raw`(${at('sshpass', CMD_START)}(?:[ \t]{1,4}-[a-oq-zA-Z](?:[ \t]{1,4}[^\s-]\S{0,200})?){0,4}[ \t]{1,4}-p(?:[ \t]{1,4})?)${ARG}`, 'g'),
    replace: maskArg,
  },
  // curl -u user:X, --user user:X, -U/--proxy-user user:X: the user stays, the password goes ("-u user" alone
  // asks for one).
  {
    words: ['curl'],
    re: rx(
      String.raw`(${command('curl')}[ \t](?:-[uU](?:[ \t]{1,4})?|--(?:proxy-)?user(?:[ \t]{1,4}|=))${QUOTE})([^\s:'"\\]{0,128}):(${valueChar(`"'\``)}{1,256})`,
      'g',
    ),
    replace: (m, head, user, value) => (value === MASK ? m : `${head}${user}:${MASK}`),
  },
  // Long flags of any command: --password X, --pass X, --token X, --client-secret=X, --oauth2-bearer X;
  // keytool -storepass X; openssl -passin pass:X.
  {
    // The flag's word comes right after a dash (--password, --db-password, --api-key).
    words: ['-pass', '-token', '-secret', '-apikey', '-api-key', '-accesskey', '-access-key', '-auth', '-bearer'],
    re: rx(
      String.raw`(${at('--', CMD_START)}(?:[a-z0-9]{1,20}-){0,3}(?:password|passwd|passphrase|pass|token|secret|api-?key|access-?key|secret-?key|auth|bearer)(?:[ \t]{1,4}|=))${ARG}`,
      'gi',
    ),
    replace: maskArg,
  },
  { words: ['storepass', 'keypass'], re: rx(String.raw`(${at(String.raw`-(?:src|dest|new)?(?:store|key)pass`, CMD_START)}[ \t]{1,4})${ARG}`, 'g'), replace: maskArg },
  {
    words: ['-pass'],
    re: rx(String.raw`(${at(String.raw`-pass(?:in|out)?`, CMD_START)}[ \t]{1,4}${QUOTE}pass:)(${valueChar(`"'\``)}{1,256})`, 'g'),
    replace: (m, head, value) => (value === MASK ? m : `${head}${MASK}`),
  },
  // Redis: AUTH [user] X typed at a prompt (also Slack-escaped, "&gt;") or a line start, "AUTH" "X" in MONITOR
  // output, and the requirepass / masterauth settings (redis.conf, CONFIG SET, redis-server --requirepass).
  {
    words: ['auth'],
    re: rx(
      String.raw`(${at('AUTH', String.raw`(?:^|[\n>]|\\n|&gt;)[ \t]{0,8}`)}[ \t]{1,4})(?!failed|called|error|required|<)(${valueChar(`"'\``)}{1,256})(?:[ \t]{1,4}(${valueChar(`"'\``)}{1,256}))?`,
      'gm',
    ),
    replace: (m, head, first, second) => (first === MASK ? m : `${head}${MASK}${second ? ` ${MASK}` : ''}`),
  },
  {
    words: ['auth'],
    re: rx(
      String.raw`(${at('AUTH', '"')}(?:\\{1,3}"|")(?:[ \t]{1,4}(?:\\{1,3}"|")(?:[^"\\\s]{1,64})(?:\\{1,3}"|"))?[ \t]{1,4}(?:\\{1,3}"|"))([^"\\\s]{1,256})`,
      'gi',
    ),
    replace: (_m, head) => `${head}${MASK}`,
  },
  { words: ['requirepass', 'masterauth'], re: rx(String.raw`(${at('(?:--)?(?:requirepass|masterauth)', CMD_START)}[ \t]{1,4})${ARG}`, 'gi'), replace: maskArg },
  // Authorization / Proxy-Authorization header values, with or without a scheme word.
  {
    words: ['authorization'],
    re: rx(
      String.raw`(${at('(?:proxy-)?authorization')})(${QUOTE}[ \t]*[:=][ \t]*${QUOTE})(?:(bearer|basic|token|digest|negotiate)[ \t]+)?(${valueChar(`"',;`)}{1,4096})`,
      'gi',
    ),
    replace: (_m, name, sep, scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${MASK}`,
  },
  // Cookie and Set-Cookie headers: every cookie on the line (they are separated by "; ").
  {
    words: ['cookie'],
    re: rx(String.raw`(${at('(?:set-)?cookie')})(${QUOTE}[ \t]*:[ \t]*${QUOTE})((?:[^\r\n"'\\]|\\(?![\\"'nrt])){1,4096})`, 'gi'),
    replace: (_m, name, sep) => `${name}${sep}${MASK}`,
  },
  // A bare "Bearer <token>" anywhere else.
  {
    words: ['bearer'],
    re: rx(String.raw`(${at('bearer')})[ \t]+([A-Za-z0-9\-._~+/]{8,4096}=*)`, 'gi'),
    replace: (_m, word) => `${word} ${MASK}`,
  },
  // key=value / key: value where the key names a secret (password, DB_PASSWORD, api_key, token, AccountKey,
  // sig, REDISCLI_AUTH …). A URL path that ends in such a word ("…/oauth/token": auth.example.com) is not a key.
  { words: PAIR_WORDS, re: PAIR, replace: pair(false) },
  // Slack tokens keep their prefix so a reader knows what kind of token was there.
  { words: ['xox', 'xapp'], re: rx(String.raw`(${at(String.raw`xox[abposre]|xapp|xoxe\.xox[bp]`)})-[A-Za-z0-9-]{6,256}`, 'g'), replace: (_m, prefix) => `${prefix}-${MASK}` },
  // JSON Web Tokens: three base64url parts, the first two JSON objects ("eyJ").
  { words: ['eyj'], re: rx(String.raw`${at('eyJ')}[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{0,4096}`, 'g'), replace: () => `eyJ${MASK}` },
  // An AWS secret access key (40 characters) written next to its access key id, as in the credentials CSV
  // ("AKIA…,wJalr…") or a pasted pair. Alone, 40 such characters may be anything (a git hash), so they stay.
  {
    guard: /AKIA|ASIA/,
    re: rx(String.raw`(${at('AKIA|ASIA')}[A-Z0-9]{16})((?:[\s,:;|"'=\\]|(?<=\\)[nrt]){1,12})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])`, 'g'),
    replace: (_m, id, sep) => `${id}${sep}${MASK}`,
  },
  // AWS access key ids.
  { words: ['akia', 'asia', 'agpa', 'aida', 'aroa'], re: rx(String.raw`(${at('AKIA|ASIA|AGPA|AIDA|AROA')})[A-Z0-9]{16}\b`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  // GitHub tokens (classic and fine-grained).
  { words: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], re: rx(String.raw`(${at('gh[pousr]_')})[A-Za-z0-9]{20,255}\b`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  { words: ['github_pat_'], re: rx(String.raw`(${at('github_pat_')})[A-Za-z0-9_]{20,255}`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  // Stripe secret and restricted keys, live or test, and webhook signing secrets (pk_ keys are public).
  { words: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_'], re: rx(String.raw`(${at('(?:sk|rk)_(?:live|test)_|whsec_')})[A-Za-z0-9]{10,247}`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  // Twilio API key SIDs (SK + 32 hex). An account SID (AC + 32 hex) names an account and stays; the auth
  // token that goes with it is caught by its key word (TWILIO_AUTH_TOKEN=, curl -u AC…:token).
  { words: ['sk'], re: rx(String.raw`${at('SK')}[0-9a-fA-F]{32}(?![A-Za-z0-9])`, 'g'), replace: () => `SK${MASK}` },
  // SendGrid API keys: SG.<id>.<secret>.
  { words: ['sg.'], re: rx(String.raw`${at(String.raw`SG\.`)}[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}`, 'g'), replace: () => `SG.${MASK}` },
  // npm access tokens.
  { words: ['npm_'], re: rx(String.raw`${at('npm_')}[A-Za-z0-9]{30,64}(?![A-Za-z0-9])`, 'g'), replace: () => `npm_${MASK}` },
  // Google: API keys (AIza + 35), OAuth client secrets (GOCSPX-), OAuth access tokens (ya29.).
  { words: ['aiza'], re: rx(String.raw`${at('AIza')}[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`, 'g'), replace: () => `AIza${MASK}` },
  { words: ['gocspx-'], re: rx(String.raw`${at('GOCSPX-')}[A-Za-z0-9_-]{20,64}`, 'g'), replace: () => `GOCSPX-${MASK}` },
  { words: ['ya29.'], re: rx(String.raw`${at(String.raw`ya29\.`)}[A-Za-z0-9_-]{20,2048}`, 'g'), replace: () => `ya29.${MASK}` },
];

// Each rule says where it can match (steps.ts): a line rule, the words its line holds; a rule that can cross
// lines (a key block, an AWS key id with its secret on the next line), a guard. They run in this order, each
// seeing what the ones before it masked.
const REDACT = new Steps(RULES);

/** The rules, for parse() to run after its own normalising steps in the same pass. */
export const REDACT_STEPS: readonly Step[] = RULES;

/** The text with every secret we recognise replaced by ****. Pure; linear in the input. */
export function redact(text: string): string {
  return REDACT.run(text);
}
