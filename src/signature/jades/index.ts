export { signJades, sigTime } from './sign.js';
export type { JadesProtectedHeader, JadesSerialization, JadesSignLevel, JadesSignParams } from './sign.js';
export {
  jwsSigningInput,
  parseJades,
  sigTstImprintInput,
  signatureTimeStampTokens,
  verifyJades,
} from './parse.js';
export type { ParsedJades } from './parse.js';
export { derToP1363, jwsAlgorithmFor } from './ecdsa.js';
export type { JwsEcAlgorithm } from './ecdsa.js';
export { JADES_ERRORS, JadesError } from './errors.js';
export type { JadesErrorCode } from './errors.js';
