import type { Kysely } from 'kysely';

/**
 * The eID link of the CERT exchange (src/cert/alerts):
 *
 * - `certificate.cert_sha256`, `certificate.cert_sha1` (indexed): digests of each certificate's
 *   DER, so a STIX `x509-certificate` hash finds the certificate without hashing the register.
 *   Written at issuance; those of certificates issued before this migration are filled in by the
 *   matcher on first need (this migration does not hash the whole register);
 * - `cert_alert`: an alert per (STIX object id, version, certificate of this node) that a
 *   received object names, with its review status (open, acknowledged, acted, dismissed), the
 *   officer and note of the last decision, and for a CA the proposal made when acted on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('certificate').addColumn('cert_sha256', 'varchar(64)').execute();
  await db.schema.alterTable('certificate').addColumn('cert_sha1', 'varchar(40)').execute();
  await db.schema.createIndex('certificate_sha256').on('certificate').column('cert_sha256').execute();
  await db.schema.createIndex('certificate_sha1').on('certificate').column('cert_sha1').execute();
  await db.schema
    .createTable('cert_alert')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('stix_id', 'varchar(300)', (c) => c.notNull())
    .addColumn('stix_version', 'varchar(40)', (c) => c.notNull())
    .addColumn('stix_type', 'varchar(250)', (c) => c.notNull())
    .addColumn('collection_id', 'varchar(40)')
    .addColumn('source_partner', 'varchar(40)')
    .addColumn('cert_serial', 'varchar(64)', (c) => c.notNull())
    .addColumn('cert_sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('cert_usage', 'varchar(64)', (c) => c.notNull())
    .addColumn('national_id', 'varchar(32)')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('matched_on', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('officer', 'varchar(80)')
    .addColumn('note', 'text')
    .addColumn('updated_at', 'varchar(32)')
    .addColumn('outcome', 'text')
    .addUniqueConstraint('cert_alert_object_cert', ['stix_id', 'stix_version', 'cert_serial'])
    .execute();
  await db.schema
    .createIndex('cert_alert_status')
    .on('cert_alert')
    .columns(['status', 'created_at'])
    .execute();
}

/** Drops the alert table and the digest columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cert_alert').ifExists().execute();
  await db.schema.dropIndex('certificate_sha1').execute();
  await db.schema.dropIndex('certificate_sha256').execute();
  await db.schema.alterTable('certificate').dropColumn('cert_sha1').execute();
  await db.schema.alterTable('certificate').dropColumn('cert_sha256').execute();
}
