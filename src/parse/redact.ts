// Masks secrets in pasted text. parse() runs this over the whole paste before it reads anything,
// so every field of Facts is cut from redacted text and a password cannot leak into matched/notes/host.
// Every pattern is bounded (no nested or unbounded quantifiers): a hostile 1 MB paste stays linear.

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

interface Rule {
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const RULES: Rule[] = [
  // scheme://user:password@host → scheme://user:****@host (DSNs, broker URLs, proxies).
  {
    re: /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:/@'"<>|]{0,128}):([^\s@/'"<>|]{1,256})@/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${MASK}@`,
  },
  // Authorization / Proxy-Authorization header values, with or without a scheme word.
  {
    re: rx(String.raw`${START}((?:proxy-)?authorization)(${QUOTE}[ \t]*[:=][ \t]*${QUOTE})(?:(bearer|basic|token|digest|negotiate)[ \t]+)?(${valueChar(`"',;`)}{1,4096})`, 'gi'),
    replace: (_m, name, sep, scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${MASK}`,
  },
  // A bare "Bearer <token>" anywhere else.
  {
    re: rx(String.raw`${START}(bearer)[ \t]+([A-Za-z0-9\-._~+/]{8,4096}=*)`, 'gi'),
    replace: (_m, word) => `${word} ${MASK}`,
  },
  // key=value / key: value where the key names a secret (password, DB_PASSWORD, api_key, token, secret …).
  // A URL path that ends in such a word ("…/oauth/token": auth.example.com) is not a key.
  {
    re: rx(String.raw`(?<!\/)\b([A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_-]{0,20})(${QUOTE}[ \t]*[=:][ \t]*${QUOTE})(${valueChar("\"'`;&,)}\\]<>")}{1,1024})`, 'gi'),
    // Go's "failed to fetch anonymous token: Get \"https://…\"" is a message, not a secret: an HTTP verb stays.
    replace: (m, key, sep, value) => (value === MASK || /^\*+$/.test(value) || HTTP_VERB.test(value) ? m : `${key}${sep}${MASK}`),
  },
  // Slack tokens keep their prefix so a reader knows what kind of token was there.
  { re: rx(String.raw`${START}(xox[abposre]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{6,256}`, 'g'), replace: (_m, prefix) => `${prefix}-${MASK}` },
  // JSON Web Tokens: three base64url parts, the first two JSON objects ("eyJ").
  { re: rx(String.raw`${START}eyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{0,4096}`, 'g'), replace: () => `eyJ${MASK}` },
  // AWS access key ids.
  { re: rx(String.raw`${START}(AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  // GitHub tokens (classic and fine-grained).
  { re: rx(String.raw`${START}(gh[pousr]_)[A-Za-z0-9]{20,255}\b`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  { re: rx(String.raw`${START}(github_pat_)[A-Za-z0-9_]{20,255}`, 'g'), replace: (_m, prefix) => `${prefix}${MASK}` },
  // mysql -psecret (the password glued to -p on a mysql/mysqladmin command line).
  {
    re: rx(String.raw`${START}(mysql(?:admin|dump)?\b[^\n]{0,200}?[ \t]-p)([^\s-][^\s]{0,255})`, 'g'),
    replace: (_m, head) => `${head}${MASK}`,
  },
];

/** The text with every secret we recognise replaced by ****. Pure; linear in the input. */
export function redact(text: string): string {
  let out = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    out = out.replace(rule.re, rule.replace as (substring: string, ...args: unknown[]) => string);
  }
  return out;
}
