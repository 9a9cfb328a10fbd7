// The network only lets a proxy out (an office, a CI runner, a locked-down server), and the client went direct, or
// through a proxy setting left from another network. The browser works (it uses the system proxy or a PAC file);
// git, npm, pip, a JVM or a container build do not, because each reads its proxy from somewhere else.
//
// A paste rarely says "proxy required"; what it shows is a public registry (registry.npmjs.org, github.com, pypi.org
// …) that times out, is refused or does not even resolve, and words around it: behind a corporate proxy, a PAC file,
// works at home but not in the office, HTTPS_PROXY is set. A public host alone, without such words, is only a hint.
import { hostPort } from '../domain/describe.js';
import type { Facts } from '../domain/types.js';
import { anyOs, clearToolProxy, linux, macos, perOs, proxySettings, setProxyEnv, setToolProxy, toolProxySettings, windows } from './commands.js';
import type { Rule } from './types.js';
import { hasHint, isLoopbackHost } from './view.js';

/** Ports proxies usually listen on: a failed connection to one of them, with proxy words around it, is a proxy setting. */
const PROXY_PORTS = new Set([3128, 3129, 8080, 8118, 8888, 9090]);

const FAILED = new Set(['refused', 'timeout', 'unreachable', 'dns', 'reset']);

/** A private address or a one-label name: an internal server, which no outside proxy stands in front of. */
function internal(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(h)) return true;
  if (/^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|169\.254\.)/.test(h) || /^f[cd][0-9a-f]{2}:/.test(h)) return true;
  return !h.includes('.') && !h.includes(':');
}

/** The client carried a proxy setting that failed: the proxy the error names, or a proxy port on the far end. */
function staleProxy(facts: Facts): string | null {
  if (facts.proxy) return hostPort(facts.proxy.host, facts.proxy.port);
  if (facts.host && facts.port !== null && PROXY_PORTS.has(facts.port) && hasHint(facts, 'proxy-context')) return hostPort(facts.host, facts.port);
  return null;
}

export const proxyRequired: Rule = {
  id: 'proxy-required',
  title: '{proxyStory}',
  explanation:
    'On many office, campus and CI networks the only way out to the internet is an HTTP proxy: direct connections to ' +
    'outside hosts are dropped (a timeout), rejected (refused), or never even resolve, because outside names are looked ' +
    'up by the proxy. A browser works there because it uses the system proxy or a PAC file; command-line tools each ' +
    'read their own setting: curl, pip and Go the HTTPS_PROXY / HTTP_PROXY / NO_PROXY variables, git its http.proxy, ' +
    'npm and yarn their proxy / https-proxy config, a JVM (Maven, Gradle) the -Dhttps.proxyHost properties, and a ' +
    'container build none of the host\'s unless passed in. The reverse happens too: a proxy setting from another network ' +
    '(an office proxy on a laptop at home, a proxyHost committed to a project) sends the client to a proxy that is not ' +
    'there.',
  steps: [
    {
      text: 'Find the proxy this network wants (ask its admins, or read the system\'s own setting, which a working browser uses; AutoConfigURL is a PAC file that names it):',
      commands: perOs({
        linux: 'gsettings get org.gnome.system.proxy mode; gsettings get org.gnome.system.proxy.https host; cat /etc/environment',
        macos: 'scutil --proxy',
        windows: "netsh winhttp show proxy; Get-ItemProperty 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' | Select-Object ProxyServer, AutoConfigURL",
      }),
    },
    {
      text: 'See what the failing program inherits, and what git, npm, pip, Maven and Gradle keep of their own:',
      commands: [...proxySettings(), ...toolProxySettings()],
    },
    {
      text: 'Send the client through the proxy, with NO_PROXY for the names that must stay direct:',
      unless: 'stale',
      commands: setProxyEnv(),
    },
    {
      text: 'Tools that do not read those variables need the proxy in their own setting (Gradle: systemProp.https.proxyHost and systemProp.https.proxyPort in gradle.properties):',
      unless: 'stale',
      commands: setToolProxy(),
    },
    {
      text: 'A container build does not get the host\'s proxy variables; pass them in:',
      requires: 'container',
      commands: [anyOs('docker build --build-arg HTTPS_PROXY={proxyUrl} --build-arg HTTP_PROXY={proxyUrl} --build-arg NO_PROXY={noProxy} .')],
    },
    {
      text: 'The client uses a proxy ({staleProxy}) that this network does not have: take the setting out where it was made (the shell profile, ~/.gitconfig, ~/.npmrc, ~/.yarnrc, gradle.properties), or point it at the right proxy:',
      requires: 'stale',
      commands: clearToolProxy(),
    },
    {
      text: 'Check that the proxy is the way out: the first line should answer through it, the second (direct) should fail the way the client did:',
      commands: [
        linux("curl -sSI --proxy {proxyUrl} https://{destHost}/; curl -sSI --noproxy '*' --connect-timeout 5 https://{destHost}/"),
        macos("curl -sSI --proxy {proxyUrl} https://{destHost}/; curl -sSI --noproxy '*' --connect-timeout 5 https://{destHost}/"),
        windows("curl.exe -sSI --proxy {proxyUrl} https://{destHost}/; curl.exe -sSI --noproxy '*' --connect-timeout 5 https://{destHost}/"),
      ],
    },
  ],
  docs: 'https://git-scm.com/docs/git-config#Documentation/git-config.txt-httpproxy',
  when({ facts, view, surface }) {
    if (!FAILED.has(facts.kind)) return null;
    const registry = hasHint(facts, 'public-registry');
    // Office words alone fit a firewall or a VPN as well; they count for web traffic (what a proxy carries) or a registry.
    const web = facts.service === null || facts.service === 'http' || facts.scheme === 'http' || facts.scheme === 'https';
    const words = hasHint(facts, 'proxy-context') || (hasHint(facts, 'office-network') && (registry || web));
    const stale = staleProxy(facts);
    const dest = facts.destination?.host ?? (stale ? null : facts.host);
    // An internal server is nobody's proxy question (unless a proxy setting is what failed).
    if (!stale && dest !== null && internal(dest) && !registry) return null;
    const target = facts.destination ? hostPort(facts.destination.host, facts.destination.port) : facts.host && !stale ? hostPort(facts.host, facts.port) : 'the server';
    const vars: Record<string, string> = {
      proxyUrl: 'http://<proxy-host>:<proxy-port>',
      proxyHost: '<proxy-host>',
      proxyPort: '<proxy-port>',
      noProxy: 'localhost,127.0.0.1,<internal-domains>',
      destHost: dest ?? '<destination-host>',
      proxyStory: `The client connects to ${target} directly; this network may let traffic out only through a proxy`,
    };
    if (hasHint(facts, 'in-container') || facts.client === 'docker') vars.container = '1';
    const evidence: string[] = [];
    if (words) evidence.push(hasHint(facts, 'proxy-context') ? 'the text says how this network reaches the internet (a proxy, a PAC file) or names proxy settings' : 'the text says the client is on an office network, or that it works from elsewhere (at home, in the browser)');
    if (registry) evidence.push(`${dest ?? 'the host'} is a public registry that answers everyone else: a direct connection to it that fails points at the network in between`);

    if (stale) {
      // proxy-refused tells the proxy's side; this adds the reason the setting is there at all.
      if (!words) return null;
      vars.stale = '1';
      vars.staleProxy = stale;
      vars.proxyStory = `The client goes through ${stale}, a proxy setting this network may not have (left from another network or project)`;
      return { confidence: 0.85, evidence: [`the client went through ${stale}, and the text talks about which proxy (if any) this network has`, ...evidence], vars };
    }
    if (!words && !registry) return null;
    if (view.probed) {
      const blocked = view.addresses.filter((a) => a.first === 'timeout' || a.first === 'unreachable' || a.first === 'refused');
      if (view.anyOpen) {
        // It answers directly from here: on the reporter's own machine that argues against a proxy-only network; from
        // the bot's network it says nothing about the reporter's (above reachable-from-here, which says as much).
        return words ? { confidence: surface === 'cli' ? 0.4 : 0.88, evidence: [...evidence, ...view.open.map((a) => `${a.line} (direct, from where this runs)`)], vars } : null;
      }
      if (blocked.length > 0) {
        const lines = blocked.map((a) => `${a.line}: the direct way out fails here too`);
        return { confidence: words ? 0.95 : 0.5, evidence: [...evidence, ...lines], vars };
      }
    }
    if (words) return { confidence: registry ? 0.9 : 0.85, evidence, vars };
    return { confidence: facts.kind === 'unreachable' ? 0.35 : 0.45, evidence, vars };
  },
};
