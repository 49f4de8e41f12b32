/**
 * ds:SignatureValue verification (xmldsig-core1 §3.2.2): the canonicalized ds:SignedInfo is signed
 * with RSA PKCS#1 v1.5, RSASSA-PSS (RFC 6931 §2.3.10) or ECDSA, whose XMLDSig value is the raw
 * r || s concatenation (xmldsig-core1 §6.4.3, RFC 4050), not the DER of CMS.
 */
import { constants, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalize } from '../../lib/xml/c14n.js';
import { signatureAlgorithm } from './algorithms.js';
import type { SignatureAlgorithm } from './algorithms.js';
import { XadesError } from './errors.js';
import type { ParsedSignature } from './structure.js';

const HASH_LENGTH: Record<string, number> = {
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  'sha3-256': 32,
  'sha3-384': 48,
  'sha3-512': 64,
};

/**
 * The canonical ds:SignedInfo: the bytes the signature value is computed over.
 *
 * @example
 * ```ts
 * const signed = canonicalSignedInfo(parseSignature(el));
 * ```
 */
export function canonicalSignedInfo(sig: ParsedSignature): Buffer {
  const c = sig.canonicalization;
  return canonicalize(sig.signedInfo, {
    method: c.method,
    withComments: c.withComments,
    ...(c.inclusivePrefixes ? { inclusivePrefixes: c.inclusivePrefixes } : {}),
  });
}

/**
 * The signature method of `sig`; XADES_ALGORITHM_UNSUPPORTED when unknown.
 *
 * @example
 * ```ts
 * signatureMethodOf(sig).hash; // 'sha256'
 * ```
 */
export function signatureMethodOf(sig: ParsedSignature): SignatureAlgorithm {
  const algorithm = signatureAlgorithm(sig.signatureMethod);
  if (!algorithm)
    throw new XadesError('XADES_ALGORITHM_UNSUPPORTED', `signature method ${sig.signatureMethod}`);
  return algorithm;
}

function keyFits(algorithm: SignatureAlgorithm, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  return algorithm.kind === 'ecdsa' ? type === 'ec' : type === 'rsa' || type === 'rsa-pss';
}

/**
 * Verifies the signature value over the canonical SignedInfo with `publicKey`.
 *
 * @param sig - the parsed signature
 * @param publicKey - the signer's public key
 * @returns true when the value verifies; false for a wrong value or a key of another type
 * @throws XadesError XADES_ALGORITHM_UNSUPPORTED for an unknown signature method
 * @example
 * ```ts
 * verifySignatureValue(sig, new X509Certificate(der).publicKey); // true
 * ```
 */
export function verifySignatureValue(sig: ParsedSignature, publicKey: KeyObject): boolean {
  const algorithm = signatureMethodOf(sig);
  if (!keyFits(algorithm, publicKey)) return false;
  const data = canonicalSignedInfo(sig);
  try {
    if (algorithm.kind === 'ecdsa') {
      return verify(algorithm.hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig.signatureValue);
    }
    if (algorithm.kind === 'rsa-pss') {
      const options = {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: HASH_LENGTH[algorithm.hash]!,
      };
      return verify(algorithm.hash, data, options, sig.signatureValue);
    }
    return verify(
      algorithm.hash,
      data,
      { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
      sig.signatureValue,
    );
  } catch {
    // A value of the wrong length or a key node:crypto rejects for this hash is a value that does not verify.
    return false;
  }
}
