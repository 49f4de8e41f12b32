/**
 * Trust store benchmark (issue 4): loading a LOTL of 30 members with 50 CA services each, every
 * list's XAdES signature checked in the timed load (generated and signed in the set-up, served
 * from memory), against the goal of under 1 s; then CAdES B-B validation throughput (revocation
 * fetched once, then cached, as in validation.ts) with that full trust store beside the same
 * validation with the root as the single PEM anchor, in the same run, interleaved: goal within 5%.
 * The node's root is listed as one more CA/QC service of the first member, so both runs build
 * the same three-certificate path and differ only in where the anchor comes from.
 */
import { performance } from 'node:perf_hooks';
import { signCades } from '../src/signature/cades/sign.js';
import { mapFetcher } from '../src/trust/store/fetcher.js';
import { TrustStore } from '../src/trust/store/trust_store.js';
import { RevocationCache } from '../src/validation/revocation_check.js';
import { bufferSource } from '../src/lib/document_source.js';
import { validateDocument } from '../src/validation/validate_document.js';
import type { ValidationOptions } from '../src/validation/validate_document.js';
import { listSigner, signedList } from '../test/trust/store/fixtures.js';
import type { PointerSpec, ServiceSpec } from '../test/trust/store/fixtures.js';
import { issue } from '../test/validation/fixtures.js';
import { ENV, fmtRate, quantile, runPool } from './common.js';
import type { SummaryRow } from './common.js';
import { setUpValidationFixture } from './validation_fixture.js';

const MEMBERS = 30;
const SERVICES = 50;
const LOAD_GOAL_MS = 1000;
const THROUGHPUT_GOAL = 0.95;
const LOTL_URL = 'https://hub.bench/lotl.xml';

interface Federation {
  lists: Map<string, Buffer>;
  lotlSigner: Buffer;
}

async function memberServices(m: number, extra: Buffer | undefined): Promise<ServiceSpec[]> {
  const start = new Date('2026-01-01T00:00:00Z');
  const out: ServiceSpec[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const ca = await issue({ cn: `Member ${m} CA ${s}`, key: 'eid-ca', ca: {} });
    out.push({ name: `Member ${m} CA ${s}`, start, certificates: [ca.der] });
  }
  if (extra) out.push({ name: 'Bench node root', start, certificates: [extra] });
  return out;
}

/** 30 signed member TLs of 50 services (the first also lists `root`) and the signed LOTL. */
async function buildFederation(root: Buffer, issued: Date): Promise<Federation> {
  const nextUpdate = new Date(issued.getTime() + 180 * 24 * 3600_000);
  const lotlSigner = await listSigner('Bench LOTL signer', 'root');
  const lists = new Map<string, Buffer>();
  const pointers: PointerSpec[] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const territory = `${String.fromCharCode(65 + Math.floor(m / 26))}${String.fromCharCode(65 + (m % 26))}`;
    const signer = await listSigner(`${territory} TL signer`, 'citizen-b-auth');
    const url = `https://${territory.toLowerCase()}.bench/trustlist.xml`;
    const providers = [
      { name: `${territory} agency`, services: await memberServices(m, m === 0 ? root : undefined) },
    ];
    lists.set(url, await signedList({ territory, sequence: 1, issued, nextUpdate, providers }, signer));
    pointers.push({ location: url, certificates: [signer.der], territory });
  }
  const lotl = { territory: 'RG', lotl: true, sequence: 1, issued, nextUpdate, pointers };
  lists.set(LOTL_URL, await signedList(lotl, lotlSigner));
  return { lists, lotlSigner: lotlSigner.der };
}

async function loadOnce(fed: Federation, now: Date): Promise<{ ms: number; store: TrustStore }> {
  const t0 = performance.now();
  const store = new TrustStore([{ url: LOTL_URL, signers: [fed.lotlSigner] }], {
    fetcher: mapFetcher(fed.lists),
    clock: () => now,
  });
  const lists = await store.refresh();
  const ms = performance.now() - t0;
  const bad = lists.filter((l) => !l.used || l.problem);
  if (bad.length > 0 || store.size !== MEMBERS * SERVICES + 1)
    throw new Error(
      `trust store load: ${bad.length} lists refused, ${store.size} services (${JSON.stringify(bad[0])})`,
    );
  return { ms, store };
}

async function validateRate(
  bytes: Buffer,
  options: () => ValidationOptions,
  seconds: number,
): Promise<number> {
  const o = options();
  const run = await runPool(1, seconds, Number.MAX_SAFE_INTEGER, async () => {
    const r = await validateDocument(bufferSource(bytes), o);
    if (r.signatures[0]?.indication !== 'TOTAL-PASSED')
      throw new Error(`not TOTAL-PASSED: ${JSON.stringify(r.signatures[0]?.checks)}`);
  });
  return run.rate;
}

/**
 * Runs the trust-store benchmark.
 *
 * @param rows - the summary, one line per measurement appended
 * @example `node dist/bench/run.js trust-store`
 */
export async function runTrustStoreBench(rows: SummaryRow[]): Promise<void> {
  console.log(
    `\n== trust store: LOTL of ${MEMBERS} members x ${SERVICES} services; validation ${ENV.seconds} s per side`,
  );
  const f = await setUpValidationFixture();
  try {
    const now = f.node.clock();
    const t0 = performance.now();
    const fed = await buildFederation(f.root, new Date(now.getTime() - 3600_000));
    const bytes = [...fed.lists.values()].reduce((n, b) => n + b.length, 0);
    console.log(
      `  set-up: ${fed.lists.size} lists, ${(bytes / 1024).toFixed(0)} KiB signed in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await loadOnce(fed, now); // warm-up (JIT, certificate caches are per buffer and not reused)
    const times: number[] = [];
    let store: TrustStore | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await loadOnce(fed, now);
      times.push(r.ms);
      store = r.store;
    }
    const median = quantile(times, 0.5);
    const load = `trust store load (LOTL + ${MEMBERS} TLs, ${MEMBERS * SERVICES} services, ${fed.lists.size} signatures checked): median ${median.toFixed(0)} ms of 5 (goal < ${LOAD_GOAL_MS} ms) ${median < LOAD_GOAL_MS ? 'MET' : 'MISSED'}`;
    console.log(`  ${load}   [runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms]`);
    rows.push({ text: load });
    const cms = await signCades({
      signer: f.signer,
      signerCertificate: f.certificate,
      chain: f.chain,
      signingTime: now,
      content: Buffer.from('Memorandum\n'.repeat(64)),
      detached: false,
      level: 'B-B',
    });
    const time = new Date(now.getTime() + 1000);
    const single = (): ValidationOptions => ({
      anchors: [f.root],
      time,
      fetcher: f.fetcher,
      cache: new RevocationCache(),
    });
    const full = (): ValidationOptions => ({
      anchors: [],
      trustServices: store!,
      time,
      fetcher: f.fetcher,
      cache: new RevocationCache(),
    });
    await validateRate(cms, single, 1);
    await validateRate(cms, full, 1);
    const rates = { single: [] as number[], full: [] as number[] };
    for (let round = 0; round < 3; round++) {
      rates.single.push(await validateRate(cms, single, ENV.seconds / 3));
      rates.full.push(await validateRate(cms, full, ENV.seconds / 3));
    }
    const s = Math.max(...rates.single);
    const t = Math.max(...rates.full);
    const ratio = t / s;
    const text = `validation CAdES B-B (cached revocation): full trust store ${fmtRate(t)} vs single anchor ${fmtRate(s)}, ratio ${ratio.toFixed(3)} (goal >= ${THROUGHPUT_GOAL}) ${ratio >= THROUGHPUT_GOAL ? 'MET' : 'MISSED'}`;
    console.log(`  ${text}   [best of 3 interleaved rounds each]`);
    rows.push({ text });
  } finally {
    await f.close();
  }
}
