/**
 * Errors of trusted-list publishing (ETSI TS 119 612 lists a node or the hub writes). Every
 * failure is a {@link TrustListPublishError} with a stable code from
 * {@link TL_PUBLISH_ERRORS}.
 */
import { TrustbridgeError } from '../../lib/errors.js';
import type { ErrorList } from '../../lib/errors.js';

/**
 * The trusted-list publishing codes and their texts.
 *
 * @example
 * ```ts
 * TL_PUBLISH_ERRORS.TL_INPUT_INVALID.text;
 * ```
 */
export const TL_PUBLISH_ERRORS = {
  TL_INPUT_INVALID: {
    text: 'a value for the trusted list is not valid (country, URL, name, date or sequence number)',
  },
  TL_SIGNER_INVALID: {
    text: 'the certificate is not a usable trusted-list signing certificate (X.509, in validity, EKU tslSigning)',
  },
  TL_SERVICE_UNKNOWN: { text: 'no such service in the trusted list' },
  TL_STATE_CORRUPT: { text: 'the trusted list state file is unreadable or inconsistent' },
} as const satisfies ErrorList;

/** A stable trusted-list publishing error code. */
export type TrustListPublishErrorCode = keyof typeof TL_PUBLISH_ERRORS;

/**
 * A trusted list could not be built, signed or republished.
 *
 * @example
 * ```ts
 * try { buildTrustList(input) } catch (e) { if (e instanceof TrustListPublishError) console.log(e.code) }
 * ```
 */
export class TrustListPublishError extends TrustbridgeError<TrustListPublishErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly is wrong
   * @param options - `cause`
   */
  constructor(code: TrustListPublishErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${TL_PUBLISH_ERRORS[code].text}: ${detail}`, options);
  }
}
