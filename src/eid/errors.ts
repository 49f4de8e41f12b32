/** Errors of the population register and the eID lifecycle. */
import { CSV_ERRORS, PKI_ERRORS, TrustbridgeError, errorText } from '../lib/errors.js';
import type { CsvErrorCode, ErrorList, LibErrorCode, PkiErrorCode } from '../lib/errors.js';

/**
 * The population-register and eID codes and their texts.
 *
 * @example
 * ```ts
 * EID_ERRORS.EID_PERSON_NOT_FOUND.text;
 * ```
 */
export const EID_ERRORS = {
  EID_INVALID_NAME: { text: 'a name is empty, too long or has forbidden characters' },
  EID_INVALID_DATE: { text: 'a date is not a real calendar date in YYYY-MM-DD form, or is in the future' },
  EID_INVALID_SEX: { text: 'sex must be F, M or X' },
  EID_INVALID_COUNTRY: { text: 'a country code is not two upper-case letters' },
  EID_INVALID_NATIONAL_ID: {
    text: 'the national identifier is not 12 digits with a valid Verhoeff check digit',
  },
  EID_PERSON_DUPLICATE: { text: 'a person with the same demographic data is already registered' },
  EID_ENROLMENT_HELD: {
    text: 'the enrolment nearly matches registered people and is held for an officer to review',
  },
  EID_REVIEW_NOT_FOUND: { text: 'no held enrolment with that review id' },
  EID_REVIEW_DECIDED: { text: 'the held enrolment was already accepted or rejected' },
  EID_PERSON_NOT_FOUND: { text: 'no person with that national identifier' },
  EID_CERT_NOT_FOUND: { text: 'no certificate with that serial number' },
  EID_INVALID_STATE: { text: 'the operation is not allowed in the current certificate state' },
} as const satisfies ErrorList;

/** A code {@link EidError} carries: its own list, lib's shared codes, or the CSV
 * reader's (an import file is read by lib's CSV reader first), or the revocation reason
 * code pki owns (OCSP reads reasons, officers give them). */
export type EidErrorCode =
  keyof typeof EID_ERRORS | LibErrorCode | CsvErrorCode | Extract<PkiErrorCode, 'EID_INVALID_REASON'>;

/**
 * A population-register or eID lifecycle operation was refused.
 *
 * @example
 * ```ts
 * throw new EidError('EID_PERSON_NOT_FOUND', `no person ${nationalId}`);
 * ```
 */
export class EidError extends TrustbridgeError<EidErrorCode> {
  /**
   * @param code - stable code
   * @param message - detail (defaults to the code's text)
   * @param options - `cause`
   */
  constructor(code: EidErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message ?? errorText({ ...PKI_ERRORS, ...CSV_ERRORS, ...EID_ERRORS }, code), options);
  }
}
