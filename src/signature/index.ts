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
