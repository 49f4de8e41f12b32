/**
 * `CertificateInfo`: the few fields of a certificate that issuance, signing, time-stamping and
 * the node use, as a view of the one certificate model (`decodeCertificate`). There is no second
 * parser: a certificate is decoded once, and this view only picks its fields.
 */
import { PkiError } from '../lib/errors.js';
import { decodeCertificate } from './certificate.js';
import type { Certificate } from './certificate.js';
import { X509Error } from './errors.js';

/** What the node needs to know of a certificate, with the exact DER of its parts. */
export interface CertificateInfo {
  der: Buffer;
  /** Serial number, lower-case hex of the positive INTEGER value. */
  serial: string;
  /** Exact DER of the issuer Name. */
  issuerDer: Buffer;
  /** Exact DER of the subject Name. */
  subjectDer: Buffer;
  /** Exact DER of the SubjectPublicKeyInfo. */
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514-style rendering of the subject, for display and storage. */
  subject: string;
}

/**
 * The {@link CertificateInfo} view of a decoded certificate. Each call returns fresh objects
 * (the dates are copies), so a caller cannot change the shared, cached model.
 *
 * @param cert - a certificate from `decodeCertificate`
 * @example
 * ```ts
 * certificateInfoOf(decodeCertificate(pem)).serial; // '4a5b6c'
 * ```
 */
export function certificateInfoOf(cert: Certificate): CertificateInfo {
  return {
    der: cert.der,
    serial: cert.serialHex,
    issuerDer: cert.issuer.der,
    subjectDer: cert.subject.der,
    spki: cert.spki,
    notBefore: new Date(cert.notBefore.getTime()),
    notAfter: new Date(cert.notAfter.getTime()),
    subject: cert.subjectText,
  };
}

/**
 * Parses a certificate (DER or PEM) into the fields the PKI uses, with the exact DER of issuer,
 * subject and key out of the TBSCertificate (RFC 5280 §4.1). Signatures are not checked.
 *
 * @param input - DER bytes or PEM text
 * @throws PkiError PKI_CERT_MALFORMED
 * @example
 * ```ts
 * const info = parseCertificate(readFileSync('ph/public/eid-ca.pem'));
 * console.log(info.subject, info.serial);
 * ```
 */
export function parseCertificate(input: Uint8Array | string): CertificateInfo {
  let cert: Certificate;
  try {
    cert = decodeCertificate(input);
  } catch (e) {
    if (!(e instanceof X509Error)) throw e;
    // This entry point has always answered PKI_CERT_MALFORMED: keep the code callers match on.
    const detail = e.detail.replace(/^certificate: (malformed certificate: )?/, '');
    throw new PkiError('PKI_CERT_MALFORMED', `malformed certificate: ${detail}`, { cause: e });
  }
  return certificateInfoOf(cert);
}
