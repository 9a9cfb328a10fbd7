// A word typed over the real host before pasting (host='XXX', your-server, 172.16.**.**): the port may be real,
// the host is not, so the host goes and a note says why.
import { escapeRegExp } from '../chars.js';
import type { Pass } from '../draft.js';
import { isPlaceholder } from '../endpoint.js';

export const unmask: Pass = (d, ctx) => {
  if (!d.host || !isPlaceholder(d.host)) return;
  // "xx.xx.xx.xx:6379": the port written with the masked host is kept in the note for the answer to ask about.
  const escaped = escapeRegExp(d.host);
  const written = d.port === null ? new RegExp(`${escaped}\\]?:(\\d{1,5})\\b`, 'i').exec(ctx.matched)?.[1] : undefined;
  d.notes.push(`${MASKED_NOTE}${d.host}); only the port is known${written ? ` (${written})` : ''}`);
  d.host = null;
};

/** How the note about a masked host begins (the answer reads it back to ask for the real host). */
export const MASKED_NOTE = 'the host in the paste is masked (';
