/**
 * Errors of the CERT-to-CERT exchange (STIX 2.1 validation, TLP, partners, the TAXII 2.1
 * server). Every failure is a {@link CertError} with a stable code from {@link CERT_ERRORS}.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';

/**
 * The CERT exchange codes and their texts.
 *
 * @example
 * ```ts
 * CERT_ERRORS.TAXII_NOT_FOUND.text;
 * ```
 */
export const CERT_ERRORS = {
  CERT_STIX_INVALID: { text: 'the STIX 2.1 object is not valid' },
  CERT_ARGUMENT_INVALID: { text: 'an argument of the CERT exchange is invalid' },
  CERT_PARTNER_EXISTS: { text: 'a partner with this name already exists' },
  CERT_PARTNER_UNKNOWN: { text: 'no such partner' },
  TAXII_UNAUTHORIZED: { text: 'authentication is required (HTTP Basic or bearer token)' },
  TAXII_FORBIDDEN: { text: 'the partner may not do this on this collection' },
  TAXII_NOT_FOUND: { text: 'no such TAXII resource' },
  TAXII_NOT_ACCEPTABLE: { text: 'the Accept header names no media type this endpoint serves' },
  TAXII_UNSUPPORTED_MEDIA_TYPE: { text: 'the Content-Type is not application/taxii+json;version=2.1' },
  TAXII_BAD_REQUEST: { text: 'the request is malformed' },
  TAXII_TOO_LARGE: { text: 'the request body exceeds the API root max_content_length' },
  TAXII_CURSOR_INVALID: { text: 'the next cursor is not one this server issued for this request' },
  TAXII_AUTH_RATE_LIMITED: { text: 'too many failed authentications from this client; retry later' },
  CERT_ALERT_NOT_FOUND: { text: 'no such alert' },
  CERT_ALERT_ACTED: { text: 'the alert was already acted on' },
  CERT_ALERT_STATE: { text: 'the alert is not in a state that allows this' },
  CERT_REMOTE_EXISTS: { text: 'a remote TAXII server with this name is already configured' },
  CERT_REMOTE_UNKNOWN: { text: 'no such remote TAXII server' },
  CERT_SYNC_BUSY: { text: 'another sync of this remote is running' },
  TAXII_CLIENT_UNREACHABLE: { text: 'the remote TAXII server could not be reached' },
  TAXII_CLIENT_TIMEOUT: { text: 'the remote TAXII server did not answer in time' },
  TAXII_CLIENT_REFUSED: { text: 'the remote TAXII server refused our credentials or permissions' },
  TAXII_CLIENT_ERROR: { text: 'the remote TAXII server answered with an error' },
  TAXII_CLIENT_MEDIA_TYPE: { text: 'the remote TAXII server answered with the wrong media type' },
  TAXII_CLIENT_MALFORMED: { text: 'the remote TAXII server answered with a malformed resource' },
  TAXII_CLIENT_TOO_LARGE: { text: 'the remote TAXII server answered with more than the size limit' },
} as const satisfies ErrorList;

/** A stable CERT exchange code. */
export type CertErrorCode = keyof typeof CERT_ERRORS;

/**
 * The HTTP status of each CERT code (the TAXII routes answer with it; the server's map includes it).
 *
 * @example
 * ```ts
 * CERT_HTTP_STATUS.TAXII_NOT_ACCEPTABLE; // 406
 * ```
 */
export const CERT_HTTP_STATUS = {
  CERT_STIX_INVALID: 400,
  CERT_ARGUMENT_INVALID: 400,
  CERT_PARTNER_EXISTS: 409,
  CERT_PARTNER_UNKNOWN: 404,
  TAXII_UNAUTHORIZED: 401,
  TAXII_FORBIDDEN: 403,
  TAXII_NOT_FOUND: 404,
  TAXII_NOT_ACCEPTABLE: 406,
  TAXII_UNSUPPORTED_MEDIA_TYPE: 415,
  TAXII_BAD_REQUEST: 400,
  TAXII_TOO_LARGE: 413,
  TAXII_CURSOR_INVALID: 400,
  TAXII_AUTH_RATE_LIMITED: 429,
  CERT_ALERT_NOT_FOUND: 404,
  CERT_ALERT_ACTED: 409,
  CERT_ALERT_STATE: 409,
  CERT_REMOTE_EXISTS: 409,
  CERT_REMOTE_UNKNOWN: 404,
  CERT_SYNC_BUSY: 409,
  // A remote server's failure, seen from this node: a bad gateway (or its timeout).
  TAXII_CLIENT_UNREACHABLE: 502,
  TAXII_CLIENT_TIMEOUT: 504,
  TAXII_CLIENT_REFUSED: 502,
  TAXII_CLIENT_ERROR: 502,
  TAXII_CLIENT_MEDIA_TYPE: 502,
  TAXII_CLIENT_MALFORMED: 502,
  TAXII_CLIENT_TOO_LARGE: 502,
} as const satisfies Record<CertErrorCode, number>;

/**
 * A CERT exchange operation was refused.
 *
 * @example
 * ```ts
 * throw new CertError('TAXII_NOT_FOUND', 'no collection 9f1c…');
 * ```
 */
export class CertError extends TrustbridgeError<CertErrorCode | LibErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: CertErrorCode | LibErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, detail, options);
  }

  /** The HTTP status of its code. */
  get status(): number {
    const own = (CERT_HTTP_STATUS as Record<string, number | undefined>)[this.code];
    if (own !== undefined) return own;
    return this.code === 'INPUT_TOO_LARGE' ? 413 : this.code === 'INTERNAL' ? 500 : 400;
  }
}
