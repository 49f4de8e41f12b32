/**
 * `cert search`: the objects of this node's store — its own collection and the mirrors of its
 * remotes — filtered by type, text and date added, newest first, with where each came from.
 */
import { sql } from 'kysely';
import type { Store } from '../store/database.js';
import { SHARED_COLLECTION } from './collections.js';
import { CertError } from './errors.js';
import { certDb, servedTime, storedTime } from './schema.js';

/** A search. */
export interface SearchQuery {
  /** STIX types (any of them). */
  types?: readonly string[];
  /** Text the object's JSON contains (case-insensitive). */
  text?: string;
  /** Objects added at or after this time (RFC 3339). */
  since?: string;
  /** Most results (default 100, at most 10,000). */
  limit?: number;
}

/** One result. */
export interface SearchHit {
  id: string;
  type: string;
  version: string;
  tlp: string;
  dateAdded: string;
  /**
   * The name of the remote it was synced from, or of the partner that POSTed it to this node, or
   * `local` (published on the node itself).
   */
  source: string;
  /** The object's name, when it has one. */
  name?: string;
  object: Record<string, unknown>;
}

/**
 * The objects matching `q`, newest first.
 *
 * @example
 * ```ts
 * const hits = await searchObjects(node.store, { types: ['indicator'], text: '198.51.100.7' });
 * ```
 */
export async function searchObjects(store: Store, q: SearchQuery): Promise<SearchHit[]> {
  const limit = q.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new CertError('CERT_ARGUMENT_INVALID', `--limit ${limit}: use 1 to 10000`);
  let since: string | undefined;
  if (q.since !== undefined) {
    since = storedTime(q.since);
    if (!since) throw new CertError('CERT_ARGUMENT_INVALID', `--since ${q.since} is not an RFC 3339 time`);
  }
  if (q.text !== undefined && (q.text.length === 0 || q.text.length > 500))
    throw new CertError('CERT_ARGUMENT_INVALID', '--text must have 1 to 500 characters');
  const pattern =
    q.text === undefined ? undefined : `%${q.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await certDb(store)
    .selectFrom('cert_object as o')
    .innerJoin('cert_collection as c', 'c.id', 'o.collection_id')
    .leftJoin('cert_remote as r', 'r.collection_id', 'o.collection_id')
    .leftJoin('cert_partner as p', 'p.id', 'o.added_by')
    .select([
      'o.id',
      'o.type',
      'o.version',
      'o.tlp',
      'o.date_added',
      'o.body',
      'r.name as remote',
      'p.name as partner',
      'c.alias',
      'c.title',
    ])
    .$if(!!q.types?.length, (s) => s.where('o.type', 'in', q.types!))
    .$if(since !== undefined, (s) => s.where('o.date_added', '>=', since!))
    .$if(pattern !== undefined, (s) => s.where(sql<boolean>`lower(o.body) like ${pattern!} escape '\\'`))
    .orderBy('o.date_added', 'desc')
    .orderBy('o.id')
    .orderBy('o.version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const object = JSON.parse(r.body) as Record<string, unknown>;
    return {
      id: r.id,
      type: r.type,
      version: servedTime(r.version),
      tlp: r.tlp,
      dateAdded: servedTime(r.date_added),
      // A removed remote's mirror keeps its title, `<name> (synced)`.
      source: r.remote ?? r.partner ?? (r.alias === SHARED_COLLECTION ? 'local' : r.title),
      ...(typeof object['name'] === 'string' ? { name: object['name'] } : {}),
      object,
    };
  });
}
