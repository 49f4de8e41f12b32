/**
 * Rate limiting of login attempts (a token bucket per client address): each attempt takes a
 * token, tokens come back at a steady rate, an empty bucket refuses with LOGIN_RATE_LIMITED.
 * The buckets live in one process; the processes of `node serve --workers N` ask their primary's
 * (src/server/cluster_rate_limit.ts), so the limit holds for the node as a whole.
 */
import { LoginError } from './errors.js';

/** What the login routes take a token from: a {@link RateLimiter} here, or one in another process. */
export interface AttemptLimiter {
  /**
   * Takes one token for `key`.
   *
   * @throws LoginError LOGIN_RATE_LIMITED
   */
  take(key: string): void | Promise<void>;
}

/** Options of {@link RateLimiter}. */
export interface RateLimitOptions {
  /** Attempts allowed in a burst (default 20). */
  burst?: number;
  /** Attempts regained per second (default 0.5: 30 a minute). */
  perSecond?: number;
  /** Most addresses remembered (default 100 000); the oldest are forgotten first. */
  maxKeys?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token-bucket limiter.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ burst: 5, perSecond: 1 });
 * limiter.take(request.ip); // throws LoginError LOGIN_RATE_LIMITED when exhausted
 * ```
 */
export class RateLimiter implements AttemptLimiter {
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  /** @param options - burst, rate, memory bound, clock */
  constructor(options: RateLimitOptions = {}) {
    this.#burst = options.burst ?? 20;
    this.#perSecond = options.perSecond ?? 0.5;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes one token for `key`.
   *
   * @throws LoginError LOGIN_RATE_LIMITED
   */
  take(key: string): void {
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    // Re-insert so the map's order is least recently used first.
    this.#buckets.delete(key);
    this.#buckets.set(key, b);
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (b.tokens < 1) {
      const wait = Math.ceil((1 - b.tokens) / this.#perSecond);
      throw new LoginError('LOGIN_RATE_LIMITED', `retry in ${wait} s`);
    }
    b.tokens -= 1;
  }
}
