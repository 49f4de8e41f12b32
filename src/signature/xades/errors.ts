/**
 * Errors of XMLDSig / XAdES (W3C xmldsig-core1, ETSI EN 319 132-1) reading, verification and
 * signing. Every failure is a {@link XadesError} with a stable `code` from {@link XADES_ERRORS}.
 */
import type { ErrorList } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';

/**
 * The XAdES codes and their texts.
 *
 * @example
 * ```ts
 * XADES_ERRORS.XADES_MALFORMED.text;
 * ```
 */
export const XADES_ERRORS = {
  XADES_MALFORMED: { text: 'the XML signature does not follow XMLDSig / XAdES' },
  XADES_ALGORITHM_UNSUPPORTED: { text: 'an XML signature, digest or transform algorithm is not supported' },
  XADES_REFERENCE_UNRESOLVED: { text: 'a ds:Reference does not resolve to exactly one signed data object' },
  XADES_DIGEST_MISMATCH: { text: 'a ds:Reference digest does not match: the signed data was changed' },
  XADES_SIGNATURE_INVALID: { text: 'the XML signature value does not verify' },
} as const satisfies ErrorList;

/** A stable XAdES error code. */
export type XadesErrorCode = keyof typeof XADES_ERRORS;

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
