// The refusal came from the proxy the client was told to use, not from the destination.
import { hostPort } from '../domain/describe.js';
import { anyOs, perOs, serviceStatus, testPort } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const proxyRefused: Rule = {
  id: 'proxy-refused',
  title: 'The proxy ({proxyLabel}) {proxyFailure}',
  explanation:
    'The client did not connect to the server you meant: it went through an HTTP(S) proxy, and it was the proxy that ' +
    'could not be reached. Clients pick a proxy up from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY (upper or lower case; curl reads http_proxy in lower case only), from their ' +
    'own config (pip, npm, git, the JVM) or from the system settings. Either the proxy is down or moved, the variable ' +
    'is stale (a VPN or office proxy you no longer sit behind), or the destination should bypass the proxy and ' +
    'NO_PROXY does not list it.',
  steps: [
    {
      text: 'See which proxy settings the failing program inherits:',
      commands: perOs({
        linux: 'env | grep -i _proxy',
        macos: 'env | grep -i _proxy; scutil --proxy',
        windows: "Get-ChildItem Env: | Where-Object Name -like '*proxy*'; netsh winhttp show proxy",
      }),
    },
    {
      text: 'Try the destination directly, without the proxy (these tools ignore the proxy variables); if it answers, add it to NO_PROXY (or unset the stale variable):',
      commands: testPort('{destinationHost}', '{destinationPort}'),
    },
    {
      text: 'Check the proxy itself (and, if it is a squid you run, its service):',
      commands: [...testPort('{proxyHost}', '{proxyPort}'), serviceStatus('squid', { sudo: true })],
    },
    {
      text: "Tools keep their own proxy settings too; look there when the environment is clean:",
      commands: [anyOs('git config --get-regexp proxy'), anyOs('npm config get proxy; npm config get https-proxy'), anyOs('pip config list')],
    },
  ],
  docs: 'https://curl.se/docs/manpage.html#ENVIRONMENT',
  when({ facts, view }) {
    if (!facts.proxy && !hasHint(facts, 'proxy')) return null;
    const dest = facts.destination;
    // facts.host is the proxy for a proxy error, unless the parser could only name the destination.
    const hostIsDest = dest !== null && dest.host === facts.host && dest.port === facts.port;
    const proxy = facts.proxy ?? (facts.host && !hostIsDest ? { host: facts.host, port: facts.port } : null);
    const evidence = [`the error names a proxy${proxy ? ` (${hostPort(proxy.host, proxy.port)})` : ''} as the endpoint that failed`];
    // Probe results speak about the proxy only when the probed target is the proxy; a paste that names only
    // the destination (requests' ProxyError) got the destination probed, which says nothing about the proxy.
    const proxyProbed = view.target?.role === 'proxy' || (proxy !== null && view.target?.host === proxy.host && view.target.port === proxy.port);
    const failing = proxyProbed ? view.addresses.filter((a) => a.first !== 'open') : [];
    evidence.push(...failing.map((a) => a.line));
    // A proxy that answers fine from here moves the doubt to the reporter's network or to stale settings.
    // A proxy that answered with 502/503/504 is up; its way to the destination failed (upstream-refused).
    const answered = hasHint(facts, 'http-502', 'http-503', 'http-504');
    // A TLS error from the proxy: it answered (in plain HTTP where https:// was configured); tls-mismatch tells that.
    const confidence = answered || facts.kind === 'tls' ? 0.5 : proxyProbed && view.allOpen ? 0.6 : failing.length > 0 ? 0.95 : 0.93;
    // Without an address in the paste, readable blanks; the proxy's comes from HTTPS_PROXY / HTTP_PROXY.
    const vars: Record<string, string> = {
      // The cause keeps its id for every way of failing to reach the proxy; the title says which one it was.
      proxyFailure: facts.kind === 'timeout' ? 'did not answer (the connection timed out)' : facts.kind === 'dns' ? 'could not be resolved' : facts.kind === 'unreachable' ? 'cannot be reached' : 'refused the connection',
      proxyLabel: proxy ? hostPort(proxy.host, proxy.port) : 'the one in HTTP(S)_PROXY',
      destinationHost: dest ? dest.host : '<destination host>',
      destinationPort: dest?.port != null ? String(dest.port) : '<destination port>',
      proxyHost: proxy ? proxy.host : '<proxy host from HTTPS_PROXY>',
      proxyPort: proxy?.port != null ? String(proxy.port) : '<proxy port>',
    };
    return { confidence, evidence, vars };
  },
};
