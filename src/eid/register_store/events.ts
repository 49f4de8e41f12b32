/** The register's audit trail, the `event` table. */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database, EventTable } from '../../store/schema.js';

/** An event of a person, as the operator sees it. */
export interface PersonEventRow {
  at: string;
  officer: string;
  action: string;
  serial: string | null;
  detail: unknown;
}

/**
 * Appends events (one multi-row statement) inside the caller's transaction, so the audit trail
 * and the change it records land together.
 *
 * @param trx - open transaction
 * @param rows - one or more event rows (`detail` is JSON text)
 * @example
 * ```ts
 * await insertEventRows(trx, [{ at, officer, action: 'register', national_id: id, serial: null, detail: '{}' }]);
 * ```
 */
export async function insertEventRows(
  trx: Transaction<Database>,
  rows: Omit<EventTable, 'id'>[],
): Promise<void> {
  await trx.insertInto('event').values(rows).execute();
}

/**
 * Appends one event.
 *
 * @param trx - open transaction
 * @param row - the event row (`detail` is JSON text)
 * @example
 * ```ts
 * await insertEventRow(trx, { at, officer: 'node-init', action: 'node-init', national_id: null, serial: null, detail: '{}' });
 * ```
 */
export async function insertEventRow(trx: Transaction<Database>, row: Omit<EventTable, 'id'>): Promise<void> {
  await trx.insertInto('event').values(row).execute();
}

/**
 * A person's audit trail in the order it was written, `detail` decoded.
 *
 * @param store - the node store
 * @param nationalId - the person
 * @example
 * ```ts
 * const events = await listPersonEvents(store, person.nationalId);
 * ```
 */
export async function listPersonEvents(store: Store, nationalId: string): Promise<PersonEventRow[]> {
  const rows = await store.db
    .selectFrom('event')
    .select(['at', 'officer', 'action', 'serial', 'detail'])
    .where('national_id', '=', nationalId)
    .orderBy('id')
    .execute();
  return rows.map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown }));
}
