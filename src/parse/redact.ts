// Masks secrets in pasted text. parse() runs this over the whole paste before it reads anything,
// so every field of Facts is cut from redacted text and a password cannot leak into matched/notes/host.
// Every pattern is bounded (no nested or unbounded quantifiers): a hostile 1 MB paste stays linear.

const MASK = '****';
const HTTP_VERB = /^(?:Get|Post|Put|Delete|Patch|Head|GET|POST|PUT|DELETE|PATCH|HEAD)$/;

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
    re: /\b((?:proxy-)?authorization)(["']?[ \t]*[:=][ \t]*["']?)(?:(bearer|basic|token|digest|negotiate)[ \t]+)?([^\s"',;]{1,4096})/gi,
    replace: (_m, name, sep, scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${MASK}`,
  },
  // A bare "Bearer <token>" anywhere else.
  {
    re: /\b(bearer)[ \t]+([A-Za-z0-9\-._~+/]{8,4096}=*)/gi,
    replace: (_m, word) => `${word} ${MASK}`,
  },
  // key=value / key: value where the key names a secret (password, DB_PASSWORD, api_key, token, secret …).
  {
    re: /\b([A-Za-z0-9_.-]{0,40}?(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_-]{0,20})(["']?[ \t]*[=:][ \t]*["']?)([^\s"'`;&,)}\]<>]{1,1024})/gi,
    // Go's "failed to fetch anonymous token: Get \"https://…\"" is a message, not a secret: an HTTP verb stays.
    replace: (m, key, sep, value) => (value === MASK || /^\*+$/.test(value) || HTTP_VERB.test(value) ? m : `${key}${sep}${MASK}`),
  },
  // Slack tokens keep their prefix so a reader knows what kind of token was there.
  { re: /\b(xox[abposre]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{6,256}/g, replace: (_m, prefix) => `${prefix}-${MASK}` },
  // JSON Web Tokens: three base64url parts, the first two JSON objects ("eyJ").
  { re: /\beyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{0,4096}/g, replace: () => `eyJ${MASK}` },
  // AWS access key ids.
  { re: /\b(AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g, replace: (_m, prefix) => `${prefix}${MASK}` },
  // GitHub tokens (classic and fine-grained).
  { re: /\b(gh[pousr]_)[A-Za-z0-9]{20,255}\b/g, replace: (_m, prefix) => `${prefix}${MASK}` },
  { re: /\b(github_pat_)[A-Za-z0-9_]{20,255}/g, replace: (_m, prefix) => `${prefix}${MASK}` },
  // mysql -psecret (the password glued to -p on a mysql/mysqladmin command line).
  {
    re: /\b(mysql(?:admin|dump)?\b[^\n]{0,200}?[ \t]-p)([^\s-][^\s]{0,255})/g,
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
