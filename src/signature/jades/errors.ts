/**
 * Errors of JAdES (ETSI TS 119 182-1) parsing and verification. Every failure is a
 * {@link JadesError} with a stable `code` from {@link JADES_ERRORS}.
 *
 * MERGE NOTE: the entries of {@link JADES_ERRORS} are written in the form of `ERROR_CATALOGUE`
 * in `src/lib/errors.ts` and are meant to be copied there; until then the class below carries
 * its own status table so that it works before and after the merge.
 */
import type { ErrorCode } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';

/**
 * The JAdES error codes with their HTTP status and catalogue text.
 *
 * @example
 * ```ts
 * JADES_ERRORS.JADES_SIGNATURE_INVALID.status; // 400
 * ```
 */
export const JADES_ERRORS = {
  JADES_MALFORMED: { status: 400, text: 'the JWS is not a valid compact or JSON serialization' },
  JADES_HEADER_INVALID: {
    status: 400,
    text: 'the JWS protected header breaks RFC 7515 or ETSI TS 119 182-1',
  },
  JADES_ALGORITHM_UNSUPPORTED: { status: 400, text: 'the JWS signature algorithm is not supported' },
  JADES_CERTIFICATE_MISMATCH: {
    status: 400,
    text: 'the signing certificate does not match x5t#S256 or the signature algorithm',
  },
  JADES_SIGNATURE_INVALID: { status: 400, text: 'the JWS signature does not verify' },
} as const satisfies Record<string, { status: number; text: string }>;

/** A stable JAdES error code. */
export type JadesErrorCode = keyof typeof JADES_ERRORS;

/**
 * A JWS / JAdES signature could not be read or does not verify.
 *
 * @example
 * ```ts
 * try { verifyJades(jws) } catch (e) { if (e instanceof JadesError) console.log(e.code) }
 * ```
 */
export class JadesError extends SignatureError {
  /**
   * @param code - stable code from {@link JADES_ERRORS}
   * @param detail - what exactly failed
   * @param options - `cause`
   */
  constructor(code: JadesErrorCode, detail: string, options?: { cause?: unknown }) {
    // The JADES_* codes join ERROR_CATALOGUE at merge time; the cast keeps this file valid before.
    super(code as unknown as ErrorCode, `${JADES_ERRORS[code].text}: ${detail}`, options);
  }

  override get status(): number {
    return JADES_ERRORS[this.code as unknown as JadesErrorCode].status;
  }
}
