import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, SqliteDriver, sql } from 'kysely';
import type {
  DatabaseConnection,
  Driver,
  Migration,
  MigrationProvider,
  QueryResult,
  SqliteDatabase,
  SqliteDialectConfig,
  SqliteStatement,
  Transaction,
} from 'kysely';
import pg from 'pg';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, touchPrivateFile } from '../lib/private_files.js';
import { StoreError } from './errors.js';
import { listenPostgres } from './notifications.js';
import type { Subscription } from './notifications.js';
import * as m0001 from './migrations/0001_init.js';
import * as m0002 from './migrations/0002_certificate_key_hash.js';
import * as m0003 from './migrations/0003_login.js';
import * as m0004 from './migrations/0004_enrolment_review.js';
import * as m0005 from './migrations/0005_ledger.js';
import * as m0006 from './migrations/0006_cert.js';
import * as m0007 from './migrations/0007_person_candidates.js';
import * as m0008 from './migrations/0008_witness.js';
import * as m0010 from './migrations/0010_log_monitor.js';
import * as m0011 from './migrations/0011_ledger_lookup_prefix.js';
import * as m0012 from './migrations/0012_cert_alert.js';
import * as m0013 from './migrations/0013_cert_remote.js';
import type { Database } from './schema.js';

/** Every migration, in order. New migrations are appended, never edited. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_certificate_key_hash': m0002,
  '0003_login': m0003,
  '0004_enrolment_review': m0004,
  '0005_ledger': m0005,
  '0006_cert': m0006,
  '0007_person_candidates': m0007,
  '0008_witness': m0008,
  '0010_log_monitor': m0010,
  '0011_ledger_lookup_prefix': m0011,
  '0012_cert_alert': m0012,
  '0013_cert_remote': m0013,
};

/**
 * SQLite transactions start with BEGIN IMMEDIATE: they take the write lock up front, so a
 * transaction that reads and then writes cannot fail with SQLITE_BUSY_SNAPSHOT when another
 * process (the CLI beside the server) committed in between; it waits for the lock instead (BusyRetryConnection).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  #wrapped: BusyRetryConnection | undefined;
  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    if (this.#wrapped?.inner !== inner) this.#wrapped = new BusyRetryConnection(inner);
    return this.#wrapped;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** How long a statement waits for another process's write lock, in all (as busy_timeout did). */
const BUSY_BUDGET_MS = 10_000;

/**
 * Waits for another process's write lock without blocking the event loop: SQLite's own busy
 * handler sleeps inside the call, stalling every request of the process (several server workers
 * share one file). busy_timeout is 0 and a statement refused with SQLITE_BUSY, which changed
 * nothing, is tried again after a short, growing, jittered pause.
 */
class BusyRetryConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  constructor(inner: DatabaseConnection) {
    this.inner = inner;
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_BUSY_RECOVERY') || waited >= BUSY_BUDGET_MS) throw e;
        const pause = Math.min(2 ** attempt, 50) * (0.5 + Math.random());
        waited += pause;
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Keeps prepared statements: Kysely prepares every query anew, which costs more than running
 * it for the short queries of the hot paths (OCSP status, issuance).
 */
function withStatementCache(db: BetterSqlite3.Database, size = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sqlText: string): SqliteStatement {
      let st = cache.get(sqlText);
      if (!st) {
        st = db.prepare(sqlText) as unknown as SqliteStatement;
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
        cache.set(sqlText, st);
      }
      return st;
    },
  };
}

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
  /**
   * PostgreSQL only: subscribes to a notification channel on a dedicated connection (see
   * `notifyChange`). Undefined on SQLite.
   */
  readonly listen?: (
    channel: string,
    onNotify: (payload: string) => void,
    onLost: () => void,
  ) => Promise<Subscription>;
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
    ...(isPg
      ? { listen: (channel, onNotify, onLost) => listenPostgres(location, channel, onNotify, onLost) }
      : {}),
    transaction: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
  try {
    await migrate(db, isPg);
  } catch (e) {
    await db.destroy().catch(() => undefined);
    if (!isPg && isCorrupt((e as { cause?: unknown }).cause))
      throw corrupt(location, (e as { cause: unknown }).cause);
    throw e;
  }
  return store;
}

/** SQLite's answers for a file that is not a database, or a damaged one. */
const SQLITE_CORRUPT = new Set([
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_CORRUPT_VTAB',
  'SQLITE_CORRUPT_INDEX',
]);

function corrupt(file: string, e: unknown): StoreError {
  return new StoreError(
    'STORE_CORRUPT',
    `${file} is not a usable SQLite database (${(e as Error).message}): restore it from a backup`,
    { cause: e },
  );
}

function isCorrupt(e: unknown): boolean {
  return SQLITE_CORRUPT.has(String((e as { code?: unknown })?.code));
}

function openSqlite(file: string): Kysely<Database> {
  let sqlite: BetterSqlite3.Database;
  try {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
      // Created 0600 before SQLite opens it: SQLite gives -wal and -shm the database's mode.
      touchPrivateFile(file);
    }
    sqlite = new BetterSqlite3(file);
  } catch (e) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot open ${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    // WAL lets the server read while the CLI writes; NORMAL sync is durable across process crashes.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 10000');
    // Checkpoint (and fsync) every ~32 MB of WAL rather than every 4 MB: fewer stalls under write load.
    sqlite.pragma('wal_autocheckpoint = 8000');
    sqlite.pragma('foreign_keys = ON');
    // Lock waits happen asynchronously from here on (BusyRetryConnection).
    sqlite.pragma('busy_timeout = 0');
  } catch (e) {
    sqlite.close();
    if (isCorrupt(e)) throw corrupt(file, e);
    throw new StoreError('STORE_UNAVAILABLE', `cannot open ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (file !== ':memory:') {
    // Files left by an older version or made by SQLite under a wide umask.
    for (const side of [`${file}-wal`, `${file}-shm`])
      if (existsSync(side)) chmodSync(side, PRIVATE_FILE_MODE);
  }
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
  });
}

function openPostgres(url: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection dropped by the server must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function migrate(db: Kysely<Database>, isPg: boolean): Promise<void> {
  let result;
  try {
    // PostgreSQL: keep the migration tables in the connection's own schema, so several nodes can
    // share one database in separate schemas (Kysely would otherwise find another schema's tables).
    const schema = isPg
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
    const migrator = new Migrator({
      db,
      provider: new StaticMigrations(),
      migrationTableName: 'tb_migration',
      migrationLockTableName: 'tb_migration_lock',
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    result = await migrator.migrateToLatest();
  } catch (e) {
    throw new StoreError('STORE_UNAVAILABLE', `cannot open the store: ${(e as Error).message}`, { cause: e });
  }
  if (result.error) {
    const msg = result.error instanceof Error ? result.error.message : String(result.error);
    throw new StoreError('STORE_MIGRATION_FAILED', `migration failed: ${msg}`, { cause: result.error });
  }
}
