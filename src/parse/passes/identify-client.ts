// Who printed the error and what it was talking to: the client and runtime (the wording near the error first,
// then the rows that matched), and the service (a command-line tool's own, the scheme's, a row's, the port's).
import { detectRuntime } from '../context.js';
import type { Pass } from '../draft.js';
import { schemeInfo, serviceForPort } from '../services.js';

export const identifyClient: Pass = (d, ctx) => {
  const { clientRule, root, kindHits } = ctx;
  const borrowed = d.borrowed;
  d.client = clientRule?.client ?? root.client ?? borrowed?.client ?? kindHits.find((h) => h.client)?.client ?? null;
  d.runtime = clientRule?.runtime ?? root.runtime ?? borrowed?.runtime ?? detectRuntime(ctx.nearText);
  const schemeService = d.scheme ? schemeInfo(d.scheme)?.service ?? null : null;
  if (clientRule?.runtime === 'cli' && clientRule.service) d.service = clientRule.service;
  d.service ??= clientRule?.service ?? schemeService ?? kindHits.find((h) => h.service)?.service ?? null;
  if (!d.service && d.port !== null) d.service = serviceForPort(d.port);
  // An HTTP guess (from a port or a generic client) gives way to what the scheme says (redis://, postgres://).
  if (d.service === 'http' && schemeService && schemeService !== 'http') d.service = schemeService;
};
