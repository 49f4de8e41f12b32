/**
 * The HTTP statuses of the login pages and the wallet API. Login serves HTTP itself (below
 * `server/`), so it is an HTTP edge for its own codes; the server passes its complete map in
 * (`statusOf`) so any other code reaching a login page is answered as the API would answer it.
 */
import type { LibErrorCode } from '../lib/errors.js';
import type { LoginErrorCode } from './errors.js';

/** The HTTP status of an error code, as the HTTP edge decides it. */
export type HttpStatusOf = (code: string) => number;

/**
 * The status of each login code and of lib's shared codes.
 *
 * @example
 * ```ts
 * LOGIN_HTTP_STATUS.LOGIN_EID_REVOKED; // 403
 * ```
 */
export const LOGIN_HTTP_STATUS = {
  LOGIN_CLIENT_UNKNOWN: 404,
  LOGIN_CLIENT_INVALID: 400,
  LOGIN_INTERACTION_UNKNOWN: 400,
  LOGIN_CSRF: 403,
  LOGIN_RATE_LIMITED: 429,
  LOGIN_CHALLENGE_UNKNOWN: 404,
  LOGIN_CHALLENGE_EXPIRED: 410,
  LOGIN_CHALLENGE_USED: 409,
  LOGIN_RESPONSE_MALFORMED: 400,
  LOGIN_SIGNATURE_INVALID: 401,
  LOGIN_CERTIFICATE_UNTRUSTED: 403,
  LOGIN_WRONG_COUNTRY: 403,
  LOGIN_EID_REVOKED: 403,
  LOGIN_EID_SUSPENDED: 403,
  LOGIN_EID_STATUS_UNKNOWN: 503,
  LOGIN_PERSON_UNKNOWN: 403,
  LOGIN_COUNTRY_UNKNOWN: 400,
  LOGIN_UPSTREAM_FAILED: 502,
  LOGIN_UPSTREAM_TOKEN_INVALID: 502,
  USAGE_INVALID_ARGUMENT: 400,
  INPUT_MALFORMED: 400,
  INPUT_TOO_LARGE: 413,
  PORT_IN_USE: 409,
  INTERNAL: 500,
} as const satisfies Record<LoginErrorCode | LibErrorCode, number>;

/**
 * The status the login pages answer `code` with when no map is passed in (500 when unknown).
 *
 * @param code - a trustbridge error code
 * @example
 * ```ts
 * loginHttpStatus('LOGIN_CSRF'); // 403
 * ```
 */
export function loginHttpStatus(code: string): number {
  return Object.hasOwn(LOGIN_HTTP_STATUS, code)
    ? LOGIN_HTTP_STATUS[code as keyof typeof LOGIN_HTTP_STATUS]
    : 500;
}
