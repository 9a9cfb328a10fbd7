// TCP probe: one connect attempt to one address, as an outcome (never an exception). The socket is destroyed
// the moment the handshake is done; what answers is the banner probe's question.
import type { Family, TcpEvidence, TcpOutcome } from '../domain/types.js';
import { classifySocketError } from './classify-socket-error.js';
import type { ConnectTarget } from './deps.js';
import { openSocket, release, roundMs, type ProbeContext } from './util.js';

export interface ConnectResult {
  outcome: TcpOutcome;
  errno: string | null;
  ms: number;
}

/** One connect within timeouts.connectMs (or `ms`). Resolves; never rejects. */
export async function tryConnect(ctx: ProbeContext, to: ConnectTarget, ms = ctx.timeouts.connectMs): Promise<ConnectResult> {
  const { now } = ctx.deps;
  let started = now();
  try {
    // The clock starts once a socket slot is ours: a wait in the queue is not the network's time.
    const socket = await openSocket(ctx, to, ms, () => {
      started = now();
    });
    const took = now() - started;
    release(ctx, socket);
    return { outcome: 'open', errno: null, ms: roundMs(took) };
  } catch (err) {
    const took = now() - started;
    const { outcome, errno } = classifySocketError(err);
    return { outcome, errno, ms: roundMs(took) };
  }
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
