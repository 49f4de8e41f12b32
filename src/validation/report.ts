/**
 * The validation report: what `trustbridge validate` prints as JSON and what the ETSI TS 119 102-2
 * XML and HTML renderers (`src/validation/report_xml.ts`, `report_html.ts`) turn into their forms.
 * Field names follow DESIGN.md's `validate` contract; indication and sub-indication values are
 * the names of ETSI EN 319 102-1 clause 5.1.3 (Table 5).
 */
import type { SignatureFormat, SignatureLevel } from '../signature/model.js';

/** Main status indications (EN 319 102-1 clause 5.1.3). */
export type Indication = 'TOTAL-PASSED' | 'TOTAL-FAILED' | 'INDETERMINATE';

/** Sub-indications (EN 319 102-1 Table 5). */
export type SubIndication =
  // with TOTAL-FAILED
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  // with INDETERMINATE
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'POLICY_PROCESSING_ERROR'
  | 'SIGNATURE_POLICY_NOT_AVAILABLE'
  | 'TIMESTAMP_ORDER_FAILURE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'OUT_OF_BOUNDS_NOT_REVOKED'
  | 'REVOCATION_OUT_OF_BOUNDS_NO_POE'
  | 'CRYPTO_CONSTRAINTS_FAILURE_NO_POE'
  | 'NO_POE'
  | 'TRY_LATER'
  | 'SIGNED_DATA_NOT_FOUND'
  | 'CUSTOM';

/** A certificate as the report shows it. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Serial number, hex lower case. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, hex: the certificate's identifier in the report (and XML report Id). */
  sha256: string;
  /** The DER, base64 (the ETSI XML report embeds it). */
  der: string;
}

/** The revocation evidence for one certificate of the chain. */
export interface RevocationEvidence {
  status: 'good' | 'revoked' | 'unknown' | 'not-checked';
  /** Where it came from. */
  source?: 'embedded-ocsp' | 'embedded-crl' | 'fetched-ocsp' | 'fetched-crl' | 'cache';
  /** OCSP producedAt or CRL thisUpdate (ISO 8601). */
  issuedAt?: string;
  /** OCSP thisUpdate / CRL thisUpdate and nextUpdate. */
  thisUpdate?: string;
  nextUpdate?: string;
  revocationTime?: string;
  revocationReason?: string;
  /** Why the status is unknown (responder unreachable, no URL, response invalid, ...). */
  detail?: string;
  /** The OCSPResponse or CRL itself (DER, base64), which the ETSI XML report embeds. */
  der?: string;
}

/** One certificate of the path, with its revocation evidence. */
export interface ChainEntry extends CertificateInfo {
  trustAnchor: boolean;
  revocation: RevocationEvidence;
}

/**
 * The trusted-list service the trust anchor of a path belongs to (ETSI TS 119 612 clause 5.5,
 * TS 119 615 clause 4.3), when trust came from trusted lists rather than PEM anchors.
 */
export interface TrustServiceReport {
  /** The member: the list's SchemeTerritory. */
  country: string;
  tspName: string;
  serviceName: string;
  /** ServiceTypeIdentifier URI (e.g. .../Svctype/CA/QC). */
  serviceType: string;
  /** ServiceStatus URI in force at the time that matters. */
  status: string;
  /** When that status started (ISO 8601). */
  statusStartingTime: string;
  /**
   * TS 119 172-4 / TS 119 615: `QES` (qualified certificate for e-signatures on a QSCD),
   * `AdES-QC` (qualified certificate, no QSCD), `QESeal` / `AdESeal-QC` (the same for seals),
   * `AdES` (not qualified), `N/A` (not granted at that time, or a time-stamp).
   */
  qualification: 'QES' | 'AdES-QC' | 'QESeal' | 'AdESeal-QC' | 'AdES' | 'N/A';
  /** The list it came from (URL or file) and its sequence number. */
  source: string;
  sequenceNumber?: number;
  /** The facts that decided the qualification (QcCompliance, qualifiers applied, ...). */
  notes?: string[];
}

/** A time-stamp's validation. */
export interface TimestampReport {
  type: 'content' | 'signature' | 'archive' | 'document';
  /** The TSTInfo genTime (ISO 8601). */
  genTime?: string;
  /** The TSA certificate's subject. */
  tsa?: string;
  serialNumber?: string;
  indication: Indication;
  subIndication?: SubIndication;
  /** The message imprint matches the covered data. */
  imprintIntact: boolean;
  /** The TSA's certification path (target first). */
  chain: ChainEntry[];
  detail?: string;
  /** The TimeStampToken (DER, base64). */
  token?: string;
  /** The TSA's trusted-list service, when trust came from trusted lists. */
  trust?: TrustServiceReport;
}

/** The state of one building block or check, for the report's evidence list. */
export interface CheckResult {
  /**
   * The building block (EN 319 102-1 clause 5.2 names): `FORMAT_CHECKING`,
   * `IDENTIFICATION_OF_THE_SIGNING_CERTIFICATE`, `VALIDATION_CONTEXT_INITIALIZATION`,
   * `X509_CERTIFICATE_VALIDATION`, `CRYPTOGRAPHIC_VERIFICATION`,
   * `SIGNATURE_ACCEPTANCE_VALIDATION`, `TIMESTAMP_VALIDATION`, `PAST_SIGNATURE_VALIDATION`, ...
   */
  name: string;
  indication: 'PASSED' | 'FAILED' | 'INDETERMINATE';
  subIndication?: SubIndication;
  detail?: string;
}

/**
 * Whether the signer's certificate is in its country's transparency log (issue 15): found by
 * its SHA-256 (`GET <log>/lookup/<hex>`), the entry's inclusion proof verified against the
 * log's checkpoint, and the checkpoint's cosignatures against the federation's default witness
 * policy (a majority of the other members' witnesses and the hub's). Filled after validation
 * by the caller that knows the federation (`src/ledger/signer_transparency.ts`): validation
 * itself does no log lookups.
 */
export interface TransparencyReport {
  /**
   * `logged`: the entry's inclusion verified; `not-logged`: the log answered it has no entry
   * with this key; `invalid`: the log's answer did not verify (signature, proof or entry);
   * `unknown`: no answer (network, timeout, no log published for the country);
   * `not-checked`: no lookup was made (offline, no list of trusted lists).
   */
  status: 'logged' | 'not-logged' | 'invalid' | 'unknown' | 'not-checked';
  /** The entry's inclusion in a checkpoint signed by the log verified (status `logged`). */
  logged: boolean;
  /** That checkpoint is cosigned by a quorum of the witness policy. */
  witnessed: boolean;
  /** The lookup key: the SHA-256 of the signer's certificate (DER), hex. */
  lookupKey: string;
  /** The member whose log was asked (the certificate's issuing country). */
  country?: string;
  /** The log's origin (its checkpoint key name). */
  log?: string;
  /** The log's tlog-tiles prefix. */
  logUrl?: string;
  /** The entry's index (the first with this key: the certificate's issuance). */
  index?: number;
  /** The entry's type (`eid-cert-issued`, `ca-cert`, …). */
  entryType?: string;
  /** The size and root (base64) of the checkpoint the inclusion was proven against. */
  checkpointSize?: number;
  checkpointRoot?: string;
  /** The members (and hub) whose witness cosignature on that checkpoint verified. */
  cosigners?: string[];
  /** The policy's witnesses, and how many of them make a quorum. */
  witnesses?: string[];
  quorum?: number;
  /** Why the status is not `logged`, with a stable code (`LEDGER_…`, e.g. `LEDGER_LOOKUP_OFFLINE`). */
  error?: { code: string; message: string };
}

/** The verdict on one signature. */
export interface SignatureReport {
  id: string;
  format: SignatureFormat;
  level: SignatureLevel;
  /** For a counter-signature: the id of the signature it counter-signs. */
  counterSignatureOf?: string;
  indication: Indication;
  subIndication?: SubIndication;
  /** The signing certificate, when identified. */
  signer?: CertificateInfo;
  /** The claimed signing time (ISO 8601). */
  signingTime?: string;
  /** The best signature time: the earliest proof of existence of the signature (clause 5.6.2.2). */
  bestSignatureTime: string;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  /** The certification path, signer first, trust anchor last (empty when none was found). */
  chain: ChainEntry[];
  timestamps: TimestampReport[];
  /** The building blocks run, in order, with their result. */
  checks: CheckResult[];
  /** The crypto-policy rule that decided a CRYPTO_CONSTRAINTS outcome, or the policy name. */
  policyRule?: string;
  /** The trusted-list service of the trust anchor and the qualification, when trust came from trusted lists. */
  trust?: TrustServiceReport;
  warnings: string[];
  /** The signer's certificate in its country's transparency log, when looked up. */
  transparency?: TransparencyReport;
  /**
   * What the user can do about the outcome (`the signature is detached: give the signed document
   * with --detached FILE`), set by the caller that knows how the input was given; the indication
   * and sub-indication stay as the process decided.
   */
  hint?: string;
}

/** The whole report. */
export interface ValidationReport {
  /** The validation time (ISO 8601): now, or `--at`. */
  validationTime: string;
  /** The validation policy applied (name and version). */
  policy: string;
  document: { name?: string; size: number; sha256?: string };
  signatures: SignatureReport[];
  summary: { total: number; passed: number; failed: number; indeterminate: number };
}
