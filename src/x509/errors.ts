/**
 * Errors of the X.509 decoders (src/x509). A certificate or CRL that cannot be decoded is an
 * {@link X509Error} with a stable code from {@link X509_ERRORS}. The layers above translate it to
 * the codes they have promised (path validation reports PATH_MALFORMED, `parseCertificate`
 * PKI_CERT_MALFORMED).
 */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList } from '../lib/errors.js';

/**
 * The X.509 codes and their texts (RFC 5280 §4.1 certificates, §5.1 CRLs).
 *
 * @example
 * ```ts
 * X509_ERRORS.X509_CRL_MALFORMED.text;
 * ```
 */
export const X509_ERRORS = {
  X509_CERTIFICATE_MALFORMED: { text: 'the certificate is not a valid DER/PEM X.509 certificate' },
  X509_CRL_MALFORMED: { text: 'the CRL is not a valid DER/PEM X.509 CRL' },
} as const satisfies ErrorList;

/** A stable X.509 decoding error code. */
export type X509ErrorCode = keyof typeof X509_ERRORS;

/**
 * The X.509 codes, for tests and translators.
 *
 * @example
 * ```ts
 * X509_ERROR_CODES.includes('X509_CRL_MALFORMED'); // true
 * ```
 */
export const X509_ERROR_CODES = Object.keys(X509_ERRORS) as readonly X509ErrorCode[];

/**
 * A certificate or CRL could not be decoded.
 *
 * @example
 * ```ts
 * try { decodeCertificate(bytes) } catch (e) { if (e instanceof X509Error) console.log(e.code, e.detail) }
 * ```
 */
export class X509Error extends TrustbridgeError<X509ErrorCode> {
  /** What exactly is wrong, e.g. `certificate: bad Validity` (also the end of `message`). */
  readonly detail: string;

  /**
   * @param code - stable code
   * @param detail - what exactly is wrong (appended to the code's text)
   * @param options - `cause`
   */
  constructor(code: X509ErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${errorText(X509_ERRORS, code)}: ${detail}`, options);
    this.detail = detail;
  }
}
