// Nearby ports: when a target refuses on every address, is the service perhaps one port over (5433 for 5432,
// 8080 for 80)? A few cheap connects on the first refused address, never a scan.
import type { Family, NearbyEvidence } from '../domain/types.js';
import { connectResult } from './tcp.js';
import { dial, type ProbeContext } from './util.js';

/** At most this many connects in flight. */
export const NEARBY_CONCURRENCY = 16;

export interface NearbyTarget {
  address: string;
  family: Family;
  /** The refused port itself, left out of the list. */
  port: number;
  ports: readonly number[];
}

/**
 * One evidence per port, in the order of `ports`. Resolves; never rejects. A counter keeps NEARBY_CONCURRENCY
 * connects in flight and starts the next as each one ends: one promise for the whole look, none per port.
 * Ports not started when the run's signal aborts are left out.
 */
export function probeNearby(ctx: ProbeContext, t: NearbyTarget): Promise<NearbyEvidence[]> {
  const ports = [...new Set(t.ports)].filter((p) => p !== t.port && Number.isInteger(p) && p >= 1 && p <= 65535);
  const out: (NearbyEvidence | undefined)[] = new Array(ports.length);
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let pumping = false;
    const finish = () => resolve(out.filter((e): e is NearbyEvidence => e !== undefined));
    const pump = () => {
      // A dial may end before it returns (a refused slot, an aborted run): the loop, not recursion, starts the next.
      if (pumping) return;
      pumping = true;
      while (inFlight < NEARBY_CONCURRENCY && next < ports.length && !ctx.signal.aborted) {
        const i = next++;
        const port = ports[i]!;
        inFlight++;
        dial(ctx, { address: t.address, family: t.family, port }, ctx.timeouts.connectMs, (err, socket, started) => {
          const r = connectResult(ctx, err, socket, started);
          out[i] = { type: 'nearby', address: t.address, port, outcome: r.outcome, ms: r.ms };
          inFlight--;
          pump();
        });
      }
      pumping = false;
      if (inFlight === 0 && (next >= ports.length || ctx.signal.aborted)) finish();
    };
    pump();
  });
}
