/**
 * Ed25519 keys beside the ECDSA keys of a {@link FileKeyStore} (same folder, same encrypted
 * PKCS#8 form and passphrase, `<dir>/<id>.key.pem`): the transparency log's note keys and the
 * witness's cosigning key (signed-note and tlog-cosignature sign with Ed25519, which X.509 key
 * stores here do not). Decrypted into memory once; never written in the clear.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../lib/private_files.js';
import { KeyStoreError } from './errors.js';
import { assertStrongPassphrase, encryptedPkcs8Pem } from './file_key_store.js';

/** An Ed25519 signing key: its raw 32-byte public key and a signing function. */
export interface Ed25519FileKey {
  readonly id: string;
  readonly publicKey: Buffer;
  sign(message: Uint8Array): Buffer;
}

function fileOf(dir: string, id: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id))
    throw new KeyStoreError('KEY_NOT_FOUND', `invalid key identifier ${JSON.stringify(id)}`);
  return join(dir, `${id}.key.pem`);
}

function wrap(id: string, key: KeyObject): Ed25519FileKey {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new KeyStoreError('KEY_FILE_MALFORMED', `key ${id} is not an Ed25519 key`);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return { id, publicKey: Buffer.from(spki.subarray(spki.length - 32)), sign: (m) => sign(null, m, key) };
}

/**
 * Opens the Ed25519 key `id` of a key folder, creating it first when `create` is set and it does
 * not exist yet.
 *
 * @param dir - the key folder (the node's or hub's `keys/`)
 * @param id - key identifier (`witness`, `log`)
 * @param passphrase - the node or hub passphrase
 * @param options - `create`: make the key when absent
 * @throws KeyStoreError KEY_NOT_FOUND, KEY_PASSPHRASE_WRONG, KEY_FILE_MALFORMED, KEY_PASSPHRASE_WEAK
 * @example
 * ```ts
 * const key = openEd25519KeyFile('ph/keys', 'witness', process.env.TRUSTBRIDGE_PASSWORD!, { create: true });
 * ```
 */
export function openEd25519KeyFile(
  dir: string,
  id: string,
  passphrase: string,
  options: { create?: boolean } = {},
): Ed25519FileKey {
  if (passphrase.length === 0) throw new KeyStoreError('KEY_PASSPHRASE_MISSING');
  const file = fileOf(dir, id);
  if (!existsSync(file)) {
    if (!options.create) throw new KeyStoreError('KEY_NOT_FOUND', `no key ${id} in ${dir}`);
    assertStrongPassphrase(passphrase);
    const { privateKey } = generateKeyPairSync('ed25519');
    makePrivateDir(dir);
    // Written 0600 then renamed, so a crash never leaves a half-written key file.
    writePrivateFile(file, encryptedPkcs8Pem(privateKey, passphrase));
    return wrap(id, privateKey);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: readFileSync(file, 'latin1'), format: 'pem', passphrase });
  } catch (e) {
    throw new KeyStoreError('KEY_PASSPHRASE_WRONG', `cannot decrypt key ${id}: wrong passphrase?`, {
      cause: e,
    });
  }
  return wrap(id, key);
}
