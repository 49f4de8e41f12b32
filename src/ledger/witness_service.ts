/**
 * A witness (c2sp.org/tlog-witness@v1.0.0) over a store: the {@link addCheckpoint} decision,
 * then the compare-and-set of its update, retried against the new record when a concurrent
 * request changed it first (the retry then answers 409 with the size that request stored, or
 * cosigns again when both carried the same checkpoint). Also the per-client rate limit.
 * Transport-free: the HTTP routes of the node and the hub call {@link WitnessService.handle}.
 */
import { LedgerError } from './errors.js';
import type { Cosigner } from './cosignature.js';
import { MAX_ADD_CHECKPOINT_SIZE, addCheckpoint } from './witness.js';
import type { WitnessAnswer, WitnessLogs } from './witness.js';
import type { StoredWitnessState } from './witness_store.js';

/** Requests a client may make per window, and the window. */
export interface WitnessRateLimit {
  readonly requests: number;
  readonly windowMs: number;
}

/** The default rate limit: 120 requests a minute per client (a log cosigns at most every 500 ms). */
export const WITNESS_RATE_LIMIT: WitnessRateLimit = { requests: 120, windowMs: 60_000 };

/** What a witness answers: a {@link WitnessAnswer}, or 413 (too large) / 429 (rate limit). */
export interface WitnessReply {
  readonly status: WitnessAnswer['status'] | 413 | 429;
  readonly contentType: string;
  readonly body: string;
  readonly code?: string;
}

/** A witness ready to answer add-checkpoint requests. */
export interface WitnessService {
  /** The cosignature verifier key (type 0x04), one line without newline. */
  readonly vkey: string;
  /**
   * Answers one add-checkpoint request body.
   *
   * @param body - the request body
   * @param client - the client's address, for the rate limit
   */
  handle(body: Uint8Array, client?: string): Promise<WitnessReply>;
}

/** Options of {@link witnessService}. */
export interface WitnessServiceOptions {
  readonly cosigner: Cosigner;
  /** The logs this witness serves, looked up at each request (membership may change). */
  readonly logs: () => WitnessLogs | Promise<WitnessLogs>;
  readonly state: StoredWitnessState;
  readonly clock?: () => Date;
  /** false: no rate limit. */
  readonly rateLimit?: WitnessRateLimit | false;
}

const CAS_ATTEMPTS = 8;

function text(status: WitnessReply['status'], e: LedgerError | string, code?: string): WitnessReply {
  const message = typeof e === 'string' ? e : e.message;
  return {
    status,
    contentType: 'text/plain; charset=utf-8',
    body: `${message}\n`,
    ...(code ? { code } : typeof e === 'string' ? {} : { code: e.code }),
  };
}

/**
 * A witness over a store.
 *
 * @example
 * ```ts
 * const w = witnessService({ cosigner, logs: () => knownLogs, state: storedWitnessState(store) });
 * const reply = await w.handle(body, req.ip);
 * ```
 */
export function witnessService(o: WitnessServiceOptions): WitnessService {
  const clock = o.clock ?? (() => new Date());
  const limit = o.rateLimit === false ? undefined : (o.rateLimit ?? WITNESS_RATE_LIMIT);
  const windows = new Map<string, { start: number; count: number }>();
  const allowed = (client: string | undefined): boolean => {
    if (!limit || client === undefined) return true;
    const now = clock().getTime();
    let w = windows.get(client);
    if (!w || now - w.start >= limit.windowMs) {
      if (windows.size > 10_000)
        for (const [k, v] of windows) if (now - v.start >= limit.windowMs) windows.delete(k);
      w = { start: now, count: 0 };
      windows.set(client, w);
    }
    w.count++;
    return w.count <= limit.requests;
  };
  return {
    vkey: o.cosigner.vkey,
    async handle(body, client) {
      if (!allowed(client))
        return text(429, 'too many add-checkpoint requests; retry later', 'HTTP_CLIENT_BUSY');
      if (body.length > MAX_ADD_CHECKPOINT_SIZE)
        return text(
          413,
          new LedgerError(
            'LEDGER_NOTE_TOO_LARGE',
            `${body.length} bytes, at most ${MAX_ADD_CHECKPOINT_SIZE}`,
          ),
        );
      const logs = await o.logs();
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        const answer = await addCheckpoint(body, {
          logs,
          state: o.state,
          cosigners: [o.cosigner],
          now: () => Math.floor(clock().getTime() / 1000),
        });
        const u = answer.update;
        if (!u || (await o.state.compareAndSet(u.origin, u.previous, u.next, clock()))) return answer;
      }
      throw new LedgerError(
        'LEDGER_WITNESS_SIZE_CONFLICT',
        'the witness state kept changing under the request',
      );
    },
  };
}
