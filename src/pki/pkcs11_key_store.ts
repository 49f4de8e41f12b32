/**
 * A {@link KeyStore} on a PKCS#11 token (HSM, smart card, SoftHSM2) through the optional `pkcs11js`
 * binding. Keys are sensitive, non-extractable EC key pairs and Ed25519 key pairs (see
 * pkcs11_ed25519.ts): only public keys and signatures leave it. Session plumbing: pkcs11_module.ts.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { UsageError } from '../lib/errors.js';
import { KeyStoreError } from './errors.js';
import type { Ed25519KeyStore, HashAlgorithm, KeyAlgorithm, KeyStore } from './key_store.js';
import { pkcs11Ed25519 } from './pkcs11_ed25519.js';
import {
  HANDLE_STALE,
  ckrName,
  openPkcs11Token,
  tpl,
  ulong,
  unavailable,
  unsupported,
} from './pkcs11_module.js';
import type { Pkcs11Options } from './pkcs11_module.js';

export type { Pkcs11Options } from './pkcs11_module.js';

/** A supported curve: `params` is the DER named-curve OID, `size` the field/order length in bytes. */
type Curve = { algorithm: KeyAlgorithm; params: Buffer; size: number };

const CURVES: readonly Curve[] = [
  { algorithm: 'P-256', params: Buffer.from('06082a8648ce3d030107', 'hex'), size: 32 }, // prime256v1
  { algorithm: 'P-384', params: Buffer.from('06052b81040022', 'hex'), size: 48 }, // secp384r1
];
const HASHES: readonly HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];

/** Builds a SubjectPublicKeyInfo from CKA_EC_POINT (a DER OCTET STRING, or a bare point). */
function spkiFromEcPoint(curve: Curve, ecPoint: Buffer): Buffer {
  const n = curve.size;
  let point = ecPoint;
  if (point.length !== 1 + 2 * n) {
    const [off, len] = point[1] === 0x81 ? [3, point[2]] : [2, point[1]];
    if (point[0] === 0x04 && off + (len ?? -1) === point.length) point = point.subarray(off);
  }
  if (point.length !== 1 + 2 * n || point[0] !== 0x04) throw unavailable('malformed CKA_EC_POINT');
  const x = point.subarray(1, 1 + n).toString('base64url');
  const y = point.subarray(1 + n).toString('base64url');
  const jwk = { kty: 'EC', crv: curve.algorithm, x, y };
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

function derLength(n: number): Buffer {
  return Buffer.from(n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
}

function derUnsignedInteger(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = Buffer.from(bytes.subarray(i));
  if ((v[0] as number) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
}

/**
 * Converts a raw PKCS#11 / IEEE P1363 ECDSA signature (`r || s`, equal halves) to the DER
 * ECDSA-Sig-Value `SEQUENCE { r INTEGER, s INTEGER }` of RFC 3279 §2.2.3.
 *
 * @param raw - `r || s`, each half as long as the curve order
 * @returns the DER-encoded signature
 * @example
 * ```ts
 * const der = ecdsaRawToDer(lib.C_Sign(session, digest, Buffer.alloc(64)));
 * ```
 */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2) throw unavailable(`bad raw ECDSA signature (${raw.length} bytes)`);
  const half = raw.length / 2;
  const r = derUnsignedInteger(raw.subarray(0, half));
  const s = derUnsignedInteger(raw.subarray(half));
  return Buffer.concat([Buffer.from([0x30]), derLength(r.length + s.length), r, s]);
}

/**
 * Opens a {@link KeyStore} on a PKCS#11 token: loads the module, finds the token by label,
 * opens a read-write session and logs in as the user. Stores on the same module share the loaded
 * library and token login; the last one closed logs out and finalises the module.
 *
 * @param options - module path, token label and user PIN
 * @returns a key store of kind `pkcs11`, for EC (P-256, P-384) and Ed25519 keys
 * @throws KeyStoreError KEY_STORE_UNAVAILABLE when `pkcs11js` is not installed, the module cannot be
 *   loaded or no token carries the label; KEY_PASSPHRASE_WRONG when the PIN is rejected
 * @example
 * ```ts
 * const store = await openPkcs11KeyStore({
 *   modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'tb-ca', pin: process.env.HSM_PIN!,
 * });
 * const spki = await store.generate('issuing-ca-2025', 'P-384');
 * const sig = await store.sign('issuing-ca-2025', tbsCertificate, 'sha384');
 * const logKey = await store.generateEd25519('log-signer'); // 32-byte raw public key
 * await store.close();
 * ```
 */
export async function openPkcs11KeyStore(options: Pkcs11Options): Promise<KeyStore & Ed25519KeyStore> {
  const token = await openPkcs11Token(options);
  const { p, lib, session, find, attr, run, notFound } = token;
  const cache = new Map<string, { handle: Buffer; curve: Curve }>(); // private keys: signing skips C_FindObjects

  const curveOf = (handle: Buffer, id: string): Curve => {
    if (ulong(attr(handle, p.CKA_KEY_TYPE)) !== p.CKK_EC) throw unsupported(`PKCS#11 key "${id}" is not EC`);
    const params = attr(handle, p.CKA_EC_PARAMS);
    const curve = CURVES.find((c) => c.params.equals(params));
    if (!curve) throw unsupported(`PKCS#11 key "${id}" has unsupported curve ${params.toString('hex')}`);
    return curve;
  };

  return {
    kind: 'pkcs11',

    async generate(id: string, algorithm: KeyAlgorithm): Promise<Buffer> {
      if (!id) throw new UsageError('USAGE_INVALID_ARGUMENT', 'the key identifier is empty');
      const curve = CURVES.find((c) => c.algorithm === algorithm);
      if (!curve) throw unsupported(`unsupported key algorithm ${String(algorithm)}`);
      return run(`generating key "${id}"`, async () => {
        if (find(p.CKO_PRIVATE_KEY, id) || find(p.CKO_PUBLIC_KEY, id)) {
          throw new KeyStoreError('KEY_EXISTS', `a PKCS#11 key labelled "${id}" already exists`);
        }
        const cid = createHash('sha256').update(id, 'utf8').digest().subarray(0, 20);
        const common = tpl([p.CKA_KEY_TYPE, p.CKK_EC], [p.CKA_TOKEN, true], [p.CKA_LABEL, id]);
        common.push({ type: p.CKA_ID, value: cid });
        const pub = tpl([p.CKA_CLASS, p.CKO_PUBLIC_KEY], [p.CKA_PRIVATE, false], [p.CKA_VERIFY, true]);
        pub.push(...common, ...tpl([p.CKA_EC_PARAMS, curve.params]));
        // the private key stays on the token, PIN-protected, sensitive and never extractable
        const priv = tpl([p.CKA_CLASS, p.CKO_PRIVATE_KEY], [p.CKA_PRIVATE, true], [p.CKA_SENSITIVE, true]);
        priv.push(...common, ...tpl([p.CKA_EXTRACTABLE, false], [p.CKA_SIGN, true], [p.CKA_DERIVE, false]));
        const mech = { mechanism: p.CKM_EC_KEY_PAIR_GEN };
        const keys = await lib.C_GenerateKeyPairAsync(session, mech, pub, priv);
        try {
          const spki = spkiFromEcPoint(curve, attr(keys.publicKey, p.CKA_EC_POINT));
          cache.set(id, { handle: keys.privateKey, curve });
          return spki;
        } catch (e) {
          lib.C_DestroyObject(session, keys.privateKey); // leave no key pair with an unreadable public key
          lib.C_DestroyObject(session, keys.publicKey);
          throw e;
        }
      });
    },

    publicKey(id: string): Promise<Buffer> {
      return run(`reading public key "${id}"`, () => {
        const pub = find(p.CKO_PUBLIC_KEY, id);
        if (!pub) throw notFound(id);
        return spkiFromEcPoint(curveOf(pub, id), attr(pub, p.CKA_EC_POINT));
      });
    },

    has(id: string): Promise<boolean> {
      return run(`looking up key "${id}"`, () => find(p.CKO_PRIVATE_KEY, id) !== undefined);
    },

    async sign(id: string, data: Uint8Array, hash: HashAlgorithm): Promise<Buffer> {
      if (!HASHES.includes(hash)) throw unsupported(`unsupported hash ${String(hash)}`);
      const digest = createHash(hash).update(data).digest();
      return run(`signing with key "${id}"`, async () => {
        for (let attempt = 0; ; attempt++) {
          let key = cache.get(id);
          if (!key) {
            const handle = find(p.CKO_PRIVATE_KEY, id);
            if (!handle) throw notFound(id);
            key = { handle, curve: curveOf(handle, id) };
            cache.set(id, key);
          }
          // FIPS 186-4 §6.4: a digest longer than the order is cut to its leftmost bytes
          const input = digest.subarray(0, Math.min(digest.length, key.curve.size));
          try {
            lib.C_SignInit(session, { mechanism: p.CKM_ECDSA }, key.handle);
            const raw = await lib.C_SignAsync(session, input, Buffer.alloc(2 * key.curve.size));
            if (raw.length !== 2 * key.curve.size) throw unavailable(`bad signature length ${raw.length}`);
            return ecdsaRawToDer(raw);
          } catch (e) {
            cache.delete(id);
            // the key may have been deleted and re-created by another application: look it up again
            if (attempt > 0 || !HANDLE_STALE.includes(ckrName(e))) throw e;
          }
        }
      });
    },

    ...pkcs11Ed25519(token),

    async close(): Promise<void> {
      cache.clear();
      await token.close();
    },
  };
}
