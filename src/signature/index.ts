export {
  CADES_OID,
  addSignatureTimeStamp,
  addUnsignedAttribute,
  detectCadesLevel,
  editSignedData,
  ocspRevocationInfoChoice,
  signCades,
} from './cades/index.js';
export type {
  CadesLevel,
  CadesLevelInfo,
  CadesSignLevel,
  CadesSignParams,
  SignedDataAdditions,
  TsaEndpoint,
} from './cades/index.js';
export { keyObjectSigner } from './key_signer.js';
export { SignatureError, SIGNATURE_ERRORS } from './errors.js';
export type { SignatureErrorCode } from './errors.js';
export {
  JADES_ERRORS,
  JadesError,
  parseJades,
  sigTstImprintInput,
  signJades,
  signatureTimeStampTokens,
  verifyJades,
} from './jades/index.js';
export type {
  JadesErrorCode,
  JadesProtectedHeader,
  JadesSerialization,
  JadesSignLevel,
  JadesSignParams,
  ParsedJades,
} from './jades/index.js';
export { extendToLt } from './cades/lt.js';
export type { CadesLtParams } from './cades/lt.js';
export { httpRevocationFetcher, checkOcspResponse } from './revocation_fetcher.js';
export type { RevocationFetcher } from './revocation_fetcher.js';
export {
  extendToLta,
  completeToLt,
  archiveTimestampImprint,
  ATS_HASH_INDEX_OID,
  extractCades,
} from './cades/index.js';
export type { CadesLtaParams, ArchiveTimestampImprint } from './cades/index.js';
export {
  extendJadesToLt,
  extendJadesToLta,
  arcTstImprintInput,
  archiveTimeStampTokens,
  sigDForObjects,
  readSigD,
  sigDDigestsMatch,
  SIGD_MECHANISM,
  extractJades,
} from './jades/index.js';
export type { DetachedObject, SigD } from './jades/index.js';
export {
  extractXades,
  verifyEnvelopedSignature,
  signXmlEnveloped,
  XadesError,
  XADES_ERRORS,
} from './xades/index.js';
export type { SignXmlOptions, EnvelopedVerification, XadesErrorCode } from './xades/index.js';
export { asicExtractor } from './asic/index.js';
export type { AsicInnerExtractors } from './asic/index.js';
export * from './pades/index.js';
