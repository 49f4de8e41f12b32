/**
 * Password-based cryptography for PKCS#12 (not exported from the package): the RFC 7292
 * Appendix B KDF and the PFX MAC, PBES2 (RFC 8018) with PBKDF2 and AES-CBC, and the bounds on
 * iteration counts that keep a hostile file from hanging the reader.
 */
import * as nodeCrypto from 'node:crypto';
import { MacData } from '@peculiar/asn1-pfx';
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { PkiError } from './errors.js';

/** Hash functions the PKCS#12 KDF, the PKCS#12 MAC and the PBKDF2 PRF are used with here. */
export type Pkcs12Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Output length `u` and input block length `v` (bytes) of each hash (RFC 7292 B.2). */
const HASH_SIZES: Record<Pkcs12Hash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/** PKCS#12 KDF purpose IDs (RFC 7292 B.3). */
export const PKCS12_KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

/** Largest iteration count accepted per KDF call when reading. */
export const MAX_ITERATIONS = 10_000_000;
/** Largest sum of iteration counts (MAC and all PBKDF2 calls) accepted per file read. */
const ITERATION_BUDGET = 20_000_000;

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbmac1: '1.2.840.113549.1.5.14',
  sha256: '2.16.840.1.101.3.4.2.1',
  pbkdf2: '1.2.840.113549.1.5.12',
  pkcs5: '1.2.840.113549.1.5.',
  pkcs12Pbe: '1.2.840.113549.1.12.1.',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

/** DigestInfo.digestAlgorithm OIDs of the PFX MAC (RFC 7292 §4 / RFC 8017). */
const MAC_DIGEST_OIDS = new Map<string, Pkcs12Hash>([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  [OID.sha256, 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);
const PRF_OIDS = new Map<string, Pkcs12Hash>([
  [OID.hmacWithSHA1, 'sha1'],
  ['1.2.840.113549.2.8', 'sha224'],
  [OID.hmacWithSHA256, 'sha256'],
  ['1.2.840.113549.2.10', 'sha384'],
  ['1.2.840.113549.2.11', 'sha512'],
]);
const AES_CBC_OIDS = new Map<string, { cipher: string; keyLength: number }>([
  ['2.16.840.1.101.3.4.1.2', { cipher: 'aes-128-cbc', keyLength: 16 }],
  ['2.16.840.1.101.3.4.1.22', { cipher: 'aes-192-cbc', keyLength: 24 }],
  [OID.aes256Cbc, { cipher: 'aes-256-cbc', keyLength: 32 }],
]);

// ASN.1 types absent from the installed @peculiar packages. The legacy-style decorators are
// applied by hand because this project compiles without experimentalDecorators.

/** DigestInfo (RFC 8017 §9.2); the same shape as @peculiar/asn1-rsa's, not a direct dependency. */
class DigestInfoAsn {
  digestAlgorithm = new AlgorithmIdentifier();
  digest = new OctetString();
}
AsnProp({ type: AlgorithmIdentifier })(DigestInfoAsn.prototype, 'digestAlgorithm');
AsnProp({ type: OctetString })(DigestInfoAsn.prototype, 'digest');

/** PBES2-params (RFC 8018 A.4). */
class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme');

/** PBKDF2-params (RFC 8018 A.2), `specified` salt only; a missing prf means hmacWithSHA1. */
class Pbkdf2Params {
  salt = new OctetString();
  iterationCount: number | string = 0;
  keyLength?: number | string;
  prf?: AlgorithmIdentifier;
}
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, 'iterationCount');
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, 'keyLength');
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, 'prf');

/**
 * A `PKI_PKCS12_MALFORMED` error with a `PKCS#12:` prefix.
 *
 * @param message - what is wrong
 * @param cause - the underlying exception, if any
 * @example
 * ```ts
 * throw pkcs12Malformed('unsupported PFX version 2');
 * ```
 */
export function pkcs12Malformed(message: string, cause?: unknown): PkiError {
  return new PkiError('PKI_PKCS12_MALFORMED', `PKCS#12: ${message}`, { cause });
}

/**
 * Tracks the iteration counts a file asks for: each must be in 1..{@link MAX_ITERATIONS} and
 * their sum may not exceed 20,000,000, so a hostile file cannot make the reader spin.
 *
 * @example
 * ```ts
 * const budget = new IterationBudget();
 * const iterations = budget.take(macData.iterations); // throws PKI_PKCS12_MALFORMED if out of bounds
 * ```
 */
export class IterationBudget {
  private remaining = ITERATION_BUDGET;

  /**
   * Validates an ASN.1 INTEGER iteration count and charges it against the budget.
   *
   * @param value - the decoded INTEGER (number, or decimal string for large values)
   * @returns the count as a number
   */
  take(value: unknown): number {
    let n: bigint;
    try {
      n = BigInt(value as number | string);
    } catch (e) {
      throw pkcs12Malformed('invalid iteration count', e);
    }
    if (n < 1n || n > BigInt(MAX_ITERATIONS)) {
      throw pkcs12Malformed(`iteration count ${n} outside 1..${MAX_ITERATIONS}`);
    }
    this.remaining -= Number(n);
    if (this.remaining < 0) throw pkcs12Malformed(`total iteration count exceeds ${ITERATION_BUDGET}`);
    return Number(n);
  }
}

// One-shot crypto.hash (Node >= 20.12) is ~1.5x faster than createHash in the iteration loop.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
const digest: (alg: Pkcs12Hash, data: Uint8Array) => Buffer = oneShot
  ? (alg, data) => oneShot(alg, data, 'buffer')
  : (alg, data) => nodeCrypto.createHash(alg).update(data).digest();

/**
 * Encodes a password as the PKCS#12 KDF expects it: a BMPString, i.e. big-endian UTF-16 code
 * units followed by two zero bytes (RFC 7292 B.1). The empty password becomes `00 00`.
 *
 * @param password - the password as typed
 * @example
 * ```ts
 * bmpPassword('ab').toString('hex'); // '006100620000'
 * ```
 */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

/** `src` repeated (and truncated) to `length` bytes. */
function repeatTo(src: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += src.length) out.set(src.subarray(0, Math.min(src.length, length - i)), i);
  return out;
}

/** I_j = (I_j + B + 1) mod 2^(8v), big-endian, for the block of `i` starting at `offset`. */
function addBlock(i: Buffer, offset: number, b: Buffer): void {
  let carry = 1;
  for (let k = b.length - 1; k >= 0; k--) {
    const sum = i[offset + k] + b[k] + carry;
    i[offset + k] = sum & 0xff;
    carry = sum >>> 8;
  }
}

/**
 * The PKCS#12 key derivation function of RFC 7292 Appendix B.2. Used for the PFX MAC key
 * (`id` 3) and by legacy PKCS#12 PBE schemes; PBES2 uses PBKDF2 instead.
 *
 * @param hash - the hash H
 * @param password - the password already encoded with {@link bmpPassword}
 * @param salt - the salt S
 * @param id - purpose byte: 1 key, 2 IV, 3 MAC key ({@link PKCS12_KDF_ID})
 * @param iterations - iteration count r (≥ 1); the caller bounds it
 * @param length - number of bytes n to derive
 * @example
 * ```ts
 * const macKey = pkcs12Kdf('sha256', bmpPassword('pw'), salt, PKCS12_KDF_ID.mac, 2048, 32);
 * ```
 */
export function pkcs12Kdf(
  hash: Pkcs12Hash,
  password: Uint8Array,
  salt: Uint8Array,
  id: number,
  iterations: number,
  length: number,
): Buffer {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError('iterations must be >= 1');
  const { u, v } = HASH_SIZES[hash];
  const d = Buffer.alloc(v, id);
  const s = repeatTo(salt, v * Math.ceil(salt.length / v));
  const p = repeatTo(password, v * Math.ceil(password.length / v));
  const i = Buffer.concat([s, p]);
  const blocks = Math.ceil(length / u);
  const out = Buffer.alloc(blocks * u);
  for (let block = 0; block < blocks; block++) {
    let a = digest(hash, Buffer.concat([d, i]));
    for (let r = 1; r < iterations; r++) a = digest(hash, a);
    a.copy(out, block * u);
    if (block + 1 < blocks) {
      const b = repeatTo(a, v);
      for (let j = 0; j < i.length; j += v) addBlock(i, j, b);
    }
  }
  return out.subarray(0, length);
}

/**
 * The PFX MAC (RFC 7292 §5.1 step 2 / B.4): HMAC-`hash` over `data` keyed with the PKCS#12 KDF
 * (ID 3, same hash, key length = hash length) of the BMPString password.
 *
 * @param hash - MAC digest
 * @param data - the contents octets of the authSafe `data` OCTET STRING
 * @param password - the password as typed
 * @param salt - macSalt
 * @param iterations - MacData iterations
 * @example
 * ```ts
 * const mac = pkcs12Mac('sha256', authSafe, 'pw', salt, 2048);
 * ```
 */
export function pkcs12Mac(
  hash: Pkcs12Hash,
  data: Uint8Array,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Buffer {
  const key = pkcs12Kdf(hash, bmpPassword(password), salt, PKCS12_KDF_ID.mac, iterations, HASH_SIZES[hash].u);
  return nodeCrypto.createHmac(hash, key).update(data).digest();
}

/**
 * Builds the PFX MacData: HMAC-SHA-256 over `authSafe`, 16-byte random salt, the PKCS#12 KDF
 * with `iterations`.
 *
 * @param authSafe - the contents octets of the authSafe `data` OCTET STRING
 * @param password - the password as typed
 * @param iterations - MAC iteration count
 * @example
 * ```ts
 * const pfx = new PFX({ version: 3, authSafe, macData: createMacData(authSafeOctets, 'pw', 100_000) });
 * ```
 */
export function createMacData(authSafe: Uint8Array, password: string, iterations: number): MacData {
  const salt = nodeCrypto.randomBytes(16);
  const mac = new DigestInfoAsn();
  mac.digestAlgorithm = new AlgorithmIdentifier({ algorithm: OID.sha256, parameters: null });
  mac.digest = new OctetString(pkcs12Mac('sha256', authSafe, password, salt, iterations));
  return new MacData({ mac, macSalt: new OctetString(salt), iterations });
}

/**
 * Verifies the PFX MAC (SHA-1/224/256/384/512) in constant time.
 *
 * @param macData - MacData from the file (asn1-pfx fills in an empty one when it is absent)
 * @param authSafe - the contents octets of the authSafe `data` OCTET STRING
 * @param password - the password as typed
 * @param budget - charged with the MAC iteration count
 * @throws PkiError `PKI_PKCS12_PASSWORD_WRONG` on mismatch; `PKI_PKCS12_MALFORMED` when the MAC
 *   is missing, uses an unsupported algorithm (e.g. PBMAC1) or has the wrong length
 * @example
 * ```ts
 * verifyMacData(pfx.macData, authSafeOctets, 'pw', new IterationBudget());
 * ```
 */
export function verifyMacData(
  macData: MacData,
  authSafe: Uint8Array,
  password: string,
  budget: IterationBudget,
): void {
  const oid = macData.mac.digestAlgorithm.algorithm;
  if (!oid) throw pkcs12Malformed('no MAC; files without password integrity are not accepted');
  const hash = MAC_DIGEST_OIDS.get(oid);
  if (!hash) throw pkcs12Malformed(oid === OID.pbmac1 ? 'PBMAC1 is not supported' : `unsupported MAC ${oid}`);
  const iterations = budget.take(macData.iterations);
  const expected = pkcs12Mac(hash, authSafe, password, Buffer.from(macData.macSalt.buffer), iterations);
  const actual = Buffer.from(macData.mac.digest.buffer);
  if (actual.length !== expected.length) throw pkcs12Malformed('MAC value has the wrong length');
  if (!nodeCrypto.timingSafeEqual(actual, expected)) throw new PkiError('PKI_PKCS12_PASSWORD_WRONG');
}

/**
 * Encrypts with PBES2 = PBKDF2-HMAC-SHA256 (16-byte random salt) + AES-256-CBC (random IV),
 * the password as UTF-8 bytes (RFC 8018 §6.2).
 *
 * @param plaintext - data to encrypt
 * @param password - the password as typed
 * @param iterations - PBKDF2 iteration count
 * @returns the PBES2 AlgorithmIdentifier (with parameters) and the ciphertext
 * @example
 * ```ts
 * const { algorithm, ciphertext } = pbes2Encrypt(pkcs8, 'pw', 100_000);
 * ```
 */
export function pbes2Encrypt(plaintext: Uint8Array, password: string, iterations: number) {
  const salt = nodeCrypto.randomBytes(16);
  const iv = nodeCrypto.randomBytes(16);
  const key = nodeCrypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = nodeCrypto.createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  const kdf = new Pbkdf2Params();
  kdf.salt = new OctetString(salt);
  kdf.iterationCount = iterations;
  kdf.prf = new AlgorithmIdentifier({ algorithm: OID.hmacWithSHA256, parameters: null });
  const params = new Pbes2Params();
  params.keyDerivationFunc = new AlgorithmIdentifier({ algorithm: OID.pbkdf2, parameters: serialize(kdf) });
  params.encryptionScheme = new AlgorithmIdentifier({ algorithm: OID.aes256Cbc, parameters: serialize(iv) });
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: serialize(params) }),
    ciphertext,
  };
}

function serialize(value: object): ArrayBuffer {
  return AsnConvert.serialize(value instanceof Uint8Array ? new OctetString(value) : value);
}

function parseParameters<T>(alg: AlgorithmIdentifier, type: new () => T): T {
  if (!alg.parameters) throw pkcs12Malformed(`parameters of ${alg.algorithm} missing`);
  return AsnConvert.parse(alg.parameters, type);
}

/**
 * Decrypts PBES2 (PBKDF2 with HMAC-SHA1/224/256/384/512, AES-128/192/256-CBC). Anything else —
 * notably legacy PKCS#12 PBE with 3DES/RC2/RC4 and PBES1 — and bad padding throw
 * `PKI_PKCS12_MALFORMED`.
 *
 * @param alg - the encryption AlgorithmIdentifier from the file
 * @param ciphertext - the encrypted octets
 * @param password - the password as typed (used as UTF-8)
 * @param budget - charged with the PBKDF2 iteration count
 * @example
 * ```ts
 * const pkcs8 = pbes2Decrypt(epki.encryptionAlgorithm, encrypted, 'pw', new IterationBudget());
 * ```
 */
export function pbes2Decrypt(
  alg: AlgorithmIdentifier,
  ciphertext: Uint8Array,
  password: string,
  budget: IterationBudget,
): Buffer {
  if (alg.algorithm !== OID.pbes2) {
    if (alg.algorithm.startsWith(OID.pkcs12Pbe) || alg.algorithm.startsWith(OID.pkcs5)) {
      throw pkcs12Malformed(
        `legacy password-based encryption ${alg.algorithm} (3DES/RC2/RC4) is not supported`,
      );
    }
    throw pkcs12Malformed(`unsupported encryption algorithm ${alg.algorithm}`);
  }
  const { key, iv, cipher } = pbes2Key(parseParameters(alg, Pbes2Params), password, budget);
  try {
    const decipher = nodeCrypto.createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (e) {
    throw pkcs12Malformed('decryption failed (corrupt data, or a different password than the MAC)', e);
  } finally {
    key.fill(0);
  }
}

function pbes2Key(params: Pbes2Params, password: string, budget: IterationBudget) {
  const kdf = params.keyDerivationFunc;
  if (kdf.algorithm !== OID.pbkdf2)
    throw pkcs12Malformed(`unsupported PBES2 key derivation ${kdf.algorithm}`);
  const kp = parseParameters(kdf, Pbkdf2Params);
  const prfOid = kp.prf?.algorithm ?? OID.hmacWithSHA1;
  const prf = PRF_OIDS.get(prfOid);
  if (!prf) throw pkcs12Malformed(`unsupported PBKDF2 PRF ${prfOid}`);
  const scheme = params.encryptionScheme;
  const aes = AES_CBC_OIDS.get(scheme.algorithm);
  if (!aes) throw pkcs12Malformed(`unsupported PBES2 cipher ${scheme.algorithm} (AES-CBC only)`);
  const iv = Buffer.from(parseParameters(scheme, OctetString).buffer);
  if (iv.length !== 16) throw pkcs12Malformed('AES-CBC IV must be 16 bytes');
  if (kp.keyLength !== undefined && Number(kp.keyLength) !== aes.keyLength) {
    throw pkcs12Malformed('PBKDF2 keyLength does not match the cipher');
  }
  const iterations = budget.take(kp.iterationCount);
  const salt = Buffer.from(kp.salt.buffer);
  const key = nodeCrypto.pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, aes.keyLength, prf);
  return { key, iv, cipher: aes.cipher };
}
