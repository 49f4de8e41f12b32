/** The CA state of the register: the `ca` and `crl` tables. */
import type { Transaction } from 'kysely';
import type { Store } from '../../store/database.js';
import type { CaTable, CrlTable, Database } from '../../store/schema.js';

/**
 * Increments a CA's CRL number (RFC 5280 §5.2.3) and returns the new one.
 *
 * @param trx - open transaction
 * @param caId - the CA
 * @example
 * ```ts
 * const n = await nextCrlNumber(trx, 'eid-ca');
 * ```
 */
export async function nextCrlNumber(trx: Transaction<Database>, caId: string): Promise<number> {
  const ca = await trx
    .updateTable('ca')
    .set((eb) => ({ crl_number: eb('crl_number', '+', 1) }))
    .where('id', '=', caId)
    .returning(['crl_number'])
    .executeTakeFirstOrThrow();
  return Number(ca.crl_number);
}

/**
 * The revoked and suspended certificates of a CA: the entries of its next CRL.
 *
 * @param trx - open transaction
 * @param caId - the CA
 * @example
 * ```ts
 * const rows = await selectCrlEntries(trx, 'eid-ca');
 * ```
 */
export function selectCrlEntries(
  trx: Transaction<Database>,
  caId: string,
): Promise<{ serial: string; status_changed_at: string | null; revocation_reason: string | null }[]> {
  return trx
    .selectFrom('certificate')
    .select(['serial', 'status_changed_at', 'revocation_reason'])
    .where('issuer_ca', '=', caId)
    .where('status', 'in', ['revoked', 'suspended'])
    .execute();
}

/**
 * Stores a signed CRL.
 *
 * @param trx - open transaction
 * @param row - the CRL row
 * @example
 * ```ts
 * await insertCrlRow(trx, { ca_id: 'eid-ca', crl_number: 2, this_update, next_update, der });
 * ```
 */
export async function insertCrlRow(trx: Transaction<Database>, row: CrlTable): Promise<void> {
  await trx.insertInto('crl').values(row).execute();
}

/**
 * The CRL of a CA with the highest number, if any.
 *
 * @param store - the node store
 * @param caId - the CA
 * @example
 * ```ts
 * const row = await selectLatestCrl(store, 'root');
 * ```
 */
export function selectLatestCrl(
  store: Store,
  caId: string,
): Promise<Pick<CrlTable, 'der' | 'next_update' | 'crl_number'> | undefined> {
  return store.db
    .selectFrom('crl')
    .select(['der', 'next_update', 'crl_number'])
    .where('ca_id', '=', caId)
    .orderBy('crl_number', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Records a CA of the node (at initialisation).
 *
 * @param trx - open transaction
 * @param row - the CA row
 * @example
 * ```ts
 * await insertCaRow(trx, { id: 'root', subject, cert_der, key_id: 'root', crl_number: 0, created_at });
 * ```
 */
export async function insertCaRow(trx: Transaction<Database>, row: CaTable): Promise<void> {
  await trx.insertInto('ca').values(row).execute();
}

/**
 * Reads one CA id: fails when the store is unreachable (health checks).
 *
 * @param store - the node store
 * @example
 * ```ts
 * await probeRegister(store);
 * ```
 */
export async function probeRegister(store: Store): Promise<void> {
  await store.db.selectFrom('ca').select('id').limit(1).execute();
}
