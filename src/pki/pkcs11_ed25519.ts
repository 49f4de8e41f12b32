/**
 * Ed25519 keys (RFC 8032) on a PKCS#11 token, through the EdDSA mechanisms of PKCS#11 v3.0
 * §2.3.5–2.3.7 (SoftHSM2 2.6 has them): the transparency log's checkpoint key can live in the
 * HSM beside the CA keys. The private key is sensitive and non-extractable, like the EC keys.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../lib/errors.js';
import type { Ed25519KeyStore } from './key_store.js';
import { HANDLE_STALE, ckrName, tpl, ulong, unavailable, unsupported } from './pkcs11_module.js';
import type { Pkcs11Token } from './pkcs11_module.js';
import { KeyStoreError } from './errors.js';

// PKCS#11 v3.0 numbers, which pkcs11js 2.x does not name.
const CKK_EC_EDWARDS = 0x40;
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
/** CKA_EC_PARAMS written: the DER OID id-Ed25519 1.3.101.112 (RFC 8410 §3). */
const ED25519_OID = Buffer.from('06032b6570', 'hex');
/** Also accepted when read: the PrintableString "edwards25519" (PKCS#11 v3.0 §2.3.5). */
const ED25519_NAME = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519', 'latin1')]);

/**
 * The raw 32-byte public key in CKA_EC_POINT: a DER OCTET STRING as PKCS#11 v3.0 specifies
 * (and SoftHSM2 returns), or the bare key as some tokens give it.
 */
function rawPublicKey(ecPoint: Buffer): Buffer {
  if (ecPoint.length === 34 && ecPoint[0] === 0x04 && ecPoint[1] === 32) return ecPoint.subarray(2);
  if (ecPoint.length === 32) return ecPoint;
  throw unavailable(`malformed Ed25519 CKA_EC_POINT (${ecPoint.length} bytes)`);
}

/**
 * The {@link Ed25519KeyStore} methods of a PKCS#11 key store (`has` is the store's own: any
 * private key labelled `id`).
 *
 * @param token - the store's logged-in session
 * @returns generateEd25519, ed25519PublicKey and signEd25519
 * @example
 * ```ts
 * const ed = pkcs11Ed25519(token);
 * const publicKey = await ed.generateEd25519('log-signer');
 * const sig = await ed.signEd25519('log-signer', checkpoint);
 * ```
 */
export function pkcs11Ed25519(token: Pkcs11Token): Omit<Ed25519KeyStore, 'has'> {
  const { p, lib, session, find, attr, run, notFound } = token;
  const cache = new Map<string, Buffer>(); // private key handles: signing skips C_FindObjects

  const checkEd25519 = (handle: Buffer, id: string): void => {
    if (ulong(attr(handle, p.CKA_KEY_TYPE)) !== CKK_EC_EDWARDS)
      throw unsupported(`PKCS#11 key "${id}" is not an Ed25519 key`);
    const params = attr(handle, p.CKA_EC_PARAMS);
    if (params.length > 0 && !params.equals(ED25519_OID) && !params.equals(ED25519_NAME))
      throw unsupported(`PKCS#11 key "${id}" is on curve ${params.toString('hex')}, not edwards25519`);
  };

  return {
    async generateEd25519(id: string): Promise<Buffer> {
      if (!id) throw new UsageError('USAGE_INVALID_ARGUMENT', 'the key identifier is empty');
      return run(`generating Ed25519 key "${id}"`, async () => {
        if (find(p.CKO_PRIVATE_KEY, id) || find(p.CKO_PUBLIC_KEY, id)) {
          throw new KeyStoreError('KEY_EXISTS', `a PKCS#11 key labelled "${id}" already exists`);
        }
        const cid = createHash('sha256').update(id, 'utf8').digest().subarray(0, 20);
        const common = tpl([p.CKA_KEY_TYPE, CKK_EC_EDWARDS], [p.CKA_TOKEN, true], [p.CKA_LABEL, id]);
        common.push({ type: p.CKA_ID, value: cid });
        const pub = tpl([p.CKA_CLASS, p.CKO_PUBLIC_KEY], [p.CKA_PRIVATE, false], [p.CKA_VERIFY, true]);
        pub.push(...common, ...tpl([p.CKA_EC_PARAMS, ED25519_OID]));
        // the private key stays on the token, PIN-protected, sensitive and never extractable
        const priv = tpl([p.CKA_CLASS, p.CKO_PRIVATE_KEY], [p.CKA_PRIVATE, true], [p.CKA_SENSITIVE, true]);
        priv.push(...common, ...tpl([p.CKA_EXTRACTABLE, false], [p.CKA_SIGN, true], [p.CKA_DERIVE, false]));
        const mech = { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN };
        const keys = await lib.C_GenerateKeyPairAsync(session, mech, pub, priv);
        try {
          const publicKey = Buffer.from(rawPublicKey(attr(keys.publicKey, p.CKA_EC_POINT)));
          cache.set(id, keys.privateKey);
          return publicKey;
        } catch (e) {
          lib.C_DestroyObject(session, keys.privateKey); // leave no key pair with an unreadable public key
          lib.C_DestroyObject(session, keys.publicKey);
          throw e;
        }
      });
    },

    ed25519PublicKey(id: string): Promise<Buffer> {
      return run(`reading Ed25519 public key "${id}"`, () => {
        const pub = find(p.CKO_PUBLIC_KEY, id);
        if (!pub) throw notFound(id);
        checkEd25519(pub, id);
        return Buffer.from(rawPublicKey(attr(pub, p.CKA_EC_POINT)));
      });
    },

    async signEd25519(id: string, message: Uint8Array): Promise<Buffer> {
      const data = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
      // An empty message reaches C_Sign as a null pointer: SoftHSM2 answers CKR_ARGUMENTS_BAD and
      // leaves the operation active, blocking the session. Signed notes are never empty.
      if (data.length === 0) throw unsupported('the PKCS#11 key store does not sign empty messages');
      return run(`signing with Ed25519 key "${id}"`, async () => {
        for (let attempt = 0; ; attempt++) {
          let handle = cache.get(id);
          if (!handle) {
            handle = find(p.CKO_PRIVATE_KEY, id);
            if (!handle) throw notFound(id);
            checkEd25519(handle, id);
            cache.set(id, handle);
          }
          try {
            // CKM_EDDSA without parameters is pure Ed25519 over the whole message (RFC 8032 §5.1)
            lib.C_SignInit(session, { mechanism: CKM_EDDSA }, handle);
            const sig = await lib.C_SignAsync(session, data, Buffer.alloc(64));
            if (sig.length !== 64) throw unavailable(`bad Ed25519 signature length ${sig.length}`);
            return Buffer.from(sig);
          } catch (e) {
            cache.delete(id);
            // the key may have been deleted and re-created by another application: look it up again
            if (attempt > 0 || !HANDLE_STALE.includes(ckrName(e))) throw e;
          }
        }
      });
    },
  };
}
