// A name beats an address only when the same error pairs them: busybox wget's "Connecting to h (10.1.2.3:443)"
// above "can't connect to remote host (10.1.2.3)", curl's "Connected to h (addr)", ssh -v's "Connecting to h [addr]".
// A URL or a name elsewhere in the paste does not rename the address the error line shows.
import type { Pass } from '../draft.js';
import { isIp } from '../endpoint.js';

export const pairNameWithAddress: Pass = (d, ctx) => {
  if (!d.host || !isIp(d.host)) return;
  const { root } = ctx;
  const ip = d.host;
  const port = d.port;
  const pair = ctx.hits.find((h) => h !== root && h.host && !isIp(h.host) && h.addresses.includes(ip)
    && (port === null || h.port === null || h.port === port) && h.line <= root.line && root.line - h.line <= 5);
  if (!pair) return;
  if (!d.addresses.includes(ip)) d.addresses.push(ip);
  d.host = pair.host;
  if (d.port === null && pair.port !== null) d.port = pair.port;
};
