import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { bitString, integer, oid, readHeader, seq, tlv } from '../lib/der.js';
import { PkiError } from '../lib/errors.js';
import { pemOrDer } from '../lib/pem.js';
import { OID, curveOfSpki, ecdsaSignatureOid, hashForEcdsaOid } from './algorithms.js';
import { encodeName } from './certificate_builder.js';
import type { NameAttribute } from './certificate_builder.js';
import type { HashAlgorithm, KeyAlgorithm } from './key_store.js';

/** A certification request whose signature was checked: the requester holds the private key. */
export interface ProvenCsr {
  /** SubjectPublicKeyInfo DER of the requested key. */
  spki: Buffer;
  curve: KeyAlgorithm;
  publicKey: KeyObject;
}

/** Maximum CSR size accepted; a P-256 CSR is about 250 bytes. */
const MAX_CSR_BYTES = 8192;

interface CsrParts {
  info: Buffer;
  spki: Buffer;
  signatureOid: Buffer;
  signature: Buffer;
}

function expect(cond: boolean, what: string): asserts cond {
  if (!cond) throw new PkiError('PKI_CSR_MALFORMED', `malformed CSR: ${what}`);
}

/** Splits a PKCS#10 CertificationRequest (RFC 2986 §4) into the parts that are verified. */
function splitCsr(der: Buffer): CsrParts {
  try {
    const outer = readHeader(der, 0);
    expect(outer.tag === 0x30 && outer.end === der.length, 'not a single SEQUENCE');
    const info = readHeader(der, outer.start);
    expect(info.tag === 0x30, 'certificationRequestInfo is not a SEQUENCE');
    const alg = readHeader(der, info.end);
    expect(alg.tag === 0x30, 'signatureAlgorithm is not a SEQUENCE');
    const algOid = readHeader(der, alg.start);
    expect(algOid.tag === 0x06, 'signatureAlgorithm has no OID');
    const sig = readHeader(der, alg.end);
    expect(sig.tag === 0x03 && sig.end === outer.end && der[sig.start] === 0, 'bad signature BIT STRING');
    const version = readHeader(der, info.start);
    expect(version.tag === 0x02 && version.length === 1 && der[version.start] === 0, 'version is not v1(0)');
    const subject = readHeader(der, version.end);
    expect(subject.tag === 0x30, 'subject is not a Name');
    const spki = readHeader(der, subject.end);
    expect(spki.tag === 0x30, 'no SubjectPublicKeyInfo');
    const attrs = readHeader(der, spki.end);
    expect(attrs.tag === 0xa0 && attrs.end === info.end, 'bad attributes');
    return {
      info: der.subarray(outer.start, info.end),
      spki: der.subarray(subject.end, spki.end),
      signatureOid: der.subarray(alg.start, algOid.end),
      signature: der.subarray(sig.start + 1, sig.end),
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('PKI_CSR_MALFORMED', `malformed CSR: ${(e as Error).message}`, { cause: e });
  }
}

// SubjectPublicKeyInfo header of an uncompressed P-256 key (RFC 5480 §2): id-ecPublicKey, prime256v1.
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

/** Decodes the requested key. P-256 keys go through JWK, which OpenSSL imports twice as fast as DER and still checks on the curve. */
function importKey(spki: Buffer): { publicKey: KeyObject; curve: KeyAlgorithm } {
  try {
    if (spki.length === 91 && spki[26] === 0x04 && spki.subarray(0, 26).equals(P256_SPKI_PREFIX)) {
      const jwk = {
        kty: 'EC',
        crv: 'P-256',
        x: spki.subarray(27, 59).toString('base64url'),
        y: spki.subarray(59, 91).toString('base64url'),
      };
      return { publicKey: createPublicKey({ key: jwk, format: 'jwk' }), curve: 'P-256' };
    }
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    return { publicKey, curve: curveOfSpki(publicKey) };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('PKI_CSR_MALFORMED', 'CSR public key cannot be decoded (not a point on the curve?)', {
      cause: e,
    });
  }
}

const ALLOWED_SIG_OIDS = new Map<string, HashAlgorithm>(
  [OID.ecdsaWithSHA256, OID.ecdsaWithSHA384, OID.ecdsaWithSHA512].map((o) => [
    oid(o).toString('hex'),
    hashForEcdsaOid(o)!,
  ]),
);

/**
 * Parses a CSR and checks its proof of possession (RFC 2986 §3, RFC 4211 §4): the signature over
 * certificationRequestInfo must verify with the enclosed key. Only ECDSA on the allowed curves.
 *
 * @param input - DER or PEM (`CERTIFICATE REQUEST`)
 * @param allowedCurves - curves accepted for the requested key
 * @throws PkiError PKI_CSR_MALFORMED | PKI_CSR_ALGORITHM_UNSUPPORTED | PKI_CSR_SIGNATURE_INVALID
 * @example
 * ```ts
 * const { spki } = verifyCsr(readFileSync('auth.csr'), ['P-256']);
 * ```
 */
export function verifyCsr(input: Uint8Array | string, allowedCurves: KeyAlgorithm[] = ['P-256']): ProvenCsr {
  const der = pemOrDer(input, 'CERTIFICATE REQUEST') ?? pemOrDer(input, 'NEW CERTIFICATE REQUEST');
  if (!der) throw new PkiError('PKI_CSR_MALFORMED', 'no CERTIFICATE REQUEST block in PEM input');
  if (der.length > MAX_CSR_BYTES)
    throw new PkiError('PKI_CSR_MALFORMED', `CSR larger than ${MAX_CSR_BYTES} bytes`);
  const parts = splitCsr(der);
  const hash = ALLOWED_SIG_OIDS.get(parts.signatureOid.toString('hex'));
  if (!hash)
    throw new PkiError('PKI_CSR_ALGORITHM_UNSUPPORTED', 'CSR signature algorithm is not ECDSA with SHA-2');
  const { publicKey, curve } = importKey(parts.spki);
  if (!allowedCurves.includes(curve)) {
    throw new PkiError(
      'PKI_CSR_ALGORITHM_UNSUPPORTED',
      `curve ${curve} not allowed here (${allowedCurves.join(', ')})`,
    );
  }
  let ok = false;
  try {
    ok = cryptoVerify(hash, parts.info, { key: publicKey, dsaEncoding: 'der' }, parts.signature);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new PkiError('PKI_CSR_SIGNATURE_INVALID', 'CSR signature does not verify: no proof of possession');
  return { spki: Buffer.from(parts.spki), curve, publicKey };
}

/**
 * Creates a PKCS#10 request signed by the key it certifies (used by the citizen wallet).
 *
 * @param subject - subject attributes (the CA replaces them with the registered identity)
 * @param spki - the public key
 * @param hash - signature hash
 * @param sign - signs the DER of certificationRequestInfo, returns a DER ECDSA signature
 * @example
 * ```ts
 * const csr = await createCsr([{ type: OID.commonName, value: 'wallet' }], spki, 'sha256', async (d) => sign('sha256', d, { key, dsaEncoding: 'der' }));
 * ```
 */
export async function createCsr(
  subject: NameAttribute[],
  spki: Buffer,
  hash: HashAlgorithm,
  sign: (data: Buffer) => Promise<Buffer> | Buffer,
): Promise<Buffer> {
  const info = seq(integer(0), encodeName(subject), spki, tlv(0xa0, Buffer.alloc(0)));
  const signature = await sign(info);
  return seq(info, seq(oid(ecdsaSignatureOid(hash))), bitString(signature));
}
