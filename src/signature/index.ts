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
export { SignatureError, SIG_ERROR } from './errors.js';
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
export { httpRevocationFetcher, checkOcspResponse, REVOCATION_ERROR } from './revocation_fetcher.js';
export type { RevocationFetcher } from './revocation_fetcher.js';
