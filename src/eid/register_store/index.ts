/**
 * The register's persistence: every statement about persons, certificates, events, CA and CRL
 * state and import checkpoints. Functions take a `Store` (reads outside a transaction) or an
 * open Kysely `Transaction`, so callers keep composing them in one transaction.
 */
export {
  insertPersonRows,
  touchPerson,
  selectPersonForIssuance,
  selectPersonRow,
  countRows,
  selectPersonsBornOn,
  lockBirthDate,
  lockAndSelectPersonsBornOn,
  settleRegisterAfterBulkLoad,
} from './persons.js';
export type { PersonIssuanceRow, DemographicRow } from './persons.js';
export {
  findCertificateOfKeys,
  insertCertificatesWithEvents,
  insertCertificateRow,
  selectLifecycleTargets,
  setCertificateStatus,
  selectPersonCertificateStates,
  listPersonCertificates,
  certificateStatusReader,
  currentCertificateOfUsage,
  listCertificatesOfUsages,
} from './certificates.js';
export type { CertificateStatusRow, PersonCertificateRow } from './certificates.js';
export { insertEventRow, insertEventRows, listPersonEvents } from './events.js';
export type { PersonEventRow } from './events.js';
export {
  nextCrlNumber,
  selectCrlEntries,
  insertCrlRow,
  selectLatestCrl,
  insertCaRow,
  probeRegister,
} from './crls.js';
export { importRowsDone, saveImportProgress } from './import_progress.js';
export {
  insertReviewRow,
  selectPendingReviewOf,
  selectReviewRow,
  listReviewRows,
  decideReviewRow,
} from './reviews.js';
