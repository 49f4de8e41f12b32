/**
 * Login load generator, run as a separate process (`fork` of the compiled file) so the nodes
 * under test keep their own event loop and core: receives a {@link LoginJob} over IPC, runs
 * `concurrency` login loops (or bare round trips, or bare oidc-provider logins: the baselines)
 * for `seconds` after a warm-up and replies with a {@link LoginResult}.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openWallet } from '../src/eid/wallet.js';
import { floorLogin, issuerKeys, oneLogin, request } from './login_client.js';
import type { BenchClient, WalletPath } from './login_client.js';

/** What the parent asks for: logins, or bare HTTP round trips to `baselineUrl` (the baseline). */
export interface LoginJob {
  baselineUrl?: string;
  client: Omit<BenchClient, 'keys'>;
  /** PKCS#12 wallets, base64. */
  wallets: string[];
  password: string;
  abroad?: { country: string; origin: string };
  /** How the wallet answers (default `page`). */
  path?: WalletPath;
  /** Logins at the bare oidc-provider baseline (bench/oidc_floor_server.ts) instead. */
  floor?: boolean;
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
  /** CPU time of the whole machine (all processes, user and system) per login, where /proc/stat is readable. */
  machineCpuMs?: number;
  /** CPU time of this load process per login. */
  loadCpuMs: number;
}

/** Busy and idle clock ticks of the whole machine (Linux /proc/stat), or undefined elsewhere. */
function machineTicks(): { busy: number; idle: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + (f[7] ?? 0), idle: f[3]! + f[4]! };
  } catch {
    return undefined;
  }
}

async function loginOf(job: LoginJob): Promise<(i: number) => Promise<void>> {
  const client: BenchClient = { ...job.client, keys: await issuerKeys(job.client.issuer) };
  if (job.floor) return () => floorLogin(client);
  const wallets = job.wallets.map((w) => openWallet(Buffer.from(w, 'base64'), job.password));
  return (i: number) => oneLogin(client, wallets[i % wallets.length]!, job.abroad, job.path);
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
  const ticks0 = machineTicks();
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0);
  const ticks1 = machineTicks();
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
  return {
    count: lat.length,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
    seconds,
    p50Ms: pct(50),
    p99Ms: pct(99),
    loadCpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, lat.length),
    // USER_HZ is 100 on Linux: one tick is 10 ms.
    ...(ticks0 && ticks1
      ? { machineCpuMs: ((ticks1.busy - ticks0.busy) * 10) / Math.max(1, lat.length) }
      : {}),
  };
}

process.once('message', (job: LoginJob) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (e: Error) => process.send!({ ok: false, error: e.stack ?? e.message }, () => process.exit(1)),
  );
});
