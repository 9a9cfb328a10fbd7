// A word typed over the real host before pasting (host='XXX', your-server, 172.16.**.**): the port may be real,
// the host is not, so the host goes and a note says why.
import type { Pass } from '../draft.js';
import { isPlaceholder } from '../endpoint.js';

export const unmask: Pass = (d) => {
  if (!d.host || !isPlaceholder(d.host)) return;
  d.notes.push(`the host in the paste is masked (${d.host}); only the port is known`);
  d.host = null;
};
