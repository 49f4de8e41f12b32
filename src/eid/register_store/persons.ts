/** The register's `person` table. */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import { rawQuery } from '../../store/raw_query.js';
import type { Database, PersonTable } from '../../store/schema.js';

/**
 * The person registered under a de-duplication key, if any.
 *
 * @param trx - open transaction
 * @param dedupKey - the demographic key (person.ts)
 * @example
 * ```ts
 * const existing = await findPersonByDedupKey(trx, dedupKey(data));
 * ```
 */
export function findPersonByDedupKey(
  trx: Transaction<Database>,
  dedupKey: string,
): Promise<{ national_id: string } | undefined> {
  return trx.selectFrom('person').select('national_id').where('dedup_key', '=', dedupKey).executeTakeFirst();
}

/**
 * Which of these de-duplication keys are registered already (no query for none).
 *
 * @param trx - open transaction
 * @param keys - de-duplication keys
 * @example
 * ```ts
 * const taken = new Set(await registeredDedupKeys(trx, ['a', 'b']));
 * ```
 */
export async function registeredDedupKeys(trx: Transaction<Database>, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await trx.selectFrom('person').select('dedup_key').where('dedup_key', 'in', keys).execute();
  return rows.map((r) => r.dedup_key);
}

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
