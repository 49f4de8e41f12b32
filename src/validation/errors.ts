/**
 * Errors of RFC 5280 certification path validation. Every failure is a {@link PathValidationError}
 * with a stable `code` from {@link PATH_VALIDATION_ERRORS}.
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

/** The path-validation error codes (their status and text live in `ERROR_CATALOGUE`). */
const PATH_CODES = [
  'PATH_NO_CHAIN_FOUND',
  'PATH_SIGNATURE_INVALID',
  'PATH_ALGORITHM_UNSUPPORTED',
  'PATH_EXPIRED',
  'PATH_NOT_YET_VALID',
  'PATH_NOT_A_CA',
  'PATH_LENGTH_EXCEEDED',
  'PATH_NAME_CONSTRAINTS',
  'PATH_POLICY',
  'PATH_UNKNOWN_CRITICAL_EXTENSION',
  'PATH_KEY_USAGE',
  'PATH_EKU',
  'PATH_REVOKED',
  'PATH_CA_REVOKED',
  'PATH_REVOCATION_UNKNOWN',
  'PATH_PROFILE_VIOLATION',
  'PATH_PEER_NAME_MISMATCH',
  'PATH_MALFORMED',
] as const satisfies readonly ErrorCode[];

/** A stable path-validation error code. */
export type PathValidationCode = (typeof PATH_CODES)[number];

/**
 * The path-validation entries of the error catalogue. 422: the input was well-formed enough to
 * process but the certificate path is not acceptable.
 *
 * @example
 * ```ts
 * PATH_VALIDATION_ERRORS.PATH_REVOKED.status; // 422
 * ```
 */
export const PATH_VALIDATION_ERRORS = Object.fromEntries(PATH_CODES.map((c) => [c, ERROR_CATALOGUE[c]])) as {
  [K in PathValidationCode]: (typeof ERROR_CATALOGUE)[K];
};

/** Where in the path a failure was found and, for revocations, when and why. */
export interface PathFailureContext {
  /** Position in the path: 0 is the target, the last is the trust anchor. */
  certificateIndex?: number;
  /** Subject of the certificate at fault (RFC 4514 rendering). */
  subject?: string;
  /** For PATH_REVOKED / PATH_CA_REVOKED: the revocation date from the CRL entry. */
  revocationTime?: Date;
  /** For PATH_REVOKED / PATH_CA_REVOKED: the CRL reason code name, when given. */
  revocationReason?: string;
}

/**
 * A certification path failed RFC 5280 validation (or could not be built).
 *
 * @example
 * ```ts
 * try { validatePath(input) } catch (e) {
 *   if (e instanceof PathValidationError) console.log(e.code, e.detail, subIndicationFor(e.code));
 * }
 * ```
 */
export class PathValidationError extends TrustbridgeError {
  /** Human-readable detail (also the end of `message`). */
  readonly detail: string;
  /** Where the failure was found. */
  readonly context: PathFailureContext;

  /**
   * @param code - stable code from {@link PATH_VALIDATION_ERRORS}
   * @param detail - what exactly failed
   * @param context - certificate position, revocation data
   * @param options - `cause`
   */
  constructor(
    code: PathValidationCode,
    detail: string,
    context: PathFailureContext = {},
    options?: { cause?: unknown },
  ) {
    super(code, `${PATH_VALIDATION_ERRORS[code].text}: ${detail}`, options);
    this.detail = detail;
    this.context = context;
  }

  /** The path-validation code (the same value as `code`, typed as the closed union). */
  get pathCode(): PathValidationCode {
    return this.code as PathValidationCode;
  }
}

/**
 * Shorthand used across the validator: a {@link PathValidationError} to throw.
 *
 * @param code - stable code
 * @param detail - what failed
 * @param context - certificate position, revocation data
 * @param options - `cause`
 * @example
 * ```ts
 * throw pathError('PATH_EXPIRED', 'notAfter 2024-01-01T00:00:00Z', { certificateIndex: 0 });
 * ```
 */
export function pathError(
  code: PathValidationCode,
  detail: string,
  context?: PathFailureContext,
  options?: { cause?: unknown },
): PathValidationError {
  return new PathValidationError(code, detail, context, options);
}

/**
 * True when `e` is a {@link PathValidationError}, optionally with the given code.
 *
 * @param e - anything caught
 * @param code - the code to match
 * @example
 * ```ts
 * if (isPathValidationError(e, 'PATH_REVOKED')) reportRevoked(e.context.revocationTime);
 * ```
 */
export function isPathValidationError(e: unknown, code?: PathValidationCode): e is PathValidationError {
  return e instanceof PathValidationError && (code === undefined || e.pathCode === code);
}
