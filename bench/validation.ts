/**
 * Validation rate per format and level (issue 3): `validateDocument` on CAdES and JAdES at B-B
 * (revocation fetched once, then answered from a shared {@link RevocationCache}) and B-LT
 * (revocation embedded, no fetcher), sequentially on one thread, against raw `crypto.verify` of
 * the same key type (ECDSA P-256 with SHA-256) measured in the same run. Then PAdES: a 100 MB PDF
 * validated streamed from a file against raw SHA-256 over the same bytes (validation_pdf.ts).
 * A CPU profile follows each B-B case short of its goal (every case with BENCH_PROFILE=all).
 */
import { generateKeyPairSync, randomBytes, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { extendToLt } from '../src/signature/cades/lt.js';
import { signCades } from '../src/signature/cades/sign.js';
import { signJades } from '../src/signature/jades/sign.js';
import { bufferSource } from '../src/lib/document_source.js';
import { validateDocument } from '../src/validation/validate_document.js';
import type { ValidationOptions } from '../src/validation/validate_document.js';
import { RevocationCache } from '../src/validation/revocation_check.js';
import { ENV, fmtRate, rateSync, runPool } from './common.js';
import type { SummaryRow } from './common.js';
import { setUpValidationFixture } from './validation_fixture.js';
import type { ValidationFixture } from './validation_fixture.js';
import { runDistinctSignersBench } from './validation_distinct.js';
import { runPdfBench } from './validation_pdf.js';
import { profileValidation } from './validation_profile.js';

/** B-B CAdES and JAdES: at least half the raw crypto.verify rate (issue 3). */
const GOAL_RATIO = 0.5;
const WARMUP_VALIDATIONS = 50;
/** BENCH_PROFILE=all: profile every case, not only those short of the goal. */
const PROFILE_ALL = process.env.BENCH_PROFILE === 'all';

/** The signed document: a short memorandum (the signature, not the digest, should cost). */
const DOCUMENT = Buffer.from(
  'Memorandum of Understanding on the mutual recognition of e-signatures\n'.repeat(16),
);

/** One signature to validate. */
interface Case {
  format: 'CAdES' | 'JAdES';
  level: string;
  bytes: Buffer;
  /** `cached`: a fetcher and a shared cache; `embedded`: no fetcher at all. */
  revocation: 'cached' | 'embedded';
  note?: string;
}

/**
 * Raw node:crypto: one ECDSA P-256 / SHA-256 verification over 300 bytes (about a CMS
 * SignedAttributes or a JWS signing input), the key as SubjectPublicKeyInfo DER (as a certificate
 * brings it) and as a KeyObject made beforehand.
 *
 * @returns verifications per second, both ways
 * @example `const { fromDer } = rawVerifyBaseline(ENV.seconds)`
 */
export function rawVerifyBaseline(seconds: number): { fromDer: number; preloaded: number } {
  const data = randomBytes(300);
  const keys = Array.from({ length: 16 }, () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    return {
      key: publicKey,
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      sig: cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }),
    };
  });
  const run =
    (fromDer: boolean) =>
    (i: number): void => {
      const k = keys[i % keys.length]!;
      const key = fromDer ? { key: k.spki, format: 'der' as const, type: 'spki' as const } : { key: k.key };
      if (!cryptoVerify('sha256', data, { ...key, dsaEncoding: 'der' }, k.sig)) throw new Error('verify');
    };
  rateSync(Math.min(1, seconds / 5), run(true)); // warm-up
  return { fromDer: rateSync(seconds, run(true)), preloaded: rateSync(seconds, run(false)) };
}

async function makeCases(f: ValidationFixture): Promise<Case[]> {
  const base = {
    signer: f.signer,
    signerCertificate: f.certificate,
    chain: f.chain,
    signingTime: f.node.clock(),
  };
  const cadesBb = await signCades({ ...base, content: DOCUMENT, detached: false, level: 'B-B' });
  const cadesBt = await signCades({ ...base, content: DOCUMENT, detached: false, level: 'B-T', tsa: f.tsa });
  const cadesLt = await extendToLt(cadesBt, { chain: f.chain, fetcher: f.fetcher });
  const jades = { ...base, payload: DOCUMENT, serialization: 'json' as const, detached: false };
  const jadesBb = await signJades({ ...jades, level: 'B-B' });
  const cases: Case[] = [
    { format: 'CAdES', level: 'B-B', bytes: cadesBb, revocation: 'cached' },
    { format: 'CAdES', level: 'B-LT', bytes: cadesLt, revocation: 'embedded' },
    { format: 'JAdES', level: 'B-B', bytes: Buffer.from(jadesBb), revocation: 'cached' },
  ];
  try {
    const lt = await signJades({ ...jades, level: 'B-LT', tsa: f.tsa, fetcher: f.fetcher });
    cases.push({ format: 'JAdES', level: 'B-LT', bytes: Buffer.from(lt), revocation: 'embedded' });
  } catch (e) {
    // JAdES B-LT is new (src/signature/jades/lt.ts): measure B-T with cached revocation instead.
    const bt = await signJades({ ...jades, level: 'B-T', tsa: f.tsa });
    const note = `JAdES B-LT signing failed (${(e as Error).message}); B-T measured instead`;
    cases.push({ format: 'JAdES', level: 'B-T', bytes: Buffer.from(bt), revocation: 'cached', note });
  }
  return cases;
}

function optionsOf(c: Case, f: ValidationFixture, time: Date): ValidationOptions {
  return c.revocation === 'cached'
    ? { anchors: [f.root], time, fetcher: f.fetcher, cache: new RevocationCache() }
    : { anchors: [f.root], time };
}

async function validateOnce(c: Case, options: ValidationOptions): Promise<void> {
  const report = await validateDocument(bufferSource(c.bytes), options);
  const s = report.signatures[0];
  if (report.signatures.length !== 1 || s?.indication !== 'TOTAL-PASSED' || s.level !== c.level) {
    const failed = s?.checks
      .filter((x) => x.indication !== 'PASSED')
      .map((x) => `${x.name}: ${x.detail ?? ''}`);
    throw new Error(
      `${c.format} ${c.level}: expected one TOTAL-PASSED signature at ${c.level}, got ` +
        `${s?.indication}/${s?.subIndication ?? '-'} at ${s?.level} (${(failed ?? []).join('; ')})`,
    );
  }
}

/**
 * `c`, or, when its embedded revocation data does not let it validate offline, `c` with the
 * fetcher and cache (and a note saying so), so that the rate is still measured.
 */
async function usable(c: Case, f: ValidationFixture, time: Date): Promise<Case> {
  if (c.revocation !== 'embedded') return c;
  try {
    await validateOnce(c, optionsOf(c, f, time));
    return c;
  } catch (e) {
    const why = (e as Error).message.split(' (')[0];
    const note = `offline (embedded revocation only): ${why}; measured with the fetcher + cache instead`;
    const cached: Case = { ...c, revocation: 'cached', note };
    await validateOnce(cached, optionsOf(cached, f, time));
    return cached;
  }
}

async function measureCase(
  c: Case,
  f: ValidationFixture,
  time: Date,
  raw: { fromDer: number; preloaded: number },
  rows: SummaryRow[],
): Promise<number> {
  const options = optionsOf(c, f, time);
  const calls0 = f.fetcher.calls;
  await runPool(1, 60, WARMUP_VALIDATIONS, () => validateOnce(c, options));
  const warmCalls = f.fetcher.calls - calls0;
  const run = await runPool(1, ENV.seconds, Number.MAX_SAFE_INTEGER, () => validateOnce(c, options));
  const timedCalls = f.fetcher.calls - calls0 - warmCalls;
  const ratio = run.rate / raw.fromDer;
  const goal =
    c.level === 'B-B' ? ` (goal ≥ ${GOAL_RATIO.toFixed(2)}) ${ratio >= GOAL_RATIO ? 'MET' : 'MISSED'}` : '';
  const text =
    `validation (${c.format} ${c.level}, revocation ${c.revocation}, seq): ${fmtRate(run.rate)}   ` +
    `raw P-256 crypto.verify ${fmtRate(raw.fromDer)}   ratio ${ratio.toFixed(3)}${goal}   ` +
    `[vs pre-imported key ${(run.rate / raw.preloaded).toFixed(3)}]`;
  console.log(
    `  ${text}   [${run.count} validations in ${run.seconds.toFixed(1)} s, ${c.bytes.length} B signature; ` +
      `fetcher calls: ${warmCalls} in warm-up, ${timedCalls} timed]`,
  );
  if (c.note) console.log(`  note: ${c.note}`);
  rows.push({ text: c.note ? `${text}   (${c.note})` : text });
  return ratio;
}

/**
 * Runs the validation benchmark: CAdES and JAdES rates, their profile when short of the goal, PAdES.
 *
 * @param rows - the summary, one line per measurement appended
 * @example `node dist/bench/run.js validation` (BENCH_SECONDS, BENCH_PDF_MB, BENCH_PROFILE=all)
 */
export async function runValidationBench(rows: SummaryRow[]): Promise<void> {
  console.log(`\n== validation: ${ENV.seconds} s per measurement, sequential on one thread`);
  const f = await setUpValidationFixture();
  try {
    const cases = await makeCases(f);
    // After every signature and OCSP answer exists: one fixed validation time for all runs.
    const time = new Date(f.node.clock().getTime() + 1000);
    const raw = rawVerifyBaseline(ENV.seconds);
    console.log(
      `  raw crypto.verify, ECDSA P-256 SHA-256 over 300 B, one thread: ${fmtRate(raw.fromDer)} with the key as SPKI DER ` +
        `(as a certificate brings it); ${fmtRate(raw.preloaded)} with a pre-imported KeyObject`,
    );
    for (const c0 of cases) {
      const c = await usable(c0, f, time);
      const ratio = await measureCase(c, f, time, raw, rows);
      if (PROFILE_ALL || (c.level === 'B-B' && ratio < GOAL_RATIO)) {
        const options = optionsOf(c, f, time);
        const lines = await profileValidation(`${c.format} ${c.level}`, () => validateOnce(c, options));
        for (const line of lines) console.log(`  ${line}`);
      }
    }
    await runDistinctSignersBench(f, rows);
    await runPdfBench(f, rows);
  } finally {
    await f.close();
  }
}
