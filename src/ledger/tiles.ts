/**
 * C2SP tlog-tiles v0.1.0 (c2sp.org/tlog-tiles@v0.1.0): tile geometry (height 8, 256 hashes a
 * tile), the paths `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]` with the
 * `x001/x234/067` index encoding, a strict path parser (anything off the grammar is refused, so
 * a path can never escape the log's folder), and entry bundles (big-endian uint16
 * length-prefixed entries).
 */
import { LedgerError } from './errors.js';
import { HASH_SIZE } from './hash.js';

/** Binary levels of the Merkle tree in one tile. */
export const TILE_HEIGHT = 8;
/** Hashes (or entries) in a full tile (or entry bundle). */
export const TILE_WIDTH = 256;
/** The largest entry an entry bundle holds. */
export const MAX_ENTRY_SIZE = 0xffff;

/** A hash tile (`level` ≥ 0) or an entry bundle (`level` = 'entries'); width 1–256. */
export interface TileId {
  readonly level: number | 'entries';
  readonly index: number;
  /** 256 for a full tile, 1–255 for a partial one. */
  readonly width: number;
}

function encodeIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new LedgerError('LEDGER_SIZE_INVALID', `tile index ${n}`);
  let s = String(n % 1000).padStart(3, '0');
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000))
    s = `x${String(n % 1000).padStart(3, '0')}/${s}`;
  return s;
}

/**
 * The path of a tile or entry bundle, relative to the log's prefix.
 *
 * @param tile - the tile
 * @throws LedgerError LEDGER_SIZE_INVALID for an impossible level, index or width
 * @example
 * ```ts
 * tilePath({ level: 0, index: 1234067, width: 256 }); // 'tile/0/x001/x234/067'
 * tilePath({ level: 'entries', index: 0, width: 15 }); // 'tile/entries/000.p/15'
 * ```
 */
export function tilePath(tile: TileId): string {
  const { level, index, width } = tile;
  if (level !== 'entries' && (!Number.isInteger(level) || level < 0 || level > 63))
    throw new LedgerError('LEDGER_SIZE_INVALID', `tile level ${level}`);
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH)
    throw new LedgerError('LEDGER_SIZE_INVALID', `tile width ${width}`);
  const suffix = width === TILE_WIDTH ? '' : `.p/${width}`;
  return `tile/${level}/${encodeIndex(index)}${suffix}`;
}

const PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a tile or entry-bundle path (relative to the log's prefix) exactly as the tlog-tiles
 * grammar allows: level 0–63 without leading zeroes, canonical index groups, width 1–255.
 *
 * @param path - e.g. `tile/1/x001/234` or `tile/entries/000.p/7`
 * @throws LedgerError LEDGER_TILE_PATH_INVALID
 * @example
 * ```ts
 * parseTilePath('tile/0/x001/x234/067.p/8'); // { level: 0, index: 1234067, width: 8 }
 * ```
 */
export function parseTilePath(path: string): TileId {
  const m = PATH.exec(path);
  const bad = (): LedgerError =>
    new LedgerError(
      'LEDGER_TILE_PATH_INVALID',
      JSON.stringify(path.length > 80 ? `${path.slice(0, 80)}…` : path),
    );
  if (!m) throw bad();
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > 63) throw bad();
  const groups = m[2]!.split('/').map((g) => g.replace('x', ''));
  // Canonical: no leading all-zero group (x000/…), at most 2^53 - 1.
  if (groups.length > 1 && groups[0] === '000') throw bad();
  if (groups.length > 6) throw bad();
  const index = Number(groups.join(''));
  if (!Number.isSafeInteger(index)) throw bad();
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (width > TILE_WIDTH - 1 && m[3] !== undefined) throw bad();
  return { level, index, width };
}

/**
 * How many hashes a tree of `size` leaves has at tile level `level` (each the root of a full
 * tile of the level below, or a leaf hash at level 0): floor(size / 256^level).
 *
 * @param size - the tree size
 * @param level - the tile level
 */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / Math.pow(TILE_WIDTH, level));
}

/**
 * The tile at `level` holding hash `n` of that level in a tree of `size` (partial if the tree
 * ends inside it).
 *
 * @param level - tile level
 * @param n - the hash's index at that level
 * @param size - the tree size
 */
export function tileFor(level: number, n: number, size: number): TileId {
  const index = Math.floor(n / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, hashesAtLevel(size, level) - index * TILE_WIDTH);
  return { level, index, width };
}

/**
 * Every tile and entry bundle of a tree of `size`, as tlog-tiles lays it out (full tiles, and
 * the partial tile of each level whose width is not zero).
 *
 * @param size - the tree size
 */
export function tilesOfTree(size: number): TileId[] {
  const out: TileId[] = [];
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
    const count = hashesAtLevel(size, level);
    for (let index = 0; index * TILE_WIDTH < count; index++)
      out.push({ level, index, width: Math.min(TILE_WIDTH, count - index * TILE_WIDTH) });
  }
  for (let index = 0; index * TILE_WIDTH < size; index++)
    out.push({ level: 'entries', index, width: Math.min(TILE_WIDTH, size - index * TILE_WIDTH) });
  return out;
}

/**
 * Checks that a hash tile has exactly `width` hashes.
 *
 * @param data - the tile bytes
 * @param tile - what it should be
 * @throws LedgerError LEDGER_TILE_MALFORMED
 */
export function checkTile(data: Uint8Array, tile: TileId): void {
  if (data.length !== tile.width * HASH_SIZE)
    throw new LedgerError(
      'LEDGER_TILE_MALFORMED',
      `${tilePath(tile)} has ${data.length} bytes, not ${tile.width * HASH_SIZE}`,
    );
}

/**
 * An entry bundle: each entry as a big-endian uint16 length and its bytes.
 *
 * @param entries - the entries (each at most 65,535 bytes)
 * @throws LedgerError LEDGER_ENTRY_TOO_LARGE
 */
export function encodeBundle(entries: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_SIZE) throw new LedgerError('LEDGER_ENTRY_TOO_LARGE', `${e.length} bytes`);
    total += 2 + e.length;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const e of entries) {
    out.writeUInt16BE(e.length, at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * The entries of an entry bundle.
 *
 * @param data - the bundle bytes
 * @param width - how many entries it must hold (when known)
 * @throws LedgerError LEDGER_TILE_MALFORMED when it is truncated, has trailing bytes or another count
 */
export function decodeBundle(data: Uint8Array, width?: number): Buffer[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 2 > buf.length)
      throw new LedgerError('LEDGER_TILE_MALFORMED', 'entry bundle truncated in a length');
    const len = buf.readUInt16BE(at);
    if (at + 2 + len > buf.length)
      throw new LedgerError('LEDGER_TILE_MALFORMED', 'entry bundle truncated in an entry');
    out.push(buf.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (width !== undefined && out.length !== width)
    throw new LedgerError('LEDGER_TILE_MALFORMED', `entry bundle holds ${out.length} entries, not ${width}`);
  return out;
}
