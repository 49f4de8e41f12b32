/**
 * A tiled log over a {@link TileStore}: append a batch (integrate, store the tiles and entry
 * bundles, sign and store the checkpoint last). The building block of a sequencer; a sequencer
 * with a transactional store uses {@link integrate} and {@link signCheckpoint} directly to put
 * the writes and the checkpoint in its own transaction.
 */
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT } from './hash.js';
import type { NoteSigner, NoteVerifier } from './keys.js';
import type { TileStore } from './tile_store.js';
import { integrate } from './writer.js';
import type { TreeEdge } from './writer.js';

/** The result of one append. */
export interface Appended {
  readonly firstIndex: number;
  readonly size: number;
  readonly root: Buffer;
  /** The new signed checkpoint (log signature only). */
  readonly checkpoint: string;
}

/**
 * A log writing tiles to a store.
 *
 * @example
 * ```ts
 * const log = await TileLog.open(store, { origin: 'ph.example/log', signer, verifier });
 * const { firstIndex, checkpoint } = await log.append([entry1, entry2]);
 * ```
 */
export class TileLog {
  readonly store: TileStore;
  readonly origin: string;
  private readonly signer: NoteSigner;
  private state: { size: number; root: Buffer };
  private edge: TreeEdge | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    store: TileStore,
    origin: string,
    signer: NoteSigner,
    state: { size: number; root: Buffer },
  ) {
    this.store = store;
    this.origin = origin;
    this.signer = signer;
    this.state = state;
  }

  /**
   * Opens the log in `store` (an empty log when it holds no checkpoint yet).
   *
   * @param store - the tiles
   * @param options - origin, the log's signer, and its verifier (to check the stored checkpoint)
   * @throws LedgerError the checkpoint errors; LEDGER_CHECKPOINT_MALFORMED for another origin
   */
  static async open(
    store: TileStore,
    options: { origin: string; signer: NoteSigner; verifier: NoteVerifier },
  ): Promise<TileLog> {
    const data = await store.read('checkpoint');
    let state: { size: number; root: Buffer } = { size: 0, root: Buffer.from(EMPTY_ROOT) };
    if (data !== undefined) {
      const cp = openCheckpoint(data, [options.verifier]);
      if (cp.origin !== options.origin)
        throw new LedgerError(
          'LEDGER_CHECKPOINT_MALFORMED',
          `the stored checkpoint is of ${JSON.stringify(cp.origin)}`,
        );
      state = { size: cp.size, root: cp.root };
    }
    return new TileLog(store, options.origin, options.signer, state);
  }

  /** The current size. */
  get size(): number {
    return this.state.size;
  }

  /** The current root. */
  get root(): Buffer {
    return this.state.root;
  }

  /**
   * Appends a batch (appends run one at a time) and publishes a signed checkpoint.
   *
   * @param entries - the entries, each at most 65,535 bytes
   * @throws LedgerError LEDGER_ENTRY_TOO_LARGE, LEDGER_TREE_MISMATCH, the store's errors
   */
  append(entries: readonly Uint8Array[]): Promise<Appended> {
    const run = this.queue.then(() => this.appendNow(entries));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(entries: readonly Uint8Array[]): Promise<Appended> {
    const r = await integrate(this.store, this.state, entries, this.edge);
    await Promise.all(r.writes.map((w) => this.store.write(w.path, w.data)));
    const checkpoint = await signCheckpoint(
      { origin: this.origin, size: r.size, root: r.root, extensions: [] },
      this.signer,
    );
    await this.store.write('checkpoint', Buffer.from(checkpoint));
    this.state = { size: r.size, root: r.root };
    this.edge = r.edge;
    return { firstIndex: r.firstIndex, size: r.size, root: r.root, checkpoint };
  }
}
