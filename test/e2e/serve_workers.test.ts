/**
 * `trustbridge node serve --workers N`: one node served by several processes sharing its ports
 * and its store. Logins run with every step free to land on any worker (sessions, codes and
 * challenges are in the store), concurrently, with the SQLite write lock taken in turn; a worker
 * that dies is replaced and service goes on; SIGTERM stops every process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { openWallet } from '../../src/eid/wallet.js';
import type { Wallet } from '../../src/eid/wallet.js';
import {
  WALLET_PASSWORD,
  cliJson,
  createAndEnroll,
  freePort,
  initNode,
  startServe,
  tempDir,
} from '../fixtures/cli.js';
import type { Served } from '../fixtures/cli.js';
import { walletLoginFlow } from '../login/fixtures.js';
import { authorizationRequest } from '../login/fixtures.js';

const REDIRECT = 'http://127.0.0.1:9/callback';
const tmp = tempDir('tb-workers-');
const dir = join(tmp.path, 'ph');
let served: Served;
let wallet: Wallet;
let nationalId: string;
let config: oidc.Configuration;

/** Process ids of the server's workers. */
function workerPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(served.child.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

before(async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  await initNode(dir, ['--base-url', base]);
  // The workers share one login rate limit (serve_workers_rate_limit.test.ts): room for this file's logins.
  const cfgFile = join(dir, 'node.json');
  const cfg = JSON.parse(readFileSync(cfgFile, 'utf8')) as Record<string, unknown>;
  cfg['loginRateLimit'] = { burst: 500, perSecond: 50 };
  writeFileSync(
    cfgFile,
    `${JSON.stringify(cfg, null, 2)}
`,
  );
  const walletFile = join(tmp.path, 'citizen.p12');
  ({ nationalId } = await createAndEnroll(dir, walletFile));
  wallet = openWallet(readFileSync(walletFile), WALLET_PASSWORD);
  const rp = await cliJson<{ clientId: string; clientSecret: string }>([
    'rp',
    'add',
    '--dir',
    dir,
    '--redirect-uri',
    REDIRECT,
    '--name',
    'PH social security',
  ]);
  served = await startServe(dir, { port, args: ['--workers', '2'] });
  config = await oidc.discovery(new URL(`${base}/oidc`), rp.clientId, rp.clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
});
after(async () => {
  await served?.stop();
  tmp.remove();
});

async function login(): Promise<string> {
  const { url, verifier, state } = await authorizationRequest(config, REDIRECT);
  const { callback } = await walletLoginFlow(url.href, wallet);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return String(tokens.claims()!.sub);
}

test('two worker processes serve the node and complete concurrent logins', async () => {
  assert.match(served.stdout, /\(2 worker processes\)/);
  assert.equal(workerPids().length, 2);
  const subs = await Promise.all(Array.from({ length: 12 }, () => login()));
  assert.deepEqual(new Set(subs), new Set([`PH/PH/${nationalId}`]));
});

test('a worker that dies is replaced and logins go on', async () => {
  const [victim] = workerPids();
  process.kill(victim!, 'SIGKILL');
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const pids = workerPids();
    if (pids.length === 2 && !pids.includes(victim!)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const pids = workerPids();
  assert.equal(pids.length, 2, 'a new worker took its place');
  assert.ok(!pids.includes(victim!));
  assert.equal(await login(), `PH/PH/${nationalId}`);
});

test('SIGTERM stops the primary and every worker', async () => {
  const pids = workerPids();
  await served.stop();
  const alive = pids.filter((p) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  });
  assert.deepEqual(
    alive,
    [],
    execFileSync('ps', ['-o', 'pid,ppid,stat,args', '-p', alive.join(',') || '1'], { encoding: 'utf8' }),
  );
});
