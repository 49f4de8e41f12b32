/**
 * The bridge between the node's key store and the OpenID provider: an `ExternalSigningKey`
 * (oidc-provider features.externalSigningSupport) whose signatures come from `KeyStore.sign`,
 * so the ID-token private key never leaves the key store (file or HSM). ES256 wants r || s
 * (RFC 7518 §3.4); key stores return a DER ECDSA-Sig-Value, converted here.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';
import type { KeyStore } from '../pki/key_store.js';
import { derToP1363 } from '../signature/jades/ecdsa.js';
import type { LoginKey } from './keys.js';

/**
 * An ES256 ID-token key held by a key store.
 *
 * @example
 * ```ts
 * const jwks = { keys: (await loginKeys(host)).map((k) => new KeyStoreSigningKey(node.serviceKeys, k)) };
 * ```
 */
export class KeyStoreSigningKey extends ExternalSigningKey {
  readonly #keys: KeyStore;
  readonly #keyId: string;
  readonly #public: KeyObject;

  /**
   * @param keys - the key store holding the private key
   * @param key - the key's record (`login_key`)
   */
  constructor(keys: KeyStore, key: LoginKey) {
    super();
    this.#keys = keys;
    this.#keyId = key.keyId;
    this.#public = createPublicKey({ key: key.spki, format: 'der', type: 'spki' });
    this.kid = key.kid;
    this.alg = 'ES256';
  }

  override keyObject(): KeyObject {
    return this.#public;
  }

  override async sign(data: Uint8Array): Promise<Uint8Array> {
    return derToP1363(await this.#keys.sign(this.#keyId, data, 'sha256'), 32);
  }
}
