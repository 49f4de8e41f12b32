/**
 * Statements on `oidc_payload`: the provider's artefacts (one row per model and id), the node's
 * login secret and the cross-border proxy's states. The adapter's statements are fixed text run
 * precompiled (raw_query.ts), because a login runs ~40 of them; the others are rare and built
 * with Kysely.
 */
import type { Store } from '../../store/database.js';
import { rawQuery } from '../../store/raw_query.js';
import { loginDb } from '../schema.js';

/** The adapter's statements, the same on SQLite and PostgreSQL (run precompiled: raw_query.ts). */
const SQL = {
  upsert:
    'insert into oidc_payload (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at) ' +
    'values (?, ?, ?, ?, ?, ?, ?, null) on conflict (model, id) do update set payload = excluded.payload, ' +
    'grant_id = excluded.grant_id, uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at',
  find: {
    id: 'select payload, expires_at, consumed_at from oidc_payload where model = ? and id = ?',
    uid: 'select payload, expires_at, consumed_at from oidc_payload where model = ? and uid = ?',
    userCode: 'select payload, expires_at, consumed_at from oidc_payload where model = ? and user_code = ?',
  },
  consume: 'update oidc_payload set consumed_at = ? where model = ? and id = ?',
  destroy: 'delete from oidc_payload where model = ? and id = ?',
  revokeByGrant: 'delete from oidc_payload where grant_id = ?',
} as const;

/** The model of the login secret's row. */
const SECRET_MODEL = 'TrustbridgeSecret';

/** The model of the proxy's state rows. */
const STATE_MODEL = 'ProxyState';

/** One artefact as the adapter writes it. */
export interface PayloadUpsert {
  model: string;
  id: string;
  /** The artefact as JSON. */
  payload: string;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  expiresAt: string | null;
}

/** One artefact as the adapter reads it. */
export interface PayloadRow {
  payload: string;
  expires_at: string | null;
  consumed_at: string | null;
}

/**
 * Inserts or replaces an artefact (its consumption mark is kept on replace).
 *
 * @param store - the node store
 * @param row - the artefact
 * @example
 * ```ts
 * await upsertPayload(store, { model: 'Session', id, payload: '{}', grantId: null, uid: null, userCode: null, expiresAt: null });
 * ```
 */
export async function upsertPayload(store: Store, row: PayloadUpsert): Promise<void> {
  await rawQuery(store, SQL.upsert, [
    row.model,
    row.id,
    row.payload,
    row.grantId,
    row.uid,
    row.userCode,
    row.expiresAt,
  ]);
}

/**
 * The artefact of `model` whose id, uid or user code is `value`, expired or not.
 *
 * @param store - the node store
 * @param by - the column looked up
 * @param model - the provider model
 * @param value - the key
 * @example
 * ```ts
 * const row = await findPayload(store, 'uid', 'Session', uid);
 * ```
 */
export async function findPayload(
  store: Store,
  by: 'id' | 'uid' | 'userCode',
  model: string,
  value: string,
): Promise<PayloadRow | undefined> {
  const { rows } = await rawQuery<PayloadRow>(store, SQL.find[by], [model, value]);
  return rows[0];
}

/**
 * Marks an artefact consumed at `at` (ISO time).
 *
 * @param store - the node store
 * @param model - the provider model
 * @param id - the artefact
 * @param at - the consumption time
 * @example `await consumePayload(store, 'AuthorizationCode', code, new Date().toISOString())`
 */
export async function consumePayload(store: Store, model: string, id: string, at: string): Promise<void> {
  await rawQuery(store, SQL.consume, [at, model, id]);
}

/**
 * Deletes an artefact.
 *
 * @param store - the node store
 * @param model - the provider model
 * @param id - the artefact
 * @example `await destroyPayload(store, 'Session', id)`
 */
export async function destroyPayload(store: Store, model: string, id: string): Promise<void> {
  await rawQuery(store, SQL.destroy, [model, id]);
}

/**
 * Deletes every artefact of a grant, whatever its model.
 *
 * @param store - the node store
 * @param grantId - the grant
 * @example `await revokePayloadsOfGrant(store, grantId)`
 */
export async function revokePayloadsOfGrant(store: Store, grantId: string): Promise<void> {
  await rawQuery(store, SQL.revokeByGrant, [grantId]);
}

/**
 * Deletes the rows of every model that expired before `before` (ISO time).
 *
 * @param store - the node store
 * @param before - the expiry bound
 * @example `void deleteExpiredPayloads(store, new Date().toISOString()).catch(() => undefined)`
 */
export function deleteExpiredPayloads(store: Store, before: string): Promise<unknown> {
  return loginDb(store).deleteFrom('oidc_payload').where('expires_at', '<', before).execute();
}

/**
 * Stores the login secret unless one is stored already, and returns the stored one: two
 * processes starting together both insert, the first insert wins, both read it back.
 *
 * @param store - the node store
 * @param fresh - the secret to store when there is none
 * @example `const secret = await keepLoginSecret(store, randomBytes(32).toString('base64url'))`
 */
export async function keepLoginSecret(store: Store, fresh: string): Promise<string> {
  const db = loginDb(store);
  await db
    .insertInto('oidc_payload')
    .values({
      model: SECRET_MODEL,
      id: 'login',
      payload: JSON.stringify({ secret: fresh }),
      grant_id: null,
      uid: null,
      user_code: null,
      expires_at: null,
      consumed_at: null,
    })
    .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
    .execute();
  const row = await db
    .selectFrom('oidc_payload')
    .select('payload')
    .where('model', '=', SECRET_MODEL)
    .where('id', '=', 'login')
    .executeTakeFirstOrThrow();
  return (JSON.parse(row.payload) as { secret: string }).secret;
}

/**
 * Stores a proxy state under its `state` value.
 *
 * @param store - the node store
 * @param state - the OAuth `state` sent to the home node
 * @param payload - the state as JSON
 * @param uid - the interaction it belongs to
 * @param expiresAt - its expiry (ISO time)
 * @example `await insertProxyState(store, state, JSON.stringify(s), s.uid, expiresAt)`
 */
export async function insertProxyState(
  store: Store,
  state: string,
  payload: string,
  uid: string,
  expiresAt: string,
): Promise<void> {
  await loginDb(store)
    .insertInto('oidc_payload')
    .values({
      model: STATE_MODEL,
      id: state,
      payload,
      grant_id: null,
      uid,
      user_code: null,
      expires_at: expiresAt,
      consumed_at: null,
    })
    .execute();
}

/**
 * The interaction and expiry of a proxy state, without using it up.
 *
 * @param store - the node store
 * @param state - the OAuth `state`
 * @example `const row = await findProxyState(store, state)`
 */
export async function findProxyState(
  store: Store,
  state: string,
): Promise<{ uid: string | null; expires_at: string | null } | undefined> {
  return loginDb(store)
    .selectFrom('oidc_payload')
    .select(['uid', 'expires_at'])
    .where('model', '=', STATE_MODEL)
    .where('id', '=', state)
    .executeTakeFirst();
}

/**
 * Reads and deletes a proxy state (single use: a replayed callback finds nothing).
 *
 * @param store - the node store
 * @param state - the OAuth `state`
 * @returns the row as it was, and whether this call deleted it
 * @example `const { row, deleted } = await takeProxyState(store, state)`
 */
export async function takeProxyState(
  store: Store,
  state: string,
): Promise<{ row: { payload: string; expires_at: string | null } | undefined; deleted: boolean }> {
  const db = loginDb(store);
  const row = await db
    .selectFrom('oidc_payload')
    .select(['payload', 'expires_at'])
    .where('model', '=', STATE_MODEL)
    .where('id', '=', state)
    .executeTakeFirst();
  const del = await db
    .deleteFrom('oidc_payload')
    .where('model', '=', STATE_MODEL)
    .where('id', '=', state)
    .executeTakeFirst();
  return { row, deleted: Number(del.numDeletedRows) === 1 };
}
