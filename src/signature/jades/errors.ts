/**
 * Errors of JAdES (ETSI TS 119 182-1) parsing and verification. Every failure is a
 * {@link JadesError} with a stable `code` from {@link JADES_ERRORS}.
 */
import type { ErrorList } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';

/**
 * The JAdES codes and their texts.
 *
 * @example
 * ```ts
 * JADES_ERRORS.JADES_MALFORMED.text;
 * ```
 */
export const JADES_ERRORS = {
  JADES_MALFORMED: { text: 'the JWS is not a valid compact or JSON serialization' },
  JADES_HEADER_INVALID: { text: 'the JWS protected header breaks RFC 7515 or ETSI TS 119 182-1' },
  JADES_ALGORITHM_UNSUPPORTED: { text: 'the JWS signature algorithm is not supported' },
  JADES_CERTIFICATE_MISMATCH: {
    text: 'the signing certificate does not match x5t#S256 or the signature algorithm',
  },
  JADES_SIGNATURE_INVALID: { text: 'the JWS signature does not verify' },
} as const satisfies ErrorList;

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
    super(code, `${JADES_ERRORS[code].text}: ${detail}`, options);
  }
}
