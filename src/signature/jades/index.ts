export { signJades, sigTime } from './sign.js';
export { addJadesSignature } from './add_signature.js';
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
export { extendJadesToLt } from './lt.js';
export { extendJadesToLta, arcTstImprintInput, archiveTimeStampTokens } from './lta.js';
export { sigDForObjects, readSigD, sigDDigestsMatch, SIGD_MECHANISM } from './sig_d.js';
export type { DetachedObject, SigD } from './sig_d.js';
export { etsiUComponents } from './parse.js';
export { extractJades } from './extract.js';
