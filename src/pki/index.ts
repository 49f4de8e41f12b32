export type { KeyStore, Signer, KeyAlgorithm, HashAlgorithm, Ed25519KeyStore } from './key_store.js';
export { FileKeyStore } from './file_key_store.js';
export { openPkcs11KeyStore } from './pkcs11_key_store.js';
export type { Pkcs11Options } from './pkcs11_key_store.js';
export { keyStoreSigner } from './signer.js';
export { OID, keyIdentifier, curveOfSpki } from './algorithms.js';
export { encodeName, ext, signCertificate, randomSerial } from './certificate_builder.js';
export type { CertificateTemplate, Extension, NameAttribute } from './certificate_builder.js';
export { parseCertificate } from '../x509/certificate_info.js';
export { nameToString } from '../x509/name_string.js';
export type { CertificateInfo } from '../x509/certificate_info.js';
export {
  rootCaTemplate,
  eidCaTemplate,
  ocspResponderTemplate,
  tsaTemplate,
  citizenTemplate,
  citizenSubject,
  POLICY,
} from './profiles.js';
export type { NodeIdentity, IssuerRef, CertificateHolder, EidUsage } from './profiles.js';
export { verifyCsr, createCsr } from './csr.js';
export type { ProvenCsr } from './csr.js';
export { buildCrl } from './crl.js';
export type { CrlEntry, CrlParams } from './crl.js';
export { parseOcspRequest, buildOcspResponse, buildOcspErrorResponse, certIdMatches } from './ocsp.js';
export type {
  OcspCertId,
  OcspRequestInfo,
  OcspStatus,
  OcspSingleAnswer,
  OcspResponseParams,
} from './ocsp.js';
export { parseOcspResponse } from './ocsp_response_parser.js';
export type { ParsedOcspResponse, ParsedOcspAnswer } from './ocsp_response_parser.js';
export { encodePkcs12, decodePkcs12 } from './pkcs12.js';
export type { Pkcs12Entry, Pkcs12Contents } from './pkcs12.js';
export { REVOCATION_REASON_CODES, isRevocationReason } from '../x509/revocation_reason.js';
export type { RevocationReasonName } from '../x509/revocation_reason.js';
export {
  buildSignedData,
  parseSignedData,
  verifySignerInfo,
  contentTypeAttribute,
  messageDigestAttribute,
  signingTimeAttribute,
  signingCertificateV2Attribute,
  hashOfOid,
  CMS_OID,
} from './cms_signed_data.js';
export type {
  CmsAttribute,
  SignedDataParams,
  ParsedSignedData,
  ParsedSignerInfo,
  SignedContent,
} from './cms_signed_data.js';
export { buildOcspRequest, ocspCertId, ocspUrlOf, crlUrlOf } from './ocsp_request.js';
