// Rate limits per person and per channel, and the bounded maps behind them. A bot inside a company network
// probes on behalf of anyone who can type in Slack: one person (or a script with a user token) must not be
// able to turn it into a port scanner, and no amount of distinct ids may grow its memory without bound.
import type { Store, TakeVerdict, Window } from '../store/store.js';

/** A Map that forgets its least recently used key past `max` entries. */
export class LruMap<K, V> {
  #m = new Map<K, V>();
  constructor(readonly max: number) {}

  get size(): number {
    return this.#m.size;
  }

  get(key: K): V | undefined {
    const v = this.#m.get(key);
    if (v !== undefined) {
      // Re-inserting keeps Map order = recency, so the first key is always the one to evict.
      this.#m.delete(key);
      this.#m.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.#m.delete(key);
    this.#m.set(key, value);
    while (this.#m.size > this.max) this.#m.delete(this.#m.keys().next().value as K);
  }

  delete(key: K): void {
    this.#m.delete(key);
  }
}

export type WindowVerdict = { ok: true } | { ok: false; count: number; retryInMs: number };

/**
 * A sliding-window log: at most `limit` accepted hits per key within `windowMs`. Only accepted hits are
 * stored (never more than `limit` per key), plus a count of refused ones for the "you asked N times" line.
 * Keys beyond `maxKeys` are forgotten least-recently-used first; forgetting one only ever loosens its limit.
 */
export class SlidingWindow {
  #keys: LruMap<string, { times: number[]; denied: number }>;

  constructor(readonly limit: number, readonly windowMs: number, maxKeys = 10_000) {
    this.#keys = new LruMap(maxKeys);
  }

  get size(): number {
    return this.#keys.size;
  }

  #entry(key: string, now: number): { times: number[]; denied: number } {
    const e = this.#keys.get(key) ?? { times: [], denied: 0 };
    while (e.times.length > 0 && e.times[0]! <= now - this.windowMs) e.times.shift();
    if (e.times.length === 0) e.denied = 0;
    return e;
  }

  /** Whether one more hit fits now; records nothing. */
  peek(key: string, now: number): WindowVerdict {
    if (this.limit <= 0) return { ok: true };
    const e = this.#keys.get(key);
    if (!e) return { ok: true };
    const live = e.times.filter((t) => t > now - this.windowMs);
    if (live.length < this.limit) return { ok: true };
    return { ok: false, count: live.length + e.denied + 1, retryInMs: Math.max(0, live[0]! + this.windowMs - now) };
  }

  take(key: string, now: number): void {
    if (this.limit <= 0) return;
    const e = this.#entry(key, now);
    e.times.push(now);
    // Never more than `limit` stamps: the oldest one beyond it can no longer decide anything.
    if (e.times.length > this.limit) e.times.shift();
    this.#keys.set(key, e);
  }

  /** Takes back a hit recorded at `at` (one that the shared count refused after all). */
  untake(key: string, at: number): void {
    const e = this.#keys.get(key);
    const i = e ? e.times.lastIndexOf(at) : -1;
    if (i >= 0) e!.times.splice(i, 1);
  }

  deny(key: string, now: number): void {
    if (this.limit <= 0) return;
    const e = this.#entry(key, now);
    e.denied += 1;
    this.#keys.set(key, e);
  }
}

export interface RateConfig {
  /** Diagnoses one person may ask for per window; 0 turns the limit off. */
  perUser: number;
  /** Diagnoses asked for in one channel per window; 0 turns the limit off. */
  perChannel: number;
  windowMs: number;
}

export type RateVerdict = { ok: true } | { ok: false; scope: 'user' | 'channel'; count: number; limit: number; retryInS: number };

/** A refusal by one scope's limit, with the wait rounded up to whole seconds (at least one). */
function refusal(scope: 'user' | 'channel', count: number, config: RateConfig, retryInMs: number): Extract<RateVerdict, { ok: false }> {
  return { ok: false, scope, count, limit: scope === 'user' ? config.perUser : config.perChannel, retryInS: Math.max(1, Math.ceil(retryInMs / 1000)) };
}

/** Both limits together: a hit is recorded only when both allow it, so a refusal costs no allowance. */
export class RateLimits {
  readonly users: SlidingWindow;
  readonly channels: SlidingWindow;

  constructor(readonly config: RateConfig, maxKeys = 10_000) {
    this.users = new SlidingWindow(config.perUser, config.windowMs, maxKeys);
    this.channels = new SlidingWindow(config.perChannel, config.windowMs, maxKeys);
  }

  /** Whether a request would be refused now; records nothing (a cheap look before any heavy work). */
  over(user: string, channel: string | null, now: number): boolean {
    return !this.users.peek(user, now).ok || (channel !== null && !this.channels.peek(channel, now).ok);
  }

  check(user: string, channel: string | null, now: number): RateVerdict {
    const u = this.users.peek(user, now);
    const c = channel ? this.channels.peek(channel, now) : ({ ok: true } as const);
    if (!u.ok) {
      this.users.deny(user, now);
      return refusal('user', u.count, this.config, u.retryInMs);
    }
    if (!c.ok) {
      this.channels.deny(channel!, now);
      return refusal('channel', c.count, this.config, c.retryInMs);
    }
    this.users.take(user, now);
    if (channel) this.channels.take(channel, now);
    return { ok: true };
  }
}

/** The friendly private answer to a rate-limited request. */
export function rateLimitedWords(v: Extract<RateVerdict, { ok: false }>, windowMs: number): string {
  const span = windowMs === 60_000 ? 'the last minute' : `the last ${Math.round(windowMs / 1000)} seconds`;
  const who = v.scope === 'user' ? 'You have' : 'This channel has';
  return `:hourglass: ${who} asked ${v.count} times in ${span} (the limit is ${v.limit}); try again in ~${v.retryInS} s.`;
}

/** At most one notice per key per window: a rate-limited paste gets one private word, then silence. */
export class NoticeOnce {
  #last: LruMap<string, number>;
  constructor(readonly windowMs: number, maxKeys = 10_000) {
    this.#last = new LruMap(maxKeys);
  }

  get size(): number {
    return this.#last.size;
  }

  /** True when a notice went to `key` within the window; records nothing. */
  told(key: string, now: number): boolean {
    const last = this.#last.get(key);
    return last !== undefined && now - last < this.windowMs;
  }

  /** True when no notice went to `key` within the window (and records this one). */
  first(key: string, now: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.windowMs) return false;
    this.#last.set(key, now);
    return true;
  }
}

/** Text cut to at most `maxBytes` of UTF-8, never inside a character. */
export function clipText(text: string, maxBytes: number): { text: string; cut: boolean } {
  // Cheap exit: a UTF-16 string takes at most 3 UTF-8 bytes per code unit.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { text, cut: false };
  const cut = Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
  // A multi-byte character split at the boundary decodes as U+FFFD; drop it.
  return { text: cut.replace(/\uFFFD+$/, ''), cut: true };
}

/**
 * The rate limits of every replica together: hits are counted in the store, so two replicas admit exactly the
 * limit. When the store cannot be reached, REFUSED_LIMITS_WITHOUT_STORE decides: 'open' falls back to this
 * replica's own count (RateLimits above, so a person still meets a limit, per replica), 'closed' refuses.
 */
export class SharedLimits {
  readonly local: RateLimits;

  constructor(
    readonly config: RateConfig,
    private readonly store: Pick<Store, 'take'>,
    private readonly whenDown: 'open' | 'closed',
    private readonly onDown: (err: unknown) => void,
  ) {
    this.local = new RateLimits(config);
  }

  #windows(user: string, channel: string | null): Window[] {
    const w: Window[] = [{ key: `u:${user}`, limit: this.config.perUser }];
    if (channel) w.push({ key: `c:${channel}`, limit: this.config.perChannel });
    return w;
  }

  #verdict(v: TakeVerdict): RateVerdict {
    return v.ok ? v : refusal(v.index === 0 ? 'user' : 'channel', v.count, this.config, v.retryInMs);
  }

  /**
   * Whether a request would be refused now, from this replica's own count (which follows every hit it admitted):
   * a cheap look before the text is read, with no store call on the ack's path. check() decides, in the store.
   */
  over(user: string, channel: string | null, now: number): boolean {
    return this.local.over(user, channel, now);
  }

  /**
   * The first half of a slash command's admission, before its ack and without the store: this replica's own
   * count, which records the hit when it fits. Every hit this replica counted is in the store too, so what this
   * refuses the store would refuse as well. confirm() is the second half, after the ack.
   */
  checkHere(user: string, channel: string | null, now: number): RateVerdict {
    if (this.config.perUser <= 0 && this.config.perChannel <= 0) return { ok: true };
    return this.local.check(user, channel, now);
  }

  /**
   * The second half, after the ack: the store's count of every replica's hits decides. A refusal there takes the
   * hit back from this replica's count (the request does not run). With the store down, 'open' keeps the local
   * verdict checkHere() already gave, and 'closed' refuses.
   */
  async confirm(user: string, channel: string | null, at: number): Promise<RateVerdict | StoreDown> {
    if (this.config.perUser <= 0 && this.config.perChannel <= 0) return { ok: true };
    let v: RateVerdict | StoreDown;
    try {
      v = this.#verdict(await this.store.take(this.#windows(user, channel), this.config.windowMs, at));
    } catch (err) {
      this.onDown(err);
      v = this.whenDown === 'closed' ? { ok: false, scope: 'store' } : { ok: true };
    }
    if (!v.ok) {
      this.local.users.untake(user, at);
      if (channel) this.local.channels.untake(channel, at);
    }
    return v;
  }

  async check(user: string, channel: string | null, now: number): Promise<RateVerdict | StoreDown> {
    if (this.config.perUser <= 0 && this.config.perChannel <= 0) return { ok: true };
    try {
      const v = this.#verdict(await this.store.take(this.#windows(user, channel), this.config.windowMs, now));
      // The local count follows the shared one, so a fallback during an outage starts from what was seen.
      if (v.ok) this.local.check(user, channel, now);
      return v;
    } catch (err) {
      this.onDown(err);
      if (this.whenDown === 'closed') return { ok: false, scope: 'store' };
      return this.local.check(user, channel, now);
    }
  }
}

/** The store could not be reached and REFUSED_LIMITS_WITHOUT_STORE=closed: nobody is admitted until it is back. */
export type StoreDown = { ok: false; scope: 'store' };

export const STORE_DOWN_WORDS = ':hourglass: I cannot check the request limits right now (my store is unreachable), so I am not running diagnoses; try again in a minute.';
