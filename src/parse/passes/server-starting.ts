// The paste shows the target's server starting up: the client most likely tried before it was ready. Only a
// refusal or a reset can mean that.
import { serverStartingLine, STARTING_NOTE } from '../context.js';
import type { Pass } from '../draft.js';

export const serverStarting: Pass = (d, ctx) => {
  if (d.kind !== 'refused' && d.kind !== 'reset') return;
  const starting = serverStartingLine(ctx.clean, d.service, d.host);
  if (!starting) return;
  d.hints.push('server-starting');
  d.notes.push(`${STARTING_NOTE}${starting}`);
};
