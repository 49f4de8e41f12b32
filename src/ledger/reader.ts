/**
 * The tile reader and auditor (c2sp.org/tlog-tiles@v0.1.0) over any {@link TileSource} (HTTP
 * fetch, files, the log's own store): reads and verifies the checkpoint, computes roots,
 * inclusion and consistency proofs from tiles, reads entries checked against the level-0 tiles,
 * and audits a whole log by rebuilding every tile from its entries.
 */
import { openCheckpoint } from './checkpoint.js';
import type { SignedCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, leafHash } from './hash.js';
import type { NoteVerifier } from './keys.js';
import { proveConsistency, proveInclusion, treeRoot, verifyConsistency, verifyInclusion } from './merkle.js';
import { TileHashReader } from './tile_store.js';
import type { TileSource } from './tile_store.js';
import { TILE_WIDTH, checkTile, decodeBundle, hashesAtLevel, tilePath } from './tiles.js';
import { EMPTY_EDGE, integrate } from './writer.js';
import type { TreeEdge } from './writer.js';

/**
 * Reads a tiled log through `source`.
 *
 * @example
 * ```ts
 * const log = new LogReader({ read: (p) => fetchBytes(`${prefix}${p}`) });
 * const cp = await log.checkpoint([noteVerifier(vkey)]);
 * const proof = await log.inclusionProof(7, cp.size);
 * ```
 */
export class LogReader {
  readonly source: TileSource;
  private readonly cache = new Map<string, unknown>();
  private readonly cacheTiles: number;

  /**
   * @param source - where the log's resources are read
   * @param options - `cacheTiles`: tiles kept in memory (default 1,024)
   */
  constructor(source: TileSource, options: { cacheTiles?: number } = {}) {
    this.source = source;
    this.cacheTiles = options.cacheTiles ?? 1024;
  }

  /** The subtree-hash reader for a tree of `size`, sharing this reader's tile cache. */
  hashes(size: number): TileHashReader {
    return new TileHashReader(this.source, size, { cache: this.cache, cacheTiles: this.cacheTiles });
  }

  /**
   * Reads and verifies the log's checkpoint.
   *
   * @param verifiers - the log's keys (and any cosigners' to verify with it)
   * @param path - the resource (default `checkpoint`)
   * @throws LedgerError LEDGER_TILE_MISSING, the note and checkpoint errors
   */
  async checkpoint(verifiers: readonly NoteVerifier[], path = 'checkpoint'): Promise<SignedCheckpoint> {
    const data = await this.source.read(path);
    if (data === undefined) throw new LedgerError('LEDGER_TILE_MISSING', path);
    return openCheckpoint(data, verifiers);
  }

  /** The root of the tree of `size` computed from its tiles. */
  root(size: number): Promise<Buffer> {
    return treeRoot(this.hashes(size), size);
  }

  /** The inclusion proof of leaf `index` in the tree of `size`. */
  inclusionProof(index: number, size: number): Promise<Buffer[]> {
    return proveInclusion(this.hashes(size), index, size);
  }

  /** The consistency proof from size `m` to size `n` (empty when m = n). */
  consistencyProof(m: number, n: number): Promise<Buffer[]> {
    return m === n ? Promise.resolve([]) : proveConsistency(this.hashes(n), m, n);
  }

  /**
   * Proves and checks that `entry` is leaf `index` of the tree the checkpoint names.
   *
   * @throws LedgerError LEDGER_PROOF_INVALID and the tile errors
   */
  async proveEntry(
    index: number,
    entry: Uint8Array,
    tree: { size: number; root: Buffer },
  ): Promise<Buffer[]> {
    const proof = await this.inclusionProof(index, tree.size);
    verifyInclusion(index, tree.size, leafHash(entry), proof, tree.root);
    return proof;
  }

  /**
   * Proves and checks that the tree `older` is a prefix of the tree `newer`.
   *
   * @throws LedgerError LEDGER_PROOF_INVALID and the tile errors
   */
  async proveConsistent(
    older: { size: number; root: Buffer },
    newer: { size: number; root: Buffer },
  ): Promise<Buffer[]> {
    if (older.size === 0) return [];
    const proof = await this.consistencyProof(older.size, newer.size);
    verifyConsistency(older.size, newer.size, proof, older.root, newer.root);
    return proof;
  }

  /**
   * The entries `[start, end)` of the tree of `size`, each checked against the level-0 tiles.
   *
   * @throws LedgerError LEDGER_TILE_MISSING, LEDGER_TILE_MALFORMED (an entry does not hash to its tile)
   */
  async entries(start: number, end: number, size: number): Promise<Buffer[]> {
    if (!(0 <= start && start <= end && end <= size))
      throw new LedgerError('LEDGER_SIZE_INVALID', `entries ${start}–${end} of ${size}`);
    const out: Buffer[] = [];
    for (let t = Math.floor(start / TILE_WIDTH); t * TILE_WIDTH < end; t++) {
      const width = Math.min(TILE_WIDTH, size - t * TILE_WIDTH);
      const [bundle, tile] = await Promise.all([
        this.need(tilePath({ level: 'entries', index: t, width })),
        this.need(tilePath({ level: 0, index: t, width })),
      ]);
      checkTile(tile, { level: 0, index: t, width });
      const entries = decodeBundle(bundle, width);
      entries.forEach((e, i) => {
        const n = t * TILE_WIDTH + i;
        if (n < start || n >= end) return;
        if (!leafHash(e).equals(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE)))
          throw new LedgerError('LEDGER_TILE_MALFORMED', `entry ${n} does not hash to its level-0 tile`);
        out.push(e);
      });
    }
    return out;
  }

  private async need(path: string): Promise<Buffer> {
    const data = await this.source.read(path);
    if (data === undefined) throw new LedgerError('LEDGER_TILE_MISSING', path);
    return Buffer.from(data);
  }

  /**
   * Audits the whole tree of `size`: reads every entry bundle, rebuilds every tile from the
   * entries and compares it with the stored tile, and checks the rebuilt root is `root`.
   *
   * @param tree - the size and root (from a verified checkpoint)
   * @param onProgress - called with the entries checked so far
   * @param onEntries - given each chunk of entries once its tiles matched their rebuild (index of
   *   the first, the entries), so a monitor reads the log once; the root is checked after the last
   * @throws LedgerError LEDGER_TREE_MISMATCH, LEDGER_TILE_MISSING, LEDGER_TILE_MALFORMED
   */
  async audit(
    tree: { size: number; root: Buffer },
    onProgress?: (done: number) => void,
    onEntries?: (first: number, entries: readonly Buffer[]) => void,
  ): Promise<void> {
    const { size } = tree;
    // The partial tiles of the final size are compared; those of intermediate chunks are not served.
    const finals = new Set<string>();
    for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
      const count = hashesAtLevel(size, level);
      if (count % TILE_WIDTH)
        finals.add(tilePath({ level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH }));
    }
    const chunk = TILE_WIDTH * 64;
    let edge: TreeEdge = EMPTY_EDGE;
    let root: Buffer = EMPTY_ROOT;
    for (let at = 0; at < size;) {
      const end = Math.min(size, at + chunk);
      const entries: Buffer[] = [];
      const bundles = [];
      for (let t = at / TILE_WIDTH; t * TILE_WIDTH < end; t++)
        bundles.push(
          this.need(
            tilePath({ level: 'entries', index: t, width: Math.min(TILE_WIDTH, size - t * TILE_WIDTH) }),
          ),
        );
      for (const [i, b] of (await Promise.all(bundles)).entries())
        entries.push(...decodeBundle(b, Math.min(TILE_WIDTH, size - (at / TILE_WIDTH + i) * TILE_WIDTH)));
      const memory = { read: () => Promise.resolve(undefined) };
      const r = await integrate(memory, { size: at, root }, entries, edge);
      const checks = r.writes
        .filter((w) => !w.path.startsWith('tile/entries/') && (!w.path.includes('.p/') || finals.has(w.path)))
        .map(async (w) => {
          const stored = await this.need(w.path);
          if (!stored.equals(w.data))
            throw new LedgerError('LEDGER_TREE_MISMATCH', `${w.path} differs from its rebuild`);
        });
      await Promise.all(checks);
      onEntries?.(at, entries);
      edge = r.edge;
      root = r.root;
      at = end;
      onProgress?.(at);
    }
    if (!root.equals(tree.root))
      throw new LedgerError('LEDGER_TREE_MISMATCH', `the entries of size ${size} do not hash to the root`);
  }
}
