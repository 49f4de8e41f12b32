export type { EidContext, Officer } from './context.js';
export { normalisePerson, dedupKey, assertBirthDate } from './person.js';
export type { Person, PersonInput, PersonData, Sex } from './person.js';
export {
  verhoeffCheckDigit,
  isValidNationalId,
  assertNationalId,
  generateNationalId,
} from './national_id.js';
export { registerPerson, getPerson, getPersonWithCertificates, personIdentifier } from './register.js';
export { enrolPerson, issueCertificates, proveCsrPair } from './issuance.js';
export type { CsrPair, IssuanceResult, IssuedCertificate } from './issuance.js';
export { suspend, resume, revoke, renew, parseRevocationReason } from './lifecycle.js';
export type { Target, LifecycleResult } from './lifecycle.js';
export { createWallet, encodeWallet, openWallet, installCertificates } from './wallet.js';
export type { Wallet, WalletKey } from './wallet.js';
export { importPeople, IMPORT_COLUMNS } from './bulk_import.js';
export type { ImportSummary, ImportOptions, RejectedRow, CreatedRow, HeldRow } from './bulk_import.js';
export {
  compareDemographics,
  screenEnrolment,
  foldText,
  transliterate,
  editDistance,
} from './demographic_match.js';
export type { MatchKind, Screening } from './demographic_match.js';
export { listReviews, acceptReview, rejectReview } from './review.js';
export type { EnrolmentReview } from './review.js';
export type { EidEvent, EventAction } from './events.js';
export { publishCrl, latestCrl, currentCrl } from './crl_publisher.js';
