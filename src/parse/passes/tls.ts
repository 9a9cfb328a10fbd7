// Whether the connection used TLS: what the scheme says, else a driver option written near the error.
import type { Pass } from '../draft.js';
import { tlsFor } from '../services.js';

const TLS_OPTION = /sslmode=(?:require|verify-ca|verify-full)|\bssl=true\b|\btls=true\b/i;

export const decideTls: Pass = (d, ctx) => {
  d.tls = tlsFor(d.scheme, d.tls);
  if (d.tls === null && TLS_OPTION.test(ctx.near)) d.tls = true;
};
