/** ASiC containers (ETSI EN 319 162-1) for validation. */
export { asicExtractor } from './extract.js';
export type { AsicInnerExtractors } from './extract.js';
export { openAsicContainer } from './container.js';
export type { AsicContainer, AsicType, SignatureFile } from './container.js';
export { parseAsicManifest } from './manifest.js';
export type { AsicManifest, ManifestReference } from './manifest.js';
export { AsicError } from './errors.js';
