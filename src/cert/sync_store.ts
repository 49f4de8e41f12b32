/**
 * The store side of a sync: which object versions the mirror collection already holds, storing
 * one manifest page's objects together with the remote's new sync position in one transaction
 * (so a crash leaves either both or neither, and a resumed sync fetches each object once), and
 * the lease that lets one sync of a remote run at a time across processes and cluster workers.
 *
 * The lease is a compare-and-set on the remote's row (`lease_until` in the past or ours), which
 * works alike on SQLite and PostgreSQL and outlives a transaction — a sync spans many HTTP
 * requests, so the transaction-scoped advisory lock of the log sequencer does not fit; a crashed
 * holder's lease lapses after its term.
 */
import type { Transaction } from 'kysely';
import type { Store } from '../store/database.js';
import { raiseAlerts } from './alerts/match.js';
import { CertError } from './errors.js';
import { nextDateAdded } from './object_store.js';
import { certDb } from './schema.js';
import type { CertDatabase, CertObjectTable, CertRemoteTable } from './schema.js';
import { tlpOf } from './tlp.js';

const IN_BATCH = 200;

/** The `id|version` keys (stored form) among `ids` that the collection holds. */
export async function heldVersions(
  store: Store,
  collectionId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const held = new Set<string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IN_BATCH) {
    const rows = await certDb(store)
      .selectFrom('cert_object')
      .select(['id', 'version'])
      .where('collection_id', '=', collectionId)
      .where('id', 'in', unique.slice(i, i + IN_BATCH))
      .execute();
    for (const r of rows) held.add(`${r.id}|${r.version}`);
  }
  return held;
}

/** One object to store under the version the remote's manifest gave it. */
export interface SyncedObject {
  object: Record<string, unknown>;
  /** Stored form. */
  version: string;
}

/** The remote's position after a page. */
export interface SyncPosition {
  addedAfter: string | null;
  next: string | null;
  highWater: string | null;
  /** Set when the pass is complete. */
  finishedAt?: string;
}

/**
 * Stores a page's objects in the remote's mirror collection and its new position, in one
 * transaction. Returns how many versions were new.
 */
export async function storePage(
  store: Store,
  remote: CertRemoteTable,
  objects: readonly SyncedObject[],
  position: SyncPosition,
  now: Date,
): Promise<number> {
  return store.transaction(async (t) => {
    const trx = t as unknown as Transaction<CertDatabase>;
    let stored = 0;
    if (objects.length > 0) {
      if (store.engine === 'postgres')
        await trx
          .selectFrom('cert_collection')
          .select('id')
          .where('id', '=', remote.collection_id)
          .forUpdate()
          .execute();
      const last = await trx
        .selectFrom('cert_object')
        .select((eb) => eb.fn.max('date_added').as('last'))
        .where('collection_id', '=', remote.collection_id)
        .executeTakeFirst();
      const dateAdded = nextDateAdded(now, last?.last ?? undefined);
      const rows: CertObjectTable[] = objects.map(({ object: o, version }) => ({
        collection_id: remote.collection_id,
        id: o['id'] as string,
        version,
        date_added: dateAdded,
        spec_version: typeof o['spec_version'] === 'string' ? o['spec_version'] : '2.1',
        type: o['type'] as string,
        tlp: tlpOf(o),
        added_by: null,
        body: JSON.stringify(o),
      }));
      for (let i = 0; i < rows.length; i += IN_BATCH) {
        const r = await trx
          .insertInto('cert_object')
          .values(rows.slice(i, i + IN_BATCH))
          .onConflict((oc) => oc.columns(['collection_id', 'id', 'version']).doNothing())
          .executeTakeFirst();
        stored += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      // The eID link: an object naming a certificate of this node raises an alert, in the
      // transaction that stores it (an object version already held raises nothing new).
      await raiseAlerts(
        trx,
        objects.map(({ object, version }) => ({ id: object['id'] as string, version, object })),
        { collectionId: remote.collection_id, partnerId: null, now },
      );
    }
    await trx
      .updateTable('cert_remote')
      .set({
        added_after: position.addedAfter,
        next_cursor: position.next,
        high_water: position.highWater,
        ...(position.finishedAt ? { last_sync_at: position.finishedAt } : {}),
      })
      .where('id', '=', remote.id)
      .execute();
    return stored;
  });
}

/**
 * Takes (or renews) the sync lease of a remote for `ms` milliseconds.
 *
 * @throws CertError CERT_SYNC_BUSY when another holder's lease has not lapsed
 */
export async function takeLease(
  store: Store,
  remoteId: string,
  holder: string,
  now: Date,
  ms: number,
): Promise<void> {
  const at = now.toISOString();
  const r = await certDb(store)
    .updateTable('cert_remote')
    .set({ lease_holder: holder, lease_until: new Date(now.getTime() + ms).toISOString() })
    .where('id', '=', remoteId)
    .where((eb) =>
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at), eb('lease_holder', '=', holder)]),
    )
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0)
    throw new CertError('CERT_SYNC_BUSY', `remote ${remoteId} is being synced by another process`);
}

/** Gives the lease back (when still ours). */
export async function releaseLease(store: Store, remoteId: string, holder: string): Promise<void> {
  await certDb(store)
    .updateTable('cert_remote')
    .set({ lease_holder: null, lease_until: null })
    .where('id', '=', remoteId)
    .where('lease_holder', '=', holder)
    .execute();
}
