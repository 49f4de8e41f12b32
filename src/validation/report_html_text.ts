/**
 * The words and the style sheet of the printable HTML report (`report_html.ts`): what each
 * indication and sub-indication of ETSI EN 319 102-1 (clause 5.1.3, Table 5) means for the person
 * who has to act on it, readable names for the building blocks (clause 5.2), and an A4 print
 * style. Internal to `src/validation/report_html*.ts`.
 */
import type { Indication, SubIndication } from './report.js';

/** The verdict line of each main indication. */
export const HEADLINES: Readonly<Record<Indication, string>> = {
  'TOTAL-PASSED': 'Valid signature',
  'TOTAL-FAILED': 'Invalid signature',
  INDETERMINATE: 'Validity could not be confirmed',
};

/** What a main indication means when there is no sub-indication. */
export const INDICATION_EXPLANATIONS: Readonly<Record<Indication, string>> = {
  'TOTAL-PASSED':
    'The document has not been changed since it was signed, and the signer’s certificate was valid and issued by a trusted authority when the signature was made.',
  'TOTAL-FAILED': 'The signature is not valid. The checks below show which one failed.',
  INDETERMINATE:
    'The available information is not enough to say whether the signature is valid. The checks below show what is missing.',
};

/** What each sub-indication means, in plain words (EN 319 102-1 Table 5). */
export const SUB_INDICATION_EXPLANATIONS: Readonly<Record<SubIndication, string>> = {
  FORMAT_FAILURE: 'The signature is not built according to the rules of its format, so it cannot be checked.',
  HASH_FAILURE:
    'The document was changed after it was signed: the signed content does not match the document presented.',
  SIG_CRYPTO_FAILURE:
    'The signature value does not match the signer’s certificate: the signature is damaged or was not made with this certificate.',
  REVOKED: 'The signer’s certificate had been revoked before the signature was made.',
  EXPIRED: 'The signature was made after the signer’s certificate had expired.',
  NOT_YET_VALID: 'The signature was made before the signer’s certificate became valid.',
  SIG_CONSTRAINTS_FAILURE:
    'The signature does not meet the requirements of the validation policy (for example, a required signed attribute is missing).',
  CHAIN_CONSTRAINTS_FAILURE:
    'A certificate in the signer’s chain does not meet the requirements of the validation policy (for example, its key usage or certificate policy).',
  CERTIFICATE_CHAIN_GENERAL_FAILURE:
    'The signer’s certificate chain could not be validated: a certificate in it is damaged or its signature does not verify.',
  CRYPTO_CONSTRAINTS_FAILURE:
    'An algorithm or key size used by the signature or its certificates is no longer accepted as secure by the validation policy.',
  POLICY_PROCESSING_ERROR: 'The signature policy that the signature refers to could not be processed.',
  SIGNATURE_POLICY_NOT_AVAILABLE: 'The signature policy that the signature refers to is not available.',
  TIMESTAMP_ORDER_FAILURE: 'The time-stamps on the signature are not in the order the format requires.',
  NO_SIGNING_CERTIFICATE_FOUND: 'The certificate of the signer could not be found or identified.',
  NO_CERTIFICATE_CHAIN_FOUND:
    'The signer’s certificate does not lead to an authority this validator trusts (none of the trusted lists or trust anchors given covers it).',
  REVOKED_NO_POE:
    'The signer’s certificate has been revoked, and nothing proves that the signature was made before the revocation.',
  REVOKED_CA_NO_POE:
    'A certification authority in the signer’s chain has been revoked, and nothing proves that the signature was made before that.',
  OUT_OF_BOUNDS_NO_POE:
    'A certificate in the chain is expired (or not yet valid) at the validation time, and nothing proves that the signature was made while it was valid.',
  OUT_OF_BOUNDS_NOT_REVOKED:
    'A certificate in the chain has expired but was not revoked; nothing proves that the signature was made while it was valid.',
  REVOCATION_OUT_OF_BOUNDS_NO_POE:
    'The revocation information found cannot be used for the time of signing, and nothing proves when the signature was made.',
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE:
    'An algorithm used is no longer accepted as secure, and nothing (such as a time-stamp) proves that the signature was made while it still was.',
  NO_POE: 'Nothing proves that the signature or its evidence existed at the time that matters.',
  TRY_LATER:
    'The revocation status of a certificate could not be obtained now. Validating again later, when the status service answers, may give a result.',
  SIGNED_DATA_NOT_FOUND: 'The signed document, or a part of it, was not available to the validator.',
  CUSTOM: 'The validator reported a specific problem; see the checks below.',
};

/** Readable names of the EN 319 102-1 building blocks. */
export const CHECK_LABELS: Readonly<Record<string, string>> = {
  FORMAT_CHECKING: 'Format checking',
  IDENTIFICATION_OF_THE_SIGNING_CERTIFICATE: 'Identification of the signing certificate',
  VALIDATION_CONTEXT_INITIALIZATION: 'Validation context initialisation',
  X509_CERTIFICATE_VALIDATION: 'Certificate chain validation (X.509)',
  CRYPTOGRAPHIC_VERIFICATION: 'Cryptographic verification',
  SIGNATURE_ACCEPTANCE_VALIDATION: 'Signature acceptance validation',
  TIMESTAMP_VALIDATION: 'Time-stamp validation',
  PAST_SIGNATURE_VALIDATION: 'Past signature validation',
  PAST_CERTIFICATE_VALIDATION: 'Past certificate validation',
  VALIDATION_TIME_SLIDING: 'Validation time sliding',
  REVOCATION_FRESHNESS_CHECKER: 'Revocation freshness',
  TRANSPARENCY_LOG_CHECK: 'Transparency log (required)',
};

/** Readable names of the time-stamp types. */
export const TIMESTAMP_LABELS: Readonly<Record<string, string>> = {
  content: 'Content time-stamp (before signing)',
  signature: 'Signature time-stamp',
  archive: 'Archive time-stamp',
  document: 'Document time-stamp',
};

/** Where revocation evidence came from. */
export const REVOCATION_SOURCES: Readonly<Record<string, string>> = {
  'embedded-ocsp': 'OCSP, in the signature',
  'embedded-crl': 'CRL, in the signature',
  'fetched-ocsp': 'OCSP, fetched',
  'fetched-crl': 'CRL, fetched',
  cache: 'cached',
};

// One A4 page: 12 mm margins, 9 pt text in print, colours kept when printing (print-color-adjust)
// and the verdict also spelled out and marked, so a black-and-white copy stays unambiguous.
export const STYLE = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35;
  color: #1a1a1a; margin: 0 auto; max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 0 0 1.5mm; }
.sigid { font-weight: normal; color: #555; font-size: 9pt; }
dl.facts { display: grid; grid-template-columns: 38mm 1fr; gap: 0.6mm 3mm; margin: 1.5mm 0 2.5mm; }
dl.facts dt { font-weight: bold; color: #444; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.mono, .dn { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8pt; overflow-wrap: anywhere; }
.dn { color: #555; }
.verdict { border: 0.6mm solid; border-radius: 1.5mm; padding: 1.8mm 3mm; margin: 1.5mm 0; font-size: 11pt; }
.verdict .mark { font-weight: bold; margin-right: 2mm; }
.verdict .code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; margin-left: 2mm; }
.passed { background: #e6f4ea; border-color: #1e7e34; color: #0f5323; }
.failed { background: #fce8e6; border-color: #b3261e; color: #8c1d18; }
.indeterminate { background: #fff4d6; border-color: #b26a00; color: #6b4000; }
.explanation { margin: 1mm 0 2mm; }
section.signature { border-top: 0.4mm solid #999; padding-top: 2.5mm; margin-top: 3mm; }
table { width: 100%; border-collapse: collapse; margin: 1.5mm 0 2.5mm; font-size: 8.5pt; }
caption { text-align: left; font-weight: bold; font-size: 9.5pt; padding-bottom: 0.8mm; }
th, td { border: 0.25mm solid #bbb; padding: 0.8mm 1.5mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #eee; }
td > span.passed, td > span.failed, td > span.indeterminate { font-weight: bold; padding: 0 1mm; border-radius: 1mm; white-space: nowrap; }
tr, .verdict, dl.facts { break-inside: avoid; }
ul.warnings { margin: 1mm 0 2mm; padding-left: 5mm; }
footer { margin-top: 4mm; border-top: 0.25mm solid #bbb; padding-top: 1.5mm; font-size: 7.5pt; color: #555; }
@media print {
  body { font-size: 9pt; padding: 0; max-width: none; }
  section.signature { break-inside: auto; }
}
`;
