// A paste with several errors: say which one the verdict rests on. Errors that name different endpoints get a
// note first in the list (the reader should know another endpoint failed too); a chain of different errors about
// one endpoint (a wrapper, its cause, the cause's cause) gets a note naming the root line.
import type { Pass } from '../draft.js';
import { endpointKey, showEndpoint } from '../endpoint.js';

export const chainOfErrors: Pass = (d, ctx) => {
  const endpoints = new Map<string, string>();
  for (const h of ctx.kindHits) if (h.host && h.port !== null) endpoints.set(endpointKey(h.host, h.port), showEndpoint(h.host, h.port));
  if (d.host) endpoints.set(endpointKey(d.host, d.port), showEndpoint(d.host, d.port));
  if (endpoints.size > 1) {
    const named = [...endpoints.values()].slice(0, 5).join(', ');
    d.notes.unshift(`${endpoints.size} connection errors in the paste name different endpoints (${named}); the root one is ${showEndpoint(d.host, d.port)}`);
  }
  const errors = new Set(ctx.kindHits.map((h) => h.signature)).size;
  if (endpoints.size <= 1 && errors > 1) {
    const m = ctx.matched;
    d.notes.push(`${errors} different errors in the paste; the root one is: ${m.length > 120 ? `${m.slice(0, 117)}…` : m}`);
  }
};
