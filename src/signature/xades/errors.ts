/**
 * Errors of XMLDSig / XAdES (W3C xmldsig-core1, ETSI EN 319 132-1) reading, verification and
 * signing. Every failure is a {@link XadesError} with a stable `code` from {@link XADES_ERRORS}.
 */
import { ERROR_CATALOGUE } from '../../lib/errors.js';
import type { ErrorCode } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';

/** The XAdES error codes (their status and text live in `ERROR_CATALOGUE`). */
const XADES_CODES = [
  'XADES_MALFORMED',
  'XADES_ALGORITHM_UNSUPPORTED',
  'XADES_REFERENCE_UNRESOLVED',
  'XADES_DIGEST_MISMATCH',
  'XADES_SIGNATURE_INVALID',
] as const satisfies readonly ErrorCode[];

/** A stable XAdES error code. */
export type XadesErrorCode = (typeof XADES_CODES)[number];

/**
 * The XAdES entries of the error catalogue.
 *
 * @example
 * ```ts
 * XADES_ERRORS.XADES_MALFORMED.status; // 400
 * ```
 */
export const XADES_ERRORS = Object.fromEntries(XADES_CODES.map((c) => [c, ERROR_CATALOGUE[c]])) as {
  [K in XadesErrorCode]: (typeof ERROR_CATALOGUE)[K];
};

/**
 * An XML signature could not be read, uses an unsupported algorithm, or does not verify.
 *
 * @example
 * ```ts
 * try { verifyEnvelopedSignature(xml, cert) } catch (e) { if (e instanceof XadesError) console.log(e.code) }
 * ```
 */
export class XadesError extends SignatureError {
  /**
   * @param code - stable code from {@link XADES_ERRORS}
   * @param detail - what exactly failed
   * @param options - `cause`
   */
  constructor(code: XadesErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${XADES_ERRORS[code].text}: ${detail}`, options);
  }
}
