/**
 * Errors of the trust store: reading, verifying and accepting ETSI TS 119 612 trusted lists and
 * lists of trusted lists. Every failure is a {@link TrustStoreError} with a stable `code` from the
 * trust-store section of the catalogue, so a refused list is reported the same way in the CLI,
 * the API and the store's own log.
 */
import { ERROR_CATALOGUE, TrustbridgeError } from '../../lib/errors.js';
import type { ErrorCode } from '../../lib/errors.js';

/** The trust-store error codes. */
export const TRUST_STORE_CODES = [
  'TRUST_LIST_MALFORMED',
  'TRUST_LIST_SIGNATURE_INVALID',
  'TRUST_LIST_SIGNER_UNTRUSTED',
  'TRUST_LIST_ROLLBACK',
  'TRUST_LIST_STALE',
  'TRUST_LIST_UNAVAILABLE',
] as const satisfies readonly ErrorCode[];

/** A stable trust-store error code. */
export type TrustStoreErrorCode = (typeof TRUST_STORE_CODES)[number];

/**
 * A trusted list was refused (or could not be had).
 *
 * @example
 * ```ts
 * try { readTrustedList(xml, pinned) } catch (e) { if (e instanceof TrustStoreError) console.log(e.code) }
 * ```
 */
export class TrustStoreError extends TrustbridgeError {
  /**
   * @param code - stable code
   * @param detail - what exactly failed (the list's URL is added by the store)
   * @param options - `cause`
   */
  constructor(code: TrustStoreErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${ERROR_CATALOGUE[code].text}: ${detail}`, options);
  }
}
