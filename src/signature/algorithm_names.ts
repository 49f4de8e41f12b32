/**
 * Names of signature and digest algorithms shared by the extractors and the crypto policy, and the
 * one place where a signature value is checked with node:crypto for validation. The names are the
 * ones ETSI TS 119 312 and the X.509 world use (`ecdsa-with-SHA256`, `sha256WithRSAEncryption`).
 */
import { constants, createHash, publicDecrypt, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { childrenOf, topElement } from '../lib/der_reader.js';
import { algorithmAt, smallIntAt } from '../lib/der_cursor.js';
import * as DER from '../lib/der.js';
import type { DigestName } from './model.js';

/** Digest algorithm OIDs (NIST and RFC 3279 / RFC 5754, SHA-3 from NIST CSOR). */
export const DIGEST_OIDS: Readonly<Record<string, DigestName>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.7': 'sha3-224',
  '2.16.840.1.101.3.4.2.8': 'sha3-256',
  '2.16.840.1.101.3.4.2.9': 'sha3-384',
  '2.16.840.1.101.3.4.2.10': 'sha3-512',
};

/** A signature algorithm: its policy name, key type and, when fixed by the OID, its hash. */
export interface SignatureAlgorithmInfo {
  name: string;
  key: 'ec' | 'rsa' | 'rsa-pss' | 'ed25519' | 'ed448';
  hash?: DigestName;
  /** RSASSA-PSS: the MGF1 hash and salt length of the parameters (RFC 4055 §3.1), when given. */
  mgf1Hash?: DigestName;
  saltLength?: number;
}

const EC = (hash: DigestName, label: string): SignatureAlgorithmInfo => ({
  name: `ecdsa-with-${label}`,
  key: 'ec',
  hash,
});
const RSA = (hash: DigestName, label: string): SignatureAlgorithmInfo => ({
  name: `${label}WithRSAEncryption`,
  key: 'rsa',
  hash,
});

/** Signature algorithm OIDs (RFC 5758, RFC 4055, RFC 8410, NIST CSOR for SHA-3). */
export const SIGNATURE_OIDS: Readonly<Record<string, SignatureAlgorithmInfo>> = {
  '1.2.840.10045.4.1': EC('sha1', 'SHA1'),
  '1.2.840.10045.4.3.1': EC('sha224', 'SHA224'),
  '1.2.840.10045.4.3.2': EC('sha256', 'SHA256'),
  '1.2.840.10045.4.3.3': EC('sha384', 'SHA384'),
  '1.2.840.10045.4.3.4': EC('sha512', 'SHA512'),
  '2.16.840.1.101.3.4.3.9': EC('sha3-224', 'SHA3-224'),
  '2.16.840.1.101.3.4.3.10': EC('sha3-256', 'SHA3-256'),
  '2.16.840.1.101.3.4.3.11': EC('sha3-384', 'SHA3-384'),
  '2.16.840.1.101.3.4.3.12': EC('sha3-512', 'SHA3-512'),
  '1.2.840.113549.1.1.5': RSA('sha1', 'sha1'),
  '1.2.840.113549.1.1.14': RSA('sha224', 'sha224'),
  '1.2.840.113549.1.1.11': RSA('sha256', 'sha256'),
  '1.2.840.113549.1.1.12': RSA('sha384', 'sha384'),
  '1.2.840.113549.1.1.13': RSA('sha512', 'sha512'),
  '2.16.840.1.101.3.4.3.13': RSA('sha3-224', 'sha3-224'),
  '2.16.840.1.101.3.4.3.14': RSA('sha3-256', 'sha3-256'),
  '2.16.840.1.101.3.4.3.15': RSA('sha3-384', 'sha3-384'),
  '2.16.840.1.101.3.4.3.16': RSA('sha3-512', 'sha3-512'),
  // rsaEncryption as a signature algorithm (CMS allows it): the hash is the digestAlgorithm's.
  '1.2.840.113549.1.1.1': { name: 'WithRSAEncryption', key: 'rsa' },
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS', key: 'rsa-pss' },
  '1.3.101.112': { name: 'Ed25519', key: 'ed25519' },
  '1.3.101.113': { name: 'Ed448', key: 'ed448' },
};

const PSS_OID = '1.2.840.113549.1.1.10';
const MGF1_OID = '1.2.840.113549.1.1.8';

/**
 * RSASSA-PSS-params (RFC 4055 §3.1): hash, MGF1 hash and salt length (defaults SHA-1, MGF1 with
 * SHA-1, 20). Undefined when they cannot be read or name a hash or mask function not supported.
 */
function pssParameters(params: Buffer): SignatureAlgorithmInfo | undefined {
  try {
    const seq = topElement(params, 0x30, 'RSASSA-PSS-params');
    let hash: DigestName | undefined = 'sha1';
    let mgf1Hash: DigestName | undefined = 'sha1';
    let saltLength = 20;
    for (const field of childrenOf(params, seq)) {
      const [inner] = childrenOf(params, field);
      if (!inner) return undefined;
      if (field.tag === 0xa0) hash = DIGEST_OIDS[algorithmAt(params, inner).oid];
      else if (field.tag === 0xa1) {
        const mgf = algorithmAt(params, inner);
        if (mgf.oid !== MGF1_OID || !mgf.params) return undefined;
        mgf1Hash = DIGEST_OIDS[algorithmAt(params, mgf.params).oid];
      } else if (field.tag === 0xa2) saltLength = smallIntAt(params, inner);
      else if (field.tag === 0xa3 && smallIntAt(params, inner) !== 1) return undefined;
    }
    if (!hash || !mgf1Hash) return undefined;
    return { name: 'RSASSA-PSS', key: 'rsa-pss', hash, mgf1Hash, saltLength };
  } catch {
    return undefined;
  }
}

/**
 * The signature algorithm of an AlgorithmIdentifier (CMS SignerInfo, time-stamp): the OID's entry,
 * or for RSASSA-PSS with parameters, the hash, MGF1 hash and salt length they name.
 *
 * @param oid - the algorithm OID
 * @param params - the parameters DER, when present (and not NULL)
 * @returns the algorithm, or undefined when not supported
 * @example `signatureAlgorithmOf('1.2.840.113549.1.1.11')?.name // 'sha256WithRSAEncryption'`
 */
export function signatureAlgorithmOf(oid: string, params?: Buffer): SignatureAlgorithmInfo | undefined {
  if (oid === PSS_OID && params) return pssParameters(params);
  return SIGNATURE_OIDS[oid];
}

/** The policy name of a signature algorithm whose hash comes from elsewhere (`sha256WithRSAEncryption`). */
export function signatureAlgorithmName(info: SignatureAlgorithmInfo, digest: DigestName): string {
  if (info.name === 'WithRSAEncryption') return `${digest}WithRSAEncryption`;
  if (info.key === 'rsa-pss') return `RSASSA-PSS-${info.hash ?? digest}`;
  return info.name;
}

/** Output length in bytes of each digest. */
export const DIGEST_LENGTHS: Readonly<Record<DigestName, number>> = {
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  'sha3-224': 28,
  'sha3-256': 32,
  'sha3-384': 48,
  'sha3-512': 64,
};

/** How a signature value is encoded: DER ECDSA-Sig-Value (CMS, X.509) or r||s (JWS, XMLDSig). */
export type EcdsaEncoding = 'der' | 'ieee-p1363';

/**
 * Verifies a signature value; false for any failure, a key of the wrong type included.
 *
 * @param info - the algorithm
 * @param digest - its hash (for RSA / ECDSA; ignored for EdDSA)
 * @param key - the signer's public key
 * @param data - the signed bytes
 * @param signature - the signature value
 * @param encoding - ECDSA encoding (default DER)
 * @returns true when it verifies
 * @example `verifySignatureWith(SIGNATURE_OIDS['1.2.840.10045.4.3.2']!, 'sha256', key, data, sig)`
 */
export function verifySignatureWith(
  info: SignatureAlgorithmInfo,
  digest: DigestName,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  encoding: EcdsaEncoding = 'der',
): boolean {
  const keyType = key.asymmetricKeyType;
  const expected = info.key === 'rsa-pss' ? ['rsa', 'rsa-pss'] : [info.key];
  if (!expected.includes(keyType ?? '')) return false;
  try {
    if (info.key === 'ed25519' || info.key === 'ed448') return cryptoVerify(null, data, key, signature);
    if (info.key === 'rsa-pss') {
      // RFC 4055 §3.1: the usual parameters use a salt as long as the hash. node:crypto's MGF1
      // uses the signature hash: other MGF1 hashes are not verified.
      const hash = info.hash ?? digest;
      if (info.mgf1Hash !== undefined && info.mgf1Hash !== hash) return false;
      const saltLength = info.saltLength ?? DIGEST_LENGTHS[hash];
      return cryptoVerify(
        hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength },
        signature,
      );
    }
    const hash = info.hash ?? digest;
    if (cryptoVerify(hash, data, { key, dsaEncoding: encoding }, signature)) return true;
    return info.key === 'rsa' && digestInfoWithoutNullMatches(hash, key, data, signature);
  } catch {
    return false;
  }
}

/**
 * RSASSA-PKCS1-v1_5 whose DigestInfo names the hash without the NULL parameters (RFC 8017 §9.2
 * note 1, RFC 4055 §2.1: such encodings exist and are accepted, as BouncyCastle does). The
 * recovered block is compared byte for byte with that one encoding: no other variant passes.
 */
function digestInfoWithoutNullMatches(
  hash: DigestName,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const oid = Object.keys(DIGEST_OIDS).find((o) => DIGEST_OIDS[o] === hash);
  if (!oid) return false;
  const expected = DER.seq(DER.seq(DER.oid(oid)), DER.octets(createHash(hash).update(data).digest()));
  try {
    return publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature).equals(expected);
  } catch {
    return false;
  }
}
