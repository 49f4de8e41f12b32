/**
 * Errors of the X.509 decoders (src/x509). A certificate or CRL that cannot be decoded is an
 * {@link X509Error} with a stable code from the "X.509" section of `ERROR_CATALOGUE`. The layers
 * above translate it to their own codes where they have promised one (path validation reports
 * PATH_MALFORMED, `parseCertificate` PKI_CERT_MALFORMED).
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

const X509_CODES = [
  'X509_CERTIFICATE_MALFORMED',
  'X509_CRL_MALFORMED',
] as const satisfies readonly ErrorCode[];

/** A stable X.509 decoding error code. */
export type X509ErrorCode = (typeof X509_CODES)[number];

/**
 * The X.509 codes, for tests and translators.
 *
 * @example
 * ```ts
 * X509_ERROR_CODES.includes('X509_CRL_MALFORMED'); // true
 * ```
 */
export const X509_ERROR_CODES: readonly X509ErrorCode[] = X509_CODES;

/**
 * A certificate or CRL could not be decoded.
 *
 * @example
 * ```ts
 * try { decodeCertificate(bytes) } catch (e) { if (e instanceof X509Error) console.log(e.code, e.detail) }
 * ```
 */
export class X509Error extends TrustbridgeError {
  /** What exactly is wrong, e.g. `certificate: bad Validity` (also the end of `message`). */
  readonly detail: string;

  /**
   * @param code - stable code
   * @param detail - what exactly is wrong (appended to the catalogue text)
   * @param options - `cause`
   */
  constructor(code: X509ErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${ERROR_CATALOGUE[code].text}: ${detail}`, options);
    this.detail = detail;
  }
}
