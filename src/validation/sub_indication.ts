/**
 * Mapping of path-validation failures to the indications and sub-indications of ETSI EN 319 102-1
 * (Table 5 and the X.509 certificate validation building block, clause 5.2.6).
 */
import type { PathValidationCode } from './errors.js';

/** ETSI EN 319 102-1 main indications a path failure can lead to. */
export type EtsiIndication = 'INDETERMINATE' | 'TOTAL-FAILED';

/** ETSI EN 319 102-1 sub-indications a path failure can lead to. */
export type EtsiSubIndication =
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'TRY_LATER';

/** An indication with its sub-indication. */
export interface EtsiOutcome {
  indication: EtsiIndication;
  subIndication: EtsiSubIndication;
}

// EN 319 102-1 clause 5.2.6.4: without proof of existence the X.509 building block only ever
// answers INDETERMINATE. TOTAL-FAILED/REVOKED, EXPIRED and NOT_YET_VALID need a POE of the
// signing time, which the past-signature-validation process (clause 5.6.2.4) supplies later.
const OUTCOMES: Record<PathValidationCode, EtsiSubIndication> = {
  PATH_NO_CHAIN_FOUND: 'NO_CERTIFICATE_CHAIN_FOUND',
  PATH_SIGNATURE_INVALID: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  PATH_ALGORITHM_UNSUPPORTED: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  PATH_MALFORMED: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  PATH_UNKNOWN_CRITICAL_EXTENSION: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  PATH_PROFILE_VIOLATION: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  // "expired or not yet valid at the validation date/time" (Table 5, OUT_OF_BOUNDS_NO_POE)
  PATH_EXPIRED: 'OUT_OF_BOUNDS_NO_POE',
  PATH_NOT_YET_VALID: 'OUT_OF_BOUNDS_NO_POE',
  // RFC 5280 §6.1 failures of the chain itself (an issuer that is no CA, path length, name
  // constraints): "produced an error" (Table 5), as the EU DSS library reports them too.
  PATH_NOT_A_CA: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  PATH_LENGTH_EXCEEDED: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  PATH_NAME_CONSTRAINTS: 'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  // the X.509 validation constraints of the validation policy (clause 5.2.6.2)
  PATH_POLICY: 'CHAIN_CONSTRAINTS_FAILURE',
  PATH_KEY_USAGE: 'CHAIN_CONSTRAINTS_FAILURE',
  PATH_EKU: 'CHAIN_CONSTRAINTS_FAILURE',
  PATH_PEER_NAME_MISMATCH: 'CHAIN_CONSTRAINTS_FAILURE',
  PATH_REVOKED: 'REVOKED_NO_POE',
  PATH_CA_REVOKED: 'REVOKED_CA_NO_POE',
  // "it may be possible to do so using additional revocation information … at a later point"
  PATH_REVOCATION_UNKNOWN: 'TRY_LATER',
};

/**
 * The ETSI EN 319 102-1 indication and sub-indication for a path-validation failure code, as
 * the X.509 certificate validation building block reports it (no proof of existence known).
 *
 * @param code - a {@link PathValidationError} code
 * @example
 * ```ts
 * subIndicationFor('PATH_REVOKED'); // { indication: 'INDETERMINATE', subIndication: 'REVOKED_NO_POE' }
 * ```
 */
export function subIndicationFor(code: PathValidationCode): EtsiOutcome {
  return { indication: 'INDETERMINATE', subIndication: OUTCOMES[code] };
}
