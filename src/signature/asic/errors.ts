/** Errors of the ASiC container reader. */
import { TrustbridgeError } from '../../lib/errors.js';

/**
 * Error thrown by `src/signature/asic/`: `ASIC_MALFORMED` for a container or manifest that cannot
 * be read at all, `VALIDATION_NO_SIGNATURE` for a ZIP without any signature file. Rule violations
 * of a readable container are not thrown: they become the signature's `formatFailure`.
 *
 * @example
 * ```ts
 * throw new AsicError('ASIC_MALFORMED', 'the ASiCManifest is not well-formed XML');
 * ```
 */
export class AsicError extends TrustbridgeError {}
