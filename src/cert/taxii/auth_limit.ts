/**
 * A limit on failed partner authentications per client address (a token bucket of failures):
 * each request with wrong credentials takes a token, tokens come back at a steady rate, and a
 * client with an empty bucket is refused (429, Retry-After) before its credentials are even
 * checked, right or wrong, so guessing passwords costs time. Anonymous requests (no
 * Authorization header: the 401 challenge) take nothing. The buckets live in one process; with
 * `node serve --workers N` each worker keeps its own, N times the limit for the node in all.
 */

/** Options of {@link AuthFailureLimiter}. */
export interface AuthFailureLimit {
  /** Failures allowed in a burst (default 10). */
  burst: number;
  /** Failures forgiven per second (default 0.2: 12 a minute). */
  perSecond: number;
}

/** The default: 10 failures at once, then one every 5 seconds. */
export const AUTH_FAILURE_LIMIT: AuthFailureLimit = { burst: 10, perSecond: 0.2 };

const MAX_KEYS = 100_000;

/**
 * Failed authentications per client.
 *
 * @example
 * ```ts
 * const limiter = new AuthFailureLimiter(AUTH_FAILURE_LIMIT, Date.now);
 * const wait = limiter.blockedFor(req.ip); // seconds, or 0
 * limiter.fail(req.ip);
 * ```
 */
export class AuthFailureLimiter {
  readonly #limit: AuthFailureLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param limit - burst and rate
   * @param now - milliseconds clock
   */
  constructor(limit: AuthFailureLimit, now: () => number) {
    this.#limit = limit;
    this.#now = now;
  }

  #bucket(key: string): { tokens: number; at: number } {
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#limit.burst, at: now };
    b.tokens = Math.min(
      this.#limit.burst,
      b.tokens + (Math.max(0, now - b.at) / 1000) * this.#limit.perSecond,
    );
    b.at = now;
    return b;
  }

  /** Seconds `key` must wait before trying again (0: it may try now). */
  blockedFor(key: string): number {
    if (!this.#buckets.has(key)) return 0;
    const b = this.#bucket(key);
    if (b.tokens >= 1) {
      if (b.tokens >= this.#limit.burst) this.#buckets.delete(key);
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.#limit.perSecond));
  }

  /** Records a failed authentication of `key`. */
  fail(key: string): void {
    const b = this.#bucket(key);
    b.tokens = Math.max(0, b.tokens - 1);
    this.#buckets.delete(key);
    this.#buckets.set(key, b);
    if (this.#buckets.size > MAX_KEYS) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }
}
