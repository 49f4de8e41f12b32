/**
 * The X.509 decoders as path validation has always exposed them: a certificate or CRL that cannot
 * be decoded is a PathValidationError PATH_MALFORMED (sub-indication
 * CERTIFICATE_CHAIN_GENERAL_FAILURE), with the same detail text as the X.509 layer's X509Error.
 */
import { decodeCertificate as decodeX509Certificate } from '../x509/certificate.js';
import type { Certificate } from '../x509/certificate.js';
import { decodeCrl as decodeX509Crl } from '../x509/crl.js';
import type { Crl } from '../x509/crl.js';
import { X509Error } from '../x509/errors.js';
import { pathError } from './errors.js';

function asPathError<T>(decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof X509Error) throw pathError('PATH_MALFORMED', e.detail, {}, { cause: e });
    throw e;
  }
}

/**
 * Decodes a certificate (DER or PEM) once; later calls with the same buffer or the same bytes
 * return the cached model.
 *
 * @param input - DER bytes or PEM text
 * @throws PathValidationError PATH_MALFORMED when the certificate cannot be decoded
 * @example
 * ```ts
 * const cert = decodeCertificate(readFileSync('leaf.pem'));
 * console.log(cert.subjectText, cert.extensions.basicConstraints?.ca);
 * ```
 */
export function decodeCertificate(input: Uint8Array | string): Certificate {
  return asPathError(() => decodeX509Certificate(input));
}

/**
 * Decodes a CRL (DER or PEM), once per buffer.
 *
 * @param input - DER bytes or PEM text (`X509 CRL`)
 * @throws PathValidationError PATH_MALFORMED when the CRL cannot be decoded
 * @example
 * ```ts
 * const crl = decodeCrl(readFileSync('eid-ca.crl'));
 * crl.entries.get('4a5b6c')?.reason; // 'keyCompromise'
 * ```
 */
export function decodeCrl(input: Uint8Array | string): Crl {
  return asPathError(() => decodeX509Crl(input));
}
