/**
 * Objects of a TAXII collection: added in one transaction per request (every version kept; a
 * version already held is acknowledged, not duplicated), read with TAXII filters over a keyset
 * (date_added, id, version) under the reader's TLP clearance, and deleted.
 *
 * Dates added strictly increase per collection and are taken under the collection's write lock
 * (SQLite's BEGIN IMMEDIATE, PostgreSQL's row lock), so writes commit in date_added order: a
 * reader paging by keyset never skips an object committed after its page was read.
 */
import { sql } from 'kysely';
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { Store } from '../store/database.js';
import { certDb, storedTime } from './schema.js';
import type { CertDatabase, CertObjectTable } from './schema.js';
import { tlpOf } from './tlp.js';
import type { TlpLevel } from './tlp.js';

/** One valid object to store. */
export interface ObjectToAdd {
  object: Record<string, unknown>;
}

/** What adding did to one object. */
export interface AddedObject {
  id: string;
  /** Stored form of the version. */
  version: string;
}

const INSERT_BATCH = 200;

/** `modified`, else `created`, in the stored form; undefined when the object has neither. */
export function versionOf(o: Record<string, unknown>): string | undefined {
  for (const k of ['modified', 'created']) {
    const v = o[k];
    if (typeof v === 'string') return storedTime(v);
  }
  return undefined;
}

/** `now` in the stored form, strictly after `last`. */
export function nextDateAdded(now: Date, last: string | undefined): string {
  let t = storedTime(now.toISOString())!;
  if (last !== undefined && t <= last) {
    const micro = Date.parse(last) * 1000 + Number(last.slice(23, 26)) + 1;
    const ms = Math.floor(micro / 1000);
    t = new Date(ms).toISOString().replace(/Z$/, `${String(micro % 1000).padStart(3, '0')}Z`);
  }
  return t;
}

/** The earliest held version of each of `ids` in the collection (read in batches). */
async function firstVersions(
  trx: Transaction<CertDatabase>,
  collectionId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += INSERT_BATCH) {
    const rows = await trx
      .selectFrom('cert_object')
      .select(['id', 'version'])
      .where('collection_id', '=', collectionId)
      .where('id', 'in', unique.slice(i, i + INSERT_BATCH))
      .execute();
    for (const r of rows) {
      const v = out.get(r.id);
      if (v === undefined || r.version < v) out.set(r.id, r.version);
    }
  }
  return out;
}

/**
 * Adds valid objects to a collection inside `trx` (the caller's transaction, which also records
 * the status resource). Returns the date added and each object's id and version.
 */
export async function addObjects(
  trx: Transaction<CertDatabase>,
  engine: Store['engine'],
  collectionId: string,
  addedBy: string | null,
  objects: readonly Record<string, unknown>[],
  now: Date,
): Promise<{ dateAdded: string; added: AddedObject[] }> {
  if (engine === 'postgres')
    await trx.selectFrom('cert_collection').select('id').where('id', '=', collectionId).forUpdate().execute();
  const last = await trx
    .selectFrom('cert_object')
    .select((eb) => eb.fn.max('date_added').as('last'))
    .where('collection_id', '=', collectionId)
    .executeTakeFirst();
  const dateAdded = nextDateAdded(now, last?.last ?? undefined);
  const rows: CertObjectTable[] = [];
  const added: AddedObject[] = [];
  // No created/modified (cyber-observables): immutable, kept once under its first date added.
  const unversioned = objects.filter((o) => versionOf(o) === undefined).map((o) => o['id'] as string);
  const heldUnversioned = await firstVersions(trx, collectionId, unversioned);
  for (const o of objects) {
    const id = o['id'] as string;
    const version = versionOf(o) ?? heldUnversioned.get(id) ?? dateAdded;
    added.push({ id, version });
    rows.push({
      collection_id: collectionId,
      id,
      version,
      date_added: dateAdded,
      spec_version: typeof o['spec_version'] === 'string' ? o['spec_version'] : '2.1',
      type: o['type'] as string,
      tlp: tlpOf(o),
      added_by: addedBy,
      body: JSON.stringify(o),
    });
  }
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await trx
      .insertInto('cert_object')
      .values(rows.slice(i, i + INSERT_BATCH))
      .onConflict((oc) => oc.columns(['collection_id', 'id', 'version']).doNothing())
      .execute();
  }
  return { dateAdded, added };
}

/** `match[version]`: `last`, `first`, `all`, or stored-form timestamps (several allowed). */
export type VersionMatch = { all: true } | { all: false; first: boolean; last: boolean; versions: string[] };

/** A query over a collection's objects. */
export interface ObjectQuery {
  collectionId: string;
  /** TLP levels the reader receives. */
  levels: readonly TlpLevel[];
  addedAfter?: string;
  ids?: readonly string[];
  types?: readonly string[];
  specVersions?: readonly string[];
  version: VersionMatch;
  /** Keyset position: rows after it. */
  after?: { dateAdded: string; id: string; version: string };
  limit: number;
}

type Eb = ExpressionBuilder<CertDatabase & { o: CertObjectTable }, 'o'>;

function filtered(db: Kysely<CertDatabase>, q: ObjectQuery) {
  const versionSubquery = (eb: Eb, fn: 'max' | 'min') =>
    eb
      .selectFrom('cert_object as o2')
      .select((e2) => e2.fn[fn]('o2.version').as('v'))
      .whereRef('o2.collection_id', '=', 'o.collection_id')
      .whereRef('o2.id', '=', 'o.id')
      .where('o2.tlp', 'in', q.levels)
      .$if(!!q.specVersions?.length, (s) => s.where('o2.spec_version', 'in', q.specVersions!));
  return db
    .selectFrom('cert_object as o')
    .where('o.collection_id', '=', q.collectionId)
    .where('o.tlp', 'in', q.levels)
    .$if(q.addedAfter !== undefined, (s) => s.where('o.date_added', '>', q.addedAfter!))
    .$if(!!q.ids?.length, (s) => s.where('o.id', 'in', q.ids!))
    .$if(!!q.types?.length, (s) => s.where('o.type', 'in', q.types!))
    .$if(!!q.specVersions?.length, (s) => s.where('o.spec_version', 'in', q.specVersions!))
    .$if(!q.version.all, (s) =>
      s.where((eb) => {
        const v = q.version as Extract<VersionMatch, { all: false }>;
        const ors = [];
        if (v.last) ors.push(eb('o.version', '=', versionSubquery(eb as unknown as Eb, 'max')));
        if (v.first) ors.push(eb('o.version', '=', versionSubquery(eb as unknown as Eb, 'min')));
        if (v.versions.length) ors.push(eb('o.version', 'in', v.versions));
        return eb.or(ors);
      }),
    );
}

/**
 * One page of matching object versions (one more than `limit` is read to know whether more
 * follow), in (date_added, id, version) order.
 *
 * The keyset position is one row-value comparison, which both engines turn into a seek on the
 * (collection_id, date_added, id, version) index. A query by id orders by `date_added || ''`,
 * an expression no index provides: without table statistics (SQLite never gathers them here,
 * PostgreSQL only once autovacuum has run) either engine would otherwise walk that index for
 * its order and filter the whole collection, where the primary key finds the listed ids
 * directly (the page is then sorted, a few hundred rows at most).
 */
export async function queryObjects(
  store: Store,
  q: ObjectQuery,
): Promise<{ rows: CertObjectTable[]; more: boolean }> {
  const a = q.after;
  const byId = !!q.ids?.length;
  const rows = await filtered(certDb(store), q)
    .selectAll('o')
    .$if(a !== undefined, (s) =>
      s.where(({ eb, refTuple, tuple }) =>
        eb(refTuple('o.date_added', 'o.id', 'o.version'), '>', tuple(a!.dateAdded, a!.id, a!.version)),
      ),
    )
    .$if(byId, (s) => s.orderBy(sql`o.date_added || ''`))
    .$if(!byId, (s) => s.orderBy('o.date_added'))
    .orderBy('o.id')
    .orderBy('o.version')
    .limit(q.limit + 1)
    .execute();
  const more = rows.length > q.limit;
  return { rows: more ? rows.slice(0, q.limit) : rows, more };
}

/**
 * Deletes the versions of object `id` matching `q` that `partnerId` added. Returns how many
 * versions the reader could see and how many were deleted.
 */
export async function deleteObject(
  store: Store,
  q: ObjectQuery,
  partnerId: string,
): Promise<{ visible: number; deleted: number }> {
  return store.transaction(async (trx) => {
    const db = trx as unknown as Transaction<CertDatabase>;
    const visible = await filtered(db, q).select(['o.id', 'o.version', 'o.added_by']).execute();
    const mine = visible.filter((r) => r.added_by === partnerId);
    for (const r of mine)
      await db
        .deleteFrom('cert_object')
        .where('collection_id', '=', q.collectionId)
        .where('id', '=', r.id)
        .where('version', '=', r.version)
        .execute();
    return { visible: visible.length, deleted: mine.length };
  });
}

/** Number of stored versions in a collection (for tests and metrics). */
export async function countObjects(store: Store, collectionId: string): Promise<number> {
  const r = await certDb(store)
    .selectFrom('cert_object')
    .select(sql<number>`count(*)`.as('n'))
    .where('collection_id', '=', collectionId)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
