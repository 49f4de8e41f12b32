/**
 * Errors of the OpenID Connect login (src/login). Every refusal is a {@link LoginError} with a
 * stable code from the "OpenID Connect login" section of `ERROR_CATALOGUE`; the login pages show
 * its text, the wallet API answers `{error: {code, message}}`.
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

const LOGIN_CODES = [
  'LOGIN_CLIENT_UNKNOWN',
  'LOGIN_CLIENT_INVALID',
  'LOGIN_INTERACTION_UNKNOWN',
  'LOGIN_CSRF',
  'LOGIN_RATE_LIMITED',
  'LOGIN_CHALLENGE_UNKNOWN',
  'LOGIN_CHALLENGE_EXPIRED',
  'LOGIN_CHALLENGE_USED',
  'LOGIN_RESPONSE_MALFORMED',
  'LOGIN_SIGNATURE_INVALID',
  'LOGIN_CERTIFICATE_UNTRUSTED',
  'LOGIN_WRONG_COUNTRY',
  'LOGIN_EID_REVOKED',
  'LOGIN_EID_SUSPENDED',
  'LOGIN_EID_STATUS_UNKNOWN',
  'LOGIN_PERSON_UNKNOWN',
  'LOGIN_COUNTRY_UNKNOWN',
  'LOGIN_UPSTREAM_FAILED',
  'LOGIN_UPSTREAM_TOKEN_INVALID',
] as const satisfies readonly ErrorCode[];

/** A stable login error code. */
export type LoginErrorCode = (typeof LOGIN_CODES)[number];

/**
 * The login codes, for tests and pages.
 *
 * @example
 * ```ts
 * LOGIN_ERROR_CODES.includes('LOGIN_EID_REVOKED'); // true
 * ```
 */
export const LOGIN_ERROR_CODES: readonly LoginErrorCode[] = LOGIN_CODES;

/**
 * A login was refused.
 *
 * @example
 * ```ts
 * try { await verifyWalletResponse(ctx, jws) } catch (e) { if (e instanceof LoginError) console.log(e.code) }
 * ```
 */
export class LoginError extends TrustbridgeError {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong (appended to the catalogue text)
   * @param options - `cause`
   */
  constructor(code: LoginErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, detail ? `${ERROR_CATALOGUE[code].text}: ${detail}` : ERROR_CATALOGUE[code].text, options);
  }
}
