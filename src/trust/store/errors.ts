/**
 * Errors of the trust store: reading, verifying and accepting ETSI TS 119 612 trusted lists and
 * lists of trusted lists. Every failure is a {@link TrustStoreError} with a stable `code` from the
 * closed list {@link TRUST_STORE_ERRORS}, so a refused list is reported the same way in the CLI,
 * the API and the store's own log.
 */
import { TrustbridgeError } from '../../lib/errors.js';
import type { ErrorList } from '../../lib/errors.js';

/**
 * The trust-store codes and their texts.
 *
 * @example
 * ```ts
 * TRUST_STORE_ERRORS.TRUST_LIST_MALFORMED.text;
 * ```
 */
export const TRUST_STORE_ERRORS = {
  TRUST_LIST_MALFORMED: {
    text: 'the trusted list is not well-formed ETSI TS 119 612 XML (or was truncated)',
  },
  TRUST_LIST_SIGNATURE_INVALID: {
    text: 'the trusted list signature is missing, malformed, wrapped or does not verify',
  },
  TRUST_LIST_SIGNER_UNTRUSTED: {
    text: 'the trusted list is signed by a certificate that is not pinned for it',
  },
  TRUST_LIST_ROLLBACK: {
    text: 'the trusted list sequence number is not above the last accepted one (rollback or replay)',
  },
  TRUST_LIST_STALE: { text: 'the trusted list is past its next update' },
  TRUST_LIST_UNAVAILABLE: { text: 'the trusted list could not be downloaded' },
} as const satisfies ErrorList;

/** The codes of {@link TRUST_STORE_ERRORS}. */
export const TRUST_STORE_CODES = Object.keys(TRUST_STORE_ERRORS) as readonly TrustStoreErrorCode[];

/** A stable trust-store error code. */
export type TrustStoreErrorCode = keyof typeof TRUST_STORE_ERRORS;

/**
 * A trusted list was refused (or could not be had).
 *
 * @example
 * ```ts
 * try { readTrustedList(xml, pinned) } catch (e) { if (e instanceof TrustStoreError) console.log(e.code) }
 * ```
 */
export class TrustStoreError extends TrustbridgeError<TrustStoreErrorCode> {
  /**
   * @param code - stable code
   * @param detail - what exactly failed (the list's URL is added by the store)
   * @param options - `cause`
   */
  constructor(code: TrustStoreErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${TRUST_STORE_ERRORS[code].text}: ${detail}`, options);
  }
}
