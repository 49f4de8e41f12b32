export { signCades, addSignatureTimeStamp } from './sign.js';
export type { CadesLevel, CadesSignLevel, CadesSignParams, TsaEndpoint } from './sign.js';
export { detectCadesLevel } from './level.js';
export type { CadesLevelInfo } from './level.js';
export { addUnsignedAttribute, editSignedData, ocspRevocationInfoChoice } from './signed_data_editor.js';
export type { SignedDataAdditions } from './signed_data_editor.js';
export { CADES_OID } from './oids.js';
export { extendToLt } from './lt.js';
export type { CadesLtParams } from './lt.js';
