// Unix socket probe: does the path exist, is it a socket, and does anything accept on it? A socket file
// with no listener behind it (the server died without unlinking it) refuses exactly like a closed port.
import type { UnixSocketEvidence } from '../domain/types.js';
import { builtin } from './builtin.js';
import { classifySocketError } from './classify-socket-error.js';
import { openSocket, release, roundMs, type ProbeContext } from './util.js';

function codeOf(err: unknown): string | null {
  return classifySocketError(err).errno;
}

function outcomeFor(code: string | null): UnixSocketEvidence['outcome'] {
  switch (code) {
    case 'ENOENT': return 'missing';
    case 'ECONNREFUSED': return 'refused';
    case 'EACCES':
    case 'EPERM': return 'denied';
    case 'ENOTSOCK': return 'not-socket';
    default: return 'error';
  }
}

export async function probeUnix(ctx: ProbeContext, path: string): Promise<UnixSocketEvidence> {
  const { now } = ctx.deps;
  const started = now();
  const done = (outcome: UnixSocketEvidence['outcome'], errno: string | null): UnixSocketEvidence =>
    ({ type: 'unix', path, outcome, errno, ms: roundMs(now() - started) });
  try {
    const st = await builtin.fsPromises().stat(path);
    if (!st.isSocket()) return done('not-socket', null);
  } catch (err) {
    const code = codeOf(err);
    return done(outcomeFor(code), code);
  }
  try {
    const socket = await openSocket(ctx, { path }, ctx.timeouts.connectMs);
    release(ctx, socket);
    return done('open', null);
  } catch (err) {
    const code = codeOf(err);
    return done(outcomeFor(code), code);
  }
}
