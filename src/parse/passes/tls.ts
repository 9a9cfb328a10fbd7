// Whether the connection used TLS: what the scheme says, else a driver option written near the error.
import type { Pass } from '../draft.js';
import { skippable } from '../needs.js';
import { tlsFor } from '../services.js';

const TLS_OPTION = skippable(/sslmode=(?:require|verify-ca|verify-full)|\bssl=true\b|\btls=true\b/i);

export const decideTls: Pass = (d, ctx) => {
  d.tls = tlsFor(d.scheme, d.tls);
  if (d.tls === null && ctx.nearText.test(TLS_OPTION)) d.tls = true;
};
