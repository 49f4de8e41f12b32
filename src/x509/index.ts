/**
 * The one X.509 model (RFC 5280): certificates, names, extensions, general names, CRLs and the
 * signature check of a signed object, decoded once and used by issuance, validation, trust lists
 * and login alike. `CertificateInfo` is a flat view of a decoded certificate.
 */
export { decodeCertificate } from './certificate.js';
export type { Certificate } from './certificate.js';
export { certificateInfoOf, parseCertificate } from './certificate_info.js';
export type { CertificateInfo } from './certificate_info.js';
export { decodeCrl } from './crl.js';
export type { Crl, CrlEntry, IssuingDistributionPoint } from './crl.js';
export { KEY_USAGES, decodeExtensions } from './extensions.js';
export type {
  CertificateExtensions,
  DistributionPoint,
  ExtensionEntry,
  GeneralSubtree,
  KeyUsageName,
} from './extensions.js';
export { decodeGeneralName, decodeGeneralNames } from './general_names.js';
export type { GeneralName, GeneralNameType } from './general_names.js';
export { attributeTexts, decodeName, namesEqual } from './name.js';
export type { AttributeValue, DistinguishedName } from './name.js';
export { nameToString } from './name_string.js';
export { EKU_BY_NAME, OID } from './oids.js';
export { REVOCATION_REASON_CODES, isRevocationReason } from './revocation_reason.js';
export type { RevocationReasonName } from './revocation_reason.js';
export { algorithmName, publicKeyOf, signedBy, verifySignature } from './signature.js';
export type { SignatureCheck } from './signature.js';
export { X509_ERROR_CODES, X509Error } from './errors.js';
export type { X509ErrorCode } from './errors.js';
