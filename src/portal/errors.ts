/**
 * Errors of the web pages (cooperation portal and citizen pages). Every refusal is a
 * {@link PortalError} with a stable code from {@link PORTAL_ERRORS}; the pages show it in an
 * HTML error page with the status of {@link PORTAL_HTTP_STATUS}.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorList } from '../lib/errors.js';

/**
 * The portal codes and their texts.
 *
 * @example
 * ```ts
 * PORTAL_ERRORS.PORTAL_FORM_FORGED.text;
 * ```
 */
export const PORTAL_ERRORS = {
  PORTAL_FORM_FORGED: {
    text: 'the form did not come from this site (missing or wrong CSRF token, or another origin)',
  },
  PORTAL_UPLOAD_INVALID: { text: 'the form must carry one file, sent as multipart/form-data' },
  PORTAL_DOCUMENT_UNSUPPORTED: {
    text: 'the file is not a signed document this site reads (PDF, CMS, JSON or XML signature, ASiC)',
  },
} as const satisfies ErrorList;

/** A stable portal error code. */
export type PortalErrorCode = keyof typeof PORTAL_ERRORS;

/**
 * The HTTP status of each portal code.
 *
 * @example
 * ```ts
 * PORTAL_HTTP_STATUS.PORTAL_FORM_FORGED; // 403
 * ```
 */
export const PORTAL_HTTP_STATUS = {
  PORTAL_FORM_FORGED: 403,
  PORTAL_UPLOAD_INVALID: 400,
  PORTAL_DOCUMENT_UNSUPPORTED: 415,
} as const satisfies Record<PortalErrorCode, number>;

/**
 * A request to a page was refused.
 *
 * @example
 * ```ts
 * throw new PortalError('PORTAL_FORM_FORGED', 'no CSRF token');
 * ```
 */
export class PortalError extends TrustbridgeError<PortalErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly happened (appended to the code's text)
   * @param options - `cause`
   */
  constructor(code: PortalErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(code, detail ? `${PORTAL_ERRORS[code].text}: ${detail}` : PORTAL_ERRORS[code].text, options);
  }
}
