/**
 * The tile writer (c2sp.org/tlog-tiles@v0.1.0): integrates a batch of new entries into an
 * append-only tree kept as tiles. It reads only the right edge of the tree (the partial tile of
 * each level and the partial entry bundle, or takes them from the previous integration), checks
 * they hash to the expected root, and returns every tile and bundle to write (full and partial)
 * with the new root. It writes nothing itself: the caller stores the writes, then publishes a
 * checkpoint, so a crash between the two leaves only unreferenced immutable files.
 */
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, foldRight, leafHash, perfectRoot } from './hash.js';
import type { TileSource } from './tile_store.js';
import {
  MAX_ENTRY_SIZE,
  TILE_WIDTH,
  checkTile,
  decodeBundle,
  encodeBundle,
  hashesAtLevel,
  tilePath,
} from './tiles.js';

/**
 * The right edge of a tree of `size`: at each tile level the hashes of its partial tile
 * (`hashesAtLevel(size, L) mod 256` of them, possibly none), and the bytes of the partial entry
 * bundle. Everything an append needs; keep it between integrations to read nothing.
 */
export interface TreeEdge {
  readonly size: number;
  readonly levels: readonly Buffer[];
  readonly bundle: Buffer;
}

/** One resource to store: a tile or entry bundle path and its bytes. */
export interface TileWrite {
  readonly path: string;
  readonly data: Buffer;
}

/** What an integration produced. */
export interface Integration {
  /** The new tree size. */
  readonly size: number;
  /** The new root hash. */
  readonly root: Buffer;
  /** The index of the first new entry (the old size). */
  readonly firstIndex: number;
  /** The leaf hashes of the new entries, in order. */
  readonly leafHashes: readonly Buffer[];
  /** Tiles and entry bundles to store, lowest level first, entry bundles last. */
  readonly writes: readonly TileWrite[];
  /** The new right edge, for the next integration. */
  readonly edge: TreeEdge;
}

/** The empty tree's edge. */
export const EMPTY_EDGE: TreeEdge = { size: 0, levels: [], bundle: Buffer.alloc(0) };

/**
 * The root of a tree from its right edge (the empty root for size 0).
 *
 * @param edge - the edge
 */
export function edgeRoot(edge: TreeEdge): Buffer {
  const parts: Buffer[] = [];
  for (let level = edge.levels.length - 1; level >= 0; level--) {
    const hashes = edge.levels[level]!;
    const width = hashes.length / HASH_SIZE;
    let at = 0;
    for (let bit = 128; bit >= 1; bit /= 2) {
      if ((width & bit) === 0) continue;
      parts.push(perfectRoot(hashes, at, bit));
      at += bit;
    }
  }
  return parts.length === 0 ? Buffer.from(EMPTY_ROOT) : foldRight(parts);
}

/**
 * Reads the right edge of the tree of `size` from its stored tiles.
 *
 * @param source - the log's tiles
 * @param size - the tree size
 * @throws LedgerError LEDGER_TILE_MISSING, LEDGER_TILE_MALFORMED
 */
export async function readEdge(source: TileSource, size: number): Promise<TreeEdge> {
  const wanted: { level: number | 'entries'; index: number; width: number }[] = [];
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
    const count = hashesAtLevel(size, level);
    wanted.push({ level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH });
  }
  wanted.push({ level: 'entries', index: Math.floor(size / TILE_WIDTH), width: size % TILE_WIDTH });
  const read = await Promise.all(
    wanted.map(async (t) => {
      if (t.width === 0) return Buffer.alloc(0);
      const path = tilePath(t);
      const data = await source.read(path);
      if (data === undefined) throw new LedgerError('LEDGER_TILE_MISSING', path);
      if (t.level === 'entries') decodeBundle(data, t.width);
      else checkTile(data, t);
      return Buffer.from(data);
    }),
  );
  return { size, levels: read.slice(0, -1), bundle: read[read.length - 1]! };
}

/**
 * Integrates `entries` after the tree of `old.size` whose root is `old.root`.
 *
 * @param source - the stored tiles (read only when `edge` is not given)
 * @param old - the current size and root (from the log's latest checkpoint)
 * @param entries - the new entries (each at most 65,535 bytes), in log order
 * @param edge - the current edge from the previous integration, if kept
 * @throws LedgerError LEDGER_ENTRY_TOO_LARGE, LEDGER_TREE_MISMATCH, LEDGER_TILE_MISSING
 * @example
 * ```ts
 * const r = await integrate(store, { size: 0, root: EMPTY_ROOT }, [Buffer.from('one')]);
 * for (const w of r.writes) await store.write(w.path, w.data);
 * ```
 */
export async function integrate(
  source: TileSource,
  old: { readonly size: number; readonly root: Uint8Array },
  entries: readonly Uint8Array[],
  edge?: TreeEdge,
): Promise<Integration> {
  for (const e of entries)
    if (e.length > MAX_ENTRY_SIZE) throw new LedgerError('LEDGER_ENTRY_TOO_LARGE', `${e.length} bytes`);
  if (!Number.isSafeInteger(old.size) || old.size < 0 || old.size + entries.length > Number.MAX_SAFE_INTEGER)
    throw new LedgerError('LEDGER_SIZE_INVALID', `size ${old.size}`);
  let start = edge;
  if (start === undefined || start.size !== old.size) start = await readEdge(source, old.size);
  if (!edgeRoot(start).equals(old.root))
    throw new LedgerError('LEDGER_TREE_MISMATCH', `the tiles of size ${old.size} do not hash to its root`);
  const leafHashes = entries.map(leafHash);
  const oldSize = old.size;
  const size = oldSize + entries.length;
  const writes: TileWrite[] = [];
  const levels: Buffer[] = [];
  let fresh: Buffer[] = leafHashes;
  for (let level = 0; ; level++) {
    const oldCount = hashesAtLevel(oldSize, level);
    const newCount = hashesAtLevel(size, level);
    if (newCount === oldCount) {
      for (let l = level; l < start.levels.length; l++) levels.push(start.levels[l]!);
      break;
    }
    const first = Math.floor(oldCount / TILE_WIDTH);
    const buf = Buffer.concat([start.levels[level] ?? Buffer.alloc(0), ...fresh]);
    const next: Buffer[] = [];
    let last = Buffer.alloc(0);
    for (let t = first; t * TILE_WIDTH < newCount; t++) {
      const width = Math.min(TILE_WIDTH, newCount - t * TILE_WIDTH);
      const from = (t - first) * TILE_WIDTH * HASH_SIZE;
      const data = buf.subarray(from, from + width * HASH_SIZE);
      writes.push({ path: tilePath({ level, index: t, width }), data });
      if (width === TILE_WIDTH) next.push(perfectRoot(data, 0, TILE_WIDTH));
      last = width === TILE_WIDTH ? Buffer.alloc(0) : data;
    }
    levels.push(last);
    fresh = next;
  }
  const bundle = bundleWrites(oldSize, start.bundle, entries, writes);
  const newEdge: TreeEdge = { size, levels, bundle };
  return { size, root: edgeRoot(newEdge), firstIndex: oldSize, leafHashes, writes, edge: newEdge };
}

/** Appends the entry-bundle writes; returns the new partial bundle. */
function bundleWrites(
  oldSize: number,
  partial: Buffer,
  entries: readonly Uint8Array[],
  writes: TileWrite[],
): Buffer {
  let at = 0;
  let bundle = partial;
  for (let t = Math.floor(oldSize / TILE_WIDTH); at < entries.length; t++) {
    const have = t === Math.floor(oldSize / TILE_WIDTH) ? oldSize % TILE_WIDTH : 0;
    const take = Math.min(TILE_WIDTH - have, entries.length - at);
    const data = Buffer.concat([
      have > 0 ? partial : Buffer.alloc(0),
      encodeBundle(entries.slice(at, at + take)),
    ]);
    at += take;
    writes.push({ path: tilePath({ level: 'entries', index: t, width: have + take }), data });
    bundle = have + take === TILE_WIDTH ? Buffer.alloc(0) : data;
  }
  return bundle;
}
