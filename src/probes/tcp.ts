// TCP probe: one connect attempt to one address, as an outcome (never an exception). The socket is destroyed
// the moment the handshake is done; what answers is the banner probe's question.
import type { Duplex } from 'node:stream';
import type { Family, TcpEvidence, TcpOutcome } from '../domain/types.js';
import { classifySocketError } from './classify-socket-error.js';
import type { ConnectTarget } from './deps.js';
import { dial, release, roundMs, type ProbeContext } from './util.js';

export interface ConnectResult {
  outcome: TcpOutcome;
  errno: string | null;
  ms: number;
}

/** What one finished dial says, as a result; the socket (when it connected) is destroyed here. */
export function connectResult(ctx: ProbeContext, err: unknown, socket: Duplex | null, started: number): ConnectResult {
  // The clock starts once a socket slot is ours: a wait in the queue is not the network's time.
  const took = roundMs(ctx.deps.now() - started);
  if (socket) {
    release(ctx, socket);
    return { outcome: 'open', errno: null, ms: took };
  }
  const { outcome, errno } = classifySocketError(err);
  return { outcome, errno, ms: took };
}

/** One connect within timeouts.connectMs (or `ms`). Resolves; never rejects. */
export function tryConnect(ctx: ProbeContext, to: ConnectTarget, ms = ctx.timeouts.connectMs): Promise<ConnectResult> {
  return new Promise((resolve) => {
    dial(ctx, to, ms, (err, socket, started) => resolve(connectResult(ctx, err, socket, started)));
  });
}

export interface TcpAttempt {
  host: string;
  address: string;
  family: Family;
  port: number;
  attempt: number;
}

export async function probeTcp(ctx: ProbeContext, a: TcpAttempt): Promise<TcpEvidence> {
  const r = await tryConnect(ctx, { address: a.address, family: a.family, port: a.port });
  return { type: 'tcp', host: a.host, address: a.address, family: a.family, port: a.port, attempt: a.attempt, ...r };
}
