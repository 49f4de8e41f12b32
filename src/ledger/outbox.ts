/**
 * The transparency log's outbox: a trust event's entry is queued in `ledger_queue` inside the
 * caller's transaction, beside the change it records, so a committed change is never missing
 * from the log and a rolled-back one is never in it. The sequencer drains the queue into the
 * log's tiles.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { encodeEntry, lookupKeyOf } from './entry.js';
import type { LedgerEntry } from './entry.js';
import { findByLookupKey } from './lookup_index.js';
import { StoreTileSource } from './store_tiles.js';

/** A queued entry as read back. */
export interface QueuedEntry {
  seq: number;
  entry: Buffer;
  lookupKey: string | null;
  queuedAt: string;
}

/**
 * Queues log entries in the caller's transaction (one multi-row insert). Each is encoded and
 * checked first: a bad entry throws before anything is written, and the caller's transaction
 * rolls back with it.
 *
 * @param trx - the transaction that makes the change the entries record
 * @param entries - the entries, in the order they happened
 * @throws LedgerEntryError LEDGER_ENTRY_MALFORMED | LEDGER_ENTRY_TOO_LARGE
 * @example
 * ```ts
 * await store.transaction(async (trx) => {
 *   await setCertificateStatus(trx, serial, change);
 *   await enqueueLedgerEntries(trx, [eidCertificateEntry(der, 'signature', { type: 'eid-cert-suspended' }, now)]);
 * });
 * ```
 */
export async function enqueueLedgerEntries(
  trx: Transaction<Database>,
  entries: readonly LedgerEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    entry: encodeEntry(e),
    lookup_key: lookupKeyOf(e) ?? null,
    queued_at: e.time,
  }));
  await trx.insertInto('ledger_queue').values(rows).execute();
}

/**
 * Queues one log entry in the caller's transaction.
 *
 * @param trx - the transaction that makes the change the entry records
 * @param entry - the entry
 * @throws LedgerEntryError LEDGER_ENTRY_MALFORMED | LEDGER_ENTRY_TOO_LARGE
 * @example
 * ```ts
 * await enqueueLedgerEntry(trx, { v: 1, type: 'login-key', time, action: 'add', kid, alg: 'ES256' });
 * ```
 */
export function enqueueLedgerEntry(trx: Transaction<Database>, entry: LedgerEntry): Promise<void> {
  return enqueueLedgerEntries(trx, [entry]);
}

/**
 * The queued entries, oldest first (what the sequencer reads, and tests).
 *
 * @param db - the store's query builder or a transaction
 * @param limit - at most this many
 * @example
 * ```ts
 * const batch = await readQueuedEntries(store.db, 1024);
 * ```
 */
export async function readQueuedEntries(db: Kysely<Database>, limit = 1024): Promise<QueuedEntry[]> {
  const rows = await db.selectFrom('ledger_queue').selectAll().orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    entry: Buffer.from(r.entry),
    lookupKey: r.lookup_key,
    queuedAt: r.queued_at,
  }));
}

/**
 * True when an entry with this lookup key is queued or integrated (the hub's recovery asks it
 * before queuing an entry a second time).
 *
 * @param db - the store's query builder or a transaction
 * @param lookupKey - lower-case hex
 * @example
 * ```ts
 * if (!(await isLogged(trx, sha256))) await enqueueLedgerEntry(trx, entry);
 * ```
 */
export async function isLogged(db: Kysely<Database>, lookupKey: string): Promise<boolean> {
  const queued = await db
    .selectFrom('ledger_queue')
    .select('seq')
    .where('lookup_key', '=', lookupKey)
    .executeTakeFirst();
  if (queued) return true;
  const state = await db.selectFrom('ledger_state').select('size').where('id', '=', 1).executeTakeFirst();
  if (!state) return false;
  const found = await findByLookupKey(db, new StoreTileSource(db), lookupKey, Number(state.size));
  return found.index !== undefined;
}
