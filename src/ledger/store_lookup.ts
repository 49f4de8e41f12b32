/**
 * Reading the log kept in the store, for the tile server: the published checkpoint, tiles and
 * entry bundles by path, and the lookup of an entry by its key with an inclusion proof against
 * the published checkpoint (proofs from the tiles, through one tile cache per log).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { checkpointOfNote } from './checkpoint.js';
import { LedgerError } from './errors.js';
import type { NoteVerifier } from './keys.js';
import { findByLookupKey } from './lookup_index.js';
import { proveInclusion } from './merkle.js';
import { openNote } from './note.js';
import { CHECKPOINT_PATH, StoreTileSource } from './store_tiles.js';
import { TileHashReader } from './tile_store.js';
import { parseTilePath } from './tiles.js';

/** The answer of `GET /log/lookup/<sha256-hex>`. */
export interface LookupAnswer {
  /** The entry's index (the first entry with this key: a certificate's issuance). */
  index: number;
  /** The published checkpoint the proof is against (signed note, with its cosignatures). */
  checkpoint: string;
  /** The RFC 9162 inclusion proof, base64 hashes from the leaf up. */
  inclusionProof: string[];
}

/**
 * A log in the store, read for serving.
 *
 * @example
 * ```ts
 * const log = new StoredLog(store.db, identity.verifier);
 * const found = await log.lookup('9f86d0…');
 * ```
 */
export class StoredLog {
  readonly #db: Kysely<Database>;
  readonly #verifier: NoteVerifier;
  readonly #tiles: StoreTileSource;
  readonly #cache = new Map<string, unknown>();
  #parsed: { text: string; size: number } | undefined;

  /**
   * @param db - the store's query builder
   * @param verifier - the log's key (the published checkpoint is checked against it)
   */
  constructor(db: Kysely<Database>, verifier: NoteVerifier) {
    this.#db = db;
    this.#verifier = verifier;
    this.#tiles = new StoreTileSource(db);
  }

  /** The published checkpoint, or undefined before the sequencer's first run. */
  async checkpoint(): Promise<string | undefined> {
    const data = await this.#tiles.read(CHECKPOINT_PATH);
    return data === undefined ? undefined : Buffer.from(data).toString('utf8');
  }

  /**
   * A tile or entry bundle by its path under `/log/` (checked against the tlog-tiles grammar
   * before anything is read).
   *
   * @throws LedgerError LEDGER_TILE_PATH_INVALID
   */
  async tile(path: string): Promise<Buffer | undefined> {
    parseTilePath(path);
    const data = await this.#tiles.read(path);
    return data === undefined ? undefined : Buffer.from(data);
  }

  /**
   * The first integrated entry with lookup key `key` and its inclusion proof against the
   * published checkpoint (the index's candidates confirmed against the entries themselves).
   *
   * @param key - lower-case hex (a certificate's or document's SHA-256)
   * @throws LedgerError LEDGER_NOT_LOGGED when no published entry has the key
   */
  async lookup(key: string): Promise<LookupAnswer> {
    const text = await this.checkpoint();
    if (text === undefined) throw new LedgerError('LEDGER_NOT_LOGGED', key);
    const size = this.#size(text);
    const { index, later } = await findByLookupKey(this.#db, this.#tiles, key, size);
    if (index === undefined)
      throw new LedgerError('LEDGER_NOT_LOGGED', later ? `${key} is not published yet` : key);
    const { proof } = await this.#prove(text, index);
    return { index, checkpoint: text, inclusionProof: proof.map((h) => h.toString('base64')) };
  }

  /**
   * The inclusion proof of entry `index` against the published checkpoint, with that checkpoint
   * (a notarisation receipt is built from them).
   *
   * @param index - the entry's index
   * @throws LedgerError LEDGER_NOT_LOGGED when the published checkpoint does not cover the entry
   * @example
   * ```ts
   * const { checkpoint, proof } = await log.prove(41);
   * ```
   */
  async prove(index: number): Promise<{ checkpoint: string; size: number; proof: Buffer[] }> {
    const text = await this.checkpoint();
    if (text === undefined || index >= this.#size(text))
      throw new LedgerError('LEDGER_NOT_LOGGED', `entry ${index} is not published yet`);
    return this.#prove(text, index);
  }

  /** The size of the published checkpoint (0 before the first). */
  async publishedSize(): Promise<number> {
    const text = await this.checkpoint();
    return text === undefined ? 0 : this.#size(text);
  }

  async #prove(text: string, index: number): Promise<{ checkpoint: string; size: number; proof: Buffer[] }> {
    const size = this.#size(text);
    const reader = new TileHashReader(this.#tiles, size, { cache: this.#cache, cacheTiles: 4096 });
    return { checkpoint: text, size, proof: await proveInclusion(reader, index, size) };
  }

  #size(text: string): number {
    if (this.#parsed?.text !== text)
      this.#parsed = { text, size: checkpointOfNote(openNote(text, [this.#verifier])).size };
    return this.#parsed.size;
  }
}
