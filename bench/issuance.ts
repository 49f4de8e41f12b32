/**
 * eID issuance rate with a populated register (BENCH_PEOPLE people), on SQLite and, when
 * TRUSTBRIDGE_TEST_PG is set, PostgreSQL: `issueCertificates` sequentially and 8 at a time,
 * against a raw node:crypto baseline doing the same signature work (2 CSR verifications and 2
 * certificate signatures per issuance), measured in the same run.
 */
import { generateKeyPairSync, randomBytes, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import { issueCertificates } from '../src/eid/issuance.js';
import type { CsrPair } from '../src/eid/issuance.js';
import { openNode } from '../src/node/context.js';
import type { NodeContext } from '../src/node/context.js';
import { eidContextOf } from '../src/node/eid_context.js';
import { initNode } from '../src/node/init.js';
import { hashForCurve } from '../src/pki/algorithms.js';
import type { KeyAlgorithm } from '../src/pki/key_store.js';
import {
  ENV,
  PASSPHRASE,
  fmtRate,
  makeCsrPairs,
  pgSchema,
  populateRegister,
  rateSync,
  runPool,
  since,
  tempDir,
} from './common.js';
import type { SummaryRow } from './common.js';
import { microProfile, profileIssuance } from './issuance_profile.js';

const GOAL_RATIO = 0.5;
const CONCURRENCY = 8;
const WARMUP_ISSUANCES = 100;
const PROFILE_ISSUANCES = 300;
// Enough fresh CSR pairs for two timed runs at up to 1,500 issuances/s, plus warm-up and profile.
const CSR_POOL = WARMUP_ISSUANCES + PROFILE_ISSUANCES + 2 * 1500 * ENV.seconds;

/**
 * Raw node:crypto doing what one issuance signs and verifies: 2 × ECDSA P-256 verify over
 * ~200 bytes (the CSRs' proof of possession) and 2 × sign with the eID CA curve over ~600 bytes
 * (the TBSCertificates). Keys are KeyObjects made beforehand.
 *
 * @returns baseline issuances per second
 */
export function cryptoBaseline(curve: KeyAlgorithm, seconds: number): { fromDer: number; preloaded: number } {
  const citizens: { key: KeyObject; spki: Buffer; sig: Buffer }[] = [];
  const info = randomBytes(200);
  for (let i = 0; i < 32; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    citizens.push({
      key: publicKey,
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      sig: cryptoSign('sha256', info, { key: privateKey, dsaEncoding: 'der' }),
    });
  }
  const ca = generateKeyPairSync('ec', {
    namedCurve: curve === 'P-384' ? 'secp384r1' : 'prime256v1',
  }).privateKey;
  const hash = hashForCurve(curve);
  const tbs = randomBytes(600);
  const run =
    (fromDer: boolean) =>
    (i: number): void => {
      for (const c of [citizens[(2 * i) % 32]!, citizens[(2 * i + 1) % 32]!]) {
        // A CSR brings its key as SubjectPublicKeyInfo DER: the raw operation is crypto.verify on that.
        const key = fromDer ? { key: c.spki, format: 'der' as const, type: 'spki' as const } : { key: c.key };
        if (!cryptoVerify('sha256', info, { ...key, dsaEncoding: 'der' }, c.sig)) throw new Error('verify');
      }
      cryptoSign(hash, tbs, { key: ca, dsaEncoding: 'der' });
      cryptoSign(hash, tbs, { key: ca, dsaEncoding: 'der' });
    };
  rateSync(Math.min(1, seconds / 5), run(true), 4); // warm-up
  return { fromDer: rateSync(seconds, run(true), 4), preloaded: rateSync(seconds, run(false), 4) };
}

interface Backend {
  label: string;
  db?: string;
}

/** A node with a populated register and an eID context; `people` not yet holding certificates. */
export interface BenchNode {
  node: NodeContext;
  people: string[];
  close: () => Promise<void>;
}

/**
 * Initialises a node in a fresh temp dir (optionally on database `db`), opens it and registers
 * `people` people with direct batched inserts.
 */
export async function setUpNode(tag: string, people: number, db?: string): Promise<BenchNode> {
  const tmp = tempDir(tag);
  try {
    await initNode({ dir: tmp.dir, country: 'PH', passphrase: PASSPHRASE, ...(db ? { db } : {}) });
    const node = await openNode(tmp.dir, { passphrase: PASSPHRASE, ...(db ? { db } : {}) });
    try {
      const ids = await populateRegister(node.store, people, node.identity.country);
      return {
        node,
        people: ids,
        close: async () => {
          await node.close();
          await tmp.remove();
        },
      };
    } catch (e) {
      await node.close();
      throw e;
    }
  } catch (e) {
    await tmp.remove();
    throw e;
  }
}

async function countCitizenCertificates(node: NodeContext): Promise<number> {
  const r = await node.store.db
    .selectFrom('certificate')
    .select(sql<number>`count(*)`.as('n'))
    .where('national_id', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function benchBackend(b: Backend, pool: CsrPair[], rows: SummaryRow[]): Promise<void> {
  const t0 = performance.now();
  const bn = await setUpNode(b.label.toLowerCase(), ENV.people, b.db);
  const { node, people } = bn;
  try {
    console.log(`  ${b.label}: node + ${people.length} people registered in ${since(t0).toFixed(1)} s`);
    const ctx = eidContextOf(node);
    let next = 0;
    let csr = 0;
    const issue = async (): Promise<void> => {
      const id = people[next++];
      if (id === undefined) throw new Error('out of registered people: raise BENCH_PEOPLE');
      // Keys are certified once (the register refuses a key seen before): one fresh pair per issuance.
      const pair = pool[csr++];
      if (pair === undefined) throw new Error('out of CSR pairs');
      await issueCertificates(ctx, id, pair, 'bench');
    };
    // Every issuance needs a person without certificates: split what is left between the runs.
    const reserve = WARMUP_ISSUANCES + PROFILE_ISSUANCES;
    if (people.length < reserve + 200) throw new Error(`BENCH_PEOPLE must be at least ${reserve + 200}`);
    const slice = Math.min(
      Math.floor((people.length - reserve) / 2),
      Math.floor((pool.length - reserve) / 2),
    );
    await runPool(1, 60, WARMUP_ISSUANCES, issue);

    const curve = node.config.curves.eidCa;
    const baseline = cryptoBaseline(curve, ENV.seconds);
    console.log(
      `  ${b.label}: raw crypto baseline, one thread (2 × P-256 crypto.verify with the key as SPKI DER, as a CSR brings it, ` +
        `+ 2 × ${curve} crypto.sign): ${fmtRate(baseline.fromDer)}; with the keys pre-imported as KeyObjects: ${fmtRate(baseline.preloaded)}`,
    );
    for (const conc of [1, CONCURRENCY]) {
      const before = await countCitizenCertificates(node);
      const run = await runPool(conc, ENV.seconds, slice, issue);
      const after = await countCitizenCertificates(node);
      if (after - before !== 2 * run.count)
        throw new Error(`expected ${2 * run.count} new certificates, the store holds ${after - before}`);
      const ratio = run.rate / baseline.fromDer;
      const mode = conc === 1 ? 'seq' : `conc ${conc}`;
      const short = run.count >= slice ? ` (all ${slice} people/CSR pairs of this run used)` : '';
      const text =
        `issuance (${b.label}, ${people.length} people, ${mode}): ${fmtRate(run.rate)}   ` +
        `raw crypto baseline ${fmtRate(baseline.fromDer)}   ratio ${ratio.toFixed(2)} (goal ≥ ${GOAL_RATIO.toFixed(2)}) ` +
        `${ratio >= GOAL_RATIO ? 'MET' : 'MISSED'}   [vs pre-imported keys ${(run.rate / baseline.preloaded).toFixed(2)}]`;
      console.log(`  ${text}   [${run.count} issuances in ${run.seconds.toFixed(1)} s${short}]`);
      rows.push({ text });
    }
    const profile = await profileIssuance(
      ctx,
      people.slice(next, next + PROFILE_ISSUANCES),
      pool.slice(csr),
      b.label,
    );
    for (const line of profile) console.log(`  ${line}`);
    if (b.label === 'SQLite') {
      const sample = await node.store.db
        .selectFrom('certificate')
        .select('cert_der')
        .where('usage', '=', 'signature')
        .limit(1)
        .executeTakeFirstOrThrow();
      for (const line of microProfile(ctx, pool, sample.cert_der)) console.log(`  ${line}`);
    }
  } finally {
    await bn.close();
  }
}

/** Runs the issuance benchmark on SQLite and (when configured) PostgreSQL. */
export async function runIssuanceBench(rows: SummaryRow[]): Promise<void> {
  console.log(`\n== issuance: ${ENV.people} people, ${ENV.seconds} s per measurement`);
  const t0 = performance.now();
  const pool = await makeCsrPairs(CSR_POOL);
  console.log(
    `  ${pool.length} CSR pairs (fresh P-256 keys) made in ${since(t0).toFixed(1)} s; ` +
      'each used once (the register refuses a key certified before)',
  );
  await benchBackend({ label: 'SQLite' }, pool, rows);
  if (!ENV.pgUrl) {
    const text = 'issuance (PostgreSQL): skipped, TRUSTBRIDGE_TEST_PG is not set';
    console.log(`  ${text}`);
    rows.push({ text });
    return;
  }
  const schema = await pgSchema(ENV.pgUrl, 'iss');
  try {
    await benchBackend({ label: 'PostgreSQL', db: schema.url }, pool, rows);
  } finally {
    await schema.drop();
  }
}
