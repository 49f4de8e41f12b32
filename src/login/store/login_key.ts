/** Statements on `login_key`: the ID-token signing keys and when each was retired. */
import type { Kysely } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { loginDb } from '../schema.js';
import type { LoginDatabase, LoginKeyTable } from '../schema.js';

/**
 * Stores a new signing key.
 *
 * @param db - an open transaction (or the store's query builder)
 * @param row - the key (SubjectPublicKeyInfo base64, not retired)
 * @example `await insertKey(trx, { kid, key_id, algorithm: 'ES256', spki, created_at, retired_at: null })`
 */
export async function insertKey(db: Kysely<Database>, row: LoginKeyTable): Promise<void> {
  await (db as unknown as Kysely<LoginDatabase>).insertInto('login_key').values(row).execute();
}

/**
 * The keys not retired, or retired after `since` (ISO time), newest first.
 *
 * @param store - the node store
 * @param since - the oldest retirement still published
 * @example `const rows = await listPublishedKeys(store, since)`
 */
export async function listPublishedKeys(store: Store, since: string): Promise<LoginKeyTable[]> {
  return loginDb(store)
    .selectFrom('login_key')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Retires every current key at `at` (ISO time).
 *
 * @param db - an open transaction (or the store's query builder)
 * @param at - the retirement time
 * @returns the `kid` of each key retired
 * @example `const retired = await retireCurrentKeys(trx, new Date().toISOString())`
 */
export async function retireCurrentKeys(db: Kysely<Database>, at: string): Promise<string[]> {
  const rows = await (db as unknown as Kysely<LoginDatabase>)
    .updateTable('login_key')
    .set({ retired_at: at })
    .where('retired_at', 'is', null)
    .returning('kid')
    .execute();
  return rows.map((r) => r.kid).sort();
}
