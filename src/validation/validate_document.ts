/**
 * Validates every signature of a document: detects the format, extracts the signatures and runs
 * the EN 319 102-1 process on each, giving one {@link ValidationReport}.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors.js';
import type { RevocationFetcher } from '../signature/revocation_fetcher.js';
import { DEFAULT_CRYPTO_POLICY } from './crypto_policy.js';
import type { CryptoPolicy } from './crypto_policy.js';
import type { TrustServiceSource } from './path_check.js';
import { detectFormat, extractorFor } from './formats.js';
import type { DetachedContent, DocumentSource } from '../lib/document_source.js';
import type { SignatureReport, ValidationReport } from './report.js';
import { RevocationCache } from './revocation_check.js';
import { validateSignature } from './signature_process.js';

/** Inputs of {@link validateDocument} besides the document. */
export interface ValidationOptions {
  /** Trust anchor certificates (DER). */
  anchors: readonly Buffer[];
  /**
   * Trust anchors from trusted lists (a `TrustStore` of src/trust): their services must be granted
   * at the best signature time, and the report names the service and the qualification.
   */
  trustServices?: TrustServiceSource;
  /** The validation time (default: now). `--at` sets a past time. */
  time?: Date;
  /** Fetches OCSP responses and CRLs that the signature does not embed; none: offline. */
  fetcher?: RevocationFetcher;
  /** Shared cache of fetched revocation data (default: one per call). */
  cache?: RevocationCache;
  /** The crypto constraints (default {@link DEFAULT_CRYPTO_POLICY}). */
  policy?: CryptoPolicy;
  /** Detached content(s). */
  detached?: readonly DetachedContent[];
  /** Candidate signing certificates supplied out of band. */
  signingCertificates?: readonly Buffer[];
  /** Further untrusted certificates that may complete paths. */
  certificates?: readonly Buffer[];
  /** Further CRLs / OCSP responses (DER) known to the caller. */
  crls?: readonly Buffer[];
  ocspResponses?: readonly Buffer[];
  /** Shown in the report. */
  documentName?: string;
}

/**
 * Above this size the report leaves out the document's SHA-256: it would read the document a
 * second time, and each signature's report already says what its signature covers.
 */
export const DOCUMENT_DIGEST_LIMIT = 16 * 1024 * 1024;

async function sha256Of(source: DocumentSource): Promise<string | undefined> {
  if (source.size > DOCUMENT_DIGEST_LIMIT) return undefined;
  const h = createHash('sha256');
  for await (const chunk of source.stream(0, source.size)) h.update(chunk);
  return h.digest('hex');
}

/**
 * Validates all signatures of a document.
 *
 * @param source - the document (see `bufferSource` / `fileSource`)
 * @param options - trust anchors, time, fetcher, policy, detached content
 * @returns the report (one entry per signature)
 * @throws TrustbridgeError VALIDATION_FORMAT_UNKNOWN, VALIDATION_NO_SIGNATURE, or the format's
 *   parse error code (PKI_CMS_MALFORMED, JADES_MALFORMED, PDF_MALFORMED, ...)
 * @example
 * ```ts
 * const report = await validateDocument(bufferSource(p7s), { anchors: [rootDer], detached: [{ bytes: doc }] });
 * console.log(report.signatures[0]!.indication);
 * ```
 */
export async function validateDocument(
  source: DocumentSource,
  options: ValidationOptions,
): Promise<ValidationReport> {
  const time = options.time ?? new Date();
  const format = await detectFormat(source);
  const signatures = await extractorFor(format)(source, {
    ...(options.detached ? { detached: options.detached } : {}),
    ...(options.signingCertificates ? { signingCertificates: options.signingCertificates } : {}),
  });
  if (signatures.length === 0) throw new ValidationError('VALIDATION_NO_SIGNATURE');
  const ctx = {
    anchors: options.anchors,
    ...(options.trustServices ? { trustServices: options.trustServices } : {}),
    pool: options.certificates ?? [],
    validationTime: time,
    policy: options.policy ?? DEFAULT_CRYPTO_POLICY,
    signingCertificates: options.signingCertificates ?? [],
    sources: {
      crls: options.crls ?? [],
      ocspResponses: options.ocspResponses ?? [],
      ...(options.fetcher ? { fetcher: options.fetcher } : {}),
      cache: options.cache ?? new RevocationCache(),
      now: time,
      trustedResponders: options.anchors,
    },
  };
  const reports: SignatureReport[] = [];
  for (const sig of signatures) reports.push(await validateSignature(sig, ctx));
  // Stale or refused lists concern every signature whose trust came from the lists.
  const notes = options.trustServices?.notes() ?? [];
  for (const r of reports) if (r.trust) r.warnings.push(...notes);
  const sha256 = await sha256Of(source);
  const count = (i: string): number => reports.filter((r) => r.indication === i).length;
  return {
    validationTime: time.toISOString(),
    policy: ctx.policy.name,
    document: {
      ...(options.documentName ? { name: options.documentName } : {}),
      size: source.size,
      ...(sha256 ? { sha256 } : {}),
    },
    signatures: reports,
    summary: {
      total: reports.length,
      passed: count('TOTAL-PASSED'),
      failed: count('TOTAL-FAILED'),
      indeterminate: count('INDETERMINATE'),
    },
  };
}
