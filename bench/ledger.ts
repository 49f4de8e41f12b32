/**
 * Transparency-log benchmark (issue 15, the core library): appends integrated per second with
 * tiles, entry bundles and a signed checkpoint per batch (in-memory tile store, batches of
 * 1,024 entries of ~200 bytes), beside raw SHA-256 of the same entries in the same run; then
 * inclusion proofs computed from tiles for a log of BENCH_LEDGER_SIZE entries (default
 * 10,000,000): CPU per proof with a cold tile cache (a new reader per proof: every tile's inner
 * levels hashed again) and with a warm one. The 10M tree is built by the writer itself; its full
 * level-0 tiles and entry bundles are dropped to save memory and the ones the sampled proofs
 * need are regenerated before timing (reading a tile is the store's I/O, not measured here).
 */
import { hash } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { EMPTY_ROOT, leafHash } from '../src/ledger/hash.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../src/ledger/keys.js';
import { TileLog } from '../src/ledger/log.js';
import { proveInclusion, verifyInclusion } from '../src/ledger/merkle.js';
import { MemoryTileStore, TileHashReader } from '../src/ledger/tile_store.js';
import type { TileSource } from '../src/ledger/tile_store.js';
import { TILE_WIDTH, tilePath } from '../src/ledger/tiles.js';
import { integrate } from '../src/ledger/writer.js';
import type { TreeEdge } from '../src/ledger/writer.js';
import { ENV, fmtRate } from './common.js';
import type { SummaryRow } from './common.js';

const BATCH = 1024;
const PROOF_SIZE = Number(process.env.BENCH_LEDGER_SIZE ?? 10_000_000);
const PROOFS = 2000;

/** A canonical entry of about 200 bytes, like a logged certificate event. */
function entry(i: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: 1,
      type: 'eid.issued',
      serial: (0x10000000 + i).toString(16).padStart(32, '0'),
      issuer: 'CN=PH eID CA,O=Republic of the Philippines,C=PH',
      certSha256: hash('sha256', String(i), 'base64'),
      notAfter: '2031-01-01T00:00:00Z',
    }),
  );
}

async function appends(rows: SummaryRow[]): Promise<void> {
  const origin = 'bench.trustbridge.example/log';
  const key = ed25519KeyFromSeed(Buffer.alloc(32, 5));
  const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
  const log = await TileLog.open(new MemoryTileStore(), {
    origin,
    signer: noteSigner(origin, key),
    verifier: noteVerifier(vkey),
  });
  const pool = Array.from({ length: 64 * BATCH }, (_, i) => entry(i));
  const batches = Array.from({ length: 64 }, (_, b) => pool.slice(b * BATCH, (b + 1) * BATCH));
  // Warm-up, then as many batches as fit in BENCH_SECONDS.
  await log.append(batches[0]!);
  let n = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - t0 < ENV.seconds * 1000) {
    await log.append(batches[n % batches.length]!);
    n++;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rate = (n * BATCH) / (ms / 1000);
  // Baseline: raw SHA-256 of the same entries, same count.
  const t1 = performance.now();
  for (let i = 0; i < n; i++) for (const e of batches[i % batches.length]!) hash('sha256', e, 'buffer');
  const raw = (n * BATCH) / ((performance.now() - t1) / 1000);
  const text =
    `ledger appends (tiles + bundles + signed checkpoint per ${BATCH}, memory store): ${fmtRate(rate)}, ` +
    `raw SHA-256 of the same entries ${fmtRate(raw)}, ratio ${(rate / raw).toFixed(3)}; ` +
    `${((cpu.user + cpu.system) / (n * BATCH)).toFixed(2)} µs CPU per append; size ${log.size}; ${cpus().length} cores`;
  console.log(`  ${text}`);
  rows.push({ text });
}

/** Keeps tiles of level ≥ 1 and partial tiles; drops full level-0 tiles and bundles. */
class SparseStore implements TileSource {
  readonly files = new Map<string, Uint8Array>();
  read(path: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.files.get(path));
  }
  keep(path: string, data: Uint8Array): void {
    if (path.startsWith('tile/entries/')) return;
    if (path.startsWith('tile/0/') && !path.includes('.p/')) return;
    this.files.set(path, data);
  }
}

async function proofs(rows: SummaryRow[]): Promise<void> {
  const store = new SparseStore();
  let state = { size: 0, root: EMPTY_ROOT };
  let edge: TreeEdge | undefined;
  const t0 = performance.now();
  const chunk = 256 * BATCH;
  for (let at = 0; at < PROOF_SIZE; at += chunk) {
    const entries = Array.from({ length: Math.min(chunk, PROOF_SIZE - at) }, (_, i) =>
      Buffer.from(`entry ${at + i}`),
    );
    const r = await integrate(store, state, entries, edge);
    for (const w of r.writes) store.keep(w.path, w.data);
    state = { size: r.size, root: r.root };
    edge = r.edge;
  }
  const buildS = (performance.now() - t0) / 1000;
  console.log(
    `  built a ${PROOF_SIZE.toLocaleString('en')}-entry tree in ${buildS.toFixed(1)} s (${fmtRate(PROOF_SIZE / buildS)} integrated, no signing)`,
  );
  // Sample indexes; regenerate their level-0 tiles (untimed).
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const indexes = Array.from({ length: PROOFS }, () => Math.floor((next() / 2 ** 31) * PROOF_SIZE));
  for (const i of indexes) {
    const t = Math.floor(i / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, PROOF_SIZE - t * TILE_WIDTH);
    const path = tilePath({ level: 0, index: t, width });
    if (store.files.has(path)) continue;
    const tile = Buffer.alloc(width * 32);
    for (let j = 0; j < width; j++) tile.set(leafHash(Buffer.from(`entry ${t * TILE_WIDTH + j}`)), j * 32);
    store.files.set(path, tile);
  }
  const measure = async (
    shared: Map<string, unknown> | undefined,
  ): Promise<{ cpuUs: number; wallUs: number; out: Buffer[][] }> => {
    const out: Buffer[][] = [];
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    for (const i of indexes) {
      const reader = new TileHashReader(store, PROOF_SIZE, shared ? { cache: shared, cacheTiles: 8192 } : {});
      out.push(await proveInclusion(reader, i, PROOF_SIZE));
    }
    const c = process.cpuUsage(c0);
    return {
      cpuUs: (c.user + c.system) / indexes.length,
      wallUs: ((performance.now() - w0) * 1000) / indexes.length,
      out,
    };
  };
  const cold = await measure(undefined);
  // A server keeps one tile cache: the right edge and upper levels stay warm, each sampled
  // leaf's level-0 tile is read and hashed for the first time in the first pass.
  const shared = new Map<string, unknown>();
  const server = await measure(shared);
  const warm = await measure(shared);
  indexes.forEach((i, k) =>
    verifyInclusion(i, PROOF_SIZE, leafHash(Buffer.from(`entry ${i}`)), cold.out[k]!, state.root),
  );
  const text =
    `ledger inclusion proof from tiles at ${PROOF_SIZE.toLocaleString('en')} entries (goal < 1 ms CPU): ` +
    `empty tile cache ${(cold.cpuUs / 1000).toFixed(3)} ms CPU (${(cold.wallUs / 1000).toFixed(3)} ms wall); ` +
    `one shared cache, each leaf tile new ${(server.cpuUs / 1000).toFixed(3)} ms CPU; ` +
    `all tiles cached ${(warm.cpuUs / 1000).toFixed(3)} ms CPU; ${cold.out[0]!.length} hashes a proof; ${PROOFS} proofs verified`;
  console.log(`  ${text}`);
  rows.push({ text });
}

/**
 * Runs the ledger benchmark.
 *
 * @param rows - the summary rows
 */
export async function runLedgerBench(rows: SummaryRow[]): Promise<void> {
  console.log(`\nledger (${cpus().length} cores)`);
  await appends(rows);
  await proofs(rows);
}
