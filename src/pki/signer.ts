import { hashForCurve } from './algorithms.js';
import type { KeyAlgorithm, KeyStore, Signer } from './key_store.js';

/**
 * Binds a key of a key store to a {@link Signer}, with the hash the curve calls for.
 *
 * @param keyStore - where the private key lives
 * @param keyId - its identifier
 * @param algorithm - its curve
 * @param spki - its public key (DER)
 * @example
 * ```ts
 * const signer = keyStoreSigner(ks, 'eid-ca', 'P-256', await ks.publicKey('eid-ca'));
 * ```
 */
export function keyStoreSigner(
  keyStore: KeyStore,
  keyId: string,
  algorithm: KeyAlgorithm,
  spki: Buffer,
): Signer {
  const hash = hashForCurve(algorithm);
  return { keyId, algorithm, hash, spki, sign: (data) => keyStore.sign(keyId, data, hash) };
}
