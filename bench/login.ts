/**
 * Login benchmark (issue 5): completed logins per second — the whole authorization code flow
 * with PKCE, the wallet signing the challenge, eID path and OCSP check, consent, code, token,
 * ID token check — on one node, and across borders (VN proxy → PH home node), with p50/p99
 * latency. Goal: 300/s on the 2-core machine. The nodes run in this process, the load in a
 * forked one (bench/login_worker.ts); the rate limiter is opened up (every simulated user comes
 * from 127.0.0.1). Knobs: BENCH_SECONDS,
 * BENCH_LOGIN_CONCURRENCY (default 16).
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { enrolPerson } from '../src/eid/issuance.js';
import { createWallet, encodeWallet, installCertificates } from '../src/eid/wallet.js';
import type { Wallet } from '../src/eid/wallet.js';
import { addClient } from '../src/login/clients.js';
import { staticFederation } from '../src/login/federation.js';
import type { Federation } from '../src/login/service.js';
import { openNode } from '../src/node/context.js';
import type { NodeContext } from '../src/node/context.js';
import { eidContextOf } from '../src/node/eid_context.js';
import { initNode } from '../src/node/init.js';
import { ocspServiceOf } from '../src/node/ocsp_service.js';
import { registerLoginRoutes } from '../src/server/routes/login.js';
import { ENV, PASSPHRASE, onCleanup, tempDir } from './common.js';
import type { SummaryRow } from './common.js';
import { issuerKeys } from './login_client.js';
import type { BenchClient } from './login_client.js';
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import type { LoginJob, LoginResult } from './login_worker.js';

const CONCURRENCY = Number(process.env['BENCH_LOGIN_CONCURRENCY'] ?? 16);

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Served {
  node: NodeContext;
  app: FastifyInstance;
  url: string;
}

async function serveNode(root: string, country: string, federation?: () => Federation): Promise<Served> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = join(root, country.toLowerCase());
  await initNode({ dir, country, name: `${country} bench node`, baseUrl: url, passphrase: PASSPHRASE });
  const node = await openNode(dir, { passphrase: PASSPHRASE });
  const app = Fastify({ logger: false });
  const ocsp = ocspServiceOf(node);
  await ocsp.start();
  registerLoginRoutes(app, node, ocsp, {
    rateLimit: { burst: 1e9, perSecond: 1e9 },
    ...(federation ? { federation: federation() } : {}),
  });
  await app.listen({ port, host: '127.0.0.1' });
  onCleanup(async () => {
    await app.close();
    await ocsp.stop();
    await node.close();
  });
  return { node, app, url };
}

async function citizens(node: NodeContext, n: number): Promise<Wallet[]> {
  const eid = eidContextOf(node);
  const out: Wallet[] = [];
  for (let i = 0; i < n; i++) {
    const w = await createWallet();
    const r = await enrolPerson(
      eid,
      {
        givenNames: 'Bench',
        familyName: `Citizen ${String.fromCharCode(65 + i)}`,
        birthDate: '1980-01-0' + ((i % 9) + 1),
      },
      { authentication: w.keys.authentication.csr, signature: w.keys.signature.csr },
      'bench',
    );
    out.push(
      installCertificates(
        w,
        { authentication: r.certificates.authentication.der, signature: r.certificates.signature.der },
        [node.eidCa.certificate.der, node.root.certificate.der],
      ),
    );
  }
  return out;
}

async function client(s: Served, redirectUri: string): Promise<BenchClient> {
  const rp = await addClient(s.node.store, { name: 'bench service', redirectUris: [redirectUri] });
  const issuer = `${s.url}/oidc`;
  await fetch(`${issuer}/.well-known/openid-configuration`);
  return {
    issuer,
    clientId: rp.clientId,
    clientSecret: rp.clientSecret!,
    redirectUri,
    keys: await issuerKeys(issuer),
  };
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

function row(label: string, m: LoginResult): SummaryRow {
  const rate = m.count / m.seconds;
  const text =
    `login ${label}: ${rate.toFixed(0)} logins/s (goal 300), p50 ${m.p50Ms.toFixed(0)} ms, ` +
    `p99 ${m.p99Ms.toFixed(0)} ms, ${m.count} logins, ${m.failures} failures, ${CONCURRENCY} in flight`;
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
  console.log('\nlogin: OpenID Connect code flow with a wallet-signed challenge');
  const tmp = tempDir('tb-bench-login-');
  onCleanup(tmp.remove);
  // Each node's federation names the other; the URLs exist once both listen.
  const peers: { ph?: Federation; vn?: Federation } = {};
  const via =
    (get: () => Federation | undefined): (() => Federation) =>
    () => ({
      peers: () => get()!.peers(),
      metadataFor: (id) => get()!.metadataFor(id),
      isPeerJwks: (u) => get()!.isPeerJwks(u),
    });
  const ph = await serveNode(
    tmp.dir,
    'PH',
    via(() => peers.vn),
  );
  const vn = await serveNode(
    tmp.dir,
    'VN',
    via(() => peers.ph),
  );
  peers.ph = staticFederation([{ country: 'PH', name: 'Philippines', issuer: `${ph.url}/oidc` }]);
  peers.vn = staticFederation([{ country: 'VN', name: 'Viet Nam', issuer: `${vn.url}/oidc` }]);
  const wallets = await citizens(ph.node, 8);
  const home = await client(ph, 'http://127.0.0.1:9/ph-service/cb');
  const abroad = await client(vn, 'http://127.0.0.1:9/vn-service/cb');
  const job = (client: BenchClient): LoginJob => ({
    client: {
      issuer: client.issuer,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: client.redirectUri,
    },
    wallets: wallets.map((w) => encodeWallet(w, PASSPHRASE, 1000).toString('base64')),
    password: PASSPHRASE,
    seconds: ENV.seconds,
    concurrency: CONCURRENCY,
  });
  rows.push(row('single node (PH)', await runLoad(job(home))));
  rows.push(
    row(
      'cross-border (VN proxy -> PH)',
      await runLoad({ ...job(abroad), abroad: { country: 'PH', origin: ph.url } }),
    ),
  );
}
