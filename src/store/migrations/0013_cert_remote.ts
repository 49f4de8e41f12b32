import type { Kysely } from 'kysely';

/**
 * The remote TAXII servers a CERT pulls from (issue 16 part 6, src/cert/remotes.ts and
 * src/cert/sync.ts): `cert_remote` holds each one's API root, collection, user name and its
 * secret encrypted with the node's remote-secret key (AES-256-GCM), the local collection its
 * objects are mirrored into, the sync position (the `added_after` of the current pass, the
 * `next` cursor after the last stored page, the high-water `date_added` seen), written in the
 * same transaction as the objects of each page, and the lease that lets one sync run at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cert_remote')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('api_root_url', 'text', (c) => c.notNull())
    .addColumn('collection', 'varchar(300)', (c) => c.notNull())
    .addColumn('auth', 'varchar(8)', (c) => c.notNull())
    .addColumn('username', 'varchar(256)')
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('tlp_max', 'varchar(16)', (c) => c.notNull())
    .addColumn('collection_id', 'varchar(40)', (c) => c.notNull().references('cert_collection.id'))
    .addColumn('added_after', 'varchar(40)')
    .addColumn('next_cursor', 'text')
    .addColumn('high_water', 'varchar(40)')
    .addColumn('lease_holder', 'varchar(64)')
    .addColumn('lease_until', 'varchar(32)')
    .addColumn('last_sync_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

/** Drops the remotes table (the mirrored objects stay in their collections). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cert_remote').execute();
}
