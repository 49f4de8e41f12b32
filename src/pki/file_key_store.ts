import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyStoreError } from './errors.js';
import type { HashAlgorithm, KeyAlgorithm, KeyStore } from './key_store.js';

const NAMED_CURVE: Record<KeyAlgorithm, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/**
 * Key store of PKCS#8 `EncryptedPrivateKeyInfo` PEM files, one per key (`<dir>/<id>.key.pem`),
 * encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) under the node passphrase, as
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
export class FileKeyStore implements KeyStore {
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
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: NAMED_CURVE[algorithm] });
    const pem = privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: this.#passphrase,
    });
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    // Write then rename so a crash never leaves a half-written key file.
    writeFileSync(`${file}.tmp`, pem, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    this.#keys.set(id, privateKey);
    return Promise.resolve(publicKey.export({ type: 'spki', format: 'der' }));
  }

  #load(id: string): KeyObject {
    const cached = this.#keys.get(id);
    if (cached) return cached;
    const file = this.#file(id);
    if (!existsSync(file)) throw new KeyStoreError('KEY_NOT_FOUND', `no key ${id} in ${this.#dir}`);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: readFileSync(file), format: 'pem', passphrase: this.#passphrase });
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
