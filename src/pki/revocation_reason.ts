/** CRLReason values (RFC 5280 §5.3.1); `certificateHold` marks a suspended certificate. */
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

/** True when `s` is a CRLReason name. */
export function isRevocationReason(s: string): s is RevocationReasonName {
  return Object.hasOwn(REVOCATION_REASON_CODES, s);
}
