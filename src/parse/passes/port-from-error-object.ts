// Node's error object may carry the port its message left out (getaddrinfo ENOTFOUND api.x … port: 443), when
// the object is about the same host (or names none).
import { nodeObjectFields } from '../context.js';
import type { Pass } from '../draft.js';

export const portFromErrorObject: Pass = (d, ctx) => {
  if (!d.host || d.port !== null) return;
  const obj = nodeObjectFields(ctx.lines, ctx.root.line);
  if (obj.port !== null && (obj.hostname === d.host || obj.address === d.host || (!obj.hostname && !obj.address))) d.port = obj.port;
};
