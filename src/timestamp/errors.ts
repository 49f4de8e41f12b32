/** Errors of the RFC 3161 time-stamping client and token verification. */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';

/**
 * The time-stamping codes and their texts.
 *
 * @example
 * ```ts
 * TIMESTAMP_ERRORS.TSP_REJECTED.text;
 * ```
 */
export const TIMESTAMP_ERRORS = {
  TSP_TRANSPORT_FAILED: {
    text: 'the time-stamping authority could not be reached or answered with an HTTP error',
  },
  TSP_RESPONSE_MALFORMED: {
    text: 'the time-stamping authority did not answer with an RFC 3161 TimeStampResp',
  },
  TSP_REJECTED: { text: 'the time-stamping authority did not grant the time-stamp' },
  TSP_RESPONSE_MISMATCH: {
    text: 'the time-stamp token does not answer the request (nonce, message imprint, policy or certificate)',
  },
  TSP_TOKEN_MALFORMED: { text: 'the time-stamp token is not a valid RFC 3161 token' },
  TSP_IMPRINT_MISMATCH: { text: 'the time-stamp token is over other data' },
  TSP_SIGNATURE_INVALID: { text: 'the time-stamp token signature does not verify' },
  TSP_CERTIFICATE_INVALID: {
    text: 'the TSA certificate is missing, does not match the token, or is not a time-stamping certificate',
  },
} as const satisfies ErrorList;

/** A code {@link TimestampError} carries: its own list or lib's shared codes. */
export type TimestampErrorCode = keyof typeof TIMESTAMP_ERRORS | LibErrorCode;

/**
 * A time-stamping error: the TSA could not be used, its answer is wrong, or a token does not verify.
 *
 * @example
 * ```ts
 * throw new TimestampError('TSP_REJECTED', 'the TSA answered rejection');
 * ```
 */
export class TimestampError extends TrustbridgeError<TimestampErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: TimestampErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(TIMESTAMP_ERRORS, code), options);
  }
}
