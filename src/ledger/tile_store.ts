/**
 * Where tiles live. The core does no I/O of its own: a log's tiles, entry bundles and checkpoint
 * are read and written through a {@link TileStore} the caller passes in (files, a database
 * table, an object store, HTTP for a reader), and {@link TileHashReader} answers the subtree
 * hashes proofs need from those tiles, fetching the tiles of one request in parallel and keeping
 * recently used tiles with their inner Merkle levels.
 */
import { LedgerError } from './errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import type { HashReader, NodeId } from './merkle.js';
import { TILE_HEIGHT, TILE_WIDTH, checkTile, tileFor, tilePath } from './tiles.js';
import type { TileId } from './tiles.js';

/** Read access to a log's resources by tlog-tiles path (`checkpoint`, `tile/…`); undefined when absent. */
export interface TileSource {
  read(path: string): Promise<Uint8Array | undefined>;
}

/**
 * A log's storage: read any resource, write one. A sequencer persists the writes of one
 * integration together (tiles and bundles first, the checkpoint last).
 */
export interface TileStore extends TileSource {
  write(path: string, data: Uint8Array): Promise<void>;
}

/**
 * A {@link TileStore} in memory (tests, benchmarks, a cache in front of another store).
 *
 * @example
 * ```ts
 * const store = new MemoryTileStore();
 * await store.write('tile/0/000.p/1', hash);
 * ```
 */
export class MemoryTileStore implements TileStore {
  readonly files = new Map<string, Uint8Array>();

  read(path: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.files.get(path));
  }

  write(path: string, data: Uint8Array): Promise<void> {
    this.files.set(path, data);
    return Promise.resolve();
  }
}

/** A tile with the inner levels of its Merkle subtree: levels[r] holds floor(width / 2^r) hashes. */
class TileTree {
  private readonly levels: Buffer[];

  constructor(data: Uint8Array) {
    this.levels = [Buffer.from(data.buffer, data.byteOffset, data.length)];
  }

  /** The hash of the perfect subtree of 2^r tile hashes at position `i` of inner level r. */
  node(r: number, i: number): Buffer {
    while (this.levels.length <= r) {
      const below = this.levels[this.levels.length - 1]!;
      const count = Math.floor(below.length / HASH_SIZE / 2);
      const next = Buffer.allocUnsafe(count * HASH_SIZE);
      for (let j = 0; j < count; j++)
        next.set(
          nodeHash(
            below.subarray(2 * j * HASH_SIZE, (2 * j + 1) * HASH_SIZE),
            below.subarray((2 * j + 1) * HASH_SIZE, (2 * j + 2) * HASH_SIZE),
          ),
          j * HASH_SIZE,
        );
      this.levels.push(next);
    }
    const level = this.levels[r]!;
    if ((i + 1) * HASH_SIZE > level.length)
      throw new LedgerError('LEDGER_TILE_MALFORMED', 'tile too narrow for a subtree');
    return level.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  }
}

/**
 * The subtree hashes of a tree of `size`, read from its tiles. Tiles already read are kept (up
 * to `cacheTiles`, least recently used dropped): tile paths are immutable, so one reader may
 * serve many proofs, and a new reader for a larger size may share the cache through `cache`.
 *
 * @example
 * ```ts
 * const reader = new TileHashReader(store, checkpoint.size);
 * const proof = await proveInclusion(reader, 42, checkpoint.size);
 * ```
 */
export class TileHashReader implements HashReader {
  private readonly source: TileSource;
  readonly size: number;
  private readonly cache: Map<string, TileTree>;
  private readonly cacheTiles: number;

  /**
   * @param source - where tiles are read
   * @param size - the tree size the hashes are for
   * @param options - `cacheTiles` (default 1,024), `cache` shared with another reader
   */
  constructor(
    source: TileSource,
    size: number,
    options: { cacheTiles?: number; cache?: Map<string, unknown> } = {},
  ) {
    this.source = source;
    this.size = size;
    this.cache = (options.cache as Map<string, TileTree> | undefined) ?? new Map();
    this.cacheTiles = options.cacheTiles ?? 1024;
  }

  /** The tile holding node `id` and the node's place inside it. */
  private locate(id: NodeId): { tile: TileId; r: number; at: number } {
    const level = Math.floor(id.height / TILE_HEIGHT);
    const r = id.height % TILE_HEIGHT;
    const first = id.index * Math.pow(2, r);
    const tile = tileFor(level, first, this.size);
    if (tile.width <= 0 || (id.index + 1) * Math.pow(2, id.height) > this.size)
      throw new LedgerError(
        'LEDGER_SIZE_INVALID',
        `subtree ${id.height}/${id.index} is not inside size ${this.size}`,
      );
    return { tile, r, at: (first - tile.index * TILE_WIDTH) / Math.pow(2, r) };
  }

  private async tile(tile: TileId): Promise<TileTree> {
    const path = tilePath(tile);
    const hit = this.cache.get(path);
    if (hit) {
      this.cache.delete(path);
      this.cache.set(path, hit);
      return hit;
    }
    let data = await this.source.read(path);
    if (data === undefined && tile.width < TILE_WIDTH) {
      // tlog-tiles lets a log drop a partial tile once the full one exists: its prefix is the same.
      const full = await this.source.read(tilePath({ ...tile, width: TILE_WIDTH }));
      if (full !== undefined && full.length === TILE_WIDTH * HASH_SIZE)
        data = full.subarray(0, tile.width * HASH_SIZE);
    }
    if (data === undefined) throw new LedgerError('LEDGER_TILE_MISSING', path);
    checkTile(data, tile);
    const tree = new TileTree(data);
    this.cache.set(path, tree);
    while (this.cache.size > this.cacheTiles) this.cache.delete(this.cache.keys().next().value!);
    return tree;
  }

  async readHashes(ids: readonly NodeId[]): Promise<Buffer[]> {
    const places = ids.map((id) => this.locate(id));
    const tiles = new Map<string, Promise<TileTree>>();
    for (const p of places) {
      const path = tilePath(p.tile);
      if (!tiles.has(path)) tiles.set(path, this.tile(p.tile));
    }
    const paths = [...tiles.keys()];
    const trees = new Map((await Promise.all(tiles.values())).map((t, i) => [paths[i]!, t]));
    return places.map((p) => Buffer.from(trees.get(tilePath(p.tile))!.node(p.r, p.at)));
  }
}
