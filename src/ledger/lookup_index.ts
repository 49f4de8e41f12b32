/**
 * The log's lookup index in the store (`ledger_lookup`, migration 0011): an entry's lookup key
 * (a certificate's or document's SHA-256, src/ledger/entry.ts `lookupKeyOf`) is kept as its first
 * 8 bytes only, a signed 64-bit integer, beside the entry's index — about 20 bytes an entry
 * instead of twice the 64-character hex key. The index gives candidates; the entry itself,
 * read from its entry bundle, confirms the full key, so a prefix collision is never an answer.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { decodeEntry, lookupKeyOf } from './entry.js';
import { readLogEntry } from './read_entry.js';
import type { TileSource } from './tile_store.js';

/** Rows in one insert (two parameters each, well under SQLite's and PostgreSQL's limits). */
const INSERT_CHUNK = 4096;

/**
 * The index column of a lookup key: its first 8 bytes (zero-padded) as a signed big-endian
 * 64-bit integer, in decimal (bound as text, so both engines store it as BIGINT exactly).
 *
 * @param key - lower-case hex
 * @example
 * ```ts
 * lookupPrefix('ff'.repeat(32)); // '-1'
 * ```
 */
export function lookupPrefix(key: string): string {
  const b = Buffer.alloc(8);
  Buffer.from(key.slice(0, 16), 'hex').copy(b);
  return b.readBigInt64BE(0).toString();
}

/**
 * Stores the lookup rows of integrated entries in the caller's transaction.
 *
 * @param trx - the sequencer's transaction
 * @param rows - each entry's lookup key and index
 * @example
 * ```ts
 * await insertLookupRows(trx, [{ key: sha256hex, index: 41 }]);
 * ```
 */
export async function insertLookupRows(
  trx: Kysely<Database>,
  rows: readonly { key: string; index: number }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await trx
      .insertInto('ledger_lookup')
      .values(
        rows
          .slice(i, i + INSERT_CHUNK)
          .map((r) => ({ key_prefix: lookupPrefix(r.key), entry_index: r.index })),
      )
      .execute();
}

/** True when `bytes` is an entry whose lookup key is `key` (an undecodable entry has none). */
function carriesKey(bytes: Buffer, key: string): boolean {
  try {
    return lookupKeyOf(decodeEntry(bytes)) === key;
  } catch {
    return false;
  }
}

/**
 * The index of the first entry below `size` whose lookup key is `key`, confirmed against the
 * entry itself.
 *
 * @param db - the store's query builder or a transaction
 * @param tiles - the log's tiles (the entry bundles)
 * @param key - lower-case hex
 * @param size - only entries below this size count (the published or integrated tree)
 * @returns the index, or undefined; `later` tells whether candidates at or above `size` exist
 * @example
 * ```ts
 * const { index } = await findByLookupKey(db, tiles, sha256hex, checkpoint.size);
 * ```
 */
export async function findByLookupKey(
  db: Kysely<Database>,
  tiles: TileSource,
  key: string,
  size: number,
): Promise<{ index: number | undefined; later: boolean }> {
  const rows = await db
    .selectFrom('ledger_lookup')
    .select('entry_index')
    .where('key_prefix', '=', lookupPrefix(key))
    .orderBy('entry_index')
    .execute();
  let later = false;
  for (const r of rows) {
    const index = Number(r.entry_index);
    if (index >= size) {
      later = true;
      continue;
    }
    const bytes = await readLogEntry(tiles, index, size).catch(() => undefined);
    if (bytes !== undefined && carriesKey(bytes, key)) return { index, later };
  }
  return { index: undefined, later };
}
