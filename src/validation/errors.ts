/**
 * Errors of RFC 5280 certification path validation. Every failure is a {@link PathValidationError}
 * with a stable `code` from {@link PATH_VALIDATION_ERRORS}.
 */
import { TrustbridgeError, errorText } from '../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../lib/errors.js';
import { SIGNATURE_ERRORS } from '../signature/errors.js';
import type { SignatureErrorCode } from '../signature/errors.js';

/**
 * The RFC 5280 path-validation codes and their texts.
 *
 * @example
 * ```ts
 * PATH_VALIDATION_ERRORS.PATH_NO_CHAIN_FOUND.text;
 * ```
 */
export const PATH_VALIDATION_ERRORS = {
  PATH_NO_CHAIN_FOUND: { text: 'no certification path to a trust anchor was found' },
  PATH_SIGNATURE_INVALID: { text: 'a certificate signature in the path does not verify' },
  PATH_ALGORITHM_UNSUPPORTED: { text: 'a signature or key algorithm in the path is not supported' },
  PATH_EXPIRED: { text: 'a certificate in the path has expired at the validation time' },
  PATH_NOT_YET_VALID: { text: 'a certificate in the path is not yet valid at the validation time' },
  PATH_NOT_A_CA: { text: 'an issuing certificate in the path is not a CA certificate' },
  PATH_LENGTH_EXCEEDED: { text: 'the path is longer than a path length constraint allows' },
  PATH_NAME_CONSTRAINTS: { text: 'a name in the path violates the name constraints' },
  PATH_POLICY: { text: 'the path does not satisfy the certificate policy requirements' },
  PATH_UNKNOWN_CRITICAL_EXTENSION: {
    text: 'a certificate in the path has an unrecognised critical extension',
  },
  PATH_KEY_USAGE: { text: 'a certificate key usage does not allow its use in the path' },
  PATH_EKU: { text: 'the end-entity certificate does not allow the required purpose' },
  PATH_REVOKED: { text: 'the end-entity certificate is revoked' },
  PATH_CA_REVOKED: { text: 'a CA certificate in the path is revoked' },
  PATH_REVOCATION_UNKNOWN: {
    text: 'the revocation status of a certificate in the path cannot be determined',
  },
  PATH_PROFILE_VIOLATION: { text: 'a certificate in the path violates the RFC 5280 certificate profile' },
  PATH_PEER_NAME_MISMATCH: { text: 'the end-entity certificate does not name the expected peer' },
  PATH_MALFORMED: { text: 'a certificate or CRL in the path is malformed' },
} as const satisfies ErrorList;

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
export class PathValidationError extends TrustbridgeError<PathValidationCode> {
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

/**
 * The codes of document validation (EN 319 102-1) outside path validation, and their texts.
 *
 * @example
 * ```ts
 * VALIDATION_ERRORS.VALIDATION_FORMAT_UNKNOWN.text;
 * ```
 */
export const VALIDATION_ERRORS = {
  VALIDATION_FORMAT_UNKNOWN: { text: 'the document is not a signed format trustbridge reads' },
  VALIDATION_TRUST_SOURCE_INVALID: { text: 'a trust source could not be read' },
  VALIDATION_POLICY_INVALID: { text: 'the validation policy is not valid' },
  VALIDATION_TIME_INVALID: { text: 'the validation time is not an ISO 8601 date-time' },
  REPORT_MALFORMED: { text: 'the validation report has a malformed field and cannot be rendered' },
} as const satisfies ErrorList;

/** A code {@link ValidationError} carries: its own list, lib's shared codes, or "no
 * signature" (listed by signature, whose readers find none first). */
export type ValidationErrorCode =
  keyof typeof VALIDATION_ERRORS | LibErrorCode | Extract<SignatureErrorCode, 'VALIDATION_NO_SIGNATURE'>;

/**
 * A document could not be validated: unknown format, bad trust source, policy or time.
 *
 * @example
 * ```ts
 * throw new ValidationError('VALIDATION_FORMAT_UNKNOWN');
 * ```
 */
export class ValidationError extends TrustbridgeError<ValidationErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: ValidationErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText({ ...SIGNATURE_ERRORS, ...VALIDATION_ERRORS }, code), options);
  }
}
