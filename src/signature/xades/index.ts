/**
 * XAdES (ETSI EN 319 132-1) and XMLDSig (W3C xmldsig-core1): the extractor the validation
 * process uses, the strict enveloped-signature check of trust lists, and the B-B enveloped signer.
 */
export { extractXades } from './extract.js';
export { verifyEnvelopedSignature } from './enveloped.js';
export type { EnvelopedVerification } from './enveloped.js';
export { signXmlEnveloped } from './sign.js';
export type { SignXmlOptions } from './sign.js';
export { XadesError, XADES_ERRORS } from './errors.js';
export type { XadesErrorCode } from './errors.js';
