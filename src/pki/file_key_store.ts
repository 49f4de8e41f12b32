import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EncryptedData, EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert } from '@peculiar/asn1-schema';
import { fromPemAll, toPem } from '../lib/pem.js';
import { pbes2Encrypt } from '../lib/pkcs12_kdf.js';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';
import { KeyStoreError } from './errors.js';
import type { Ed25519KeyStore, HashAlgorithm, KeyAlgorithm, KeyStore } from './key_store.js';

const NAMED_CURVE: Record<KeyAlgorithm, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/**
 * PBKDF2-HMAC-SHA256 iterations of new key files (OWASP 2023). Files written before with
 * OpenSSL's default (2,048) are still read: the count is in each file.
 */
export const KEY_FILE_ITERATIONS = 600_000;

/** Shortest passphrase accepted for making new keys (CA, OCSP, trusted-list signing keys). */
export const MIN_KEY_PASSPHRASE_LENGTH = 12;

/**
 * Refuses a passphrase too short to protect CA keys. Keys made before with a shorter one can
 * still be opened: only the making of new keys (`node init`, `hub init`, key creation) is refused.
 *
 * @param passphrase - the node or hub passphrase
 * @throws KeyStoreError KEY_PASSPHRASE_WEAK when shorter than {@link MIN_KEY_PASSPHRASE_LENGTH}
 * @example `assertStrongPassphrase(process.env.TRUSTBRIDGE_PASSWORD!)`
 */
export function assertStrongPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_KEY_PASSPHRASE_LENGTH)
    throw new KeyStoreError(
      'KEY_PASSPHRASE_WEAK',
      `the passphrase protecting the CA keys has ${[...passphrase].length} characters; at least ${MIN_KEY_PASSPHRASE_LENGTH} are required`,
    );
}

/**
 * The PKCS#8 `EncryptedPrivateKeyInfo` PEM of `key`: PBES2 with PBKDF2-HMAC-SHA256 at
 * {@link KEY_FILE_ITERATIONS} and AES-256-CBC (node:crypto's own export uses OpenSSL's 2,048).
 *
 * @param key - the private key
 * @param passphrase - the passphrase
 * @param iterations - PBKDF2 iterations
 * @example `writeFileSync('k.pem', encryptedPkcs8Pem(privateKey, 'a long passphrase'))`
 */
export function encryptedPkcs8Pem(
  key: KeyObject,
  passphrase: string,
  iterations = KEY_FILE_ITERATIONS,
): string {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  try {
    const { algorithm, ciphertext } = pbes2Encrypt(pkcs8, passphrase, iterations);
    const info = new EncryptedPrivateKeyInfo({
      encryptionAlgorithm: algorithm,
      encryptedData: new EncryptedData(ciphertext),
    });
    return toPem(new Uint8Array(AsnConvert.serialize(info)), 'ENCRYPTED PRIVATE KEY');
  } finally {
    pkcs8.fill(0);
  }
}

/** The raw 32-byte Ed25519 public key (the end of its SubjectPublicKeyInfo). */
function rawEd25519(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.from(spki.subarray(spki.length - 32));
}

/** The DER of a key file's encrypted key, or undefined when the file is not one at all. */
function encryptedKeyDer(bytes: Buffer): Buffer | undefined {
  const der = fromPemAll(bytes.toString('latin1'), 'ENCRYPTED PRIVATE KEY')[0];
  if (!der) return undefined;
  try {
    AsnConvert.parse(der, EncryptedPrivateKeyInfo);
    return der;
  } catch {
    return undefined;
  }
}

/**
 * Key store of PKCS#8 `EncryptedPrivateKeyInfo` PEM files, one per key (`<dir>/<id>.key.pem`),
 * EC keys (P-256, P-384) and Ed25519 keys (the transparency log's checkpoint key),
 * encrypted with PBES2 (PBKDF2-HMAC-SHA256 at 600,000 iterations, AES-256-CBC) under the node
 * passphrase (at least 12 characters for new keys), as
 * `openssl pkey -in FILE -passin env:…` reads them. Keys are decrypted into memory on first use
 * and never written in the clear.
 *
 * @example
 * ```ts
 * const ks = new FileKeyStore('/srv/ph/keys', process.env.TRUSTBRIDGE_PASSWORD!);
 * const spki = await ks.generate('eid-ca', 'P-256');
 * const sig = await ks.sign('eid-ca', Buffer.from('tbs'), 'sha256');
 * ```
 */
export class FileKeyStore implements KeyStore, Ed25519KeyStore {
  readonly kind = 'file' as const;
  readonly #dir: string;
  readonly #passphrase: string;
  readonly #keys = new Map<string, KeyObject>();

  /**
   * @param dir - folder holding the key files (created on first write)
   * @param passphrase - the node passphrase
   */
  constructor(dir: string, passphrase: string) {
    if (passphrase.length === 0) throw new KeyStoreError('KEY_PASSPHRASE_MISSING');
    this.#dir = dir;
    this.#passphrase = passphrase;
  }

  #file(id: string): string {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id)) {
      throw new KeyStoreError('KEY_NOT_FOUND', `invalid key identifier ${JSON.stringify(id)}`);
    }
    return join(this.#dir, `${id}.key.pem`);
  }

  generate(id: string, algorithm: KeyAlgorithm): Promise<Buffer> {
    const file = this.#file(id);
    if (existsSync(file)) return Promise.reject(new KeyStoreError('KEY_EXISTS', `key ${id} already exists`));
    try {
      assertStrongPassphrase(this.#passphrase);
    } catch (e) {
      return Promise.reject(e);
    }
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: NAMED_CURVE[algorithm] });
    const pem = encryptedPkcs8Pem(privateKey, this.#passphrase);
    makePrivateDir(this.#dir);
    // Written 0600 then renamed, so a crash never leaves a half-written key file.
    writePrivateFile(file, pem);
    this.#keys.set(id, privateKey);
    return Promise.resolve(publicKey.export({ type: 'spki', format: 'der' }));
  }

  generateEd25519(id: string): Promise<Buffer> {
    const file = this.#file(id);
    if (existsSync(file)) return Promise.reject(new KeyStoreError('KEY_EXISTS', `key ${id} already exists`));
    try {
      assertStrongPassphrase(this.#passphrase);
    } catch (e) {
      return Promise.reject(e);
    }
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    makePrivateDir(this.#dir);
    writePrivateFile(file, encryptedPkcs8Pem(privateKey, this.#passphrase));
    this.#keys.set(id, privateKey);
    return Promise.resolve(rawEd25519(publicKey));
  }

  ed25519PublicKey(id: string): Promise<Buffer> {
    try {
      return Promise.resolve(rawEd25519(createPublicKey(this.#ed25519(id))));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  signEd25519(id: string, message: Uint8Array): Promise<Buffer> {
    try {
      return Promise.resolve(cryptoSign(null, message, this.#ed25519(id)));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #ed25519(id: string): KeyObject {
    const key = this.#load(id);
    if (key.asymmetricKeyType !== 'ed25519')
      throw new KeyStoreError('KEY_NOT_FOUND', `key ${id} is not an Ed25519 key`);
    return key;
  }

  #load(id: string): KeyObject {
    const cached = this.#keys.get(id);
    if (cached) return cached;
    const file = this.#file(id);
    if (!existsSync(file)) throw new KeyStoreError('KEY_NOT_FOUND', `no key ${id} in ${this.#dir}`);
    const bytes = readFileSync(file);
    const der = encryptedKeyDer(bytes);
    if (!der)
      throw new KeyStoreError(
        'KEY_FILE_MALFORMED',
        `${file} is not an encrypted PKCS#8 private key (ENCRYPTED PRIVATE KEY PEM): the file is damaged or not a key`,
      );
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: this.#passphrase });
    } catch (e) {
      throw new KeyStoreError('KEY_PASSPHRASE_WRONG', `cannot decrypt key ${id}: wrong passphrase?`, {
        cause: e,
      });
    }
    this.#keys.set(id, key);
    return key;
  }

  publicKey(id: string): Promise<Buffer> {
    try {
      return Promise.resolve(createPublicKey(this.#load(id)).export({ type: 'spki', format: 'der' }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  has(id: string): Promise<boolean> {
    return Promise.resolve(existsSync(this.#file(id)));
  }

  sign(id: string, data: Uint8Array, hash: HashAlgorithm): Promise<Buffer> {
    try {
      return Promise.resolve(cryptoSign(hash, data, { key: this.#load(id), dsaEncoding: 'der' }));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  close(): Promise<void> {
    this.#keys.clear();
    return Promise.resolve();
  }
}
