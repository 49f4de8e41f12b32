/**
 * The last answer of each witness asked to cosign the log's checkpoint (`witness_outcome`,
 * migration 0010), written after each gathering, so the log monitor reports witnesses that
 * refused the node's checkpoints (a fork gets 409 or 422 from every honest witness).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { WitnessOutcome } from './gather.js';

/** A witness's last answer, as stored. */
export interface StoredWitnessOutcome {
  readonly witness: string;
  readonly url: string;
  readonly result: WitnessOutcome['result'];
  readonly status?: number;
  readonly witnessSize?: number;
  /** The size of the checkpoint the witness was asked to cosign. */
  readonly checkpointSize: number;
  readonly detail?: string;
  readonly at: string;
}

/**
 * Stores each witness's answer for the checkpoint of `size` (one row per witness, replaced).
 *
 * @param db - the log's store
 * @param size - the checkpoint's size
 * @param outcomes - the gathering's outcomes
 * @param at - when
 * @example
 * ```ts
 * await recordWitnessOutcomes(store.db, r.size, result.outcomes, new Date());
 * ```
 */
export async function recordWitnessOutcomes(
  db: Kysely<Database>,
  size: number,
  outcomes: readonly WitnessOutcome[],
  at: Date,
): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map((o) => ({
    witness: o.name.slice(0, 256),
    url: o.url.slice(0, 1024),
    result: o.result,
    status: o.status ?? null,
    witness_size: o.witnessSize ?? null,
    checkpoint_size: size,
    detail: o.detail === undefined ? null : o.detail.slice(0, 512),
    at: at.toISOString(),
  }));
  await db
    .insertInto('witness_outcome')
    .values(rows)
    .onConflict((oc) =>
      oc.column('witness').doUpdateSet((eb) => ({
        url: eb.ref('excluded.url'),
        result: eb.ref('excluded.result'),
        status: eb.ref('excluded.status'),
        witness_size: eb.ref('excluded.witness_size'),
        checkpoint_size: eb.ref('excluded.checkpoint_size'),
        detail: eb.ref('excluded.detail'),
        at: eb.ref('excluded.at'),
      })),
    )
    .execute();
}

/**
 * Each witness's last answer, by witness name.
 *
 * @param db - the log's store
 * @example
 * ```ts
 * const refused = (await readWitnessOutcomes(store.db)).filter((o) => o.result === 'refused');
 * ```
 */
export async function readWitnessOutcomes(db: Kysely<Database>): Promise<StoredWitnessOutcome[]> {
  const rows = await db.selectFrom('witness_outcome').selectAll().orderBy('witness').execute();
  return rows.map((r) => ({
    witness: r.witness,
    url: r.url,
    result: r.result as WitnessOutcome['result'],
    ...(r.status !== null ? { status: Number(r.status) } : {}),
    ...(r.witness_size !== null ? { witnessSize: Number(r.witness_size) } : {}),
    checkpointSize: Number(r.checkpoint_size),
    ...(r.detail !== null ? { detail: r.detail } : {}),
    at: r.at,
  }));
}
