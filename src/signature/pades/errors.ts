/**
 * Errors of PAdES (ETSI EN 319 142-1) signing and reading. Every failure is a {@link PadesError}
 * with a stable `code` from {@link PADES_ERRORS}; the PDF layer underneath throws `PdfError` with
 * the same PDF codes.
 */
import type { ErrorList } from '../../lib/errors.js';
import { PDF_ERRORS } from '../../lib/pdf/errors.js';
import type { PdfErrorCode } from '../../lib/pdf/errors.js';
import { SignatureError } from '../errors.js';

/**
 * The PAdES codes and their texts (the PDF codes stay in lib's PDF list).
 *
 * @example
 * ```ts
 * PADES_ERRORS.PADES_MALFORMED.text;
 * ```
 */
export const PADES_ERRORS = {
  PADES_MALFORMED: { text: 'the PDF signature dictionary is not valid PAdES' },
} as const satisfies ErrorList;

/** A stable PAdES error code. */
export type PadesErrorCode = keyof typeof PADES_ERRORS | PdfErrorCode;

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
    super(code, `${{ ...PDF_ERRORS, ...PADES_ERRORS }[code].text}: ${detail}`, options);
  }
}
