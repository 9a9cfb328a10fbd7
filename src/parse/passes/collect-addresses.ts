// Every address the client tried for this endpoint: the host itself when it is an address, then the addresses
// other lines of the same error name for it (Node's AggregateError, libpq's ::1 then 127.0.0.1).
import type { Pass } from '../draft.js';
import { endpointKey, isIp } from '../endpoint.js';

/** How far (in lines) another attempt at the same endpoint may be from the root error. */
const REACH = 60;

export const collectAddresses: Pass = (d, ctx) => {
  const { root } = ctx;
  if (d.host && isIp(d.host) && !d.addresses.includes(d.host)) d.addresses.unshift(d.host);
  for (const h of ctx.hits) {
    if (h === root || (h.kind !== null && h.kind !== d.kind) || h.port !== d.port || Math.abs(h.line - root.line) > REACH) continue;
    const same = h.host && (endpointKey(h.host, h.port) === endpointKey(d.host, d.port) || (d.host && h.host === d.host));
    if (!same) continue;
    for (const a of [...h.addresses, ...(h.host && isIp(h.host) ? [h.host] : [])]) if (!d.addresses.includes(a)) d.addresses.push(a);
  }
};
