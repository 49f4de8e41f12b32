/**
 * Login load generator, run as a separate process (`fork` of the compiled file) so the nodes
 * under test keep their own event loop and core: receives a {@link LoginJob} over IPC, runs
 * `concurrency` login loops for `seconds` after a warm-up and replies with a {@link LoginResult}.
 */
import { performance } from 'node:perf_hooks';
import { openWallet } from '../src/eid/wallet.js';
import { issuerKeys, oneLogin, request } from './login_client.js';
import type { BenchClient } from './login_client.js';

/** What the parent asks for: logins, or bare HTTP round trips to `baselineUrl` (the baseline). */
export interface LoginJob {
  baselineUrl?: string;
  client: Omit<BenchClient, 'keys'>;
  /** PKCS#12 wallets, base64. */
  wallets: string[];
  password: string;
  abroad?: { country: string; origin: string };
  seconds: number;
  concurrency: number;
}

/** What the worker reports. */
export interface LoginResult {
  count: number;
  failures: number;
  firstFailure?: string;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

async function loginOf(job: LoginJob): Promise<(i: number) => Promise<void>> {
  const client: BenchClient = { ...job.client, keys: await issuerKeys(job.client.issuer) };
  const wallets = job.wallets.map((w) => openWallet(Buffer.from(w, 'base64'), job.password));
  return (i: number) => oneLogin(client, wallets[i % wallets.length]!, job.abroad);
}

function roundTripOf(url: string): (i: number) => Promise<void> {
  return async () => {
    const r = await request(url);
    if (r.status !== 200) throw new Error(`baseline: ${r.status}`);
  };
}

async function run(job: LoginJob): Promise<LoginResult> {
  const one = job.baselineUrl ? roundTripOf(job.baselineUrl) : await loginOf(job);
  for (let i = 0; i < job.concurrency; i++) await one(i);
  const lat: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const until = start + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, w) => {
      for (let i = w; performance.now() < until; i += job.concurrency) {
        const t = performance.now();
        try {
          await one(i);
          lat.push(performance.now() - t);
        } catch (e) {
          failures++;
          firstFailure ??= (e as Error).message;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
  return {
    count: lat.length,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
    seconds,
    p50Ms: pct(50),
    p99Ms: pct(99),
  };
}

process.once('message', (job: LoginJob) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (e: Error) => process.send!({ ok: false, error: e.stack ?? e.message }, () => process.exit(1)),
  );
});
