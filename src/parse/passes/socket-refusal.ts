// A connection refused on a unix socket (docker-py talking to docker.sock, libpq's socket) is a socket problem:
// nothing listens on that file, which is another cause and another fix than a closed TCP port.
import type { Pass } from '../draft.js';

export const socketRefusal: Pass = (d) => {
  if (!d.host && d.unixSocket && d.kind === 'refused') d.kind = 'unix_socket';
};
