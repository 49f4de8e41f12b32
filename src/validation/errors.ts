/**
 * Errors of RFC 5280 certification path validation. Every failure is a {@link PathValidationError}
 * with a stable `code` from {@link PATH_VALIDATION_ERRORS}.
 *
 * MERGE NOTE: the entries of {@link PATH_VALIDATION_ERRORS} are written in the form of
 * `ERROR_CATALOGUE` in `src/lib/errors.ts` and are meant to be copied there; until then the
 * class below carries its own status table so that it works before and after the merge.
 */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

/**
 * The path-validation error codes with their HTTP status and catalogue text. 422: the input
 * was well-formed enough to process but the certificate path is not acceptable.
 *
 * @example
 * ```ts
 * PATH_VALIDATION_ERRORS.PATH_REVOKED.status; // 422
 * ```
 */
export const PATH_VALIDATION_ERRORS = {
  PATH_NO_CHAIN_FOUND: { status: 422, text: 'no certification path to a trust anchor was found' },
  PATH_SIGNATURE_INVALID: { status: 422, text: 'a certificate signature in the path does not verify' },
  PATH_ALGORITHM_UNSUPPORTED: {
    status: 422,
    text: 'a signature or key algorithm in the path is not supported',
  },
  PATH_EXPIRED: { status: 422, text: 'a certificate in the path has expired at the validation time' },
  PATH_NOT_YET_VALID: {
    status: 422,
    text: 'a certificate in the path is not yet valid at the validation time',
  },
  PATH_NOT_A_CA: { status: 422, text: 'an issuing certificate in the path is not a CA certificate' },
  PATH_LENGTH_EXCEEDED: { status: 422, text: 'the path is longer than a path length constraint allows' },
  PATH_NAME_CONSTRAINTS: { status: 422, text: 'a name in the path violates the name constraints' },
  PATH_POLICY: { status: 422, text: 'the path does not satisfy the certificate policy requirements' },
  PATH_UNKNOWN_CRITICAL_EXTENSION: {
    status: 422,
    text: 'a certificate in the path has an unrecognised critical extension',
  },
  PATH_KEY_USAGE: { status: 422, text: 'a certificate key usage does not allow its use in the path' },
  PATH_EKU: { status: 422, text: 'the end-entity certificate does not allow the required purpose' },
  PATH_REVOKED: { status: 422, text: 'the end-entity certificate is revoked' },
  PATH_CA_REVOKED: { status: 422, text: 'a CA certificate in the path is revoked' },
  PATH_REVOCATION_UNKNOWN: {
    status: 422,
    text: 'the revocation status of a certificate in the path cannot be determined',
  },
  PATH_PROFILE_VIOLATION: {
    status: 422,
    text: 'a certificate in the path violates the RFC 5280 certificate profile',
  },
  PATH_PEER_NAME_MISMATCH: {
    status: 422,
    text: 'the end-entity certificate does not name the expected peer',
  },
  PATH_MALFORMED: { status: 400, text: 'a certificate or CRL in the path is malformed' },
} as const satisfies Record<string, { status: number; text: string }>;

/** A stable path-validation error code. */
export type PathValidationCode = keyof typeof PATH_VALIDATION_ERRORS;

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
    // The PATH_* codes join ERROR_CATALOGUE at merge time; the cast keeps this file valid before.
    super(code as unknown as ErrorCode, `${PATH_VALIDATION_ERRORS[code].text}: ${detail}`, options);
    this.detail = detail;
    this.context = context;
  }

  /** The path-validation code (the same value as `code`, typed as the closed union). */
  get pathCode(): PathValidationCode {
    return this.code as unknown as PathValidationCode;
  }

  override get status(): number {
    return PATH_VALIDATION_ERRORS[this.pathCode].status;
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
