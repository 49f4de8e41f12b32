import type { Kysely } from 'kysely';

/**
 * Creates the OpenID Connect login tables (src/login): the provider's artefacts (sessions,
 * interactions, grants, authorization codes, tokens: one row per model and id, RFC 6749 §4.1.2
 * codes consumed once), the relying parties registered with `trustbridge rp add`, the wallet
 * login challenges (single use, with an expiry) and the ID-token signing keys (rotation).
 * Tables are created only when missing, so a node that met the login module before this
 * migration was registered keeps its rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_payload')
    .ifNotExists()
    .addColumn('model', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('uid', 'varchar(255)')
    .addColumn('user_code', 'varchar(255)')
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('consumed_at', 'varchar(32)')
    .addPrimaryKeyConstraint('oidc_payload_pk', ['model', 'id'])
    .execute();
  await db.schema
    .createIndex('oidc_payload_grant')
    .ifNotExists()
    .on('oidc_payload')
    .column('grant_id')
    .execute();
  await db.schema.createIndex('oidc_payload_uid').ifNotExists().on('oidc_payload').column('uid').execute();
  await db.schema
    .createIndex('oidc_payload_expiry')
    .ifNotExists()
    .on('oidc_payload')
    .column('expires_at')
    .execute();
  await db.schema
    .createTable('login_client')
    .ifNotExists()
    .addColumn('client_id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('login_challenge')
    .ifNotExists()
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('uid', 'varchar(255)', (c) => c.notNull())
    .addColumn('challenge', 'varchar(128)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .addColumn('result', 'text')
    .execute();
  await db.schema
    .createIndex('login_challenge_uid')
    .ifNotExists()
    .on('login_challenge')
    .column('uid')
    .execute();
  await db.schema
    .createTable('login_key')
    .ifNotExists()
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('algorithm', 'varchar(16)', (c) => c.notNull())
    .addColumn('spki', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('retired_at', 'varchar(32)')
    .execute();
}

/** Drops the login tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['login_key', 'login_challenge', 'login_client', 'oidc_payload']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
