/**
 * Witnessed checkpoint benchmark (issue 15): a log appends a small batch, signs its checkpoint
 * and gathers cosignatures from three witnesses on loopback (the real HTTP route, witness
 * service and SQLite store with its compare-and-set, one file per witness), in sequence for
 * BENCH_SECONDS; p50/p99 of the whole gathering, beside raw Ed25519 sign+verify in the same
 * run (each witnessed checkpoint costs 1 log signature, 3 × (1 note verify + 1 cosign) at the
 * witnesses and 3 cosignature verifies at the log), and the CPU time each costs (less sensitive
 * than latency to other jobs on the machine). Goal: p99 under 100 ms.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { cosigner } from '../src/ledger/cosignature.js';
import { defaultWitnessPolicy } from '../src/ledger/federation_logs.js';
import { gatherCosignatures } from '../src/ledger/gather.js';
import {
  SIG_ED25519,
  ed25519KeyFromSeed,
  formatVerifierKey,
  noteSigner,
  noteVerifier,
} from '../src/ledger/keys.js';
import { TileLog } from '../src/ledger/log.js';
import { parsePolicy } from '../src/ledger/policy.js';
import { LogReader } from '../src/ledger/reader.js';
import { MemoryTileStore } from '../src/ledger/tile_store.js';
import { storeWitnessService } from '../src/node/witness.js';
import { registerWitnessRoutes } from '../src/server/routes/witness.js';
import { openStore } from '../src/store/database.js';
import { ENV, fmtRate, onCleanup, quantile, rateSync, tempDir } from './common.js';
import type { SummaryRow } from './common.js';

/**
 * Runs the witness benchmark.
 *
 * @param rows - the summary
 */
export async function runWitnessBench(rows: SummaryRow[]): Promise<void> {
  console.log('\n== witness: a checkpoint cosigned by 3 witnesses on loopback ==');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const msg = Buffer.alloc(120, 1);
  const baseline = rateSync(Math.min(2, ENV.seconds), () => {
    verify(null, msg, publicKey, sign(null, msg, privateKey));
  });
  const baselineMs = 1000 / baseline;
  console.log(`  baseline Ed25519 sign+verify: ${fmtRate(baseline)} (${baselineMs.toFixed(3)} ms each)`);

  const origin = 'bench.trustbridge.example/log';
  const key = ed25519KeyFromSeed(Buffer.alloc(32, 5));
  const vkey = formatVerifierKey(origin, SIG_ED25519, key.publicKey);
  const tiles = new MemoryTileStore();
  const log = await TileLog.open(tiles, {
    origin,
    signer: noteSigner(origin, key),
    verifier: noteVerifier(vkey),
  });
  const reader = new LogReader(tiles);
  // Parsed once, as a node's witness keeps the logs of its verified LOTL.
  const logKeys = [noteVerifier(vkey)];
  const served = { keys: (o: string) => (o === origin ? logKeys : undefined) };
  const tmp = tempDir('witness');
  const witnesses = [];
  for (const [i, name] of ['vn', 'be', 'hub'].entries()) {
    const store = await openStore(join(tmp.dir, `${name}.db`));
    const w = cosigner(`${name}.bench.example/witness`, ed25519KeyFromSeed(Buffer.alloc(32, 10 + i)), () =>
      Math.floor(Date.now() / 1000),
    );
    const app = Fastify();
    await registerWitnessRoutes(
      app,
      storeWitnessService({
        store,
        cosigner: w,
        logs: () => served,
        rateLimit: false,
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    onCleanup(async () => {
      await app.close();
      await store.close();
    });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    witnesses.push({
      name: name.toUpperCase(),
      vkey: w.vkey,
      url: `http://127.0.0.1:${port}/witness/add-checkpoint`,
    });
  }
  const policy = parsePolicy(defaultWitnessPolicy(vkey, witnesses));
  const times: number[] = [];
  let oldSize = 0;
  let n = 0;
  const end = performance.now() + ENV.seconds * 1000;
  const cpu0 = process.cpuUsage();
  while (performance.now() < end || times.length < 50) {
    const batch = Array.from({ length: 16 }, (_, i) => Buffer.from(`entry ${n}-${i}`));
    n++;
    const t0 = performance.now();
    const a = await log.append(batch);
    const r = await gatherCosignatures({
      checkpoint: a.checkpoint,
      oldSize,
      proof: (m, k) => reader.consistencyProof(m, k),
      witnesses,
      policy,
    });
    times.push(performance.now() - t0);
    if (r.quorum !== true || r.cosignatures.length !== 3)
      throw new Error(`not cosigned: ${JSON.stringify(r.outcomes.map((o) => [o.result, o.detail]))}`);
    oldSize = a.size;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / times.length;
  const p50 = quantile(times, 0.5);
  const p99 = quantile(times, 0.99);
  const text =
    `witness: checkpoint (16-entry batch + 3 loopback witnesses, SQLite) p50 ${p50.toFixed(1)} ms, ` +
    `p99 ${p99.toFixed(1)} ms over ${times.length} (goal p99 < 100 ms: ${p99 < 100 ? 'met' : 'NOT met'}); ` +
    `${cpuMs.toFixed(2)} ms CPU per witnessed checkpoint (log and witnesses, all in this process); ` +
    `baseline Ed25519 sign+verify ${baselineMs.toFixed(3)} ms; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`;
  console.log(`  ${text}`);
  rows.push({ text });
}
