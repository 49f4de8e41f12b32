/**
 * One login rate limit for all the processes of `node serve --workers N`: the primary process
 * keeps the token buckets (a {@link RateLimiter} built from `node.json` loginRateLimit) and each
 * worker asks it over the cluster's IPC channel for every login attempt. Without this, each of
 * the N processes would allow the whole limit, N times it in all.
 */
import type { Worker } from 'node:cluster';
import { LoginError } from '../login/errors.js';
import type { AttemptLimiter, RateLimiter } from '../login/rate_limit.js';

/** A worker's question. */
export interface RateAsk {
  type: 'rate-take';
  id: number;
  key: string;
}

/** The primary's answer: no `refused` means the token was taken. */
export interface RateAnswer {
  type: 'rate';
  id: number;
  refused?: string;
}

/** How long a worker waits for the primary before refusing the attempt. */
const ANSWER_MS = 5000;

/**
 * The primary's side: answers `worker`'s questions from `limiter`.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter(config.loginRateLimit);
 * answerRateAsks(cluster.fork(), limiter);
 * ```
 */
export function answerRateAsks(worker: Worker, limiter: RateLimiter): void {
  worker.on('message', (m: Partial<RateAsk>) => {
    if (m.type !== 'rate-take' || typeof m.id !== 'number' || typeof m.key !== 'string') return;
    let answer: RateAnswer = { type: 'rate', id: m.id };
    try {
      limiter.take(m.key);
    } catch (e) {
      answer = { ...answer, refused: (e as Error).message };
    }
    if (worker.isConnected()) worker.send(answer);
  });
}

/**
 * A worker's side: every `take` is a question to the primary.
 *
 * @example
 * ```ts
 * await serveNode(node, host, port, { loginLimiter: new ClusterRateLimiter() });
 * ```
 */
export class ClusterRateLimiter implements AttemptLimiter {
  #next = 0;
  readonly #waiting = new Map<number, (a: RateAnswer) => void>();

  constructor() {
    process.on('message', (m: Partial<RateAnswer>) => {
      if (m.type !== 'rate' || typeof m.id !== 'number') return;
      const done = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      done?.(m as RateAnswer);
    });
  }

  /** @throws LoginError LOGIN_RATE_LIMITED, also when the primary does not answer */
  async take(key: string): Promise<void> {
    const id = this.#next++;
    const answer = await new Promise<RateAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, ANSWER_MS);
      this.#waiting.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
      process.send?.({ type: 'rate-take', id, key } satisfies RateAsk);
    });
    if (!answer)
      throw new LoginError('LOGIN_RATE_LIMITED', 'the login rate limit could not be checked; retry');
    if (answer.refused !== undefined) throw new LoginError('LOGIN_RATE_LIMITED', answer.refused);
  }
}
