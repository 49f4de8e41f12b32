/**
 * Login benchmark (issue 5): completed logins per second — the whole authorization code flow
 * with PKCE, the wallet signing the challenge, eID path and OCSP check, consent, code, token,
 * ID token check — against the federation in a box as an operator runs it (`trustbridge
 * federation`: the hub and the PH, VN, BE nodes as separate `node serve` processes, on the
 * default SQLite store), on one node and across borders (VN proxy → PH home node), with p50/p99
 * latency. The load comes from a forked process (bench/login_worker.ts). Baselines, measured in
 * the same run by the same load process: round trips per second to a bare node:http server, and
 * logins per second at a bare oidc-provider (bench/oidc_floor_server.ts: memory adapter, no pages,
 * no eID), the floor of any provider built on that library here. Goal: 300 logins/s on the
 * 2-core machine. Knobs: BENCH_SECONDS, BENCH_LOGIN_CONCURRENCY
 * (default 16), BENCH_LOGIN_WORKERS (server processes per node, default: the core count).
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setUpFederation, startFederation } from '../src/federation/index.js';
import { addClient } from '../src/login/clients.js';
import { updateNodeConfig } from '../src/node/config.js';
import { openNode } from '../src/node/context.js';
import { serverNodeFlags } from '../src/lib/node_flags.js';
import { onCleanup, ENV, tempDir } from './common.js';
import type { SummaryRow } from './common.js';
import type { WalletPath } from './login_client.js';
import type { LoginJob, LoginResult } from './login_worker.js';

const CONCURRENCY = Number(process.env['BENCH_LOGIN_CONCURRENCY'] ?? 16);
const WORKERS = Number(process.env['BENCH_LOGIN_WORKERS'] ?? cpus().length);

function portFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(false));
    s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
  });
}

/** A base port with the three after it free too (the federation's layout). */
async function freeBasePort(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all([0, 1, 2, 3].map((i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** Forks the load process with `job` and returns its result. */
function runLoad(job: LoginJob): Promise<LoginResult> {
  const child = fork(new URL('./login_worker.js', import.meta.url), [], { execArgv: [], stdio: 'inherit' });
  const kill = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  return new Promise<LoginResult>((resolve, reject) => {
    child.once('message', (m: { ok: boolean; result?: LoginResult; error?: string }) => {
      void kill();
      if (m.ok && m.result) resolve(m.result);
      else reject(new Error(`login load failed: ${m.error}`));
    });
    child.once('exit', (code) => reject(new Error(`login load exited with ${code}`)));
    child.send(job);
  });
}

/** Round trips per second to a bare node:http server in this process: the baseline. */
async function baseline(): Promise<LoginResult> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  try {
    return await runLoad({
      baselineUrl: url,
      client: { issuer: '', clientId: '', clientSecret: '', redirectUri: '' },
      wallets: [],
      password: '',
      seconds: ENV.seconds,
      concurrency: CONCURRENCY,
    });
  } finally {
    server.close();
  }
}

/** Logins per second at a bare oidc-provider in its own process: the second baseline. */
async function floor(): Promise<LoginResult> {
  const server = fork(new URL('./oidc_floor_server.js', import.meta.url), [], {
    execArgv: serverNodeFlags([]),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const kill = onCleanup(() => {
    if (server.exitCode === null && server.signalCode === null) server.kill();
  });
  try {
    const client = await new Promise<LoginJob['client']>((ok, fail) => {
      server.once('message', (m: LoginJob['client']) => ok(m));
      server.once('exit', (code) => fail(new Error(`the oidc-provider baseline exited with ${code}`)));
    });
    return await runLoad({
      client,
      wallets: [],
      password: '',
      seconds: ENV.seconds,
      concurrency: CONCURRENCY,
      floor: true,
    });
  } finally {
    await kill();
  }
}

interface Federation {
  dir: string;
  passphrase: string;
  base: number;
  /** Relying parties registered at PH and VN. */
  clients: Record<'PH' | 'VN', { clientId: string; clientSecret: string; redirectUri: string }>;
  wallets: string[];
}

/** Sets the federation up, opens the login rate limit (every simulated user is 127.0.0.1), registers the services. */
async function prepare(): Promise<Federation> {
  const tmp = tempDir('tb-bench-login-');
  onCleanup(tmp.remove);
  const base = await freeBasePort();
  const passphrase = await setUpFederation(tmp.dir, base);
  const clients = {} as Federation['clients'];
  for (const cc of ['PH', 'VN'] as const) {
    const dir = join(tmp.dir, cc.toLowerCase());
    updateNodeConfig(dir, { loginRateLimit: { burst: 1e9, perSecond: 1e9 } });
    const node = await openNode(dir, { passphrase });
    try {
      const redirectUri = `http://127.0.0.1:9/${cc.toLowerCase()}-service/cb`;
      const rp = await addClient(node.store, { name: `${cc} bench service`, redirectUris: [redirectUri] });
      clients[cc] = { clientId: rp.clientId, clientSecret: rp.clientSecret!, redirectUri };
    } finally {
      await node.close();
    }
  }
  const wdir = join(tmp.dir, 'wallets', 'ph');
  const wallets = readdirSync(wdir).map((f) => readFileSync(join(wdir, f)).toString('base64'));
  return { dir: tmp.dir, passphrase, base, clients, wallets };
}

interface Baselines {
  bare: LoginResult;
  floor: LoginResult;
}

const rateOf = (m: LoginResult): number => m.count / m.seconds;

function row(label: string, m: LoginResult, b: Baselines, goal = true): SummaryRow {
  const rate = rateOf(m);
  const text =
    `login ${label}: ${rate.toFixed(0)} logins/s${goal ? ' (goal 300)' : ''}, ` +
    `${(rate / rateOf(b.bare)).toFixed(4)} of bare HTTP round trips/s (${rateOf(b.bare).toFixed(0)}/s), ` +
    (m === b.floor ? '' : `${(rate / rateOf(b.floor)).toFixed(3)} of bare oidc-provider logins/s, `) +
    `p50 ${m.p50Ms.toFixed(1)} ms, p99 ${m.p99Ms.toFixed(1)} ms, ` +
    `${m.count} logins, ${m.failures} failures, ${CONCURRENCY} in flight, ${cpus().length} cores` +
    (m.machineCpuMs === undefined
      ? ''
      : `; CPU per login ${m.machineCpuMs.toFixed(1)} ms on the whole machine, of which the load generator ${m.loadCpuMs.toFixed(1)} ms`);
  console.log(`  ${text}`);
  if (m.firstFailure) console.log(`    first failure: ${m.firstFailure}`);
  return { text };
}

/**
 * The login benchmark.
 *
 * @example
 * ```ts
 * await runLoginBench(rows);
 * ```
 */
export async function runLoginBench(rows: SummaryRow[]): Promise<void> {
  console.log('\nlogin: OpenID Connect code flow with a wallet-signed challenge, federation in a box');
  const fed = await prepare();
  const bare = await baseline();
  const floorRun = await floor();
  const b: Baselines = { bare, floor: floorRun };
  rows.push(
    row('baseline, bare oidc-provider (memory adapter, no pages, no eID, 1 process)', floorRun, b, false),
  );
  const job = (cc: 'PH' | 'VN', abroad: boolean, path: WalletPath = 'page'): LoginJob => ({
    client: { issuer: `http://127.0.0.1:${fed.base + (cc === 'PH' ? 1 : 2)}/oidc`, ...fed.clients[cc] },
    wallets: fed.wallets,
    password: fed.passphrase,
    seconds: ENV.seconds,
    concurrency: CONCURRENCY,
    path,
    ...(abroad ? { abroad: { country: 'PH', origin: `http://127.0.0.1:${fed.base + 1}` } } : {}),
  });
  const counts = [...new Set([1, WORKERS])];
  for (const workers of counts) {
    const running = await startFederation(fed.dir, fed.base, { workers });
    const stop = onCleanup(() => running.stop());
    try {
      const label = `${workers} server process${workers > 1 ? 'es' : ''} per node`;
      rows.push(row(`single node (PH), ${label}`, await runLoad(job('PH', false)), b));
      if (workers !== WORKERS) continue;
      const other = 'single node (PH), wallet on another device (challenge URL, then continue)';
      rows.push(row(`${other}, ${label}`, await runLoad(job('PH', false, 'url')), b));
      rows.push(row(`cross-border (VN proxy -> PH), ${label}`, await runLoad(job('VN', true)), b));
    } finally {
      await stop();
    }
  }
}
