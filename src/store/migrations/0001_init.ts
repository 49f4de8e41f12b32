import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.js';

/** Creates the country node tables: CAs, certificates, population register, events, officers, CRLs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('ca')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('cert_der', t.binary, (c) => c.notNull())
    .addColumn('key_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('crl_number', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('person')
    .addColumn('national_id', 'varchar(12)', (c) => c.primaryKey())
    .addColumn('given_names', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('place_of_birth', 'text', (c) => c.notNull())
    .addColumn('sex', 'varchar(1)', (c) => c.notNull())
    .addColumn('nationality', 'varchar(2)', (c) => c.notNull())
    .addColumn('dedup_key', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('certificate')
    .addColumn('serial', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('issuer_ca', 'varchar(64)', (c) => c.notNull())
    .addColumn('national_id', 'varchar(12)')
    .addColumn('usage', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('not_before', 'varchar(32)', (c) => c.notNull())
    .addColumn('not_after', 'varchar(32)', (c) => c.notNull())
    .addColumn('cert_der', t.binary, (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('status_changed_at', 'varchar(32)')
    .addColumn('revocation_reason', 'varchar(32)')
    .addColumn('replaced_by', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificate_person').on('certificate').column('national_id').execute();
  await db.schema
    .createIndex('certificate_issuer_status')
    .on('certificate')
    .columns(['issuer_ca', 'status'])
    .execute();
  await db.schema
    .createTable('event')
    .addColumn('id', t.serial, (c) => t.serialPrimaryKey(c))
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('officer', 'text', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('national_id', 'varchar(12)')
    .addColumn('serial', 'varchar(64)')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_person').on('event').column('national_id').execute();
  await db.schema
    .createTable('officer')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('crl')
    .addColumn('ca_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('crl_number', 'integer', (c) => c.notNull())
    .addColumn('this_update', 'varchar(32)', (c) => c.notNull())
    .addColumn('next_update', 'varchar(32)', (c) => c.notNull())
    .addColumn('der', t.binary, (c) => c.notNull())
    .addPrimaryKeyConstraint('crl_pk', ['ca_id', 'crl_number'])
    .execute();
  await db.schema
    .createTable('import_progress')
    .addColumn('file_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('rows_done', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

/** Drops the country node tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['import_progress', 'crl', 'officer', 'event', 'certificate', 'person', 'ca']) {
    await db.schema.dropTable(t).execute();
  }
}
