/**
 * OCSP responses per second over loopback HTTP, from a load generator in a separate process
 * (bench/ocsp_load_worker.ts), against the loopback + HTTP ceiling of this machine: the same
 * worker against a trivial node:http server answering a fixed 300-byte body.
 */
import { execFileSync, fork } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { issueCertificates } from '../src/eid/issuance.js';
import { eidContextOf } from '../src/node/eid_context.js';
import { serveNode } from '../src/server/serve.js';
import { ENV, fmtRate, makeCsrPairs, onCleanup, pgSchema, runPool } from './common.js';
import type { SummaryRow } from './common.js';
import { setUpNode } from './issuance.js';
import type { LoadJob, LoadResult } from './ocsp_load_worker.js';
import { profileOcsp } from './ocsp_profile.js';
import { certIdDer, ocspRequestDer } from './ocsp_requests.js';

const GOAL = 5000;
const HOLDERS = 500; // × 2 certificates
const INFLIGHT = 64;
const MAX_SOCKETS = 64;

/** Forks the compiled worker, gives it `job`, returns its result. */
export function runWorker(job: LoadJob): Promise<LoadResult> {
  const child = fork(new URL('./ocsp_load_worker.js', import.meta.url), [], {
    execArgv: [],
    stdio: 'inherit',
  });
  const kill = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  return new Promise<LoadResult>((resolve, reject) => {
    let settled = false;
    child.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => {
      settled = true;
      if (m.ok && m.result) resolve(m.result);
      else reject(new Error(`load worker failed: ${m.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with ${code} before reporting`));
    });
    child.send(job);
  }).finally(kill);
}

function plainServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const body = Buffer.alloc(300, 0x2a);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const close = onCleanup(
        () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      );
      resolve({ url: `http://127.0.0.1:${port}/ocsp`, close });
    });
  });
}

function job(url: string, mode: LoadJob['mode'], certIds: string[], serials: string[]): LoadJob {
  return {
    url,
    mode,
    certIds,
    serials,
    seconds: ENV.seconds,
    warmupSeconds: Math.min(2, Math.max(0.5, ENV.seconds / 5)),
    inflight: INFLIGHT,
    maxSockets: MAX_SOCKETS,
  };
}

function describe(r: LoadResult): string {
  const errs = r.errors > 0 ? `   ERRORS ${r.errors} (${r.errorSamples.join('; ')})` : '';
  return `p50 ${r.p50Ms.toFixed(1)}ms p99 ${r.p99Ms.toFixed(1)}ms${errs}`;
}

/** Compares the request DER built here with `openssl ocsp -reqout` for one serial (when openssl exists). */
function crossCheckWithOpenssl(dir: string, serial: string, ours: Buffer): string {
  const out = join(dir, 'req.der');
  try {
    execFileSync(
      'openssl',
      [
        'ocsp',
        '-issuer',
        join(dir, 'public', 'eid-ca.pem'),
        '-serial',
        `0x${serial}`,
        '-no_nonce',
        '-reqout',
        out,
      ],
      { stdio: 'pipe' },
    );
  } catch {
    return 'openssl not usable: request DER not cross-checked';
  }
  const theirs = readFileSync(out);
  rmSync(out);
  if (!theirs.equals(ours)) throw new Error('OCSP request DER differs from openssl ocsp -reqout');
  return 'request DER identical to openssl ocsp -reqout';
}

async function benchBackend(
  label: string,
  db: string | undefined,
  ceiling: number,
  rows: SummaryRow[],
): Promise<void> {
  const bn = await setUpNode(`ocsp-${label.toLowerCase()}`, HOLDERS + 10, db);
  try {
    const { node } = bn;
    const ctx = eidContextOf(node);
    const pool = await makeCsrPairs(HOLDERS);
    await runPool(4, 600, HOLDERS, async (i) => {
      await issueCertificates(ctx, bn.people[i]!, pool[i]!, 'bench');
    });
    const serials = (
      await node.store.db
        .selectFrom('certificate')
        .select('serial')
        .where('issuer_ca', '=', 'eid-ca')
        .where('national_id', 'is not', null)
        .execute()
    ).map((r) => r.serial);
    const ca = node.eidCa.certificate;
    const certIds = serials.map((s) => certIdDer(ca.subjectDer, ca.spki, s).toString('hex'));
    const check = crossCheckWithOpenssl(
      node.dir,
      serials[0]!,
      ocspRequestDer(Buffer.from(certIds[0]!, 'hex')),
    );
    console.log(`  ${label}: ${serials.length} eID certificates issued; ${check}`);
    const srv = await serveNode(node, '127.0.0.1', 0);
    const stop = onCleanup(() => srv.close());
    try {
      for (const mode of ['cached', 'nonce'] as const) {
        const r = await runWorker(job(`${srv.url}/ocsp`, mode, certIds, serials));
        const rate = r.count / r.seconds;
        const name = mode === 'cached' ? 'cached, no nonce' : 'nonce, signed per request';
        const goal = mode === 'cached' ? `goal ${GOAL}/s ${rate >= GOAL ? 'MET' : 'MISSED'}` : '(no goal)';
        const text =
          `ocsp (${label}, ${name}): ${fmtRate(rate)} ${describe(r)}   loopback http ceiling ${fmtRate(ceiling)}   ` +
          `ratio ${(rate / ceiling).toFixed(2)}   ${goal}`;
        const checks =
          r.checkFailures.length > 0
            ? `CHECK FAILURES: ${r.checkFailures.join('; ')}`
            : `${r.checked} sampled responses decoded: good, right serial, ${mode === 'nonce' ? 'nonce echoed, ' : ''}signature verifies`;
        const fill =
          mode === 'cached'
            ? `cache filled first: ${serials.length} requests in ${r.fillSeconds.toFixed(1)} s ` +
              `(${fmtRate(serials.length / r.fillSeconds)}); `
            : '';
        console.log(`  ${text}\n    [${fill}${r.count} responses in ${r.seconds.toFixed(1)} s; ${checks}]`);
        rows.push({ text: r.checkFailures.length > 0 ? `${text}   CHECK FAILURES` : text });
      }
      const metrics = await fetch(`${srv.url}/metrics`).then((res) => res.text());
      const cachedLine = metrics.split('\n').filter((l) => l.startsWith('trustbridge_ocsp_responses_total'));
      console.log(`  ${label}: server counters: ${cachedLine.join(' | ')}`);
    } finally {
      await stop();
    }
    const profile = await profileOcsp(
      node,
      certIds.map((h) => Buffer.from(h, 'hex')),
      label,
    );
    for (const line of profile) console.log(`  ${line}`);
  } finally {
    await bn.close();
  }
}

/** Runs the OCSP load benchmark (SQLite, and PostgreSQL when configured). */
export async function runOcspBench(rows: SummaryRow[]): Promise<void> {
  console.log(
    `\n== ocsp: ${HOLDERS * 2} certificates, ${INFLIGHT} in flight, keep-alive maxSockets ${MAX_SOCKETS}, ` +
      `${ENV.seconds} s per measurement, load generator in a forked process`,
  );
  const plain = await plainServer();
  let ceiling: number;
  try {
    // Same request bodies (size, shape) as the OCSP runs; the trivial server ignores them.
    const spki = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const serials = Array.from({ length: HOLDERS * 2 }, () =>
      randomBytes(16)
        .toString('hex')
        .replace(/^[89a-f]/, '4'),
    );
    const ids = serials.map((s) => certIdDer(randomBytes(60), spki, s).toString('hex'));
    const r = await runWorker(job(plain.url, 'plain', ids, serials));
    ceiling = r.count / r.seconds;
    console.log(
      `  loopback http ceiling (node:http, fixed 300-byte body): ${fmtRate(ceiling)} ${describe(r)}`,
    );
  } finally {
    await plain.close();
  }
  await benchBackend('SQLite', undefined, ceiling, rows);
  if (!ENV.pgUrl) {
    const text = 'ocsp (PostgreSQL): skipped, TRUSTBRIDGE_TEST_PG is not set';
    console.log(`  ${text}`);
    rows.push({ text });
    return;
  }
  const schema = await pgSchema(ENV.pgUrl, 'ocsp');
  try {
    await benchBackend('PostgreSQL', schema.url, ceiling, rows);
  } finally {
    await schema.drop();
  }
}
