// Other lines of the same error (a wrapper above it, its cause below) may tag it or name a proxy the root line
// leaves out: Kafka's "Bootstrap broker … disconnected", nginx's upstream, a requests ProxyError.
import type { Pass } from '../draft.js';

/** Tags that describe the whole error, whichever of its lines carries them. */
const CARRIED = /^(?:proxy|kafka-|nginx-|upstream|http-\d|grpc|aggregate)/;

export const gatherRelated: Pass = (d, ctx) => {
  for (const h of ctx.related) {
    for (const x of h.hints) if (!d.hints.includes(x) && CARRIED.test(x)) d.hints.push(x);
    d.proxy ??= h.proxy;
    d.destination ??= h.destination;
  }
};
