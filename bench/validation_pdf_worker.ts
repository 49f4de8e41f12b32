/**
 * Child process of the PAdES benchmark (validation_pdf.ts), one per kind of pass so that its peak
 * RSS (`process.resourceUsage().maxRSS`) is that pass's own: raw SHA-256 over the file through
 * `fileSource` (the validator's chunking), `validateDocument` over the same `fileSource`, raw
 * SHA-256 over the file read into one Buffer (the hash timed, not the read), or a CPU profile of
 * the validation.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTrustbridgeError } from '../src/lib/errors.js';
import { DEFAULT_CRYPTO_POLICY } from '../src/validation/crypto_policy.js';
import { extractorFor } from '../src/validation/formats.js';
import type { DocumentSource } from '../src/lib/document_source.js';
import type { Extractor } from '../src/signature/model.js';
import type { SignatureReport } from '../src/validation/report.js';
import { RevocationCache } from '../src/validation/revocation_check.js';
import { validateSignature } from '../src/validation/signature_process.js';
import { fileSource } from '../src/lib/document_source.js';
import { validateDocument } from '../src/validation/validate_document.js';
import type { ValidationOptions } from '../src/validation/validate_document.js';
import { profileValidation } from './validation_profile.js';

/** What the parent asks for (base64 DER, ISO time): one kind of pass, `runs` times. */
export interface PdfJob {
  mode: 'raw-file' | 'validate' | 'raw-buffer' | 'profile';
  path: string;
  root: string;
  time: string;
  ocsp: string[];
  crls: string[];
  runs: number;
}

/** Seconds per run, RSS in bytes, the signature's outcome (validate), profile lines (profile). */
export interface PdfResult {
  size: number;
  seconds: number[];
  rssStart: number;
  peakRss: number;
  viaValidateDocument: boolean;
  indication?: string;
  subIndication?: string;
  level?: string;
  detail?: string;
  profile?: string[];
}

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function digestSource(src: DocumentSource): Promise<Buffer> {
  const h = createHash('sha256');
  for await (const chunk of src.stream(0, src.size)) h.update(chunk);
  return h.digest();
}

async function hashFile(path: string): Promise<Buffer> {
  const src = await fileSource(path);
  try {
    return await digestSource(src);
  } finally {
    await src.close();
  }
}

/**
 * What validateDocument does for a PDF, for as long as src/validation/formats.ts does not route
 * PDFs to extractPades: extract, validate each signature, digest the whole document for the report.
 */
async function validateDirect(
  src: DocumentSource,
  o: ValidationOptions,
  extract: Extractor,
): Promise<SignatureReport[]> {
  const signatures = await extract(src, {});
  const ctx = {
    anchors: o.anchors,
    pool: [],
    validationTime: o.time!,
    policy: DEFAULT_CRYPTO_POLICY,
    signingCertificates: [],
    sources: {
      crls: o.crls ?? [],
      ocspResponses: o.ocspResponses ?? [],
      cache: new RevocationCache(),
      now: o.time!,
    },
  };
  const reports: SignatureReport[] = [];
  for (const s of signatures) reports.push(await validateSignature(s, ctx));
  await digestSource(src); // validateDocument's report digest (document.sha256)
  return reports;
}

async function padesExtractor(): Promise<Extractor | undefined> {
  try {
    extractorFor('pades');
    return undefined;
  } catch (e) {
    if (!isTrustbridgeError(e, 'VALIDATION_FORMAT_UNKNOWN')) throw e;
  }
  const path = fileURLToPath(new URL('../src/signature/pades/extract.js', import.meta.url));
  return ((await import(path)) as { extractPades: Extractor }).extractPades;
}

async function validateFile(
  job: PdfJob,
  o: ValidationOptions,
  direct?: Extractor,
): Promise<SignatureReport[]> {
  const src = await fileSource(job.path);
  try {
    if (direct) return await validateDirect(src, o, direct);
    return (await validateDocument(src, o)).signatures;
  } finally {
    await src.close();
  }
}

function outcome(reports: SignatureReport[]): Partial<PdfResult> {
  const s = reports[0];
  const failed = s?.checks
    .filter((c) => c.indication !== 'PASSED')
    .map((c) => `${c.name}: ${c.detail ?? ''}`);
  return {
    indication: reports.length === 1 && s ? s.indication : `${reports.length} signatures`,
    ...(s?.subIndication ? { subIndication: s.subIndication } : {}),
    level: s?.level ?? '-',
    ...(failed?.length ? { detail: failed.join('; ') } : {}),
  };
}

/** One pass of the job's kind; returns the validation reports for `validate`. */
function passOf(
  job: PdfJob,
  options: ValidationOptions,
  direct?: Extractor,
): () => Promise<SignatureReport[]> {
  switch (job.mode) {
    case 'raw-file':
      return async () => (await hashFile(job.path), []);
    case 'raw-buffer':
      return async () => {
        const bytes = readFileSync(job.path);
        const t0 = performance.now();
        createHash('sha256').update(bytes).digest();
        hashed += performance.now() - t0;
        return [];
      };
    default:
      return () => validateFile(job, options, direct);
  }
}

// The raw-buffer pass times the hash only, not the read.
let hashed = 0;

async function main(job: PdfJob): Promise<PdfResult> {
  const options: ValidationOptions = {
    anchors: [Buffer.from(job.root, 'base64')],
    time: new Date(job.time),
    ocspResponses: job.ocsp.map((b) => Buffer.from(b, 'base64')),
    crls: job.crls.map((b) => Buffer.from(b, 'base64')),
  };
  const direct = await padesExtractor();
  const pass = passOf(job, options, direct);
  const base = { size: statSync(job.path).size, viaValidateDocument: direct === undefined };
  const rssStart = process.memoryUsage().rss;
  if (job.mode === 'profile') {
    const profile = await profileValidation('PAdES B-B, 1 signature', async () => void (await pass()), 2);
    return { ...base, seconds: [], rssStart, peakRss: peakRss(), profile };
  }
  await pass(); // warm-up: JIT, and the file in the page cache
  const seconds: number[] = [];
  let reports: SignatureReport[] = [];
  for (let i = 0; i < job.runs; i++) {
    hashed = 0;
    const s = await timed(async () => (reports = await pass()));
    seconds.push(job.mode === 'raw-buffer' ? hashed / 1000 : s);
  }
  return {
    ...base,
    seconds,
    rssStart,
    peakRss: peakRss(),
    ...(job.mode === 'validate' ? outcome(reports) : {}),
  };
}

const job = JSON.parse(process.env.TB_BENCH_PDF_JOB ?? '{}') as PdfJob;
main(job).then(
  (r) => process.send!(r, () => process.exit(0)),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
