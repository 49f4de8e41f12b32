/**
 * Signature verification for certificates and CRLs with `node:crypto`: ECDSA (RFC 5758),
 * RSA PKCS#1 v1.5 and RSASSA-PSS (RFC 4055) with SHA-2, Ed25519 and Ed448 (RFC 8410).
 */
import { constants, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { childrenOf, fail, topElement } from '../lib/der_reader.js';
import type { DerElement } from '../lib/der_reader.js';
import { contents, oidValue, smallInteger } from './asn1.js';
import { OID } from './oids.js';

/** Outcome of one signature check. `unsupported`: the algorithm or key cannot be checked here. */
export type SignatureCheck = 'valid' | 'invalid' | 'unsupported';

interface Scheme {
  hash: string | null;
  pss?: { saltLength: number };
  family: 'ec' | 'rsa' | 'ed';
}

const HASHES: Readonly<Record<string, string>> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

const SIMPLE: Readonly<Record<string, Scheme>> = {
  [OID.ecdsaWithSha256]: { hash: 'sha256', family: 'ec' },
  [OID.ecdsaWithSha384]: { hash: 'sha384', family: 'ec' },
  [OID.ecdsaWithSha512]: { hash: 'sha512', family: 'ec' },
  [OID.sha256WithRsa]: { hash: 'sha256', family: 'rsa' },
  [OID.sha384WithRsa]: { hash: 'sha384', family: 'rsa' },
  [OID.sha512WithRsa]: { hash: 'sha512', family: 'rsa' },
  [OID.ed25519]: { hash: null, family: 'ed' },
  [OID.ed448]: { hash: null, family: 'ed' },
};

function hashOf(der: Buffer, algEl: DerElement): string | undefined {
  const [id] = childrenOf(der, algEl);
  return id ? HASHES[oidValue(der, id)] : undefined;
}

/** RFC 4055 §3.1 RSASSA-PSS-params; only SHA-2 with MGF1 over the same hash and trailer 1. */
function pssScheme(der: Buffer, params: DerElement | undefined): Scheme | undefined {
  if (!params || params.tag !== 0x30) return undefined;
  let hash: string | undefined;
  let mgfHash: string | undefined;
  let saltLength = 20;
  for (const field of childrenOf(der, params)) {
    const [inner] = childrenOf(der, field);
    if (!inner) return undefined;
    if (field.tag === 0xa0) hash = hashOf(der, inner);
    else if (field.tag === 0xa1) {
      const [mgfOid, mgfParams] = childrenOf(der, inner);
      if (!mgfOid || oidValue(der, mgfOid) !== OID.mgf1 || !mgfParams) return undefined;
      mgfHash = hashOf(der, mgfParams);
    } else if (field.tag === 0xa2) saltLength = smallInteger(der, inner);
    else if (field.tag !== 0xa3 || smallInteger(der, inner) !== 1) return undefined;
  }
  // Defaults are SHA-1 (RFC 4055 §3.1), which is not accepted for signatures here.
  if (!hash || hash !== mgfHash) return undefined;
  return { hash, family: 'rsa', pss: { saltLength } };
}

/**
 * The scheme of a signature AlgorithmIdentifier, or undefined when not supported. ECDSA and
 * EdDSA identifiers must have absent parameters (RFC 5758 §3.2, RFC 8410 §3), RSA PKCS#1 v1.5
 * NULL or absent ones (RFC 4055 §5).
 */
function schemeOf(algDer: Buffer): Scheme | undefined {
  const top = topElement(algDer, 0x30, 'AlgorithmIdentifier');
  const [idEl, params, extra] = childrenOf(algDer, top);
  if (!idEl || extra) fail('bad AlgorithmIdentifier');
  const id = oidValue(algDer, idEl);
  if (id === OID.rsassaPss) return pssScheme(algDer, params);
  const scheme = SIMPLE[id];
  if (!scheme) return undefined;
  const nullParams = params?.tag === 0x05 && params.length === 0;
  if (params && !(scheme.family === 'rsa' && nullParams)) return undefined;
  return scheme;
}

/**
 * The digest (node:crypto name) of a certificate or CRL signature algorithm: null for EdDSA,
 * which has none to choose, undefined when the algorithm is not supported.
 *
 * @example
 * ```ts
 * signatureDigest(cert.signatureAlgorithm); // 'sha256'
 * ```
 */
export function signatureDigest(algDer: Buffer): string | null | undefined {
  try {
    return schemeOf(algDer)?.hash;
  } catch {
    return undefined;
  }
}

/**
 * How an id-ecPublicKey SubjectPublicKeyInfo names its curve: `named` (an OID, the only form
 * RFC 5480 §2.1.1 allows), `explicit` (specifiedCurve or implicitCurve), or `none` for keys of
 * other types and SPKIs that cannot be read.
 *
 * @example
 * ```ts
 * ecCurveForm(cert.spki); // 'named'
 * ```
 */
export function ecCurveForm(spki: Buffer): 'named' | 'explicit' | 'none' {
  try {
    const [algEl] = childrenOf(spki, topElement(spki, 0x30, 'SubjectPublicKeyInfo'));
    if (!algEl || algEl.tag !== 0x30) return 'none';
    const [idEl, params] = childrenOf(spki, algEl);
    if (!idEl || oidValue(spki, idEl) !== OID.ecPublicKey) return 'none';
    return params?.tag === 0x06 ? 'named' : 'explicit';
  } catch {
    return 'none';
  }
}

const keys = new WeakMap<Buffer, KeyObject | null>();

/**
 * The KeyObject of a SubjectPublicKeyInfo, parsed once per buffer; null when node:crypto
 * cannot read it.
 *
 * @example
 * ```ts
 * publicKeyOf(cert.spki)?.asymmetricKeyType; // 'ec'
 * ```
 */
export function publicKeyOf(spki: Buffer): KeyObject | null {
  let key = keys.get(spki);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    keys.set(spki, key);
  }
  return key;
}

const FAMILY: Readonly<Record<string, Scheme['family']>> = {
  ec: 'ec',
  rsa: 'rsa',
  'rsa-pss': 'rsa',
  ed25519: 'ed',
  ed448: 'ed',
};

/**
 * Verifies `signature` over `data` with the key in `spki` under the AlgorithmIdentifier `algDer`.
 *
 * @param data - the signed bytes (TBSCertificate, TBSCertList)
 * @param algDer - DER of the signature AlgorithmIdentifier
 * @param signature - the signature value (BIT STRING contents without the unused-bits octet)
 * @param spki - DER of the signer's SubjectPublicKeyInfo
 * @example
 * ```ts
 * verifySignature(cert.tbs, cert.signatureAlgorithm, cert.signatureValue, issuer.spki); // 'valid'
 * ```
 */
export function verifySignature(
  data: Buffer,
  algDer: Buffer,
  signature: Buffer,
  spki: Buffer,
): SignatureCheck {
  let scheme: Scheme | undefined;
  try {
    scheme = schemeOf(algDer);
  } catch {
    return 'unsupported';
  }
  const key = publicKeyOf(spki);
  if (!scheme || !key) return 'unsupported';
  if (FAMILY[key.asymmetricKeyType ?? ''] !== scheme.family) return 'invalid';
  try {
    if (scheme.family === 'ec') return ok(verify(scheme.hash, data, { key, dsaEncoding: 'der' }, signature));
    if (scheme.pss) {
      const opts = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.pss.saltLength };
      return ok(verify(scheme.hash, data, opts, signature));
    }
    return ok(verify(scheme.hash, data, key, signature));
  } catch {
    return 'invalid';
  }
}

function ok(b: boolean): SignatureCheck {
  return b ? 'valid' : 'invalid';
}

/**
 * The dotted OID of an AlgorithmIdentifier, for messages.
 *
 * @example
 * ```ts
 * algorithmName(cert.signatureAlgorithm); // '1.2.840.10045.4.3.2'
 * ```
 */
export function algorithmName(algDer: Buffer): string {
  try {
    const top = topElement(algDer, 0x30, 'AlgorithmIdentifier');
    const [idEl] = childrenOf(algDer, top);
    return idEl ? oidValue(algDer, idEl) : contents(algDer, top).toString('hex');
  } catch {
    return algDer.toString('hex');
  }
}

/** What certificate signature checks need of a certificate. */
interface SignedObject {
  readonly tbs: Buffer;
  readonly signatureAlgorithm: Buffer;
  readonly signatureValue: Buffer;
}

const checked = new WeakMap<SignedObject, Map<string, SignatureCheck>>();

/**
 * Whether `child` is signed by the key in `issuerSpki`, remembered per certificate and key so
 * that path building and validation never verify the same signature twice.
 *
 * @example
 * ```ts
 * signedBy(leaf, intermediate.spki); // 'valid'
 * ```
 */
export function signedBy(child: SignedObject, issuerSpki: Buffer): SignatureCheck {
  let results = checked.get(child);
  if (!results) checked.set(child, (results = new Map()));
  const key = issuerSpki.toString('base64');
  let result = results.get(key);
  if (!result) {
    result = verifySignature(child.tbs, child.signatureAlgorithm, child.signatureValue, issuerSpki);
    results.set(key, result);
  }
  return result;
}
