/**
 * Requests waiting for the log to publish a larger checkpoint share one reader: while any
 * waits, the published size is read every poll interval (one query, whatever the number of
 * waiters) and the waiters whose size it passed are woken.
 */

interface Waiter {
  readonly size: number;
  wake(): void;
}

/**
 * Wakes waiters when the published checkpoint grows.
 *
 * @example
 * ```ts
 * const watch = new PublicationWatch(() => log.publishedSize(), 100);
 * await watch.grown(41, 10_000); // size above 41, or 10 s passed, or closed
 * ```
 */
export class PublicationWatch {
  readonly #size: () => Promise<number>;
  readonly #pollMs: number;
  readonly #waiters = new Set<Waiter>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /**
   * @param size - reads the published checkpoint's size
   * @param pollMs - how often it is read while someone waits
   */
  constructor(size: () => Promise<number>, pollMs: number) {
    this.#size = size;
    this.#pollMs = pollMs;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Resolves once the published size is above `size`, after `ms`, or at {@link close}.
   *
   * @param size - the size seen last
   * @param ms - the longest wait
   */
  grown(size: number, ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const w: Waiter = {
        size,
        wake: () => {
          clearTimeout(timeout);
          this.#waiters.delete(w);
          resolve();
        },
      };
      const timeout = setTimeout(w.wake, Math.max(0, ms));
      this.#waiters.add(w);
      this.#schedule();
    });
  }

  /** Wakes every waiter and stops reading. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const w of [...this.#waiters]) w.wake();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed || this.#waiters.size === 0) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#pollMs);
  }

  async #tick(): Promise<void> {
    try {
      const size = await this.#size();
      for (const w of [...this.#waiters]) if (size > w.size) w.wake();
    } catch {
      // A failed read (the store busy or closing): the waiters' own deadlines still hold.
    }
    this.#timer = undefined;
    this.#schedule();
  }
}
