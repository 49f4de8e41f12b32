/** Object identifiers of CAdES (ETSI EN 319 122-1), RFC 5126 / RFC 5940 and the ESS attributes. */

/** CAdES attribute and RevocationInfoChoice OIDs. */
export const CADES_OID = {
  /** id-aa-signingCertificate (RFC 2634 §5.4, ESSCertID with SHA-1). */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  /** id-aa-signingCertificateV2 (RFC 5035 §3). */
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  /** id-aa-signatureTimeStampToken (RFC 3161 Appendix A, EN 319 122-1 §5.3). */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** id-aa-ets-certValues (EN 319 122-1 §5.5.1). */
  certificateValues: '1.2.840.113549.1.9.16.2.23',
  /** id-aa-ets-revocationValues (EN 319 122-1 §5.5.2). */
  revocationValues: '1.2.840.113549.1.9.16.2.24',
  /** id-aa-ets-archiveTimestampV2 (RFC 5126 Annex K). */
  archiveTimeStampV2: '1.2.840.113549.1.9.16.2.48',
  /** id-aa-ets-archiveTimestampV3 (EN 319 122-1 §5.5.3). */
  archiveTimeStampV3: '0.4.0.1733.2.4',
  /** id-countersignature (RFC 5652 §11.4): a SignerInfo over the parent's signature value. */
  counterSignature: '1.2.840.113549.1.9.6',
  /** id-ri-ocsp-response (RFC 5940 §4.1): an OCSPResponse as RevocationInfoChoice `other`. */
  ocspResponseRevocationInfo: '1.3.6.1.5.5.7.16.2',
} as const;
