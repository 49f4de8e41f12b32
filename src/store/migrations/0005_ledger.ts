import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { columnTypes, isPostgres } from '../dialect.js';

/**
 * The transparency log's tables (src/ledger; entry format in the README, "Transparency log
 * entries").
 *
 * - `ledger_queue` is the outbox: every trust event enqueues its entry here in the same
 *   transaction as the change it records, so a committed change always has its entry and a
 *   rolled-back one never does. `seq` orders the queue (AUTOINCREMENT on SQLite: never reused;
 *   bigserial on PostgreSQL, where numbers are drawn at insert and may commit out of order, so
 *   the sequencer takes the committed rows it sees and deletes them in the transaction that
 *   integrates them, rather than trusting a high-water mark). `entry` holds the entry's exact
 *   bytes (the tlog-tiles entry); `lookup_key` its lookup key (lower-case hex), when it has one.
 * - `ledger_lookup` maps a lookup key to the index of every integrated entry that carries it
 *   (a certificate's issuance and its status changes share one key), for `GET /log/lookup/<hex>`.
 * - `ledger_state` holds the one integrated tree (row `id` 1): its size, RFC 9162 root hash and
 *   latest signed checkpoint (a signed note, with the cosignatures gathered).
 * - `ledger_tiles` holds the tlog-tiles resources by their path under `/log/`
 *   (`tile/0/x001/234`, `tile/entries/000.p/17`, ...), written by the sequencer in the same
 *   transaction as `ledger_state`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const pg = isPostgres(db);
  await db.schema
    .createTable('ledger_queue')
    .addColumn('seq', pg ? sql`bigserial` : t.serial, (c) => t.serialPrimaryKey(c))
    .addColumn('entry', t.binary, (c) => c.notNull())
    .addColumn('lookup_key', 'varchar(128)')
    .addColumn('queued_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_queue_lookup').on('ledger_queue').column('lookup_key').execute();
  await db.schema
    .createTable('ledger_lookup')
    .addColumn('lookup_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('entry_index', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_lookup_pk', ['lookup_key', 'entry_index'])
    .execute();
  await db.schema
    .createTable('ledger_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', t.binary, (c) => c.notNull())
    .addColumn('checkpoint', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ledger_tiles')
    .addColumn('path', 'varchar(96)', (c) => c.primaryKey())
    .addColumn('data', t.binary, (c) => c.notNull())
    .execute();
}

/** Drops the log's tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['ledger_tiles', 'ledger_state', 'ledger_lookup', 'ledger_queue']) {
    await db.schema.dropTable(t).execute();
  }
}
