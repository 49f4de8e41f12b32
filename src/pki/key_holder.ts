import type { CertificateInfo } from '../x509/certificate_info.js';
import type { Signer } from './key_store.js';
import type { IssuerRef } from './profiles.js';

/**
 * A certification authority or service key, ready to sign: its certificate, its signer, and the
 * same as an issuer of other certificates.
 *
 * @example
 * ```ts
 * const crl = await buildCrl({ issuerDer: ca.ref.subjectDer, issuerSpki: ca.ref.spki, signer: ca.signer, ... });
 * ```
 */
export interface KeyHolder {
  id: string;
  certificate: CertificateInfo;
  signer: Signer;
  /** As an issuer of other certificates. */
  ref: IssuerRef;
}
