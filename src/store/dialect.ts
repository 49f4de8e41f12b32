import { PostgresAdapter, sql } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely, RawBuilder } from 'kysely';

/** Column types that differ between SQLite and PostgreSQL. */
export interface ColumnTypes {
  binary: RawBuilder<unknown>;
  serial: RawBuilder<unknown>;
  serialPrimaryKey: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

/** True when the Kysely instance talks to PostgreSQL. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The engine-specific column types for migrations. */
export function columnTypes(db: Kysely<unknown>): ColumnTypes {
  if (isPostgres(db)) {
    return { binary: sql`bytea`, serial: sql`serial`, serialPrimaryKey: (c) => c.primaryKey() };
  }
  return { binary: sql`blob`, serial: sql`integer`, serialPrimaryKey: (c) => c.primaryKey().autoIncrement() };
}
