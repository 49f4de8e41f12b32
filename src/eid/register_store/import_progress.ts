/** Checkpoints of bulk imports, the `import_progress` table. */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';

/**
 * The rows of a file an earlier run committed, if any.
 *
 * @param store - the node store
 * @param fileHash - SHA-256 of the file
 * @example
 * ```ts
 * const done = (await importRowsDone(store, hash)) ?? 0;
 * ```
 */
export async function importRowsDone(store: Store, fileHash: string): Promise<number | undefined> {
  const progress = await store.db
    .selectFrom('import_progress')
    .select('rows_done')
    .where('file_hash', '=', fileHash)
    .executeTakeFirst();
  return progress?.rows_done;
}

/**
 * Records how many rows of a file are committed, in the transaction of the batch itself.
 *
 * @param trx - open transaction
 * @param fileHash - SHA-256 of the file
 * @param rowsDone - rows committed so far
 * @param at - time of the checkpoint
 * @example
 * ```ts
 * await saveImportProgress(trx, hash, 1000, new Date());
 * ```
 */
export async function saveImportProgress(
  trx: Transaction<Database>,
  fileHash: string,
  rowsDone: number,
  at: Date,
): Promise<void> {
  const updated = await trx
    .updateTable('import_progress')
    .set({ rows_done: rowsDone, updated_at: at.toISOString() })
    .where('file_hash', '=', fileHash)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await trx
      .insertInto('import_progress')
      .values({ file_hash: fileHash, rows_done: rowsDone, updated_at: at.toISOString() })
      .execute();
  }
}
