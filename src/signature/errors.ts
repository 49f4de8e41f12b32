/** Errors of document signing (CAdES, and later PAdES / JAdES). */
import { TrustbridgeError } from '../lib/errors.js';
import type { ErrorCode } from '../lib/errors.js';

/**
 * Codes of this domain. Until the catalogue (`lib/errors.ts`) gets signature-specific codes they
 * map to the generic ones: a bad request of the caller is a usage error, a structure that cannot
 * be read is malformed input.
 */
export const SIG_ERROR = {
  /** A format or level that is not built (yet), or a level the inputs cannot reach (B-T without a TSA). */
  unsupported: 'USAGE_INVALID_ARGUMENT',
  /** The CMS to extend or inspect is not a SignedData with the expected signer. */
  malformed: 'PKI_CMS_MALFORMED',
  /** Inputs that contradict each other (a key the certificate does not certify, …). */
  internal: 'INTERNAL',
} as const satisfies Record<string, ErrorCode>;

/**
 * Error thrown by `src/signature/`.
 *
 * @example
 * ```ts
 * throw new SignatureError(SIG_ERROR.unsupported, 'PAdES is not built yet');
 * ```
 */
export class SignatureError extends TrustbridgeError {}
