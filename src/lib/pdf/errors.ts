/**
 * Errors of the PDF reader and writer (ISO 32000-1). Every failure to read a PDF is a
 * {@link PdfError} with `PDF_MALFORMED` (cannot be parsed) or `PDF_UNSUPPORTED` (encryption and
 * other features deliberately not handled). Internal to trustbridge.
 */
import { TrustbridgeError } from '../errors.js';
import type { ErrorList } from '../errors.js';

/**
 * The PDF codes and their texts.
 *
 * @example
 * ```ts
 * PDF_ERRORS.PDF_MALFORMED.text;
 * ```
 */
export const PDF_ERRORS = {
  PDF_MALFORMED: { text: 'the PDF could not be parsed' },
  PDF_UNSUPPORTED: { text: 'the PDF uses a feature that is not supported (encryption, ...)' },
} as const satisfies ErrorList;

/** The codes the PDF layer throws. */
export type PdfErrorCode = keyof typeof PDF_ERRORS;

/**
 * A PDF could not be read or written.
 *
 * @example
 * ```ts
 * throw new PdfError('PDF_MALFORMED', 'no startxref in the last 4 KiB');
 * ```
 */
export class PdfError extends TrustbridgeError<PdfErrorCode> {
  /**
   * @param code - `PDF_MALFORMED` or `PDF_UNSUPPORTED`
   * @param detail - what exactly failed
   * @param options - `cause`
   */
  constructor(code: PdfErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${code === 'PDF_MALFORMED' ? 'malformed PDF' : 'unsupported PDF'}: ${detail}`, options);
  }
}

/**
 * Throws PDF_MALFORMED.
 *
 * @example `if (!dict) malformed('the trailer is not a dictionary')`
 */
export function malformed(detail: string): never {
  throw new PdfError('PDF_MALFORMED', detail);
}

/**
 * Throws PDF_UNSUPPORTED.
 *
 * @example `if (trailer.has('Encrypt')) unsupported('the document is encrypted')`
 */
export function unsupported(detail: string): never {
  throw new PdfError('PDF_UNSUPPORTED', detail);
}
