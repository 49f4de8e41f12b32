/** Errors of the ASiC container reader. */
import { TrustbridgeError, errorText } from '../../lib/errors.js';
import type { ErrorList, LibErrorCode } from '../../lib/errors.js';
import type { ZipErrorCode } from '../../lib/zip/errors.js';

/**
 * The ASiC codes and their texts.
 *
 * @example
 * ```ts
 * ASIC_ERRORS.ASIC_MALFORMED.text;
 * ```
 */
export const ASIC_ERRORS = {
  ASIC_MALFORMED: { text: 'the container is not a valid ASiC-S / ASiC-E container' },
} as const satisfies ErrorList;

/** A code {@link AsicError} carries: its own, lib's shared ones, the ZIP reader's, or "no signature". */
export type AsicErrorCode =
  keyof typeof ASIC_ERRORS | LibErrorCode | ZipErrorCode | 'VALIDATION_NO_SIGNATURE';

/**
 * Error thrown by `src/signature/asic/`: `ASIC_MALFORMED` for a container or manifest that cannot
 * be read at all, `VALIDATION_NO_SIGNATURE` (listed in `src/signature/errors.ts`) for a ZIP
 * without any signature file. Rule violations of a readable container are not thrown: they
 * become the signature's `formatFailure`.
 *
 * @example
 * ```ts
 * throw new AsicError('ASIC_MALFORMED', 'the ASiCManifest is not well-formed XML');
 * ```
 */
export class AsicError extends TrustbridgeError<AsicErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: AsicErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(ASIC_ERRORS, code), options);
  }
}
