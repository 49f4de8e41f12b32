/** Statements on `login_key`: the ID-token signing keys and when each was retired. */
import type { Store } from '../../store/database.js';
import { loginDb } from '../schema.js';
import type { LoginKeyTable } from '../schema.js';

/**
 * Stores a new signing key.
 *
 * @param store - the node store
 * @param row - the key (SubjectPublicKeyInfo base64, not retired)
 * @example `await insertKey(store, { kid, key_id, algorithm: 'ES256', spki, created_at, retired_at: null })`
 */
export async function insertKey(store: Store, row: LoginKeyTable): Promise<void> {
  await loginDb(store).insertInto('login_key').values(row).execute();
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
 * @param store - the node store
 * @param at - the retirement time
 * @example `await retireCurrentKeys(store, new Date().toISOString())`
 */
export async function retireCurrentKeys(store: Store, at: string): Promise<void> {
  await loginDb(store)
    .updateTable('login_key')
    .set({ retired_at: at })
    .where('retired_at', 'is', null)
    .execute();
}
