/**
 * OCSP request DER for the load generator (RFC 6960 §4.1.1), as `openssl ocsp -reqout` writes
 * it: SHA-1 CertID, no requestorName, no signature, optionally an id-pkix-ocsp-nonce extension
 * (RFC 8954: extnValue is an OCTET STRING holding the nonce OCTET STRING).
 */
import { createHash } from 'node:crypto';
import { explicit, integer, nullValue, octets, oid, seq } from '../src/lib/der.js';
import { subjectPublicKeyBits } from '../src/pki/algorithms.js';

const SHA1 = '1.3.14.3.2.26';
const NONCE = '1.3.6.1.5.5.7.48.1.2';

/**
 * CertID DER of serial `serialHex` issued by the CA with subject `issuerSubjectDer` and key
 * `issuerSpki`.
 */
export function certIdDer(issuerSubjectDer: Buffer, issuerSpki: Buffer, serialHex: string): Buffer {
  const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();
  return seq(
    seq(oid(SHA1), nullValue()),
    octets(sha1(issuerSubjectDer)),
    octets(sha1(subjectPublicKeyBits(issuerSpki))),
    integer(Buffer.from(serialHex.length % 2 ? `0${serialHex}` : serialHex, 'hex')),
  );
}

/** OCSPRequest DER with one CertID and, when given, a nonce extension. */
export function ocspRequestDer(certId: Buffer, nonce?: Buffer): Buffer {
  const extensions = nonce ? explicit(2, seq(seq(oid(NONCE), octets(octets(nonce))))) : undefined;
  return seq(seq(seq(seq(certId)), extensions));
}
