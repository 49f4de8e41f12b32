/** Statements on `login_client`: the relying parties an operator registered. */
import type { Store } from '../../store/database.js';
import { loginDb } from '../schema.js';
import type { LoginClientTable } from '../schema.js';

/**
 * Stores a registration.
 *
 * @param store - the node store
 * @param row - the registration (metadata as JSON, the secret only as its hash)
 * @example `await insertClient(store, { client_id, name, metadata, created_at, disabled: 0 })`
 */
export async function insertClient(store: Store, row: LoginClientTable): Promise<void> {
  await loginDb(store).insertInto('login_client').values(row).execute();
}

/**
 * Every registration, oldest first.
 *
 * @param store - the node store
 * @example `const rows = await listClientRows(store)`
 */
export async function listClientRows(store: Store): Promise<LoginClientTable[]> {
  return loginDb(store).selectFrom('login_client').selectAll().orderBy('created_at').execute();
}

/**
 * Marks a registration disabled.
 *
 * @param store - the node store
 * @param clientId - the client
 * @returns the number of rows changed (0: no such client)
 * @example `if ((await disableClientRow(store, id)) === 0) unknown()`
 */
export async function disableClientRow(store: Store, clientId: string): Promise<number> {
  const r = await loginDb(store)
    .updateTable('login_client')
    .set({ disabled: 1 })
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * The metadata (JSON) and disabled flag of a client, if registered.
 *
 * @param store - the node store
 * @param clientId - the client
 * @example `const row = await findClientMetadata(store, 'rp-abc')`
 */
export async function findClientMetadata(
  store: Store,
  clientId: string,
): Promise<{ metadata: string; disabled: number } | undefined> {
  return loginDb(store)
    .selectFrom('login_client')
    .select(['metadata', 'disabled'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}
