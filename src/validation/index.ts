export { validatePath } from './path/validator.js';
export type { ValidatePathInput, PathValidationResult } from './path/validator.js';
export { decodeCertificate } from './x509_decode.js';
export type { Certificate } from '../x509/certificate.js';
export type { CertificateExtensions, KeyUsageName, GeneralSubtree } from '../x509/extensions.js';
export type { GeneralName } from '../x509/general_names.js';
export type { DistinguishedName } from '../x509/name.js';
export { namesEqual } from '../x509/name.js';
export { decodeCrl } from './x509_decode.js';
export type { Crl, CrlEntry } from '../x509/crl.js';
export type { RevocationStatus } from './path/revocation.js';
export type { PolicyInputs } from './path/policy.js';
export { certificateTimeWindows, pathTimeWindow, validationSecond } from './path/time.js';
export type { CertificateTimeWindow } from './path/time.js';
export { checkPeerName, certificateMatchesPeer } from './path/peer_name.js';
export type { PeerName } from './path/peer_name.js';
export { PathValidationError, PATH_VALIDATION_ERRORS, isPathValidationError } from './errors.js';
export type { PathValidationCode, PathFailureContext } from './errors.js';
export { subIndicationFor } from './sub_indication.js';
export type { EtsiIndication, EtsiSubIndication, EtsiOutcome } from './sub_indication.js';
export { validateDocument } from './validate_document.js';
export type { ValidationOptions } from './validate_document.js';
export { validateSignature } from './signature_process.js';
export type { ProcessContext } from './signature_process.js';
export { bufferSource, fileSource, readAll } from '../lib/document_source.js';
export type { FileDocumentSource } from '../lib/document_source.js';
export { detectFormat, extractorFor } from './formats.js';
export type { DocumentFormat } from './formats.js';
export {
  DEFAULT_CRYPTO_POLICY,
  checkCryptoConstraints,
  checkKeyConstraint,
  keySize,
} from './crypto_policy.js';
export { checkChainCrypto } from './chain_crypto.js';
export type { ChainCryptoFailure } from './chain_crypto.js';
export type { CryptoPolicy, CryptoRule, CryptoVerdict } from './crypto_policy.js';
export { RevocationCache, revocationStatus } from './revocation_check.js';
export type { RevocationFinding, RevocationSources } from './revocation_check.js';
export { renderEtsiXml, ETSI_VALIDATION_REPORT_NS, ReportRenderError } from './report_xml.js';
export type {
  EtsiXmlOptions,
  SignatureEvidence,
  RevocationEvidenceBytes,
  TimestampTokenBytes,
  ValidationProcessName,
} from './report_xml.js';
export { renderHtml } from './report_html.js';
export type {
  CertificateInfo,
  ChainEntry,
  CheckResult,
  Indication,
  RevocationEvidence,
  SignatureReport,
  SubIndication,
  TimestampReport,
  ValidationReport,
} from './report.js';
export type { DetachedContent, DocumentSource } from '../lib/document_source.js';
export type {
  DigestName,
  ExtractedSignature,
  ExtractedTimestamp,
  ExtractOptions,
  Extractor,
  IntegrityResult,
  SignatureFormat,
  SignatureLevel,
  SigningCertificateReference,
} from '../signature/model.js';
