/**
 * The sequencer: drains the outbox (`ledger_queue`) into the log in batches. One batch is one
 * store transaction that reads the committed queue rows (oldest first), integrates them,
 * stores the tiles and entry bundles, the lookup rows, the signed checkpoint and the new tree
 * state, and deletes the rows it integrated — so a crash at any point leaves either the whole
 * batch or none of it, and no entry is lost or logged twice.
 *
 * Several server processes may each run a sequencer on one store: a lease lets one integrate at
 * a time (PostgreSQL: a transaction-scoped advisory lock taken without waiting; SQLite: the
 * single writer of `BEGIN IMMEDIATE`). Correctness does not rest on the lease: the transaction
 * re-reads the tree state (locking its row on PostgreSQL), updates it only if it did not move,
 * and deletes exactly the rows it read, or rolls back.
 *
 * Publication: the log-signed checkpoint goes to `ledger_state` with the batch; the checkpoint
 * served at `/log/checkpoint` (`ledger_tiles` path `checkpoint`) is written in the same
 * transaction when no {@link CosignHook} is set. With a hook, the checkpoint is published once
 * the hook has returned its cosignature lines (in a second transaction; a crash in between is
 * finished at the next run).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT } from './hash.js';
import type { LogIdentity } from './log_key.js';
import { insertLookupRows } from './lookup_index.js';
import { readQueuedEntries } from './outbox.js';
import { CHECKPOINT_PATH, StoreTileSource, storeTileWrites } from './store_tiles.js';
import type { TileSource } from './tile_store.js';
import { integrate } from './writer.js';
import type { TreeEdge } from './writer.js';

/** What a {@link CosignHook} is given. */
export interface CosignRequest {
  /** The new checkpoint, signed by the log only. */
  readonly checkpoint: string;
  readonly size: number;
  /** The checkpoint published before (with its cosignatures), if any. */
  readonly previous: string | undefined;
  /** The log's tiles, new ones included (for consistency proofs). */
  readonly tiles: TileSource;
}

/**
 * Gathers cosignatures for a new checkpoint before it is published (the witness client plugs in
 * here). It returns the cosignature lines to append (an empty list publishes the checkpoint
 * with the log's signature alone); a throw leaves the previous checkpoint published and the
 * next run tries again.
 */
export interface CosignHook {
  cosign(request: CosignRequest): Promise<readonly string[]>;
  /**
   * Whether the published checkpoint still lacks cosignatures the hook could get (a witness was
   * unreachable or refused at the last gathering, or none happened yet in this process). The
   * sequencer then gathers again for the same checkpoint, at most every `recosignMs`, so a log
   * whose witnesses started after it is witnessed without waiting for its next entry.
   */
  incomplete?(published: string): boolean;
}

/** Settings of a {@link Sequencer}. */
export interface SequencerOptions {
  store: Store;
  log: LogIdentity;
  /** Entries integrated in one transaction at most (default 1,024). */
  batchSize?: number;
  /** Pause between runs when the queue is drained (ms; default 500). */
  intervalMs?: number;
  clock?: () => Date;
  cosign?: CosignHook;
  /** Told of a failed run (the next run tries again). */
  onError?: (e: unknown) => void;
  /**
   * Least pause before gathering cosignatures again for an incompletely cosigned checkpoint
   * (ms; default 15,000, doubled after each attempt that leaves it incomplete, up to 5 minutes).
   */
  recosignMs?: number;
}

/** What one run did. */
export interface SequencerRun {
  /** Entries integrated. */
  integrated: number;
  /** The tree size after the run. */
  size: number;
  /** True when another process held the lease (nothing was done). */
  busy: boolean;
}

interface StateRow {
  size: number;
  root: Buffer;
  checkpoint: string;
}

/** The default batch size and interval. */
export const SEQUENCER_DEFAULTS = { batchSize: 1024, intervalMs: 500, recosignMs: 15_000 } as const;

/** The longest pause between two gatherings for the same checkpoint (ms). */
const RECOSIGN_MAX_MS = 300_000;

/**
 * Integrates the queue into the log, now (`run`) or every interval (`start` / `stop`).
 *
 * @example
 * ```ts
 * const seq = new Sequencer({ store, log });
 * seq.start();
 * // ...
 * await seq.stop();
 * ```
 */
export class Sequencer {
  readonly #o: SequencerOptions;
  readonly #batchSize: number;
  readonly #interval: number;
  readonly #clock: () => Date;
  #edge: TreeEdge | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;
  /** When the same checkpoint may be sent to the witnesses again, and the pause after that. */
  #recosign = { at: 0, pause: 0 };

  constructor(o: SequencerOptions) {
    this.#o = o;
    this.#batchSize = o.batchSize ?? SEQUENCER_DEFAULTS.batchSize;
    this.#interval = o.intervalMs ?? SEQUENCER_DEFAULTS.intervalMs;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1 || this.#batchSize > 16_384)
      throw new LedgerError('LEDGER_SIZE_INVALID', `batch size ${this.#batchSize} (1 to 16,384)`);
    if (!Number.isInteger(this.#interval) || this.#interval < 1 || this.#interval > 3_600_000)
      throw new LedgerError('LEDGER_SIZE_INVALID', `sequencer interval ${this.#interval} ms`);
    this.#clock = o.clock ?? (() => new Date());
  }

  /** Runs every interval until {@link stop}; full batches follow each other at once. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const loop = async (): Promise<void> => {
      let full = false;
      try {
        const r = await this.run();
        full = r.integrated === this.#batchSize;
      } catch (e) {
        this.#o.onError?.(e);
      }
      if (!this.#stopped)
        this.#timer = setTimeout(() => void (this.#running = loop()), full ? 0 : this.#interval);
    };
    this.#running = loop();
  }

  /** Stops after the run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running.catch(() => undefined);
  }

  /**
   * One run: integrates up to a batch of queued entries (or publishes the empty log's first
   * checkpoint), then publishes the checkpoint (through the cosign hook, if any).
   *
   * @throws LedgerError LEDGER_SEQUENCER_CONFLICT when another sequencer moved the tree meanwhile
   * (nothing was written); the store's and the writer's errors
   */
  async run(): Promise<SequencerRun> {
    const { store } = this.#o;
    // Most runs find nothing to do: two reads, no write lock taken.
    const [head, state] = await Promise.all([
      store.db.selectFrom('ledger_queue').select('seq').limit(1).executeTakeFirst(),
      readState(store.db, false),
    ]);
    if (!head && state) {
      if (this.#o.cosign) await this.#publish();
      return { integrated: 0, size: state.size, busy: false };
    }
    let outcome: SequencerRun;
    try {
      outcome = await store.transaction((trx) => this.#batch(trx));
    } catch (e) {
      this.#edge = undefined;
      throw e;
    }
    if (this.#o.cosign && !outcome.busy) await this.#publish();
    return outcome;
  }

  async #batch(trx: Kysely<Database>): Promise<SequencerRun> {
    const { log } = this.#o;
    if (this.#o.store.engine === 'postgres') {
      const lease = await sql<{
        held: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext(current_schema() || '.trustbridge.ledger')) as held`.execute(
        trx,
      );
      if (!lease.rows[0]?.held) return { integrated: 0, size: -1, busy: true };
    }
    const state = await readState(trx, this.#o.store.engine === 'postgres');
    const queued = await readQueuedEntries(trx, this.#batchSize);
    if (state && queued.length === 0) return { integrated: 0, size: state.size, busy: false };
    const old = state ?? { size: 0, root: Buffer.from(EMPTY_ROOT), checkpoint: '' };
    const tiles = new StoreTileSource(trx);
    const r = await integrate(
      tiles,
      old,
      queued.map((q) => q.entry),
      this.#edge,
    );
    await storeTileWrites(trx, r.writes, old.size);
    await insertLookupRows(
      trx,
      queued.flatMap((q, i) => (q.lookupKey === null ? [] : [{ key: q.lookupKey, index: r.firstIndex + i }])),
    );
    const checkpoint = await signCheckpoint(
      { origin: log.origin, size: r.size, root: r.root, extensions: [] },
      log.signer,
    );
    const updatedAt = this.#clock().toISOString();
    if (state) {
      const u = await trx
        .updateTable('ledger_state')
        .set({ size: r.size, root_hash: r.root, checkpoint, updated_at: updatedAt })
        .where('id', '=', 1)
        .where('size', '=', state.size)
        .executeTakeFirst();
      if (u.numUpdatedRows !== 1n) throw conflict(`the tree moved from size ${state.size}`);
    } else {
      await trx
        .insertInto('ledger_state')
        .values({ id: 1, size: r.size, root_hash: r.root, checkpoint, updated_at: updatedAt })
        .execute();
    }
    if (queued.length > 0) {
      const d = await trx
        .deleteFrom('ledger_queue')
        .where(
          'seq',
          'in',
          queued.map((q) => q.seq),
        )
        .executeTakeFirst();
      if (d.numDeletedRows !== BigInt(queued.length))
        throw conflict('queued entries were integrated by another sequencer');
    }
    if (!this.#o.cosign) await publishCheckpoint(trx, checkpoint);
    this.#edge = r.edge;
    return { integrated: queued.length, size: r.size, busy: false };
  }

  /** Gathers cosignatures for the latest checkpoint when it is not published yet, and publishes it. */
  async #publish(): Promise<void> {
    const { store, log } = this.#o;
    const state = await readState(store.db, false);
    if (!state) return;
    const tiles = new StoreTileSource(store.db);
    const published = await tiles.read(CHECKPOINT_PATH);
    const previous = published === undefined ? undefined : Buffer.from(published).toString('utf8');
    if (previous !== undefined && openCheckpoint(previous, [log.verifier]).size >= state.size) {
      if (!this.#recosignDue(previous)) return;
    } else {
      this.#recosign = { at: 0, pause: 0 };
    }
    const cp = openCheckpoint(state.checkpoint, [log.verifier]);
    const lines = await this.#o.cosign!.cosign({
      // The log's signature alone (the stored one may carry the cosignatures of an earlier gathering).
      checkpoint: await signCheckpoint(cp, log.signer),
      size: state.size,
      previous,
      tiles,
    });
    const cosigned = await signCheckpoint(cp, log.signer, lines);
    await store.transaction(async (trx) => {
      const now = await readState(trx, store.engine === 'postgres');
      // Published only while still the latest: a newer checkpoint gets its own cosignatures.
      if (now?.size !== state.size) return;
      await trx.updateTable('ledger_state').set({ checkpoint: cosigned }).where('id', '=', 1).execute();
      await publishCheckpoint(trx, cosigned);
    });
  }

  /** Whether to gather again for the published checkpoint (incomplete, and its pause is over). */
  #recosignDue(published: string): boolean {
    if (!this.#o.cosign?.incomplete?.(published)) return false;
    const now = Date.now();
    if (now < this.#recosign.at) return false;
    const first = this.#o.recosignMs ?? SEQUENCER_DEFAULTS.recosignMs;
    const pause = this.#recosign.pause === 0 ? first : Math.min(this.#recosign.pause * 2, RECOSIGN_MAX_MS);
    this.#recosign = { at: now + pause, pause };
    return true;
  }
}

function conflict(detail: string): LedgerError {
  return new LedgerError('LEDGER_SEQUENCER_CONFLICT', detail);
}

async function readState(db: Kysely<Database>, lock: boolean): Promise<StateRow | undefined> {
  let q = db.selectFrom('ledger_state').select(['size', 'root_hash', 'checkpoint']).where('id', '=', 1);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && { size: Number(row.size), root: Buffer.from(row.root_hash), checkpoint: row.checkpoint };
}

async function publishCheckpoint(trx: Kysely<Database>, checkpoint: string): Promise<void> {
  await trx
    .insertInto('ledger_tiles')
    .values({ path: CHECKPOINT_PATH, data: Buffer.from(checkpoint) })
    .onConflict((oc) => oc.column('path').doUpdateSet((eb) => ({ data: eb.ref('excluded.data') })))
    .execute();
}
