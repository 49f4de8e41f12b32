import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.js';

/**
 * The witness's state (c2sp.org/tlog-witness@v1.0.0, src/ledger/witness.ts): per log origin, the
 * latest size and root hash it cosigned. Only ever changed by a compare-and-set on the previous
 * (size, root), so two concurrent add-checkpoint requests for one log cannot both win.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('witness_state')
    .addColumn('origin', 'varchar(512)', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', t.binary, (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

/** Drops the witness's table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('witness_state').execute();
}
