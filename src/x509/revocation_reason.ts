/**
 * CRLReason values (RFC 5280 §5.3.1); `certificateHold` marks a suspended certificate. Value 7 is
 * not used.
 *
 * @example
 * ```ts
 * REVOCATION_REASON_CODES.keyCompromise; // 1
 * ```
 */
export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

/** A CRLReason name. */
export type RevocationReasonName = keyof typeof REVOCATION_REASON_CODES;

/**
 * True when `s` is a CRLReason name.
 *
 * @param s - a reason name, e.g. from the store
 * @example
 * ```ts
 * isRevocationReason('superseded'); // true
 * ```
 */
export function isRevocationReason(s: string): s is RevocationReasonName {
  return Object.hasOwn(REVOCATION_REASON_CODES, s);
}
