// No line of the error names an endpoint: Node's error object fields, then what the paste writes near the error
// (code, commands, config, URLs, a bare host:port a few lines away), whichever fits the service best.
import { bestCandidate, nearbyEndpoints, nodeObjectFields } from '../context.js';
import type { Pass } from '../draft.js';
import { isIp, showEndpoint } from '../endpoint.js';

export const guessEndpoint: Pass = (d, ctx) => {
  const { root, lines } = ctx;
  if (!d.host && !d.unixSocket) {
    const obj = nodeObjectFields(lines, root.line);
    if (obj.address || obj.hostname) {
      d.host = obj.hostname ?? obj.address;
      d.port ??= obj.port;
      if (obj.address && !d.addresses.includes(obj.address)) d.addresses.push(obj.address);
    } else if (obj.port !== null) {
      d.port ??= obj.port;
    }
  }
  // A gateway's own error about its upstream (Envoy's "upstream connect error …") names no upstream; the URL
  // or command in the paste reached the gateway, which answered — it is not the endpoint that failed.
  const gatewayReport = root.signature === 'envoy-upstream' && !root.host;
  if (d.host || d.unixSocket || gatewayReport) return;
  const guess = d.service ?? ctx.clientRule?.service ?? null;
  // A name lookup that failed was not for an address literal: an IP elsewhere in the paste is another endpoint.
  const all = [...ctx.candidates(), ...nearbyEndpoints(lines, root.line)].filter((x) => !(d.kind === 'dns' && x.host && isIp(x.host)));
  const c = bestCandidate(all, root.line, guess);
  if (!c) return;
  d.host = c.host;
  d.unixSocket = c.unixSocket;
  if (d.port === null) {
    d.port = c.port;
    d.portInferred = c.port !== null && c.portInferred;
  }
  d.scheme ??= c.scheme;
  d.tls ??= c.tls;
  if (d.host && isIp(d.host) && !d.addresses.includes(d.host)) d.addresses.push(d.host);
  for (const a of c.addresses ?? []) if (!d.addresses.includes(a)) d.addresses.push(a);
  if (d.host) d.notes.push(`the error line names no host; ${showEndpoint(d.host, d.port)} is taken from the ${c.source === 'url' ? 'URL' : c.source} in the paste`);
};
