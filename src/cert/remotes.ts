/**
 * The remote TAXII servers a CERT pulls from (`cert remote add|list|remove`): where their API
 * root is, which collection to read, the credentials their operator gave us (sealed, see
 * remote_secrets.ts), the most restrictive TLP accepted from them, and the local collection their
 * objects are mirrored into. That collection has no partner permission, so nothing received from
 * one CERT is served to another: re-sharing is a decision of the analyst (`cert publish`), which
 * keeps TLP:AMBER received from a partner from ever reaching a third party.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/database.js';
import { isUniqueViolation } from '../store/errors.js';
import type { TaxiiAuth } from './client/http.js';
import { SHARED_COLLECTION, ensureCertRoot } from './collections.js';
import type { CertRoot } from './collections.js';
import { CertError } from './errors.js';
import { usernameOf } from './partners.js';
import { openSecret, sealSecret } from './remote_secrets.js';
import { certDb } from './schema.js';
import type { CertRemoteTable } from './schema.js';
import { isClearance } from './tlp.js';
import type { TlpClearance } from './tlp.js';

/** What `cert remote add` takes. */
export interface RemoteInput {
  name: string;
  /** The URL of the remote API root (`https://vn.example/taxii2/vn/`). */
  apiRootUrl: string;
  /** The remote collection's id, alias or title (default `indicators`). */
  collection?: string;
  auth: TaxiiAuth;
  /** The most restrictive TLP accepted from it (default `amber`). */
  tlpMax?: TlpClearance;
}

/** A remote as listed (no secret). */
export interface Remote {
  id: string;
  name: string;
  apiRootUrl: string;
  collection: string;
  auth: 'basic' | 'bearer';
  username: string | null;
  tlpMax: TlpClearance;
  /** The local collection its objects are mirrored into. */
  collectionId: string;
  highWater: string | null;
  lastSyncAt: string | null;
  createdAt: string;
}

/** A remote row as the store holds it. */
export type RemoteRow = CertRemoteTable;

function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    throw new CertError('CERT_ARGUMENT_INVALID', `--api-root ${url} is not a URL`, { cause: e });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new CertError('CERT_ARGUMENT_INVALID', `--api-root ${url}: use an http(s) URL`);
  if (u.username || u.password)
    throw new CertError('CERT_ARGUMENT_INVALID', '--api-root must not carry credentials');
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}

/**
 * Configures a remote TAXII server and creates the local collection it is mirrored into.
 *
 * @param store - the node store
 * @param root - the node's CERT API root (the mirror collection lives under it)
 * @param key - the node's remote-secret key
 * @param input - name, API root, collection, credentials, TLP
 * @param now - the time of the change
 * @example
 * ```ts
 * await addRemote(store, certRootOf('PH', 'Philippines'), key, { name: 'VN CERT', apiRootUrl, auth: { type: 'basic', username, password } }, new Date());
 * ```
 */
export async function addRemote(
  store: Store,
  root: CertRoot,
  key: Buffer,
  input: RemoteInput,
  now: Date,
): Promise<Remote> {
  const name = input.name.trim();
  if (!name || name.length > 200)
    throw new CertError('CERT_ARGUMENT_INVALID', 'the remote name must have 1 to 200 characters');
  const tlpMax = input.tlpMax ?? 'amber';
  if (!isClearance(tlpMax))
    throw new CertError(
      'CERT_ARGUMENT_INVALID',
      `--tlp-max ${String(tlpMax)}: use clear, green, amber or amber+strict`,
    );
  const apiRootUrl = checkUrl(input.apiRootUrl);
  const secret = input.auth.type === 'basic' ? input.auth.password : input.auth.token;
  if (!secret) throw new CertError('CERT_ARGUMENT_INVALID', 'the remote password or token is empty');
  const id = randomUUID();
  const at = now.toISOString();
  await ensureCertRoot(store, root, now);
  const db = certDb(store);
  const alias = `sync-${usernameOf(name)}`.slice(0, 64);
  await db
    .insertInto('cert_collection')
    .values({
      id: randomUUID(),
      api_root: root.id,
      title: `${name} (synced)`,
      description: `Objects synced from ${apiRootUrl}; not served to partners`,
      alias,
      created_at: at,
    })
    .onConflict((oc) => oc.columns(['api_root', 'alias']).doNothing())
    .execute();
  const mirror = await db
    .selectFrom('cert_collection')
    .select('id')
    .where('api_root', '=', root.id)
    .where('alias', '=', alias)
    .executeTakeFirstOrThrow();
  const row: CertRemoteTable = {
    id,
    name,
    api_root_url: apiRootUrl,
    collection: input.collection ?? SHARED_COLLECTION,
    auth: input.auth.type,
    username: input.auth.type === 'basic' ? input.auth.username : null,
    secret: sealSecret(key, id, secret),
    tlp_max: tlpMax,
    collection_id: mirror.id,
    added_after: null,
    next_cursor: null,
    high_water: null,
    lease_holder: null,
    lease_until: null,
    last_sync_at: null,
    created_at: at,
  };
  try {
    await db.insertInto('cert_remote').values(row).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw new CertError('CERT_REMOTE_EXISTS', name, { cause: e });
    throw e;
  }
  return toRemote(row);
}

/** A remote without its secret. */
export function toRemote(r: CertRemoteTable): Remote {
  return {
    id: r.id,
    name: r.name,
    apiRootUrl: r.api_root_url,
    collection: r.collection,
    auth: r.auth as Remote['auth'],
    username: r.username,
    tlpMax: r.tlp_max as TlpClearance,
    collectionId: r.collection_id,
    highWater: r.high_water,
    lastSyncAt: r.last_sync_at,
    createdAt: r.created_at,
  };
}

/** Every remote row, oldest first. */
export async function remoteRows(store: Store): Promise<CertRemoteTable[]> {
  return certDb(store).selectFrom('cert_remote').selectAll().orderBy('created_at').orderBy('id').execute();
}

/**
 * Every remote (no secrets), oldest first.
 *
 * @example
 * ```ts
 * for (const r of await listRemotes(store)) console.log(r.name, r.highWater);
 * ```
 */
export async function listRemotes(store: Store): Promise<Remote[]> {
  return (await remoteRows(store)).map(toRemote);
}

/** One remote row by name or id; throws CERT_REMOTE_UNKNOWN. */
export async function findRemote(store: Store, nameOrId: string): Promise<CertRemoteTable> {
  const row = await certDb(store)
    .selectFrom('cert_remote')
    .selectAll()
    .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
    .executeTakeFirst();
  if (!row) throw new CertError('CERT_REMOTE_UNKNOWN', nameOrId);
  return row;
}

/**
 * Removes a remote (its credentials and sync position; the objects synced from it stay
 * searchable in its mirror collection, which a remote of the same name re-added reuses).
 *
 * @example
 * ```ts
 * await removeRemote(store, 'VN CERT');
 * ```
 */
export async function removeRemote(store: Store, nameOrId: string): Promise<Remote> {
  const row = await findRemote(store, nameOrId);
  await certDb(store).deleteFrom('cert_remote').where('id', '=', row.id).execute();
  return toRemote(row);
}

/** The credentials of a remote, opened with the node's remote-secret key. */
export function remoteAuth(row: CertRemoteTable, key: Buffer): TaxiiAuth {
  const secret = openSecret(key, row.id, row.secret);
  return row.auth === 'bearer'
    ? { type: 'bearer', token: secret }
    : { type: 'basic', username: row.username ?? '', password: secret };
}
