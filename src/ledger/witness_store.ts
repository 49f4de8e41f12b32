/**
 * The witness's state in a node's or the hub's store (table `witness_state`, migration 0006):
 * the latest cosigned (size, root) per log origin, read for the decision and changed only by a
 * compare-and-set on the record the decision was made against. Each change is one conditional
 * statement (`INSERT … ON CONFLICT DO NOTHING` for a first record, `UPDATE … WHERE size = ? AND
 * root_hash = ?` for the next), atomic on SQLite and PostgreSQL alike: of two concurrent
 * requests made against the same record, one changes the row and the other sees it changed.
 */
import type { Store } from '../store/database.js';
import type { WitnessRecord, WitnessState } from './witness.js';

/** The witness state of a store, with its compare-and-set. */
export interface StoredWitnessState extends WitnessState {
  /**
   * Replaces `previous` (undefined: no record yet) by `next` for `origin`; false when the stored
   * record is no longer `previous` (another request won).
   */
  compareAndSet(
    origin: string,
    previous: WitnessRecord | undefined,
    next: WitnessRecord,
    now: Date,
  ): Promise<boolean>;
  /** Every stored record, by origin. */
  all(): Promise<Map<string, WitnessRecord>>;
}

/**
 * The witness state kept in `store`.
 *
 * @param store - the node's or the hub's store
 * @example
 * ```ts
 * const state = storedWitnessState(node.store);
 * const a = await addCheckpoint(body, { logs, state, cosigners, now });
 * if (a.update && !(await state.compareAndSet(a.update.origin, a.update.previous, a.update.next, new Date()))) retry();
 * ```
 */
export function storedWitnessState(store: Store): StoredWitnessState {
  const db = store.db;
  return {
    async get(origin) {
      const row = await db
        .selectFrom('witness_state')
        .select(['size', 'root_hash'])
        .where('origin', '=', origin)
        .executeTakeFirst();
      return row ? { size: Number(row.size), root: Buffer.from(row.root_hash) } : undefined;
    },
    async compareAndSet(origin, previous, next, now) {
      const at = now.toISOString();
      if (previous === undefined) {
        const r = await db
          .insertInto('witness_state')
          .values({ origin, size: next.size, root_hash: next.root, updated_at: at })
          .onConflict((c) => c.column('origin').doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
      }
      const r = await db
        .updateTable('witness_state')
        .set({ size: next.size, root_hash: next.root, updated_at: at })
        .where('origin', '=', origin)
        .where('size', '=', previous.size)
        .where('root_hash', '=', previous.root)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async all() {
      const rows = await db.selectFrom('witness_state').select(['origin', 'size', 'root_hash']).execute();
      return new Map(rows.map((r) => [r.origin, { size: Number(r.size), root: Buffer.from(r.root_hash) }]));
    },
  };
}
