/** Errors of the in-house ZIP reader. */
import { TrustbridgeError } from '../errors.js';

/**
 * Error thrown by `src/lib/zip/`: `ZIP_MALFORMED` (the bytes are not a consistent ZIP archive),
 * `ZIP_UNSUPPORTED` (encryption, other compression methods, several disks) or
 * `ZIP_LIMIT_EXCEEDED` (a zip-bomb limit was hit).
 *
 * @example
 * ```ts
 * throw new ZipError('ZIP_MALFORMED', 'no end of central directory record');
 * ```
 */
export class ZipError extends TrustbridgeError {}
