/**
 * The TAXII API roots and collections of a node, and the per-partner permissions on them. A node
 * runs one API root for its CERT (id: the country code in lower case, e.g. `ph`), created on
 * first use with one collection, `indicators`, that every partner may read and write.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/database.js';
import { certDb } from './schema.js';
import type { CertCollectionTable } from './schema.js';

/** Largest POST body accepted by default (bytes), announced as the API root's max_content_length. */
export const DEFAULT_MAX_CONTENT_LENGTH = 32 * 1024 * 1024;

/** The name (title and alias) of the collection every partner reads and writes. */
export const SHARED_COLLECTION = 'indicators';

/** The CERT API root of a node. */
export interface CertRoot {
  /** The path segment under `/taxii2/`. */
  id: string;
  title: string;
  description?: string;
}

/**
 * The API root of a node of country `country` named `name`.
 *
 * @example
 * ```ts
 * certRootOf('PH', 'Philippines'); // { id: 'ph', title: 'Philippines CERT', ... }
 * ```
 */
export function certRootOf(country: string, name: string): CertRoot {
  return {
    id: country.toLowerCase(),
    title: `${name} CERT`,
    description: `Threat intelligence exchange of the ${name} CERT (STIX 2.1 over TAXII 2.1)`,
  };
}

/**
 * Creates the API root and its shared `indicators` collection unless they exist (two processes
 * may race: the first insert wins). Returns the shared collection.
 *
 * @example
 * ```ts
 * const indicators = await ensureCertRoot(node.store, certRootOf('PH', 'Philippines'), new Date());
 * ```
 */
export async function ensureCertRoot(store: Store, root: CertRoot, now: Date): Promise<CertCollectionTable> {
  const db = certDb(store);
  const at = now.toISOString();
  await db
    .insertInto('cert_api_root')
    .values({
      id: root.id,
      title: root.title,
      description: root.description ?? null,
      max_content_length: DEFAULT_MAX_CONTENT_LENGTH,
      created_at: at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('cert_collection')
    .values({
      id: randomUUID(),
      api_root: root.id,
      title: SHARED_COLLECTION,
      description: 'Indicators and related objects shared with the partner CERTs, by TLP',
      alias: SHARED_COLLECTION,
      created_at: at,
    })
    .onConflict((oc) => oc.columns(['api_root', 'alias']).doNothing())
    .execute();
  return db
    .selectFrom('cert_collection')
    .selectAll()
    .where('api_root', '=', root.id)
    .where('alias', '=', SHARED_COLLECTION)
    .executeTakeFirstOrThrow();
}

/** A collection as one partner sees it. */
export interface PartnerCollection extends CertCollectionTable {
  can_read: boolean;
  can_write: boolean;
}

/**
 * The collections of API root `apiRoot` the partner may read or write.
 *
 * @example
 * ```ts
 * const mine = await partnerCollections(store, 'ph', partner.id);
 * ```
 */
export async function partnerCollections(
  store: Store,
  apiRoot: string,
  partnerId: string,
): Promise<PartnerCollection[]> {
  const rows = await certDb(store)
    .selectFrom('cert_collection as c')
    .innerJoin('cert_permission as p', 'p.collection_id', 'c.id')
    .selectAll('c')
    .select(['p.can_read', 'p.can_write'])
    .where('c.api_root', '=', apiRoot)
    .where('p.partner_id', '=', partnerId)
    .where((eb) => eb.or([eb('p.can_read', '=', 1), eb('p.can_write', '=', 1)]))
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({ ...r, can_read: r.can_read === 1, can_write: r.can_write === 1 }));
}

/**
 * One collection (by id or alias) as the partner sees it, or undefined when it does not exist
 * or the partner has no permission on it.
 */
export async function partnerCollection(
  store: Store,
  apiRoot: string,
  idOrAlias: string,
  partnerId: string,
): Promise<PartnerCollection | undefined> {
  const all = await partnerCollections(store, apiRoot, partnerId);
  return all.find((c) => c.id === idOrAlias) ?? all.find((c) => c.alias === idOrAlias);
}

/**
 * Sets a partner's permissions on a collection.
 *
 * @example
 * ```ts
 * await grant(store, collection.id, partner.id, { read: true, write: false });
 * ```
 */
export async function grant(
  store: Store,
  collectionId: string,
  partnerId: string,
  rights: { read: boolean; write: boolean },
): Promise<void> {
  const values = { can_read: rights.read ? 1 : 0, can_write: rights.write ? 1 : 0 };
  await certDb(store)
    .insertInto('cert_permission')
    .values({ collection_id: collectionId, partner_id: partnerId, ...values })
    .onConflict((oc) => oc.columns(['collection_id', 'partner_id']).doUpdateSet(values))
    .execute();
}
