import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readHeader } from '../lib/der.js';
import { PkiError } from '../lib/errors.js';
import type { HashAlgorithm, KeyAlgorithm } from './key_store.js';

/** Object identifiers used across the PKI (RFC 5280, RFC 5758, RFC 6960, ETSI EN 319 412). */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  // name attributes (X.520)
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationIdentifier: '2.5.4.97',
  givenName: '2.5.4.42',
  // extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  qcStatements: '1.3.6.1.5.5.7.1.3',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  adOcsp: '1.3.6.1.5.5.7.48.1',
  adCaIssuers: '1.3.6.1.5.5.7.48.2',
  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  anyPolicy: '2.5.29.32.0',
  // ETSI EN 319 412-5 QCStatements, EN 319 411-2 policies
  qcCompliance: '0.4.0.1862.1.1',
  qcSSCD: '0.4.0.1862.1.4',
  qcType: '0.4.0.1862.1.6',
  qctEsign: '0.4.0.1862.1.6.1',
  qcsSemanticsIdNatural: '0.4.0.194121.1.1',
  qcpNaturalQscd: '0.4.0.194112.1.2',
  ncpPlus: '0.4.0.2042.1.2',
} as const;

const CURVE_OID: Record<KeyAlgorithm, string> = { 'P-256': OID.prime256v1, 'P-384': OID.secp384r1 };

/** The hash paired with a curve for ECDSA (RFC 5758 §3.2, ETSI TS 119 312). */
export function hashForCurve(curve: KeyAlgorithm): HashAlgorithm {
  return curve === 'P-384' ? 'sha384' : 'sha256';
}

/** The ecdsa-with-SHAxxx signature algorithm OID for a hash. */
export function ecdsaSignatureOid(hash: HashAlgorithm): string {
  return { sha256: OID.ecdsaWithSHA256, sha384: OID.ecdsaWithSHA384, sha512: OID.ecdsaWithSHA512 }[hash];
}

/** Hash name for an ecdsa-with-SHAxxx OID, or undefined when not an allowed ECDSA algorithm. */
export function hashForEcdsaOid(oid: string): HashAlgorithm | undefined {
  if (oid === OID.ecdsaWithSHA256) return 'sha256';
  if (oid === OID.ecdsaWithSHA384) return 'sha384';
  if (oid === OID.ecdsaWithSHA512) return 'sha512';
  return undefined;
}

/** Curve OID of a key algorithm. */
export function curveOid(curve: KeyAlgorithm): string {
  return CURVE_OID[curve];
}

/** Reads the curve of an EC SubjectPublicKeyInfo; throws KEY_ALGORITHM_UNSUPPORTED for anything else. */
export function curveOfSpki(spki: Uint8Array | KeyObject): KeyAlgorithm {
  const key = isKeyObject(spki)
    ? spki
    : createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'P-256';
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'secp384r1') return 'P-384';
  throw new PkiError(
    'PKI_CSR_ALGORITHM_UNSUPPORTED',
    `unsupported key: ${key.asymmetricKeyType} ${details?.namedCurve ?? ''}`,
  );
}

function isKeyObject(k: unknown): k is KeyObject {
  return typeof k === 'object' && k !== null && 'asymmetricKeyType' in k;
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
export function keyIdentifier(spki: Uint8Array): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

/** The subjectPublicKey bits (without the unused-bits byte) of a SubjectPublicKeyInfo. */
export function subjectPublicKeyBits(spki: Uint8Array): Buffer {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const outer = readHeader(spki, 0);
  const alg = readHeader(spki, outer.start);
  const bits = readHeader(spki, alg.end);
  return Buffer.from(spki.subarray(bits.start + 1, bits.end));
}
