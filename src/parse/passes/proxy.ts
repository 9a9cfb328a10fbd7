// A proxy in the way: the endpoint that refused is the proxy, and the real destination goes beside it. The
// proxy is known from a row (curl's "from proxy after CONNECT", a requests ProxyError), from configuration near
// the error (HTTPS_PROXY=…, curl -x), from a name that says so (squid, proxy.corp), or from curl asking for one
// endpoint and failing on another.
import { escapeRegExp } from '../chars.js';
import { proxyDestination, proxyFromText } from '../context.js';
import type { Pass } from '../draft.js';
import { isIp, isLoopback, showEndpoint } from '../endpoint.js';

const PROXY_NAME = /(?:^|[.-])(?:proxy|squid)(?:[.-]|$)/i;
const TUNNEL = /tunneling socket could not be established/i;

export const proxy: Pass = (d, ctx) => {
  const { near, nearText, root } = ctx;
  const configured = proxyFromText(nearText);
  // The endpoint that failed is itself the proxy: it is the one configured, or its name says so.
  let endpointIsProxy = false;
  // A name with "proxy" in it that is the host of the URL being fetched (proxy.golang.org for Go modules, a
  // reverse proxy one browses to) is the destination, not a forward proxy.
  const fetched = d.host !== null && nearText.test(new RegExp(`\\b[a-z]{2,10}://${escapeRegExp(d.host)}(?::\\d{1,5})?/`, 'i'));
  // Node's "tunneling socket could not be established, cause=connect ECONNREFUSED 10.0.0.3:3128": the address is the proxy's.
  const tunnel = TUNNEL.test(ctx.matched);
  if (!d.hints.includes('proxy') && d.host && (
    (configured && configured.host === d.host && (configured.port === d.port || configured.port === null)) ||
    tunnel || (PROXY_NAME.test(d.host) && !fetched))) {
    d.hints.push('proxy');
    endpointIsProxy = true;
  }
  // curl asked for one host and port but failed on another: the other is the proxy it went through.
  // Only when the failing line is curl's own: a gateway's log line under a curl command (traefik's "502 … caused by:
  // dial tcp …") names the upstream the gateway dialled, not a proxy curl went through.
  if (!d.hints.includes('proxy') && (d.client === 'curl' || d.client === 'git') && root.signature?.startsWith('curl-') && d.host && d.port !== null) {
    const asked = proxyDestination(nearText);
    const others = near.match(/^\s{0,4}\$?\s?curl\s/gm)?.length ?? 0;
    if (asked && others === 1 && asked.host !== d.host && asked.port !== null && asked.port !== d.port && !(isLoopback(asked.host) && isLoopback(d.host))) {
      d.hints.push('proxy');
      d.proxy = { host: d.host, port: d.port };
      d.destination = asked;
    }
  }
  if (!d.hints.includes('proxy')) return;
  const dest = d.destination ?? proxyDestination(nearText);
  const p = d.proxy ?? configured ?? (endpointIsProxy ? { host: d.host!, port: d.port } : null);
  if (!p) {
    d.destination = dest ?? (d.host ? { host: d.host, port: d.port } : null);
    d.notes.push('the error came from a proxy whose address the paste does not show; the target is the destination');
    return;
  }
  d.proxy = p;
  if (dest && !(dest.host === p.host && dest.port === p.port)) d.destination = dest;
  if (d.host !== p.host || d.port !== p.port) {
    d.host = p.host;
    d.port = p.port;
    d.portInferred = false;
    d.addresses.length = 0;
    if (isIp(p.host)) d.addresses.push(p.host);
  }
  const going = d.destination ? `; the request was going to ${showEndpoint(d.destination.host, d.destination.port)}` : '';
  d.notes.push(`the refused endpoint is the proxy ${showEndpoint(p.host, p.port)}${going}`);
};
