/**
 * Errors of the OpenID Connect login (src/login). Every refusal is a {@link LoginError} with a
 * stable code from {@link LOGIN_ERRORS}; the login pages show
 * its text, the wallet API answers `{error: {code, message}}`.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorList } from '../lib/errors.js';

/**
 * The login codes and their texts.
 *
 * @example
 * ```ts
 * LOGIN_ERRORS.LOGIN_CLIENT_UNKNOWN.text;
 * ```
 */
export const LOGIN_ERRORS = {
  LOGIN_CLIENT_UNKNOWN: { text: 'no relying party with that client identifier' },
  LOGIN_CLIENT_INVALID: { text: 'the relying party registration is invalid' },
  LOGIN_INTERACTION_UNKNOWN: {
    text: 'the login session is unknown or has expired; start again from the service',
  },
  LOGIN_CSRF: { text: 'the form was not submitted from the login page (CSRF token missing or wrong)' },
  LOGIN_RATE_LIMITED: { text: 'too many login attempts; wait and try again' },
  LOGIN_CHALLENGE_UNKNOWN: { text: 'no such login challenge' },
  LOGIN_CHALLENGE_EXPIRED: { text: 'the login challenge has expired' },
  LOGIN_CHALLENGE_USED: { text: 'the login challenge was already answered (replay)' },
  LOGIN_RESPONSE_MALFORMED: { text: 'the signed challenge response is malformed' },
  LOGIN_SIGNATURE_INVALID: { text: 'the challenge signature does not verify' },
  LOGIN_CERTIFICATE_UNTRUSTED: {
    text: 'the authentication certificate does not chain to this node or is not an eID authentication certificate',
  },
  LOGIN_WRONG_COUNTRY: { text: 'the eID was issued by another country' },
  LOGIN_EID_REVOKED: { text: 'the eID is revoked' },
  LOGIN_EID_SUSPENDED: { text: 'the eID is suspended' },
  LOGIN_EID_STATUS_UNKNOWN: { text: 'the revocation status of the eID cannot be determined' },
  LOGIN_PERSON_UNKNOWN: { text: 'the eID holder is not in the population register' },
  LOGIN_COUNTRY_UNKNOWN: { text: 'no trusted member country with that code' },
  LOGIN_UPSTREAM_FAILED: { text: "the citizen's home node did not complete the login" },
  LOGIN_UPSTREAM_TOKEN_INVALID: { text: "the home node's ID token is invalid or untrusted" },
} as const satisfies ErrorList;

/** A stable login error code. */
export type LoginErrorCode = keyof typeof LOGIN_ERRORS;

/**
 * The login codes, for tests and pages.
 *
 * @example
 * ```ts
 * LOGIN_ERROR_CODES.includes('LOGIN_EID_REVOKED'); // true
 * ```
 */
export const LOGIN_ERROR_CODES = Object.keys(LOGIN_ERRORS) as readonly LoginErrorCode[];

/**
 * A login was refused.
 *
 * @example
 * ```ts
 * try { await verifyWalletResponse(ctx, jws) } catch (e) { if (e instanceof LoginError) console.log(e.code) }
 * ```
 */
export class LoginError extends TrustbridgeError<LoginErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong (appended to the code's text)
   * @param options - `cause`
   */
  constructor(code: LoginErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, detail ? `${LOGIN_ERRORS[code].text}: ${detail}` : LOGIN_ERRORS[code].text, options);
  }
}
