/**
 * `npm run bench`: every benchmark in sequence, then a summary. Figures are ratios against
 * baselines measured in the same run on this machine; knobs: BENCH_PEOPLE (default 100000),
 * BENCH_SECONDS (default 5 per measurement), TRUSTBRIDGE_TEST_PG (PostgreSQL URL; skipped when unset).
 */
import { cpus } from 'node:os';
import { ENV, runCleanups } from './common.js';
import type { SummaryRow } from './common.js';
import { runIssuanceBench } from './issuance.js';
import { runOcspBench } from './ocsp_load.js';

/** `byName`: only when named (a part of another benchmark, runnable alone). */
const BENCHMARKS: { name: string; run: (rows: SummaryRow[]) => Promise<void>; byName?: boolean }[] = [
  { name: 'issuance', run: runIssuanceBench },
  { name: 'ocsp', run: runOcspBench },
  { name: 'validation', run: async (rows) => (await import('./validation.js')).runValidationBench(rows) },
  { name: 'login', run: async (rows) => (await import('./login.js')).runLoginBench(rows) },
  { name: 'trust-store', run: async (rows) => (await import('./trust_store.js')).runTrustStoreBench(rows) },
  { name: 'dedup', run: async (rows) => (await import('./dedup.js')).runDedupBench(rows) },
  { name: 'ledger', run: async (rows) => (await import('./ledger.js')).runLedgerBench(rows) },
  { name: 'witness', run: async (rows) => (await import('./witness.js')).runWitnessBench(rows) },
  {
    name: 'ledger-store',
    run: async (rows) => (await import('./ledger_store.js')).runLedgerStoreBench(rows),
  },
  { name: 'cert', run: async (rows) => (await import('./cert_sync.js')).runCertBench(rows) },
  {
    name: 'validation-distinct',
    run: async (rows) => (await import('./validation_distinct.js')).runDistinctSignersOnly(rows),
    byName: true,
  },
];

function header(): string {
  return `trustbridge benchmarks — ${cpus().length} cores, Node ${process.version}`;
}

async function main(): Promise<number> {
  console.log(header());
  console.log(
    `BENCH_PEOPLE=${ENV.people} BENCH_SECONDS=${ENV.seconds} ` +
      `TRUSTBRIDGE_TEST_PG=${ENV.pgUrl ? 'set' : 'unset (PostgreSQL parts skipped)'}`,
  );
  const rows: SummaryRow[] = [];
  let failed = 0;
  // `node dist/bench/run.js ocsp` runs only the named benchmarks.
  const only = process.argv.slice(2);
  for (const b of BENCHMARKS.filter((x) => (only.length === 0 && !x.byName) || only.includes(x.name))) {
    try {
      await b.run(rows);
    } catch (e) {
      failed++;
      const text = `${b.name}: FAILED ${(e as Error).message}`;
      console.error(`  ${text}\n${(e as Error).stack ?? ''}`);
      rows.push({ text });
    } finally {
      await runCleanups();
    }
  }
  console.log(`\n${header()}`);
  for (const r of rows) console.log(r.text);
  return failed > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up temp dirs and schemas`);
    void runCleanups().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (e: unknown) => {
    console.error(e);
    await runCleanups();
    process.exitCode = 1;
  },
);
