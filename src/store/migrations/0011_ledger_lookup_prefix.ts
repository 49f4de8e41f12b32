import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** Rows copied per statement when the old lookup rows are converted. */
const COPY_CHUNK = 2048;

/**
 * A compact lookup index for the transparency log (issue 15, "storage per entry: entry size +
 * under 40 bytes"). `ledger_lookup` held each entry's 64-character hex key twice (table and
 * primary-key index, ~165 B per entry on SQLite, ~250 B on PostgreSQL). It now holds the key's
 * first 8 bytes as a signed 64-bit integer (`key_prefix`) and the entry's index: SQLite keeps
 * the pair as the primary key of a WITHOUT ROWID table (one B-tree, nothing stored twice);
 * PostgreSQL a plain table with a B-tree on the prefix. The full key is not stored: a lookup
 * reads each candidate entry from its entry bundle and compares the key it carries, so a
 * prefix collision (about one in 2^64 per pair) costs one more bundle read, never a wrong answer.
 * Existing rows are converted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  let t = db.schema
    .createTable('ledger_lookup_prefix')
    .addColumn('key_prefix', 'bigint', (c) => c.notNull())
    .addColumn('entry_index', 'bigint', (c) => c.notNull());
  if (!pg)
    t = t
      .addPrimaryKeyConstraint('ledger_lookup_prefix_pk', ['key_prefix', 'entry_index'])
      .modifyEnd(sql`without rowid`);
  await t.execute();
  const old = await sql<{ lookup_key: string; entry_index: number | string }>`
    select lookup_key, entry_index from ledger_lookup`.execute(db);
  for (let i = 0; i < old.rows.length; i += COPY_CHUNK) {
    const rows = old.rows.slice(i, i + COPY_CHUNK).map((r) => ({
      key_prefix: prefixOf(r.lookup_key),
      entry_index: r.entry_index,
    }));
    await (
      db as Kysely<{ ledger_lookup_prefix: { key_prefix: bigint | string; entry_index: number | string } }>
    )
      .insertInto('ledger_lookup_prefix')
      .values(pg ? rows.map((r) => ({ ...r, key_prefix: r.key_prefix.toString() })) : rows)
      .execute();
  }
  await db.schema.dropTable('ledger_lookup').execute();
  await db.schema.alterTable('ledger_lookup_prefix').renameTo('ledger_lookup').execute();
  if (pg)
    await db.schema
      .createIndex('ledger_lookup_prefix_idx')
      .on('ledger_lookup')
      .column('key_prefix')
      .execute();
}

/** Back to full keys: rows cannot be converted back (the keys are in the entries), so they are dropped. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ledger_lookup').execute();
  await db.schema
    .createTable('ledger_lookup')
    .addColumn('lookup_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('entry_index', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_lookup_pk', ['lookup_key', 'entry_index'])
    .execute();
}

/** The first 8 bytes of a hex key as a signed 64-bit integer (src/ledger/lookup_prefix.ts). */
function prefixOf(hex: string): bigint {
  const b = Buffer.alloc(8);
  Buffer.from(hex.slice(0, 16), 'hex').copy(b);
  return b.readBigInt64BE(0);
}
