/**
 * Admission of uploads to `POST /api/v1/validate`: a node-wide and a per-client budget of
 * uploads in progress and of the bytes they announce. Anyone may call the route (no token), so
 * without a budget a few dozen slow uploads exhaust the node (issue 13); with it, the next one is
 * refused at once, before its body is read.
 */
import { HttpError } from './errors.js';
import type { ValidateLimits } from '../node/config.js';

/** An admitted upload; `release()` returns its share of the budgets (idempotent). */
export interface UploadTicket {
  readonly bytes: number;
  release(): void;
}

interface Usage {
  count: number;
  bytes: number;
}

/** The budgets an {@link UploadGate} enforces. */
export type UploadBudgets = Pick<
  ValidateLimits,
  'maxConcurrent' | 'maxInFlightBytes' | 'perClientConcurrent' | 'perClientInFlightBytes'
>;

/** Seconds a refused client is asked to wait (`Retry-After`). */
export const UPLOAD_RETRY_AFTER_SECONDS = 5;

/**
 * The budgets of one node (one server process).
 *
 * @example
 * ```ts
 * const gate = new UploadGate(VALIDATE_LIMIT_DEFAULTS);
 * const ticket = gate.admit('192.0.2.1', 1024);
 * try { ... } finally { ticket.release(); }
 * ```
 */
export class UploadGate {
  readonly #limits: UploadBudgets;
  readonly #total: Usage = { count: 0, bytes: 0 };
  readonly #clients = new Map<string, Usage>();

  /** @param limits - the budgets */
  constructor(limits: UploadBudgets) {
    this.#limits = limits;
  }

  /** The budgets. */
  get limits(): UploadBudgets {
    return this.#limits;
  }

  /** Uploads and bytes in progress, on the node and per client (metrics, tests). */
  usage(client?: string): Readonly<Usage> {
    return client === undefined
      ? { ...this.#total }
      : { ...(this.#clients.get(client) ?? { count: 0, bytes: 0 }) };
  }

  /**
   * Admits an upload of `bytes` from `client`, or refuses it.
   *
   * @param client - the client's address
   * @param bytes - the bytes it announces (Content-Length), or the largest body when unknown
   * @throws HttpError HTTP_CLIENT_BUSY (429) over the client's budget, HTTP_BUSY (503) over the node's
   */
  admit(client: string, bytes: number): UploadTicket {
    const l = this.#limits;
    const mine = this.#clients.get(client) ?? { count: 0, bytes: 0 };
    // The client's own budget first: a client over it is told so (429), even when the node is full.
    if (mine.count + 1 > l.perClientConcurrent || mine.bytes + bytes > l.perClientInFlightBytes)
      throw new HttpError('HTTP_CLIENT_BUSY');
    if (this.#total.count + 1 > l.maxConcurrent || this.#total.bytes + bytes > l.maxInFlightBytes)
      throw new HttpError('HTTP_BUSY');
    mine.count++;
    mine.bytes += bytes;
    this.#clients.set(client, mine);
    this.#total.count++;
    this.#total.bytes += bytes;
    let released = false;
    return {
      bytes,
      release: () => {
        if (released) return;
        released = true;
        mine.count--;
        mine.bytes -= bytes;
        this.#total.count--;
        this.#total.bytes -= bytes;
        if (mine.count === 0) this.#clients.delete(client);
      },
    };
  }
}
