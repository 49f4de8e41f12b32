/**
 * The login tables (migration `0003_login`) as Kysely sees them, and the view of a node store
 * that includes them. Times are ISO 8601 UTC strings, as everywhere in the store.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database, IsoTime } from '../store/schema.js';
import { up as createLoginTables } from '../store/migrations/0003_login.js';

/** One artefact of the OpenID provider (session, interaction, grant, code, token, ...). */
export interface OidcPayloadTable {
  model: string;
  id: string;
  /** The artefact as JSON. */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: IsoTime | null;
  consumed_at: IsoTime | null;
}

/** A relying party registered with `trustbridge rp add`. */
export interface LoginClientTable {
  client_id: string;
  name: string;
  /** OpenID Connect client metadata as JSON (the secret only as its SHA-256). */
  metadata: string;
  created_at: IsoTime;
  disabled: number;
}

/** A challenge a wallet signs to log in: single use, short-lived. */
export interface LoginChallengeTable {
  id: string;
  /** The provider interaction it belongs to. */
  uid: string;
  challenge: string;
  created_at: IsoTime;
  expires_at: IsoTime;
  used_at: IsoTime | null;
  /** The authenticated citizen (JSON) once answered. */
  result: string | null;
}

/** An ID-token signing key kept in the node's key store. */
export interface LoginKeyTable {
  /** JWK `kid`. */
  kid: string;
  /** The key store identifier. */
  key_id: string;
  algorithm: string;
  /** SubjectPublicKeyInfo, base64. */
  spki: string;
  created_at: IsoTime;
  retired_at: IsoTime | null;
}

/** The node database with the login tables. */
export interface LoginDatabase extends Database {
  oidc_payload: OidcPayloadTable;
  login_client: LoginClientTable;
  login_challenge: LoginChallengeTable;
  login_key: LoginKeyTable;
}

/**
 * The store's query builder typed with the login tables.
 *
 * @example
 * ```ts
 * const rows = await loginDb(node.store).selectFrom('login_client').selectAll().execute();
 * ```
 */
export function loginDb(store: Store): Kysely<LoginDatabase> {
  return store.db as unknown as Kysely<LoginDatabase>;
}

const ensured = new WeakSet<Store>();

/**
 * Makes sure the login tables exist (the migration creates them only when missing, so running
 * it before the store's migrator does is harmless).
 *
 * @example
 * ```ts
 * await ensureLoginSchema(node.store);
 * ```
 */
export async function ensureLoginSchema(store: Store): Promise<void> {
  if (ensured.has(store)) return;
  await createLoginTables(store.db as unknown as Kysely<unknown>);
  ensured.add(store);
}
