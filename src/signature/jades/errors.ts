/**
 * Errors of JAdES (ETSI TS 119 182-1) parsing and verification. Every failure is a
 * {@link JadesError} with a stable `code` from {@link JADES_ERRORS}.
 */
import { ERROR_CATALOGUE } from '../../lib/errors.js';
import type { ErrorCode } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';

/** The JAdES error codes (their status and text live in `ERROR_CATALOGUE`). */
const JADES_CODES = [
  'JADES_MALFORMED',
  'JADES_HEADER_INVALID',
  'JADES_ALGORITHM_UNSUPPORTED',
  'JADES_CERTIFICATE_MISMATCH',
  'JADES_SIGNATURE_INVALID',
] as const satisfies readonly ErrorCode[];

/** A stable JAdES error code. */
export type JadesErrorCode = (typeof JADES_CODES)[number];

/**
 * The JAdES entries of the error catalogue.
 *
 * @example
 * ```ts
 * JADES_ERRORS.JADES_SIGNATURE_INVALID.status; // 400
 * ```
 */
export const JADES_ERRORS = Object.fromEntries(JADES_CODES.map((c) => [c, ERROR_CATALOGUE[c]])) as {
  [K in JadesErrorCode]: (typeof ERROR_CATALOGUE)[K];
};

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
    super(code, `${JADES_ERRORS[code].text}: ${detail}`, options);
  }
}
