/**
 * Identification of the signing certificate (EN 319 102-1 clause 5.2.3): among the certificates
 * the signature carries and those the caller supplies, the one the signer identifier names and,
 * when the signature has a signed reference to its certificate (signing-certificate-v2,
 * x5t#S256, xades:SigningCertificateV2), whose digest matches it.
 */
import { createHash } from 'node:crypto';
import { decodeCertificate } from './x509_decode.js';
import type { ExtractedSignature } from '../signature/model.js';

/** The identified certificate, or why there is none. */
export type SignerIdentification = { certificate: Buffer; warnings: string[] } | { failure: string };

function unique(certs: readonly Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    const k = c.toString('base64');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function issuerSerialWarning(sig: ExtractedSignature, cert: Buffer): string | undefined {
  const ref = sig.signingCertificateReference;
  if (!ref?.serialHex) return undefined;
  try {
    const c = decodeCertificate(cert);
    const sameIssuer = ref.issuerDer === undefined || ref.issuerDer.equals(c.issuer.der);
    return sameIssuer && ref.serialHex === c.serialHex
      ? undefined
      : 'the IssuerSerial of the signing-certificate reference does not match';
  } catch {
    return undefined;
  }
}

/**
 * Finds the signing certificate.
 *
 * @param sig - the extracted signature
 * @param supplied - certificates from the caller (signing-certificate sources, trust anchors)
 * @example
 * ```ts
 * const id = identifySigner(sig, anchors);
 * if ('failure' in id) console.log(id.failure);
 * ```
 */
export function identifySigner(sig: ExtractedSignature, supplied: readonly Buffer[]): SignerIdentification {
  const pool = unique([...sig.certificates, ...supplied]);
  const named = pool.filter((c) => sig.namesSigner(c));
  const ref = sig.signingCertificateReference;
  if (!ref) {
    return named[0]
      ? { certificate: named[0], warnings: [] }
      : { failure: 'no certificate matches the signer identifier' };
  }
  const digestOf = (c: Buffer): Buffer => {
    if (ref.digestAlgorithm === 'sha256') {
      try {
        return Buffer.from(decodeCertificate(c).fingerprint, 'hex');
      } catch {
        // not a certificate: hashed below, and will not match a real reference
      }
    }
    return createHash(ref.digestAlgorithm).update(c).digest();
  };
  const matching = pool.filter((c) => digestOf(c).equals(ref.digest));
  const chosen = matching.find((c) => named.includes(c)) ?? (named.length === 0 ? matching[0] : undefined);
  if (!chosen) {
    return {
      failure:
        named.length > 0
          ? 'the signed signing-certificate reference does not match the certificate the signer identifier names'
          : 'no certificate matches the signer identifier or the signing-certificate reference',
    };
  }
  const warning = issuerSerialWarning(sig, chosen);
  return { certificate: chosen, warnings: warning ? [warning] : [] };
}
