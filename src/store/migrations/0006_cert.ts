import type { Kysely } from 'kysely';

/**
 * Creates the CERT-to-CERT exchange tables (src/cert, TAXII 2.1 and STIX 2.1):
 *
 * - `cert_partner`: partner CERTs (Basic credentials as an scrypt hash, TLP clearance);
 * - `cert_token`: their bearer tokens, as SHA-256 hashes only;
 * - `cert_api_root`, `cert_collection`: the TAXII API roots and collections;
 * - `cert_permission`: per collection and partner, can_read / can_write;
 * - `cert_object`: every version of every object of a collection (id, version = modified,
 *   date_added, spec_version, type, TLP level, the JSON, who added it); the manifest is read
 *   from it. Keyset paging runs over (collection, date_added, id, version);
 * - `cert_status`: status resources of POSTed envelopes (kept at least 24 hours);
 * - `cert_secret`: server-side secrets shared by every process (the paging cursor HMAC key).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cert_partner')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'varchar(8)')
    .addColumn('username', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('tlp_max', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('cert_token')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('partner_id', 'varchar(40)', (c) =>
      c.notNull().references('cert_partner.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('cert_api_root')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('max_content_length', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('cert_collection')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('api_root', 'varchar(64)', (c) =>
      c.notNull().references('cert_api_root.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('alias', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('cert_collection_alias', ['api_root', 'alias'])
    .execute();
  await db.schema
    .createTable('cert_permission')
    .addColumn('collection_id', 'varchar(40)', (c) =>
      c.notNull().references('cert_collection.id').onDelete('cascade'),
    )
    .addColumn('partner_id', 'varchar(40)', (c) =>
      c.notNull().references('cert_partner.id').onDelete('cascade'),
    )
    .addColumn('can_read', 'integer', (c) => c.notNull())
    .addColumn('can_write', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('cert_permission_pk', ['collection_id', 'partner_id'])
    .execute();
  await db.schema
    .createTable('cert_object')
    .addColumn('collection_id', 'varchar(40)', (c) =>
      c.notNull().references('cert_collection.id').onDelete('cascade'),
    )
    .addColumn('id', 'varchar(300)', (c) => c.notNull())
    .addColumn('version', 'varchar(40)', (c) => c.notNull())
    .addColumn('date_added', 'varchar(32)', (c) => c.notNull())
    .addColumn('spec_version', 'varchar(8)', (c) => c.notNull())
    .addColumn('type', 'varchar(250)', (c) => c.notNull())
    .addColumn('tlp', 'varchar(16)', (c) => c.notNull())
    .addColumn('added_by', 'varchar(40)')
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cert_object_pk', ['collection_id', 'id', 'version'])
    .execute();
  await db.schema
    .createIndex('cert_object_added')
    .on('cert_object')
    .columns(['collection_id', 'date_added', 'id', 'version'])
    .execute();
  await db.schema
    .createTable('cert_status')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('api_root', 'varchar(64)', (c) => c.notNull())
    .addColumn('partner_id', 'varchar(40)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('request_timestamp', 'varchar(32)', (c) => c.notNull())
    .addColumn('total_count', 'integer', (c) => c.notNull())
    .addColumn('success_count', 'integer', (c) => c.notNull())
    .addColumn('failure_count', 'integer', (c) => c.notNull())
    .addColumn('pending_count', 'integer', (c) => c.notNull())
    .addColumn('successes', 'text', (c) => c.notNull())
    .addColumn('failures', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cert_status_expiry').on('cert_status').column('expires_at').execute();
  await db.schema
    .createTable('cert_secret')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

/** Drops the CERT exchange tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'cert_secret',
    'cert_status',
    'cert_object',
    'cert_permission',
    'cert_collection',
    'cert_api_root',
    'cert_token',
    'cert_partner',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}
