/**
 * Transparency-log sequencer benchmark (issue 15, the store-backed log): entries queued in
 * `ledger_queue` (~200-byte canonical entries, each with a lookup key, as certificate events
 * have) are integrated by the sequencer, batch after batch, each one transaction that writes the
 * tiles, entry bundles, lookup rows, a signed checkpoint and the tree state and deletes the
 * queue rows: appends integrated per second on SQLite and PostgreSQL, beside raw SHA-256 of the
 * same entries in the same run; then 1,000 lookups (index, the entry read back to confirm its
 * key, inclusion proof). Then the storage per entry beside the tlog-tiles data itself (entry +
 * 2-byte length + ~32.13 B of hashes): `ledger_tiles` (tiles and bundles), `ledger_lookup` (the
 * 8-byte-prefix index), what the drained `ledger_queue` still holds, and on SQLite the free
 * pages and the file's growth (dbstat page counts; PostgreSQL: pg_total_relation_size).
 * Knobs: BENCH_LEDGER_STORE_ENTRIES (default 100,000), BENCH_LEDGER_STORE_BATCH (default 1,024).
 */
import { hash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../src/ledger/keys.js';
import type { LogIdentity } from '../src/ledger/log_key.js';
import { decodeEntry, encodeEntry, lookupKeyOf } from '../src/ledger/entry.js';
import { StoredLog } from '../src/ledger/store_lookup.js';
import { hashesAtLevel } from '../src/ledger/tiles.js';
import { Sequencer } from '../src/ledger/sequencer.js';
import { openStore } from '../src/store/database.js';
import type { Store } from '../src/store/database.js';
import { ENV, fmtRate, pgSchema, tempDir } from './common.js';
import type { SummaryRow } from './common.js';

const ENTRIES = Number(process.env.BENCH_LEDGER_STORE_ENTRIES ?? 100_000);
const BATCH = Number(process.env.BENCH_LEDGER_STORE_BATCH ?? 1024);
const LOOKUPS = 1000;

function identity(): LogIdentity {
  const origin = 'bench.trustbridge.example/log';
  const key = ed25519KeyFromSeed(Buffer.alloc(32, 5));
  const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
  return { origin, signer: noteSigner(origin, key), verifier: noteVerifier(vkey), vkey };
}

/** An eid-cert-issued entry (canonical JSON, ~300 bytes), as the issuance hook logs it. */
function entry(i: number): Buffer {
  return encodeEntry({
    v: 1,
    type: 'eid-cert-issued',
    time: '2026-03-02T09:30:00.000Z',
    sha256: hash('sha256', String(i), 'hex'),
    serial: (0x10000000 + i).toString(16).padStart(32, '0'),
    issuer: 'CN=PH eID CA,O=Republic of the Philippines,C=PH',
    profile: 'signature',
    notBefore: '2026-03-02T09:30:00.000Z',
    notAfter: '2031-03-02T09:30:00.000Z',
  });
}

async function enqueue(store: Store, entries: Buffer[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000)
    await store.transaction(async (trx) => {
      await trx
        .insertInto('ledger_queue')
        .values(
          entries.slice(i, i + 1000).map((e) => ({
            entry: e,
            lookup_key: lookupKeyOf(decodeEntry(e)) ?? null,
            queued_at: '2026-03-02T09:30:00Z',
          })),
        )
        .execute();
    });
}

/** Bytes on disk of the log's parts (tables with their indexes; SQLite: pages, PostgreSQL: relations). */
interface LogBytes {
  /** `ledger_tiles`: tiles, entry bundles, the partial ones of the right edge, the checkpoint. */
  tiles: number;
  /** `ledger_lookup`: the lookup index. */
  lookup: number;
  /** `ledger_queue` once drained (PostgreSQL: dead rows until vacuum). */
  queue: number;
  /** SQLite: free pages in the file (reused by later writes); PostgreSQL: 0. */
  free: number;
  /** SQLite: the file (with its WAL) grew by this during the run; PostgreSQL: the three relations. */
  total: number;
}

async function logBytes(store: Store, file: string, baseline: number): Promise<LogBytes> {
  if (store.engine === 'postgres') {
    const r = await sql<{ tiles: string; lookup: string; queue: string }>`select
      pg_total_relation_size('ledger_tiles') as tiles, pg_total_relation_size('ledger_lookup') as lookup,
      pg_total_relation_size('ledger_queue') as queue`.execute(store.db);
    const row = r.rows[0]!;
    const [tiles, lookup, queue] = [Number(row.tiles), Number(row.lookup), Number(row.queue)];
    return { tiles, lookup, queue, free: 0, total: tiles + lookup + queue };
  }
  const r = await sql<{
    name: string;
    bytes: number;
  }>`select name, sum(pgsize) as bytes from dbstat group by name`.execute(store.db);
  const of = (names: string[]): number =>
    r.rows.filter((x) => names.includes(x.name)).reduce((s, x) => s + Number(x.bytes), 0);
  const page = await sql<{ page_size: number }>`pragma page_size`.execute(store.db);
  const freelist = await sql<{ freelist_count: number }>`pragma freelist_count`.execute(store.db);
  await sql`pragma wal_checkpoint(truncate)`.execute(store.db);
  return {
    tiles: of(['ledger_tiles', 'sqlite_autoindex_ledger_tiles_1']),
    lookup: of(['ledger_lookup']),
    queue: of(['ledger_queue', 'ledger_queue_lookup']),
    free: Number(freelist.rows[0]!.freelist_count) * Number(page.rows[0]!.page_size),
    total: fileBytes(file) - baseline,
  };
}

function fileBytes(file: string): number {
  return [file, `${file}-wal`].reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0);
}

/** The tlog-tiles bytes of `n` entries of `entryBytes` in all: bundles (2-byte length + entry) and hash tiles. */
function tlogBytes(n: number, entryBytes: number): number {
  let hashes = 0;
  for (let level = 0; hashesAtLevel(n, level) > 0; level++) hashes += hashesAtLevel(n, level);
  return entryBytes + 2 * n + 32 * hashes;
}

async function one(engine: 'sqlite' | 'postgres', location: string, rows: SummaryRow[]): Promise<void> {
  const store = await openStore(location);
  try {
    const entries = Array.from({ length: ENTRIES }, (_, i) => entry(i));
    const before = store.engine === 'sqlite' ? fileBytes(location) : 0;
    const t0 = performance.now();
    await enqueue(store, entries);
    const enqueueRate = ENTRIES / ((performance.now() - t0) / 1000);
    const seq = new Sequencer({ store, log: identity(), batchSize: BATCH });
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    let done = 0;
    for (let r = await seq.run(); r.integrated > 0; r = await seq.run()) done += r.integrated;
    const ms = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    if (done !== ENTRIES) throw new Error(`integrated ${done} of ${ENTRIES}`);
    const rate = ENTRIES / (ms / 1000);
    const t2 = performance.now();
    for (const e of entries) hash('sha256', e, 'buffer');
    const raw = ENTRIES / ((performance.now() - t2) / 1000);
    const log = new StoredLog(store.db, identity().verifier);
    const t3 = performance.now();
    for (let i = 0; i < LOOKUPS; i++) {
      const at = (i * 7919) % ENTRIES;
      if ((await log.lookup(hash('sha256', String(at), 'hex'))).index !== at) throw new Error(`lookup ${at}`);
    }
    const lookupMs = (performance.now() - t3) / LOOKUPS;
    const b = await logBytes(store, location, before);
    const entryBytes = entries.reduce((s, e) => s + e.length, 0);
    const mean = entryBytes / ENTRIES;
    const per = (x: number): string => (x / ENTRIES).toFixed(1);
    const signed = (x: number): string => (x < 0 ? `− ${per(-x)}` : `+ ${per(x)}`);
    const tlog = tlogBytes(ENTRIES, entryBytes);
    const text =
      `ledger sequencer [${engine}] (queue → tiles + bundles + lookup rows + signed checkpoint, ${BATCH} a transaction, ${ENTRIES} entries): ` +
      `${fmtRate(rate)} integrated (goal 10,000/s), raw SHA-256 of the same entries ${fmtRate(raw)}, ratio ${(rate / raw).toFixed(4)}; ` +
      `${((cpu.user + cpu.system) / ENTRIES).toFixed(1)} µs CPU per append in this process; enqueue ${fmtRate(enqueueRate)}; ` +
      `lookup (index + entry confirmed + inclusion proof) ${lookupMs.toFixed(2)} ms; ` +
      `storage per ${mean.toFixed(0)} B entry: tlog-tiles data itself entry ${signed(tlog - entryBytes)} B (2 B length, 32.13 B hashes); ` +
      `stored tiles and bundles entry ${signed(b.tiles - entryBytes)} B (full bundles deflated; page slack, path keys), ` +
      `lookup index ${per(b.lookup)} B, drained queue ${per(b.queue)} B${engine === 'postgres' ? ' (dead rows until vacuum)' : ''}` +
      `${engine === 'sqlite' ? `, free pages ${per(b.free)} B (reused by later appends), file growth entry ${signed(b.total - entryBytes)} B` : ''}; ` +
      `total tiles + lookup: entry ${signed(b.tiles + b.lookup - entryBytes)} B (goal < 40; tiles alone ${b.tiles - entryBytes < 40 * ENTRIES ? 'met' : 'NOT met'}, with the lookup index ${b.tiles + b.lookup - entryBytes < 40 * ENTRIES ? 'met' : 'NOT met'}); ${cpus().length} cores`;
    console.log(`  ${text}`);
    rows.push({ text });
  } finally {
    await store.close();
  }
}

/** Runs the sequencer benchmark on SQLite, and on PostgreSQL when TRUSTBRIDGE_TEST_PG is set. */
export async function runLedgerStoreBench(rows: SummaryRow[]): Promise<void> {
  const tmp = tempDir('tb-bench-ledger-');
  try {
    await one('sqlite', join(tmp.dir, 'node.db'), rows);
  } finally {
    await tmp.remove();
  }
  if (!ENV.pgUrl) {
    console.log('  ledger sequencer [postgres]: skipped (TRUSTBRIDGE_TEST_PG unset)');
    return;
  }
  const schema = await pgSchema(ENV.pgUrl, 'ledger');
  try {
    await one('postgres', schema.url, rows);
  } finally {
    await schema.drop();
  }
}
