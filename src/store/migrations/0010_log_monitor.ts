import type { Kysely } from 'kysely';

/**
 * What the transparency-log monitor (`trustbridge log monitor`, src/ledger/monitor.ts) compares
 * the log with, beyond the register:
 *
 * - `seen_certificate`: certificates of the node's own CAs the node saw in use — the signer of a
 *   signature validated by `/api/v1/validate`, a client certificate at login, a serial asked
 *   about by OCSP that the register does not know. Keyed by the certificate's SHA-256 (hex) when
 *   the DER was seen, else by `<ca id>:<serial hex>`, and by where it was seen (`validate`,
 *   `login`, `ocsp`); written by an insert-or-update that never fails the request it observes.
 * - `witness_outcome`: the last answer of each witness asked to cosign the node's checkpoint
 *   (cosigned, refused with its HTTP status, unreachable, invalid), so a refusal (a fork) is
 *   reported by the monitor rather than only in the server's log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('seen_certificate')
    .addColumn('seen_key', 'varchar(160)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)')
    .addColumn('serial', 'varchar(64)', (c) => c.notNull())
    .addColumn('issuer_ca', 'varchar(32)', (c) => c.notNull())
    .addColumn('first_seen', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_seen', 'varchar(32)', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('seen_certificate_pk', ['seen_key', 'source'])
    .execute();
  await db.schema
    .createTable('witness_outcome')
    .addColumn('witness', 'varchar(256)', (c) => c.primaryKey())
    .addColumn('url', 'varchar(1024)', (c) => c.notNull())
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('witness_size', 'bigint')
    .addColumn('checkpoint_size', 'bigint', (c) => c.notNull())
    .addColumn('detail', 'varchar(512)')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

/** Drops the monitor's tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('witness_outcome').execute();
  await db.schema.dropTable('seen_certificate').execute();
}
