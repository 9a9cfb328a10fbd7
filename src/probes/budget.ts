// The probe budget: how many different ports of one address the probes may touch in a minute, counted across
// every diagnosis that shares the instance. The rate limits bound how often a person may ask; this bounds what
// all of them together can make the bot do to one machine (ten people each asking about a different port of
// one host would otherwise walk it twelve ports at a time). Only the count lives here; the limit comes from the
// policy, so the words on the Home tab and the number enforced are one setting.
import { formatIp, parseAddress } from '../policy/address.js';

export interface BudgetGrant {
  /** Ports that may be probed now (already counted, or counted now). */
  granted: number[];
  /** Ports over the budget: not to be probed. */
  refused: number[];
}

export interface ProbeBudgetOptions {
  /** The window ports are counted over; a minute unless a test says otherwise. */
  windowMs?: number;
  /** Milliseconds, monotonic enough for a minute; Date.now unless a test says otherwise. */
  now?: () => number;
  /** Addresses remembered at once; past it the longest-unused ones are forgotten first. */
  maxAddresses?: number;
}

/** One address however it is written (::ffff:10.0.0.5 is 10.0.0.5; a zone id is the same machine). */
function keyOf(address: string): string {
  const a = parseAddress(address);
  return a ? formatIp(a.ip) : address.trim().toLowerCase();
}

/**
 * Distinct ports per address over a sliding window. A port already counted costs nothing (a Re-check, a Watch,
 * the repeats and the protocol checks of one diagnosis), and counting it again keeps it counted. Synchronous,
 * so diagnoses running at once cannot both take the last port.
 */
export class ProbeBudget {
  readonly windowMs: number;
  readonly maxAddresses: number;
  readonly #now: () => number;
  /** address → port → when it was last counted; in order of last use, so the first entry is the stalest. */
  readonly #seen = new Map<string, Map<number, number>>();

  constructor(options: ProbeBudgetOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxAddresses = Math.max(1, options.maxAddresses ?? 10_000);
    this.#now = options.now ?? Date.now;
  }

  /** Addresses with ports counted in the window (bounded by maxAddresses). */
  get size(): number {
    return this.#seen.size;
  }

  /**
   * Counts `ports` of `address` against `limit` different ports per window, in order: each is granted while
   * there is room or when it is already counted, refused otherwise. A limit of 0 (or less) grants everything
   * and counts nothing.
   */
  take(address: string, ports: readonly number[], limit: number): BudgetGrant {
    if (!(limit > 0)) return { granted: [...ports], refused: [] };
    const now = this.#now();
    const key = keyOf(address);
    const counted = this.#fresh(key, now) ?? new Map<number, number>();
    const granted: number[] = [];
    const refused: number[] = [];
    for (const port of ports) {
      if (counted.has(port) || counted.size < limit) {
        counted.set(port, now);
        granted.push(port);
      } else {
        refused.push(port);
      }
    }
    this.#seen.delete(key);
    if (counted.size > 0) this.#seen.set(key, counted);
    while (this.#seen.size > this.maxAddresses) this.#seen.delete(this.#seen.keys().next().value!);
    return { granted, refused };
  }

  /** Different ports of `address` counted in the window now. */
  used(address: string): number {
    return this.#fresh(keyOf(address), this.#now())?.size ?? 0;
  }

  /** How long until the oldest count of `address` runs out and a port is free again; 0 when one is free now. */
  retryInMs(address: string): number {
    const now = this.#now();
    const counted = this.#fresh(keyOf(address), now);
    if (!counted) return 0;
    let oldest = Infinity;
    for (const at of counted.values()) oldest = Math.min(oldest, at);
    return Math.max(0, oldest + this.windowMs - now);
  }

  /** The address's counts with the ones older than the window dropped; undefined when none is left. */
  #fresh(key: string, now: number): Map<number, number> | undefined {
    const counted = this.#seen.get(key);
    if (!counted) return undefined;
    for (const [port, at] of counted) if (now - at >= this.windowMs) counted.delete(port);
    if (counted.size > 0) return counted;
    this.#seen.delete(key);
    return undefined;
  }
}
