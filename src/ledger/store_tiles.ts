/**
 * The log's resources in the node's store (`ledger_tiles`, keyed by their path under `/log/`):
 * full tiles and entry bundles, the latest partial tile of each level and partial bundle, and
 * the published checkpoint (`checkpoint`). A partial tile is replaced when its tile grows (the
 * narrower one is deleted in the same transaction): a request for a narrower partial tile is
 * answered with the prefix of the wider or full one, which is the same bytes (tlog-tiles).
 * A full entry bundle, written once and read seldom, is kept deflated (RFC 1951) under its path
 * with {@link DEFLATED_PREFIX} (the entries are canonical JSON with hex digests: about half
 * their size); it is served inflated, byte for byte what was integrated.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { HASH_SIZE } from './hash.js';
import type { TileSource } from './tile_store.js';
import { TILE_WIDTH, decodeBundle, encodeBundle, hashesAtLevel, parseTilePath, tilePath } from './tiles.js';
import type { TileId } from './tiles.js';
import type { TileWrite } from './writer.js';

/** The path of the published checkpoint in `ledger_tiles`. */
export const CHECKPOINT_PATH = 'checkpoint';

/** The prefix of a deflated full entry bundle's path in `ledger_tiles` (never a tile path). */
export const DEFLATED_PREFIX = 'z:';

/** Bundles inflate to at most 256 entries of at most 65,535 bytes with their lengths. */
const MAX_BUNDLE_BYTES = TILE_WIDTH * (65_535 + 2);

function isFullBundle(path: string): boolean {
  if (!path.startsWith('tile/entries/')) return false;
  const tile = parseTilePath(path);
  return tile.width === TILE_WIDTH;
}

/** What a row of `ledger_tiles` holds, as served: a deflated bundle inflated. */
function served(path: string, data: Uint8Array): Buffer {
  return path.startsWith(DEFLATED_PREFIX)
    ? inflateRawSync(data, { maxOutputLength: MAX_BUNDLE_BYTES })
    : Buffer.from(data);
}

/** The path of the full tile of `tile` (its partial paths start with it and `.p/`). */
function fullPath(tile: TileId): string {
  return tilePath({ ...tile, width: TILE_WIDTH });
}

/** The first `width` hashes or entries of a tile or bundle that holds at least as many. */
function prefixOf(tile: TileId, data: Buffer): Buffer | undefined {
  if (tile.level === 'entries') {
    const entries = decodeBundle(data);
    return entries.length >= tile.width ? encodeBundle(entries.slice(0, tile.width)) : undefined;
  }
  return data.length >= tile.width * HASH_SIZE ? data.subarray(0, tile.width * HASH_SIZE) : undefined;
}

/**
 * Reads `ledger_tiles` through a query builder or transaction: a {@link TileSource} for the
 * writer (the edge of the tree) and the reader (proofs), and the tile server.
 *
 * @example
 * ```ts
 * const tiles = new StoreTileSource(store.db);
 * const data = await tiles.read('tile/0/000.p/17');
 * ```
 */
export class StoreTileSource implements TileSource {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    const paths = path !== CHECKPOINT_PATH && isFullBundle(path) ? [path, DEFLATED_PREFIX + path] : [path];
    const exact = await this.#db
      .selectFrom('ledger_tiles')
      .select(['path', 'data'])
      .where('path', 'in', paths)
      .execute();
    const found = exact.find((r) => r.path === path) ?? exact[0];
    if (found) return served(found.path, found.data);
    if (path === CHECKPOINT_PATH) return undefined;
    const tile = parseTilePath(path);
    if (tile.width === TILE_WIDTH) return undefined;
    // A narrower partial tile: the prefix of the wider partial or of the full tile now stored.
    const full = fullPath(tile);
    const rows = await this.#db
      .selectFrom('ledger_tiles')
      .select(['path', 'data'])
      .where((eb) =>
        eb.or([eb('path', 'in', [full, DEFLATED_PREFIX + full]), eb('path', 'like', `${full}.p/%`)]),
      )
      .execute();
    for (const r of rows) {
      const data = prefixOf(tile, served(r.path, r.data));
      if (data) return data;
    }
    return undefined;
  }
}

/**
 * The partial tiles and partial entry bundle of the tree of `size` (its right edge), as stored
 * after the integration that reached `size`.
 */
function partialPaths(size: number): string[] {
  const paths: string[] = [];
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
    const count = hashesAtLevel(size, level);
    if (count % TILE_WIDTH > 0)
      paths.push(tilePath({ level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH }));
  }
  if (size % TILE_WIDTH > 0)
    paths.push(
      tilePath({ level: 'entries', index: Math.floor(size / TILE_WIDTH), width: size % TILE_WIDTH }),
    );
  return paths;
}

/**
 * Stores an integration's tiles and bundles in the caller's transaction, deleting the partial
 * tiles they supersede: the old tree's partial tile of each tile the integration rewrote (by
 * exact path, so the delete is an index lookup however large the log grows). Only the latest
 * partial of each tile is ever stored.
 *
 * @param trx - the sequencer's transaction
 * @param writes - the integration's writes
 * @param oldSize - the tree size the integration started from
 * @example
 * ```ts
 * await storeTileWrites(trx, integration.writes, state.size);
 * ```
 */
export async function storeTileWrites(
  trx: Kysely<Database>,
  writes: readonly TileWrite[],
  oldSize: number,
): Promise<void> {
  if (writes.length === 0) return;
  for (let i = 0; i < writes.length; i += 256) {
    await trx
      .insertInto('ledger_tiles')
      .values(
        writes
          .slice(i, i + 256)
          .map((w) =>
            isFullBundle(w.path)
              ? { path: DEFLATED_PREFIX + w.path, data: deflateRawSync(w.data, { level: 6 }) }
              : { path: w.path, data: Buffer.from(w.data) },
          ),
      )
      .onConflict((oc) => oc.column('path').doUpdateSet((eb) => ({ data: eb.ref('excluded.data') })))
      .execute();
  }
  const written = new Set(writes.map((w) => w.path));
  const rewritten = new Set(writes.map((w) => fullPath(parseTilePath(w.path))));
  const obsolete = partialPaths(oldSize).filter(
    (p) => !written.has(p) && rewritten.has(fullPath(parseTilePath(p))),
  );
  if (obsolete.length > 0) await trx.deleteFrom('ledger_tiles').where('path', 'in', obsolete).execute();
}
