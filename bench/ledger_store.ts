/**
 * Transparency-log sequencer benchmark (issue 15, the store-backed log): entries queued in
 * `ledger_queue` (~200-byte canonical entries, each with a lookup key, as certificate events
 * have) are integrated by the sequencer, batch after batch, each one transaction that writes the
 * tiles, entry bundles, lookup rows, a signed checkpoint and the tree state and deletes the
 * queue rows: appends integrated per second on SQLite and PostgreSQL, beside raw SHA-256 of the
 * same entries in the same run. Then the storage per entry: bytes of `ledger_tiles` and
 * `ledger_lookup` (tables and indexes) per entry, less the entry itself.
 * Knob: BENCH_LEDGER_STORE_ENTRIES (default 100,000).
 */
import { createHash, hash } from 'node:crypto';
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
import { Sequencer } from '../src/ledger/sequencer.js';
import { openStore } from '../src/store/database.js';
import type { Store } from '../src/store/database.js';
import { ENV, fmtRate, pgSchema, tempDir } from './common.js';
import type { SummaryRow } from './common.js';

const ENTRIES = Number(process.env.BENCH_LEDGER_STORE_ENTRIES ?? 100_000);
const BATCH = 1024;

function identity(): LogIdentity {
  const origin = 'bench.trustbridge.example/log';
  const key = ed25519KeyFromSeed(Buffer.alloc(32, 5));
  const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
  return { origin, signer: noteSigner(origin, key), verifier: noteVerifier(vkey), vkey };
}

/** A canonical entry of about 200 bytes, like a logged certificate event. */
function entry(i: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      issuer: 'CN=PH eID CA,O=Republic of the Philippines,C=PH',
      notAfter: '2031-01-01T00:00:00Z',
      serial: (0x10000000 + i).toString(16).padStart(32, '0'),
      sha256: hash('sha256', String(i), 'hex'),
      time: '2026-03-02T09:30:00Z',
      type: 'eid-cert-issued',
      v: 1,
    }),
  );
}

async function enqueue(store: Store, entries: Buffer[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000)
    await store.transaction(async (trx) => {
      await trx
        .insertInto('ledger_queue')
        .values(
          entries.slice(i, i + 1000).map((e) => ({
            entry: e,
            lookup_key: createHash('sha256').update(e).digest('hex'),
            queued_at: '2026-03-02T09:30:00Z',
          })),
        )
        .execute();
    });
}

/** Bytes of the log's tables and their indexes. */
async function tableBytes(store: Store): Promise<{ tiles: number; lookup: number }> {
  if (store.engine === 'postgres') {
    const r = await sql<{ tiles: string; lookup: string }>`select
      pg_total_relation_size('ledger_tiles') as tiles, pg_total_relation_size('ledger_lookup') as lookup`.execute(
      store.db,
    );
    return { tiles: Number(r.rows[0]!.tiles), lookup: Number(r.rows[0]!.lookup) };
  }
  const r = await sql<{ name: string; bytes: number }>`select name, sum(pgsize) as bytes from dbstat
    where name in ('ledger_tiles', 'sqlite_autoindex_ledger_tiles_1', 'ledger_lookup', 'sqlite_autoindex_ledger_lookup_1')
    group by name`.execute(store.db);
  const of = (prefix: string): number =>
    r.rows.filter((x) => x.name.includes(prefix)).reduce((s, x) => s + Number(x.bytes), 0);
  return { tiles: of('ledger_tiles'), lookup: of('ledger_lookup') };
}

async function one(engine: 'sqlite' | 'postgres', location: string, rows: SummaryRow[]): Promise<void> {
  const store = await openStore(location);
  try {
    const entries = Array.from({ length: ENTRIES }, (_, i) => entry(i));
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
    const bytes = await tableBytes(store);
    const mean = entries.reduce((s, e) => s + e.length, 0) / ENTRIES;
    const perEntry = (bytes.tiles + bytes.lookup) / ENTRIES;
    const text =
      `ledger sequencer [${engine}] (queue → tiles + bundles + lookup rows + signed checkpoint, ${BATCH} a transaction, ${ENTRIES} entries): ` +
      `${fmtRate(rate)} integrated (goal 10,000/s), raw SHA-256 of the same entries ${fmtRate(raw)}, ratio ${(rate / raw).toFixed(4)}; ` +
      `${((cpu.user + cpu.system) / ENTRIES).toFixed(1)} µs CPU per append in this process; enqueue ${fmtRate(enqueueRate)}; ` +
      `storage ${perEntry.toFixed(1)} B/entry for ${mean.toFixed(0)} B entries: overhead ${(perEntry - mean).toFixed(1)} B ` +
      `(tiles and bundles ${(bytes.tiles / ENTRIES - mean).toFixed(1)}, lookup rows ${(bytes.lookup / ENTRIES).toFixed(1)}; goal < 40); ${cpus().length} cores`;
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
