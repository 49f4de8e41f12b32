import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { Migration, MigrationProvider, Transaction } from 'kysely';
import pg from 'pg';
import { StoreError } from '../lib/errors.js';
import * as m0001 from './migrations/0001_init.js';
import type { Database } from './schema.js';

/** Every migration, in order. New migrations are appended, never edited. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_init': m0001,
};

class StaticMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  }
}

/** An open node store. */
export interface Store {
  /** The typed query builder. */
  readonly db: Kysely<Database>;
  /** `sqlite` or `postgres`. */
  readonly engine: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: all of its writes land, or none. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/**
 * Opens (and migrates) a store. `location` is a `postgres://` URL or a SQLite file path.
 *
 * @param location - `postgres://user@host:5432/db` or `/path/node.db`
 * @example
 * ```ts
 * const store = await openStore('/tmp/ph/node.db');
 * await store.close();
 * ```
 */
export async function openStore(location: string): Promise<Store> {
  const isPg = /^postgres(ql)?:\/\//.test(location);
  const db = isPg ? openPostgres(location) : openSqlite(location);
  const store: Store = {
    db,
    engine: isPg ? 'postgres' : 'sqlite',
    transaction: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    throw e;
  }
  return store;
}

function openSqlite(file: string): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  // WAL lets the server read while the CLI writes; NORMAL sync is durable across process crashes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

function openPostgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrations(),
    migrationTableName: 'tb_migration',
    migrationLockTableName: 'tb_migration_lock',
  });
  let result;
  try {
    result = await migrator.migrateToLatest();
  } catch (e) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot open the store: ${(e as Error).message}`, { cause: e });
  }
  if (result.error) {
    const msg = result.error instanceof Error ? result.error.message : String(result.error);
    throw new StoreError('STORE_MIGRATION_FAILED', `migration failed: ${msg}`, { cause: result.error });
  }
}
