/** Errors of the RFC 3161 time-stamping client and token verification. */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

/**
 * A time-stamping error: the TSA could not be used, its answer is wrong, or a token does not verify.
 *
 * @example
 * ```ts
 * try { verifyTimeStampToken(token, { digest, hash: 'sha256' }) } catch (e) { if (e instanceof TimestampError) console.log(e.code) }
 * ```
 */
export class TimestampError extends TrustbridgeError {}

/** The codes time-stamping errors carry. */
export const TSP_ERROR = {
  /** The transport failed or the TSA answered with an HTTP error. */
  transport: 'TSP_TRANSPORT_FAILED',
  /** The answer is not a TimeStampResp. */
  responseMalformed: 'TSP_RESPONSE_MALFORMED',
  /** The TSA did not grant the time-stamp. */
  rejected: 'TSP_REJECTED',
  /** The token does not answer the request (nonce, message imprint, policy, certificate). */
  responseMismatch: 'TSP_RESPONSE_MISMATCH',
  /** The token is not an RFC 3161 TimeStampToken. */
  tokenMalformed: 'TSP_TOKEN_MALFORMED',
  /** The token is over other data. */
  imprintMismatch: 'TSP_IMPRINT_MISMATCH',
  /** The token's signature (or its messageDigest) does not verify. */
  signatureInvalid: 'TSP_SIGNATURE_INVALID',
  /** The TSA certificate is missing, not the one the token names, or not a time-stamping certificate. */
  certificateInvalid: 'TSP_CERTIFICATE_INVALID',
} as const satisfies Record<string, ErrorCode>;
