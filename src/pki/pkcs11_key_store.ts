/**
 * A {@link KeyStore} on a PKCS#11 token (HSM, smart card, SoftHSM2) through the optional `pkcs11js`
 * binding. Keys are sensitive, non-extractable EC key pairs: only public keys and signatures leave it.
 */
import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { endianness } from 'node:os';
import { TrustbridgeError, UsageError } from '../lib/errors.js';
import { KeyStoreError } from './errors.js';
import type { HashAlgorithm, KeyAlgorithm, KeyStore } from './key_store.js';

/** Where the PKCS#11 module lives, which token to use and the user PIN. */
export interface Pkcs11Options {
  /** Path of the PKCS#11 shared library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  modulePath: string;
  /** Token label (compared after trimming the blank padding). */
  tokenLabel: string;
  /** User PIN (CKU_USER). Never logged. */
  pin: string;
}

type Template = { type: number; value?: number | boolean | string | Buffer }[];
type Mechanism = { mechanism: number };
type KeyPair = { publicKey: Buffer; privateKey: Buffer };
/** The part of pkcs11js used here, declared locally so type-checking works without the optional package. */
interface PKCS11 {
  load(path: string): void;
  close(): void;
  C_Initialize(options?: { flags?: number }): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Buffer[];
  C_GetTokenInfo(slot: Buffer): { label: string };
  C_OpenSession(slot: Buffer, flags: number): Buffer;
  C_CloseSession(session: Buffer): void;
  C_Login(session: Buffer, userType: number, pin?: string): void;
  C_Logout(session: Buffer): void;
  C_FindObjectsInit(session: Buffer, template: Template): void;
  C_FindObjects(session: Buffer, maxObjectCount: number): Buffer[];
  C_FindObjectsFinal(session: Buffer): void;
  C_GetAttributeValue(session: Buffer, object: Buffer, template: Template): { type: number; value: Buffer }[];
  C_GenerateKeyPairAsync(session: Buffer, mech: Mechanism, pub: Template, priv: Template): Promise<KeyPair>;
  C_DestroyObject(session: Buffer, object: Buffer): void;
  C_SignInit(session: Buffer, mechanism: Mechanism, key: Buffer): void;
  C_SignAsync(session: Buffer, data: Buffer, signature: Buffer): Promise<Buffer>;
}
type Pkcs11Js = { PKCS11: new () => PKCS11 } & Record<`CK${string}`, number>;

/** A supported curve: `params` is the DER named-curve OID, `size` the field/order length in bytes. */
type Curve = { algorithm: KeyAlgorithm; params: Buffer; size: number };

const CURVES: readonly Curve[] = [
  { algorithm: 'P-256', params: Buffer.from('06082a8648ce3d030107', 'hex'), size: 32 }, // prime256v1
  { algorithm: 'P-384', params: Buffer.from('06052b81040022', 'hex'), size: 48 }, // secp384r1
];
const HASHES: readonly HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];
const PIN_WRONG = ['CKR_PIN_INCORRECT', 'CKR_PIN_INVALID', 'CKR_PIN_LEN_RANGE'];
const ALG_UNSUPPORTED = ['CKR_MECHANISM_INVALID', 'CKR_CURVE_NOT_SUPPORTED', 'CKR_DOMAIN_PARAMS_INVALID'];
const HANDLE_STALE = ['CKR_KEY_HANDLE_INVALID', 'CKR_OBJECT_HANDLE_INVALID'];

function unavailable(message: string, cause?: unknown): KeyStoreError {
  return new KeyStoreError('KEY_STORE_UNAVAILABLE', message, cause === undefined ? undefined : { cause });
}
const unsupported = (message: string) => new KeyStoreError('KEY_ALGORITHM_UNSUPPORTED', message);

/** One loaded module, shared by every store opened on it in this process. */
interface ModuleEntry {
  readonly key: string;
  readonly p: Pkcs11Js;
  readonly lib: PKCS11;
  readonly owned: boolean; // false when something else in the process initialised the module
  refs: number;
  tail: Promise<unknown>; // serialises every call into the module: session operations never interleave
  // logins by slot id (hex): login state belongs to the token and application, not to a session
  readonly logins: Map<string, { refs: number; pinDigest: Buffer }>;
}

const modules = new Map<string, ModuleEntry>();

function serial<T>(m: ModuleEntry, fn: () => Promise<T> | T): Promise<T> {
  const result = m.tail.then(fn);
  m.tail = result.catch(() => undefined);
  return result;
}

function ckrName(e: unknown): string {
  return e instanceof Error && /^CKR_\w+$/.test(e.message) ? e.message : '';
}

/** Maps a PKCS#11 error to a {@link KeyStoreError}; trustbridge errors pass through unchanged. */
function wrap(e: unknown, what: string): TrustbridgeError {
  if (e instanceof TrustbridgeError) return e;
  const ckr = ckrName(e);
  if (PIN_WRONG.includes(ckr)) return new KeyStoreError('KEY_PASSPHRASE_WRONG', `PKCS#11 ${what}: ${ckr}`);
  if (ALG_UNSUPPORTED.includes(ckr)) return unsupported(`PKCS#11 ${what}: ${ckr}`);
  return unavailable(`PKCS#11 ${what} failed: ${ckr || (e instanceof Error ? e.message : String(e))}`, e);
}

function acquireModule(p: Pkcs11Js, modulePath: string): ModuleEntry {
  const key = existsSync(modulePath) ? realpathSync(modulePath) : modulePath;
  const existing = modules.get(key);
  if (existing) {
    existing.refs++;
    return existing;
  }
  const lib = new p.PKCS11();
  try {
    lib.load(modulePath);
  } catch (e) {
    throw unavailable(`cannot load PKCS#11 module ${modulePath}: ${(e as Error).message}`, e);
  }
  let owned = true;
  try {
    try {
      lib.C_Initialize({ flags: p.CKF_OS_LOCKING_OK });
    } catch (e) {
      if (ckrName(e) !== 'CKR_CANT_LOCK') throw e;
      lib.C_Initialize(); // no OS locking: fine, every call is serialised
    }
  } catch (e) {
    owned = false;
    if (ckrName(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      lib.close();
      throw wrap(e, `C_Initialize of ${modulePath}`);
    }
  }
  const entry: ModuleEntry = { key, p, lib, owned, refs: 1, tail: Promise.resolve(), logins: new Map() };
  modules.set(key, entry);
  return entry;
}

/** Drops one reference; the last one finalises and unloads the module. Runs inside {@link serial}. */
function releaseModule(m: ModuleEntry): void {
  if (--m.refs > 0) return;
  modules.delete(m.key);
  try {
    if (m.owned) m.lib.C_Finalize();
  } finally {
    m.lib.close();
  }
}

/** Opens an RW session on the token labelled `label` and logs in (once per token and process). */
function openSession(m: ModuleEntry, label: string, pin: string): [slot: Buffer, session: Buffer] {
  const { p, lib } = m;
  const slots = lib.C_GetSlotList(true).filter((s) => lib.C_GetTokenInfo(s).label.trim() === label);
  if (slots.length !== 1) throw unavailable(`${slots.length || 'no'} PKCS#11 tokens labelled "${label}"`);
  const slot = slots[0] as Buffer;
  const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
  try {
    const pinDigest = createHash('sha256').update(pin, 'utf8').digest();
    const state = m.logins.get(slot.toString('hex'));
    if (state) {
      // already logged in from this process, so C_Login would not check the PIN: compare it ourselves
      if (!timingSafeEqual(state.pinDigest, pinDigest)) throw wrap(new Error('CKR_PIN_INCORRECT'), 'C_Login');
      state.refs++;
    } else {
      try {
        lib.C_Login(session, p.CKU_USER, pin);
      } catch (e) {
        if (ckrName(e) !== 'CKR_USER_ALREADY_LOGGED_IN') throw e;
      }
      m.logins.set(slot.toString('hex'), { refs: 1, pinDigest });
    }
  } catch (e) {
    lib.C_CloseSession(session);
    throw e;
  }
  return [slot, session];
}

function tpl(...pairs: [type: number, value: Template[number]['value']][]): Template {
  return pairs.map(([type, value]) => ({ type, value }));
}

function ulong(b: Buffer): number {
  if (b.length === 8) return Number(endianness() === 'LE' ? b.readBigUInt64LE() : b.readBigUInt64BE());
  return endianness() === 'LE' ? b.readUInt32LE() : b.readUInt32BE();
}

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
 * @returns a key store of kind `pkcs11`
 * @throws KeyStoreError KEY_STORE_UNAVAILABLE when `pkcs11js` is not installed, the module cannot be
 *   loaded or no token carries the label; KEY_PASSPHRASE_WRONG when the PIN is rejected
 * @example
 * ```ts
 * const store = await openPkcs11KeyStore({
 *   modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'tb-ca', pin: process.env.HSM_PIN!,
 * });
 * const spki = await store.generate('issuing-ca-2025', 'P-384');
 * const sig = await store.sign('issuing-ca-2025', tbsCertificate, 'sha384');
 * await store.close();
 * ```
 */
export async function openPkcs11KeyStore(options: Pkcs11Options): Promise<KeyStore> {
  let p: Pkcs11Js;
  try {
    const name = 'pkcs11js'; // not a literal import: type-checks without the optional package
    const mod = (await import(name)) as Pkcs11Js & { default?: Pkcs11Js };
    p = mod.default ?? mod; // CommonJS: Node exposes module.exports as `default`
  } catch (e) {
    throw unavailable('PKCS#11 needs the optional dependency pkcs11js, which is missing or not built', e);
  }
  const m = acquireModule(p, options.modulePath);
  const { lib } = m;
  let slot: Buffer;
  let session: Buffer;
  try {
    [slot, session] = await serial(m, () => openSession(m, options.tokenLabel, options.pin));
  } catch (e) {
    await serial(m, () => releaseModule(m));
    throw wrap(e, `opening token "${options.tokenLabel}"`);
  }

  let closed = false;
  const cache = new Map<string, { handle: Buffer; curve: Curve }>(); // private keys: signing skips C_FindObjects

  const find = (cls: number, id: string): Buffer | undefined => {
    lib.C_FindObjectsInit(session, tpl([p.CKA_CLASS, cls], [p.CKA_TOKEN, true], [p.CKA_LABEL, id]));
    let found: Buffer[];
    try {
      found = lib.C_FindObjects(session, 2);
    } finally {
      lib.C_FindObjectsFinal(session);
    }
    if (found.length > 1) throw unavailable(`more than one PKCS#11 key is labelled "${id}"`);
    return found[0];
  };

  const attr = (handle: Buffer, type: number): Buffer =>
    lib.C_GetAttributeValue(session, handle, [{ type }])[0]?.value ?? Buffer.alloc(0);

  const curveOf = (handle: Buffer, id: string): Curve => {
    if (ulong(attr(handle, p.CKA_KEY_TYPE)) !== p.CKK_EC) throw unsupported(`PKCS#11 key "${id}" is not EC`);
    const params = attr(handle, p.CKA_EC_PARAMS);
    const curve = CURVES.find((c) => c.params.equals(params));
    if (!curve) throw unsupported(`PKCS#11 key "${id}" has unsupported curve ${params.toString('hex')}`);
    return curve;
  };

  /** Runs `fn` alone on the session and maps PKCS#11 errors. */
  const run = <T>(what: string, fn: () => Promise<T> | T): Promise<T> =>
    serial(m, async () => {
      if (closed) throw unavailable('the PKCS#11 key store is closed');
      try {
        return await fn();
      } catch (e) {
        throw wrap(e, what);
      }
    });

  const notFound = (id: string): KeyStoreError =>
    new KeyStoreError('KEY_NOT_FOUND', `no PKCS#11 key labelled "${id}" on token "${options.tokenLabel}"`);

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

    async close(): Promise<void> {
      await serial(m, () => {
        if (closed) return;
        closed = true;
        cache.clear();
        const slotKey = slot.toString('hex');
        const state = m.logins.get(slotKey);
        try {
          if (state && --state.refs === 0) {
            m.logins.delete(slotKey);
            lib.C_Logout(session);
          }
          lib.C_CloseSession(session);
        } catch {
          // token removed or session already gone: finalising below still cleans up
        } finally {
          releaseModule(m);
        }
      });
    },
  };
}
