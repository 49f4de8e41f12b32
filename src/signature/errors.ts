/** Errors of document signing and signature reading (CAdES, PAdES, JAdES, XAdES, ASiC). */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode, PkiErrorCode } from '../lib/errors.js';
import type { JadesErrorCode } from './jades/errors.js';
import type { PadesErrorCode } from './pades/errors.js';
import type { XadesErrorCode } from './xades/errors.js';

/**
 * The codes of signature-level failures outside one format, and their texts. Revocation data is
 * fetched here (B-LT), below validation, so its codes are signature's.
 *
 * @example
 * ```ts
 * SIGNATURE_ERRORS.REV_TRANSPORT_FAILED.text;
 * ```
 */
export const SIGNATURE_ERRORS = {
  // revocation data fetched for signatures (OCSP, CRL)
  REV_TRANSPORT_FAILED: {
    text: 'the OCSP responder or CRL server could not be reached or answered with an HTTP error',
  },
  REV_OCSP_RESPONSE_INVALID: {
    text: 'the OCSP response is unsuccessful, stale, for another certificate, or not signed by an authorised responder',
  },
  VALIDATION_NO_SIGNATURE: { text: 'the document holds no signature' },
} as const satisfies ErrorList;

/**
 * Path-validation codes a signature level reports when revocation data says a certificate is
 * revoked. They are listed in `src/validation/errors.ts` (the owner); signature sits below
 * validation and so names them here as literals.
 */
export type RevokedCode = 'PATH_REVOKED' | 'PATH_CA_REVOKED';

/**
 * A code {@link SignatureError} carries: its own list, lib's shared codes, the CMS codes of pki,
 * the revoked codes, or (through the format subclasses) a format's codes.
 */
export type SignatureErrorCode =
  | keyof typeof SIGNATURE_ERRORS
  | LibErrorCode
  | Extract<PkiErrorCode, `PKI_CMS_${string}`>
  | RevokedCode
  | JadesErrorCode
  | XadesErrorCode
  | PadesErrorCode;

/**
 * Error thrown by `src/signature/`.
 *
 * @example
 * ```ts
 * throw new SignatureError('USAGE_INVALID_ARGUMENT', 'B-T needs a time-stamping authority');
 * ```
 */
export class SignatureError extends TrustbridgeError<SignatureErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: SignatureErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(SIGNATURE_ERRORS, code), options);
  }
}
