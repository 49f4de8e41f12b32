/**
 * Errors of PAdES (ETSI EN 319 142-1) signing and reading. Every failure is a {@link PadesError}
 * with a stable `code` from {@link PADES_ERRORS}; the PDF layer underneath throws `PdfError` with
 * the same PDF codes.
 */
import { ERROR_CATALOGUE } from '../../lib/errors.js';
import type { ErrorCode } from '../../lib/errors.js';
import { SignatureError } from '../errors.js';

/** The PAdES error codes (their status and text live in `ERROR_CATALOGUE`). */
const PADES_CODES = [
  'PDF_MALFORMED',
  'PDF_UNSUPPORTED',
  'PADES_MALFORMED',
] as const satisfies readonly ErrorCode[];

/** A stable PAdES error code. */
export type PadesErrorCode = (typeof PADES_CODES)[number];

/**
 * The PAdES entries of the error catalogue.
 *
 * @example
 * ```ts
 * PADES_ERRORS.PADES_MALFORMED.status; // 400
 * ```
 */
export const PADES_ERRORS = Object.fromEntries(PADES_CODES.map((c) => [c, ERROR_CATALOGUE[c]])) as {
  [K in PadesErrorCode]: (typeof ERROR_CATALOGUE)[K];
};

/**
 * A PDF cannot be signed, or a PDF signature cannot be read.
 *
 * @example
 * ```ts
 * try { await signPades(params) } catch (e) { if (e instanceof PadesError) console.log(e.code) }
 * ```
 */
export class PadesError extends SignatureError {
  /**
   * @param code - stable code from {@link PADES_ERRORS}
   * @param detail - what exactly failed
   * @param options - `cause`
   */
  constructor(code: PadesErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${PADES_ERRORS[code].text}: ${detail}`, options);
  }
}
