/** Errors of the in-house ZIP reader. */
import { TrustbridgeError, errorText } from '../errors.js';
import type { ErrorList, LibErrorCode } from '../errors.js';

/**
 * The ZIP codes: `ZIP_MALFORMED` (not a consistent archive), `ZIP_UNSUPPORTED` (encryption, other
 * compression methods, several disks), `ZIP_LIMIT_EXCEEDED` (a zip-bomb limit was hit).
 *
 * @example
 * ```ts
 * ZIP_ERRORS.ZIP_MALFORMED.text;
 * ```
 */
export const ZIP_ERRORS = {
  ZIP_MALFORMED: { text: 'the ZIP container could not be read' },
  ZIP_UNSUPPORTED: {
    text: 'the ZIP uses a feature that is not supported (encryption, compression method, several disks)',
  },
  ZIP_LIMIT_EXCEEDED: {
    text: 'the ZIP exceeds the limits on entries, uncompressed size or compression ratio',
  },
} as const satisfies ErrorList;

/** A code {@link ZipError} carries: its own list or lib's shared codes. */
export type ZipErrorCode = keyof typeof ZIP_ERRORS | LibErrorCode;

/**
 * Error thrown by `src/lib/zip/`.
 *
 * @example
 * ```ts
 * throw new ZipError('ZIP_MALFORMED', 'no end of central directory record');
 * ```
 */
export class ZipError extends TrustbridgeError<ZipErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: ZipErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText(ZIP_ERRORS, code), options);
  }
}
