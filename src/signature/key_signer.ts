/** Adapts an in-memory private key (a citizen wallet key) to the {@link Signer} interface the CMS builder takes. */
import { createPublicKey, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { curveOfSpki, hashForCurve } from '../pki/algorithms.js';
import type { Signer } from '../pki/key_store.js';

/**
 * A {@link Signer} over a P-256 or P-384 private KeyObject: ECDSA with the hash its curve calls
 * for (RFC 5758 §3.2, ETSI TS 119 312), DER ECDSA-Sig-Value as CMS requires (RFC 5753 §2.1.1).
 *
 * @param privateKey - an EC private key (e.g. `wallet.keys.signature.privateKey`)
 * @param keyId - a label for logs (default `wallet-signature`)
 * @returns the signer
 * @throws PkiError PKI_CSR_ALGORITHM_UNSUPPORTED for a key on another curve or of another type
 * @example
 * ```ts
 * const signer = keyObjectSigner(openWallet(p12, password).keys.signature.privateKey);
 * const signature = await signer.sign(Buffer.from('data'));
 * ```
 */
export function keyObjectSigner(privateKey: KeyObject, keyId = 'wallet-signature'): Signer {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const algorithm = curveOfSpki(spki);
  const hash = hashForCurve(algorithm);
  return {
    keyId,
    algorithm,
    hash,
    spki,
    sign: (data) => Promise.resolve(cryptoSign(hash, data, { key: privateKey, dsaEncoding: 'der' })),
  };
}
