/** The register's `person` table. */
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import { rawQuery } from '../../store/raw_query.js';
import type { Database, PersonTable } from '../../store/schema.js';

/**
 * Inserts person rows (one multi-row statement).
 *
 * @param trx - open transaction
 * @param rows - one or more rows
 * @example
 * ```ts
 * await insertPersonRows(trx, [row]);
 * ```
 */
export async function insertPersonRows(trx: Transaction<Database>, rows: PersonTable[]): Promise<void> {
  await trx.insertInto('person').values(rows).execute();
}

/**
 * A no-op UPDATE of the person's row: it takes the row lock in PostgreSQL (the database lock in
 * SQLite) for the rest of the transaction, so concurrent lifecycle operations on one person queue.
 *
 * @param trx - open transaction
 * @param nationalId - the person
 * @returns how many rows matched (0: no such person)
 * @example
 * ```ts
 * if ((await touchPerson(trx, id)) === 0) throw notFound;
 * ```
 */
export async function touchPerson(trx: Transaction<Database>, nationalId: string): Promise<number> {
  const r = await trx
    .updateTable('person')
    .set({ national_id: nationalId })
    .where('national_id', '=', nationalId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A person row with the two facts issuance checks. */
export type PersonIssuanceRow = PersonTable & { in_force: string | null; key_used: string | null };

/**
 * Reads the person with, in the same round trip, a certificate of theirs in force and a
 * certificate of any of these keys. PostgreSQL takes the person's row lock (FOR UPDATE); SQLite
 * transactions already hold the write lock (BEGIN IMMEDIATE).
 *
 * @param trx - open transaction
 * @param engine - the store's engine
 * @param nationalId - the person
 * @param keyHashes - SHA-256 (hex) of the SubjectPublicKeyInfos about to be certified
 * @example
 * ```ts
 * const row = await selectPersonForIssuance(trx, store.engine, id, hashes);
 * ```
 */
export function selectPersonForIssuance(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  nationalId: string,
  keyHashes: string[],
): Promise<PersonIssuanceRow | undefined> {
  let q = trx
    .selectFrom('person')
    .selectAll('person')
    .select((eb) =>
      eb
        .selectFrom('certificate')
        .select('serial')
        .where('national_id', '=', nationalId)
        .where('status', 'in', ['good', 'suspended'])
        .limit(1)
        .as('in_force'),
    )
    .select((eb) =>
      eb
        .selectFrom('certificate')
        .select('serial')
        .where('spki_sha256', 'in', keyHashes)
        .limit(1)
        .as('key_used'),
    )
    .where('person.national_id', '=', nationalId);
  if (engine === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * The person row of a national identifier, if any.
 *
 * @param store - the node store
 * @param nationalId - a checked national identifier
 * @example
 * ```ts
 * const row = await selectPersonRow(store, '492817365021');
 * ```
 */
export async function selectPersonRow(store: Store, nationalId: string): Promise<PersonTable | undefined> {
  // Precompiled: every login reads the register once or twice.
  return (await rawQuery<PersonTable>(store, 'select * from person where national_id = ?', [nationalId]))
    .rows[0];
}

/**
 * Number of rows of a register table.
 *
 * @param store - the node store
 * @param table - `person` or `certificate`
 * @example
 * ```ts
 * const persons = await countRows(store, 'person');
 * ```
 */
export async function countRows(store: Store, table: 'person' | 'certificate'): Promise<number> {
  return Number(
    (
      await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
}

/**
 * The people born on a day: the candidates of demographic de-duplication (indexed, migration
 * 0004).
 *
 * @param trx - open transaction
 * @param birthDates - one or more days `YYYY-MM-DD`
 * @example
 * ```ts
 * const candidates = await selectPersonsBornOn(trx, ['1990-05-17']);
 * ```
 */
export async function selectPersonsBornOn(
  trx: Transaction<Database>,
  birthDates: string[],
): Promise<DemographicRow[]> {
  if (birthDates.length === 0) return [];
  return trx
    .selectFrom('person')
    .select(['national_id', 'given_names', 'family_name', 'birth_date', 'place_of_birth', 'sex'])
    .where('birth_date', 'in', birthDates)
    .execute();
}

/** The attributes de-duplication compares (all in the covering birth-date index). */
export type DemographicRow = Pick<
  PersonTable,
  'national_id' | 'given_names' | 'family_name' | 'birth_date' | 'place_of_birth' | 'sex'
>;

/**
 * Serialises enrolments of one birth date until the transaction ends. Two people enrolled at
 * once with different known attributes have different keys, so the unique key cannot catch
 * the race; PostgreSQL takes a transaction advisory lock on the day, SQLite transactions
 * already hold the write lock (BEGIN IMMEDIATE).
 *
 * @param trx - open transaction
 * @param engine - the store's engine
 * @param birthDate - the day `YYYY-MM-DD`
 * @example
 * ```ts
 * await lockBirthDate(trx, store.engine, data.birthDate);
 * ```
 */
export async function lockBirthDate(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  birthDate: string,
): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtext(${`birth:${birthDate}`}))`.execute(trx);
}

/**
 * {@link lockBirthDate} then {@link selectPersonsBornOn} for one day, as the enrolment check
 * needs them. On PostgreSQL one round trip: `lock_persons_born_on` (migration 0007) takes the
 * lock and reads with a snapshot taken after it, so a person registered by the enrolment it
 * waited for is among the rows.
 *
 * @param trx - open transaction
 * @param engine - the store's engine
 * @param birthDate - the day `YYYY-MM-DD`
 * @example
 * ```ts
 * const candidates = await lockAndSelectPersonsBornOn(trx, store.engine, data.birthDate);
 * ```
 */
export async function lockAndSelectPersonsBornOn(
  trx: Transaction<Database>,
  engine: 'sqlite' | 'postgres',
  birthDate: string,
): Promise<DemographicRow[]> {
  if (engine !== 'postgres') return selectPersonsBornOn(trx, [birthDate]);
  return (await sql<DemographicRow>`select * from lock_persons_born_on(${birthDate})`.execute(trx)).rows;
}

/**
 * Brings the register's statistics and visibility up to date after a bulk load, as PostgreSQL's
 * documentation advises after populating a table ("Populating a Database"): `VACUUM (ANALYZE)`
 * lets the de-duplication check answer from its covering birth-date index without visiting the
 * table (an index-only scan), even on a server whose autovacuum is off or has not run yet. On
 * SQLite, `PRAGMA optimize`. Runs outside any transaction.
 *
 * @param store - the node's store
 * @example
 * ```ts
 * await settleRegisterAfterBulkLoad(ctx.store);
 * ```
 */
export async function settleRegisterAfterBulkLoad(store: Store): Promise<void> {
  if (store.engine === 'postgres') await sql`vacuum (analyze) person`.execute(store.db);
  else await sql`pragma optimize`.execute(store.db);
}
