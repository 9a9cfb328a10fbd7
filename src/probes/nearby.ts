// Nearby ports: when a target refuses on every address, is the service perhaps one port over (5433 for 5432,
// 8080 for 80)? A few cheap connects on the first refused address, never a scan.
import type { Family, NearbyEvidence } from '../domain/types.js';
import { tryConnect } from './tcp.js';
import type { ProbeContext } from './util.js';

/** At most this many connects in flight. */
export const NEARBY_CONCURRENCY = 16;

export interface NearbyTarget {
  address: string;
  family: Family;
  /** The refused port itself, left out of the list. */
  port: number;
  ports: readonly number[];
}

/** One evidence per port, in the order of `ports`. Resolves; never rejects. */
export async function probeNearby(ctx: ProbeContext, t: NearbyTarget): Promise<NearbyEvidence[]> {
  const ports = [...new Set(t.ports)].filter((p) => p !== t.port && Number.isInteger(p) && p >= 1 && p <= 65535);
  const out: (NearbyEvidence | undefined)[] = new Array(ports.length);
  let next = 0;
  const worker = async () => {
    while (next < ports.length && !ctx.signal.aborted) {
      const i = next++;
      const port = ports[i]!;
      const r = await tryConnect(ctx, { address: t.address, family: t.family, port });
      out[i] = { type: 'nearby', address: t.address, port, outcome: r.outcome, ms: r.ms };
    }
  };
  await Promise.all(Array.from({ length: Math.min(NEARBY_CONCURRENCY, ports.length) }, worker));
  return out.filter((e): e is NearbyEvidence => e !== undefined);
}
