// How it failed, in the OS's words: the root line's errno (else the usual one for the kind), and the OS that
// the errno, another error line, or paths and words in the paste point to.
import { detectOs } from '../context.js';
import type { Pass } from '../draft.js';
import { DEFAULT_ERRNO } from '../errno.js';

export const errnoAndOs: Pass = (d, ctx) => {
  const { root } = ctx;
  d.errno = root.errno ?? DEFAULT_ERRNO[d.kind] ?? null;
  d.os = root.os ?? ctx.kindHits.find((h) => h.os)?.os ?? detectOs(ctx.nearText);
};
