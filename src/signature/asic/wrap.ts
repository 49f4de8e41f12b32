/**
 * Wraps what the inner CAdES / XAdES extractor found in a signature file with what the container
 * adds: its format failures, the manifest digests checked with the signature's own integrity, the
 * container's archive time-stamps and warnings. The inner object is delegated to, never copied,
 * so extractors may use classes and private state.
 */
import type { ExtractedSignature, ExtractedTimestamp, IntegrityResult, SignatureFormat } from '../model.js';
import { unreadable } from '../unreadable.js';

/** What the container adds to one signature. */
export interface ContainerAdditions {
  /** The id in the report: the signature file path and the inner id. */
  id: string;
  /** Rule violations of the container (EN 319 102-1 clause 5.2.2 FORMAT_FAILURE). */
  formatFailures: string[];
  /** An integrity check of the container (manifest digests, referenced files present). */
  containerIntegrity?: () => Promise<IntegrityResult>;
  timestamps?: ExtractedTimestamp[];
  warnings: string[];
  /**
   * True when the container integrity checks data beyond the signature's own signed data (the
   * entries of the ASiCManifest a CAdES signature signs): the inner check is then also exposed
   * alone as `checkSignedData`.
   */
  separateSignedData?: boolean;
  /** For a counter-signature: the report id of its parent signature. */
  counterSignatureOf?: string;
}

const RANK: Record<IntegrityResult['status'], number> = { intact: 0, 'not-found': 1, 'hash-failure': 2 };

/**
 * The worse of two integrity results: a digest that differs (the data was changed) outranks data
 * that is missing, which outranks intact.
 *
 * @param a - one result
 * @param b - the other
 * @returns the worse one (the first on a tie)
 * @example `worstIntegrity({ status: 'intact' }, { status: 'not-found', detail: 'x' }).status // 'not-found'`
 */
export function worstIntegrity(a: IntegrityResult, b: IntegrityResult): IntegrityResult {
  return RANK[b.status] > RANK[a.status] ? b : a;
}

/**
 * Wraps an inner signature with the container's additions.
 *
 * @param sig - what the inner extractor returned
 * @param add - the container's additions
 * @returns the signature as the validation process sees it
 * @example `const s = wrapSignature(inner[0], { id: 'META-INF/signature.p7s#S-1', formatFailures: [], warnings: [] })`
 */
export function wrapSignature(sig: ExtractedSignature, add: ContainerAdditions): ExtractedSignature {
  const failures = [sig.formatFailure, ...add.formatFailures].filter((f): f is string => Boolean(f));
  const warnings = [...(sig.warnings ?? []), ...add.warnings];
  const containerIntegrity = add.containerIntegrity;
  return {
    id: add.id,
    format: sig.format,
    level: sig.level,
    formatFailure: failures.length > 0 ? failures.join('; ') : undefined,
    certificates: sig.certificates,
    namesSigner: (certDer) => sig.namesSigner(certDer),
    signingCertificateReference: sig.signingCertificateReference,
    signatureAlgorithm: sig.signatureAlgorithm,
    digestAlgorithm: sig.digestAlgorithm,
    claimedSigningTime: sig.claimedSigningTime,
    checkIntegrity: async () => {
      const own = await sig.checkIntegrity();
      return containerIntegrity ? worstIntegrity(own, await containerIntegrity()) : own;
    },
    verifySignatureValue: (publicKey) => sig.verifySignatureValue(publicKey),
    timestamps: [...sig.timestamps, ...(add.timestamps ?? [])],
    crls: sig.crls,
    ocspResponses: sig.ocspResponses,
    warnings: warnings.length > 0 ? warnings : undefined,
    ...(sig.counterSignatureOf !== undefined
      ? { counterSignatureOf: add.counterSignatureOf ?? sig.counterSignatureOf }
      : {}),
    ...(sig.checkOwnReferences ? { checkOwnReferences: () => sig.checkOwnReferences!() } : {}),
    ...(add.separateSignedData
      ? { checkSignedData: () => sig.checkIntegrity() }
      : sig.checkSignedData
        ? { checkSignedData: () => sig.checkSignedData!() }
        : {}),
  };
}

/**
 * A signature file that the inner extractor could not read at all: reported as a signature with a
 * FORMAT_FAILURE rather than dropped, so that a container with one broken signature file never
 * looks like a container with one signature fewer.
 *
 * @param id - the signature file path
 * @param format - CAdES or XAdES
 * @param detail - why it could not be read
 * @returns a signature that fails format checking
 * @example `unreadableSignature('META-INF/signature.p7s', 'CAdES', 'PKI_CMS_MALFORMED: ...')`
 */
export function unreadableSignature(id: string, format: SignatureFormat, detail: string): ExtractedSignature {
  return unreadable(id, format, `the signature file ${id} cannot be read: ${detail}`, `${id} cannot be read`);
}
