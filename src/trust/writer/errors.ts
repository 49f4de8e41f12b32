/**
 * Errors of trusted-list publishing (ETSI TS 119 612 lists a node or the hub writes). Every
 * failure is a {@link TrustListPublishError} with a stable code from the "trust lists
 * (publishing)" section of `ERROR_CATALOGUE`.
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../../lib/errors.js';
import type { ErrorCode } from '../../lib/errors.js';

const TL_PUBLISH_CODES = [
  'TL_INPUT_INVALID',
  'TL_SIGNER_INVALID',
  'TL_SERVICE_UNKNOWN',
  'TL_STATE_CORRUPT',
] as const satisfies readonly ErrorCode[];

/** A stable trusted-list publishing error code. */
export type TrustListPublishErrorCode = (typeof TL_PUBLISH_CODES)[number];

/**
 * The catalogue entries of these codes (status and text live in `ERROR_CATALOGUE`).
 *
 * @example
 * ```ts
 * TL_PUBLISH_ERRORS.TL_INPUT_INVALID.status; // 400
 * ```
 */
export const TL_PUBLISH_ERRORS = Object.fromEntries(TL_PUBLISH_CODES.map((c) => [c, ERROR_CATALOGUE[c]])) as {
  [K in TrustListPublishErrorCode]: (typeof ERROR_CATALOGUE)[K];
};

/**
 * A trusted list could not be built, signed or republished.
 *
 * @example
 * ```ts
 * try { buildTrustList(input) } catch (e) { if (e instanceof TrustListPublishError) console.log(e.code) }
 * ```
 */
export class TrustListPublishError extends TrustbridgeError {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: TrustListPublishErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${ERROR_CATALOGUE[code].text}: ${detail}`, options);
  }
}
