/**
 * Errors of the sample public service (the VN tax portal). Every failure it shows is a
 * {@link TaxPortalError} with a stable code from {@link TAX_PORTAL_ERRORS}; the portal serves its
 * own pages, so the HTTP status of each code is kept here too and the server's map includes it.
 */
import { TrustbridgeError } from '../../lib/errors.js';
import type { ErrorList } from '../../lib/errors.js';

/**
 * The tax portal codes and their texts.
 *
 * @example
 * ```ts
 * TAX_PORTAL_ERRORS.TAX_PORTAL_NO_LOGIN.text;
 * ```
 */
export const TAX_PORTAL_ERRORS = {
  TAX_PORTAL_NO_LOGIN: {
    text: 'no login is in progress in this browser (it expired or has already been completed); log in again',
  },
  TAX_PORTAL_FORM_FORGED: {
    text: 'the form did not come from this portal (missing or wrong CSRF token, or another origin)',
  },
  TAX_PORTAL_LOGIN_REFUSED: { text: 'the eID login service did not log you in' },
  TAX_PORTAL_LOGIN_FAILED: { text: "the eID login service's answer could not be verified" },
  TAX_PORTAL_PROVIDER_UNREACHABLE: { text: 'the eID login service cannot be reached; try again later' },
  TAX_PORTAL_NOT_FOUND: { text: 'no such page' },
  TAX_PORTAL_REQUEST_INVALID: { text: 'the request is not one this portal accepts' },
} as const satisfies ErrorList;

/** A stable tax portal error code. */
export type TaxPortalErrorCode = keyof typeof TAX_PORTAL_ERRORS;

/**
 * The HTTP status of each tax portal code.
 *
 * @example
 * ```ts
 * TAX_PORTAL_HTTP_STATUS.TAX_PORTAL_FORM_FORGED; // 403
 * ```
 */
export const TAX_PORTAL_HTTP_STATUS = {
  TAX_PORTAL_NO_LOGIN: 400,
  TAX_PORTAL_FORM_FORGED: 403,
  TAX_PORTAL_LOGIN_REFUSED: 401,
  TAX_PORTAL_LOGIN_FAILED: 502,
  TAX_PORTAL_PROVIDER_UNREACHABLE: 502,
  TAX_PORTAL_NOT_FOUND: 404,
  TAX_PORTAL_REQUEST_INVALID: 400,
} as const satisfies Record<TaxPortalErrorCode, number>;

/**
 * A request to the tax portal was refused, or a login did not complete.
 *
 * @example
 * ```ts
 * throw new TaxPortalError('TAX_PORTAL_LOGIN_REFUSED', 'access_denied: the citizen cancelled the login');
 * ```
 */
export class TaxPortalError extends TrustbridgeError<TaxPortalErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly happened (appended to the code's text)
   * @param options - `cause`
   */
  constructor(code: TaxPortalErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(
      code,
      detail ? `${TAX_PORTAL_ERRORS[code].text}: ${detail}` : TAX_PORTAL_ERRORS[code].text,
      options,
    );
  }
}
