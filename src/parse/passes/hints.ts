// Tags for the rules: what the text around the error says about it beyond its kind and endpoint (a TLS
// certificate problem, a kubectl without a kubeconfig, a client inside a container, an empty host setting …).
// The order of the checks is the order the tags appear in.
import { looksInContainer } from '../context.js';
import type { Pass } from '../draft.js';
import { skippable } from '../needs.js';

export const addHints: Pass = (d, ctx) => {
  const near = ctx.nearText;
  const hints = d.hints;
  const add = (tag: string) => { if (!hints.includes(tag)) hints.push(tag); };
  if (d.service === 'grpc') add('grpc');
  if (near.test(ADMIN_PROHIBITED)) add('admin-prohibited');
  if (d.kind === 'tls' && near.test(TLS_CERT)) add('tls-cert');
  // A TLS client met plain bytes (or a plain client met TLS): the classic http:// vs https:// mix-up.
  if (d.kind === 'tls' && near.test(TLS_PLAIN)) add('tls-plain');
  // Both sides spoke TLS and one of them sent an alert: no common version or cipher, SNI, or a client certificate.
  if (d.kind === 'tls' && !hints.includes('tls-cert') && !hints.includes('tls-plain') && near.test(TLS_ALERT)) add('tls-alert');
  // The connection was made; the timeout came while waiting for the answer (a slow or stuck server, not a drop).
  if (d.kind === 'timeout' && near.test(AWAITING_RESPONSE)) add('awaiting-response');
  if ((d.client === 'kubectl' || d.client === 'helm') && d.host === 'localhost' && d.port === 8080) add('kubectl-default');
  if (near.test(AGGREGATE) || (d.runtime === 'node' && d.addresses.length > 1)) add('aggregate');
  if (!hints.includes('in-container') && looksInContainer(ctx.clean, d.host)) hints.push('in-container');
  // The proxy itself failed, though its address is not in the text (requests, urllib3 SOCKS pools).
  if (near.test(PROXY_FAILED) && !hints.includes('proxy')) {
    hints.push('proxy');
    // The pool names where the request was going, not the proxy: keep it as the destination.
    if (!d.proxy && !d.destination && d.host) d.destination = { host: d.host, port: d.port };
  }
  // The client had no host at all: its setting was empty and the library printed nil / None / undefined.
  if (!d.host && near.test(HOST_UNSET)) hints.push('host-unset');
  // The reporter's network lets only a proxy out, or the text talks about the client's proxy settings (proxy-required);
  // or, weaker, the client sits on an office network, or things work at home or in the browser.
  if (near.test(PROXY_CONTEXT)) add('proxy-context');
  if (near.test(OFFICE_NETWORK)) add('office-network');
  // What failed was a public package or code host (a registry, GitHub …), which is up for everyone else.
  if (namesPublicRegistry(d.host, d.destination?.host ?? null, ctx.matched)) add('public-registry');
  // Many connections in a short time: a load test, a loop, a benchmark (ephemeral-ports-exhausted).
  if (near.test(UNDER_LOAD)) add('under-load');
  // SELinux is named: the local policy that most often forbids a daemon's connect() (permission-denied).
  if (near.test(SELINUX)) add('selinux');
  // macOS keeps apps off the local network until allowed; the same address works from Terminal or a browser.
  if (d.kind === 'unreachable' && d.host !== null && LAN_ADDRESS.test(d.host) && near.test(MACOS) && near.test(OTHER_APP_WORKS)) add('local-network-privacy');
};

// Words that say where a proxy comes in: the network lets only a proxy out (behind a corporate proxy, a PAC file,
// only through the proxy), or the client's proxy settings (HTTPS_PROXY, git's http.proxy, npm's https-proxy, the
// JVM's proxyHost, "I don't use a proxy"). A reverse proxy (nginx's proxy_pass) is not this.
const PROXY_CONTEXT = skippable(new RegExp([
  String.raw`\bbehind (?:a |an |the |our |my |some )?(?:corporate |company |corp |office |work |enterprise |university |school |firewall and )?(?:web |http |https )?proxy\b`,
  String.raw`\bproxy\.pac\b|\.pac\b[^\n]{0,40}\bproxy|\bproxy\b[^\n]{0,40}\.pac\b|\bPAC (?:file|script|url)\b|\bproxy auto-?config|\b(?:corporate|company|office) proxy\b`,
  String.raw`\b(?:HTTPS?|ALL|NO)_PROXY\b|\b(?:https?|no|all)_proxy\b|\bhttps?[.-]proxy\b|\bproxy(?:Host|Port)\b|\bconfig (?:set|get|delete) [^\n]{0,20}proxy\b`,
  String.raw`\b(?:do(?:n't| not)|never) use (?:a |any )?proxy\b|\bno proxy (?:is )?(?:configured|set)\b|\b(?:network|machine) has no proxy\b`,
  String.raw`\bonly (?:gets? |goes? |reach(?:es)? )?(?:out |the internet )?through (?:a |the |our )proxy\b`,
  String.raw`\b(?:not|n't) (?:reachable|accessible|reach(?:ed)?) directly\b|\bdirect (?:access|connections?) (?:is |are )?(?:blocked|not allowed)\b`,
].join('|'), 'i'));

// A network where proxies are the rule (an office, a company, a campus), or the same client working elsewhere (at
// home, in the browser, which uses the system's proxy). Weaker than PROXY_CONTEXT: a firewall or VPN fits it too.
const OFFICE_NETWORK = skippable(new RegExp([
  String.raw`\b(?:corporate|company|office|work|enterprise|campus|university) (?:network|firewall|wi-?fi|lan|internet)\b`,
  String.raw`\b(?:in|at|from) the office\b|\bon (?:my|our|the|a) (?:work|office|company|corporate) (?:laptop|pc|machine|computer|network)\b`,
  String.raw`\bworks? (?:fine |ok |well )?(?:at|from) home\b|\binternet works\b|\bworks (?:fine )?in the browser\b`,
].join('|'), 'i'));

// Public package registries and code hosts: up for the rest of the world, so a client that cannot reach one is
// usually on a network that wants a proxy. A name or any name under it.
const PUBLIC_REGISTRIES = [
  'registry.npmjs.org', 'registry.yarnpkg.com', 'npmjs.com', 'github.com', 'githubusercontent.com', 'gitlab.com', 'bitbucket.org',
  'pypi.org', 'pypi.python.org', 'files.pythonhosted.org', 'repo.maven.apache.org', 'repo1.maven.org', 'plugins.gradle.org',
  'services.gradle.org', 'maven.google.com', 'dl.google.com', 'proxy.golang.org', 'sum.golang.org', 'rubygems.org', 'crates.io',
  'static.rust-lang.org', 'registry-1.docker.io', 'auth.docker.io', 'ghcr.io', 'quay.io', 'nuget.org', 'packagist.org',
  'conda.anaconda.org', 'repo.anaconda.com', 'deb.debian.org', 'archive.ubuntu.com', 'dl-cdn.alpinelinux.org',
];

function isPublicRegistry(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return PUBLIC_REGISTRIES.some((r) => h === r || h.endsWith(`.${r}`));
}

/** The host, the destination behind a proxy, or a URL on the error's own line is a public registry. */
function namesPublicRegistry(host: string | null, destination: string | null, matched: string): boolean {
  if ((host && isPublicRegistry(host)) || (destination && isPublicRegistry(destination))) return true;
  for (const m of matched.matchAll(/\b[a-z][a-z0-9+.-]{1,20}:\/\/([A-Za-z0-9.-]{1,253})/g)) if (isPublicRegistry(m[1]!)) return true;
  return false;
}

// Many connections opened and closed in a short time: a load test or benchmark, a loop that opens a new client or
// connection each time, counts of requests or sockets, TIME_WAIT and the local port range.
const UNDER_LOAD = skippable(new RegExp([
  String.raw`\bunder (?:heavy |high |some )?load\b|\bload[- ]?test(?:s|ed|ing)?\b|\bbenchmark(?:s|ed|ing)?\b|\bstress[- ]?test`,
  String.raw`\b(?:k6|wrk|jmeter|locust|vegeta|gatling|artillery|siege)\b|\bab -n\b|\b\d{1,7} VUs\b|\bnoConnectionReuse\b`,
  String.raw`\b~?[\d,.]{1,9}k? ?(?:rps|qps|req\/s|requests? (?:per|a) second)\b|\b(?:thousands|tens of thousands|hundreds of thousands) of\b`,
  String.raw`\bafter (?:about |roughly |around |some |~)?[\d,.]{2,9}k? (?:requests|calls|connections|docs|documents|items|iterations|rows|records|messages)\b`,
  String.raw`\b~?[\d,.]{1,9}k (?:requests|calls|connections|docs|documents|items|rows|records|messages)\b|\b\d{1,3}(?:,?\d{3})+ (?:requests|connections|sockets)\b`,
  String.raw`\bTIME[_-]WAIT\b|\btw_reuse\b|\bip_local_port_range\b|\bephemeral ports?\b|\bkeep-?alive (?:off|disabled)|\bwithout keep-?alive`,
  String.raw`\b(?:new|fresh|separate) (?:[\w.-]{1,30} )?(?:http )?(?:client|connection|session|agent)s? (?:per|for each|for every|on each|on every|each|every)\b`,
  String.raw`\beach (?:call|request|time|item|iteration)\b[^\n]{0,40}\b(?:new|fresh)\b|\bone [\w.]{1,30} per (?:request|call|doc|document|item|record|row)\b`,
  String.raw`\bbulk[- ]?(?:load|loading|index|indexing|insert|add|adding|import)|\bin a (?:tight )?loop\b|\bloops? over\b`,
].join('|'), 'i'));

const SELINUX = skippable(/\bSELinux\b|\bsetsebool\b|\bgetsebool\b|\bhttpd_can_(?:network_connect|sendmail)|\bavc: {1,2}denied\b|\bsestatus\b/i);

// A private, link-local or .local address: the local network that macOS guards per app.
const LAN_ADDRESS = /^(?:10\.\d{1,3}\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|169\.254\.\d{1,3}\.\d{1,3}|[A-Za-z0-9-]{1,63}\.local|f[cd][0-9a-f]{2}:[0-9a-f:]{1,40}|fe80:[0-9a-f:%\w]{1,50})$/i;
const MACOS = skippable(/\bmacOS\b|\bOS ?X\b|\bmy Mac\b|\bthe Mac\b|\bMac ?Book|\bSequoia\b|\bSonoma\b|\bDarwin\b/i);
// The same place answers from another program (Terminal, a browser, ping, curl), or macOS's own words for the setting.
const OTHER_APP_WORKS = skippable(/\b(?:Terminal(?:\.app)?|Safari|Chrome|Firefox|the browser|ping|curl)\b[^\n]{0,60}\b(?:works?|worked|fine|answers|connects)\b|\b(?:works?|fine)\b[^\n]{0,40}\b(?:in|from) (?:Terminal|Safari|Chrome|the browser)\b|\bLocal Network\b|\bSequoia\b|\bmacOS 15\b/i);

const AGGREGATE = skippable(/AggregateError/);
const ADMIN_PROHIBITED = skippable(/administratively prohibited|\badmin(?:istratively)?[ -]prohibited\b/i);

// Certificate verification failures (as opposed to a handshake that never happened).
const TLS_CERT = skippable(/x509: |does not match certificate's altnames|certificate signed by unknown authority|self[- ]signed certificate|CERT_HAS_EXPIRED|certificate has expired|certificate verify failed|CERTIFICATE_VERIFY_FAILED|unable to (?:get local issuer certificate|verify the first certificate)|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID|[Hh]ostname mismatch|doesn't match (?:any of the subject alternative names|certificate)|PKIX path building failed|ERR_CERT_[A-Z_]{2,40}|certificate is not valid for/);
const TLS_PLAIN = skippable(/wrong version number|WRONG_VERSION_NUMBER|first record does not look like a TLS handshake|packet length too long|http request to an https server|plain HTTP request was sent to HTTPS port|unknown protocol|record layer failure/i);
const TLS_ALERT = skippable(/alert handshake failure|handshake_failure|alert protocol version|PROTOCOL_VERSION|no protocols available|unsupported protocol|no shared cipher|NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|TLSV1_ALERT_[A-Z_]{2,40}|tls: handshake failure|tls: protocol version not supported|certificate required|alert bad certificate/);
const AWAITING_RESPONSE = skippable(/awaiting (?:response )?headers|Read timed out|ReadTimeout(?:Error)?\b|read timeout|UND_ERR_(?:HEADERS|BODY)_TIMEOUT|HeadersTimeoutError|ESOCKETTIMEDOUT|timeout awaiting response|SocketTimeoutException: Read timed out|net\/http: timeout awaiting response headers/i);
const PROXY_FAILED = skippable(/Cannot connect to proxy|Unable to connect to proxy|\bSOCKS(?:HTTPS?)?ConnectionPool\b/);
const HOST_UNSET = skippable(/\bfor nil port \d|\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED) (?:undefined|null)\b|\bconnecting to (?:None|nil|null|undefined):\d|\bhost[=:] ?['"]?(?:None|nil|null|undefined)['"]?[,;)\s]/);
