/**
 * Reading one entry of a log from its entry bundles (tlog-tiles `tile/entries/<N>[.p/<W>]`):
 * entry `index` of a tree of `size` entries is in bundle `index / 256`, partial when the tree
 * ends inside it.
 */
import { LedgerError } from './errors.js';
import type { TileSource } from './tile_store.js';
import { TILE_WIDTH, decodeBundle, tilePath } from './tiles.js';

/**
 * The bytes of entry `index` of the tree of `size` entries.
 *
 * @param tiles - the log's resources
 * @param index - the entry's index
 * @param size - a tree size the source holds, above `index`
 * @throws LedgerError LEDGER_SIZE_INVALID, LEDGER_TILE_MISSING, LEDGER_TILE_MALFORMED
 * @example
 * ```ts
 * const entry = await readLogEntry(new StoreTileSource(store.db), 41, 300);
 * ```
 */
export async function readLogEntry(tiles: TileSource, index: number, size: number): Promise<Buffer> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    throw new LedgerError('LEDGER_SIZE_INVALID', `entry ${index} of a tree of ${size}`);
  const n = Math.floor(index / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
  const path = tilePath({ level: 'entries', index: n, width });
  const data = await tiles.read(path);
  if (data === undefined) throw new LedgerError('LEDGER_TILE_MISSING', path);
  return decodeBundle(data, width)[index % TILE_WIDTH]!;
}
