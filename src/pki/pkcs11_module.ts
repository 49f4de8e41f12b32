/**
 * PKCS#11 plumbing shared by the key store: loading the optional `pkcs11js` binding and the
 * module (once per process), one logged-in RW session per store, every call into the module
 * serialised, and PKCS#11 return codes mapped to {@link KeyStoreError}s.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { endianness } from 'node:os';
import { TrustbridgeError } from '../lib/errors.js';
import { KeyStoreError } from './errors.js';

/** Where the PKCS#11 module lives, which token to use and the user PIN. */
export interface Pkcs11Options {
  /** Path of the PKCS#11 shared library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  modulePath: string;
  /** Token label (compared after trimming the blank padding). */
  tokenLabel: string;
  /** User PIN (CKU_USER). Never logged. */
  pin: string;
}

/** A PKCS#11 attribute template. */
export type Template = { type: number; value?: number | boolean | string | Buffer }[];
type Mechanism = { mechanism: number };
type KeyPair = { publicKey: Buffer; privateKey: Buffer };
/** The part of pkcs11js used here, declared locally so type-checking works without the optional package. */
export interface PKCS11 {
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
/** The pkcs11js module: the PKCS11 class and the CK* constants it names. */
export type Pkcs11Js = { PKCS11: new () => PKCS11 } & Record<`CK${string}`, number>;

const PIN_WRONG = ['CKR_PIN_INCORRECT', 'CKR_PIN_INVALID', 'CKR_PIN_LEN_RANGE'];
const ALG_UNSUPPORTED = ['CKR_MECHANISM_INVALID', 'CKR_CURVE_NOT_SUPPORTED', 'CKR_DOMAIN_PARAMS_INVALID'];
/** Return codes of a key handle gone stale (the key deleted and re-created by another application). */
export const HANDLE_STALE = ['CKR_KEY_HANDLE_INVALID', 'CKR_OBJECT_HANDLE_INVALID'];

/**
 * A KEY_STORE_UNAVAILABLE error.
 *
 * @example `throw unavailable('malformed CKA_EC_POINT')`
 */
export function unavailable(message: string, cause?: unknown): KeyStoreError {
  return new KeyStoreError('KEY_STORE_UNAVAILABLE', message, cause === undefined ? undefined : { cause });
}
/**
 * A KEY_ALGORITHM_UNSUPPORTED error.
 *
 * @example `throw unsupported('unsupported hash md5')`
 */
export const unsupported = (message: string): KeyStoreError =>
  new KeyStoreError('KEY_ALGORITHM_UNSUPPORTED', message);

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

/**
 * The `CKR_…` name pkcs11js gives a failed call, or `''`.
 *
 * @example `if (HANDLE_STALE.includes(ckrName(e))) cache.delete(id);`
 */
export function ckrName(e: unknown): string {
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

/**
 * A template from `[type, value]` pairs.
 *
 * @example `tpl([p.CKA_CLASS, p.CKO_PRIVATE_KEY], [p.CKA_LABEL, id])`
 */
export function tpl(...pairs: [type: number, value: Template[number]['value']][]): Template {
  return pairs.map(([type, value]) => ({ type, value }));
}

/**
 * A CK_ULONG attribute value (native byte order, 4 or 8 bytes).
 *
 * @example `ulong(token.attr(handle, p.CKA_KEY_TYPE)) === p.CKK_EC`
 */
export function ulong(b: Buffer): number {
  if (b.length === 8) return Number(endianness() === 'LE' ? b.readBigUInt64LE() : b.readBigUInt64BE());
  return endianness() === 'LE' ? b.readUInt32LE() : b.readUInt32BE();
}

/** A logged-in session on one token: what the key store's methods work with. */
export interface Pkcs11Token {
  readonly p: Pkcs11Js;
  readonly lib: PKCS11;
  readonly session: Buffer;
  /** The token object of class `cls` labelled `id`, if any. Throws when several carry the label. */
  find(cls: number, id: string): Buffer | undefined;
  /** One attribute of `handle` (empty when the token returns none). */
  attr(handle: Buffer, type: number): Buffer;
  /** Runs `fn` alone on the session (never interleaved with another call) and maps PKCS#11 errors. */
  run<T>(what: string, fn: () => Promise<T> | T): Promise<T>;
  /** The KEY_NOT_FOUND error for `id`. */
  notFound(id: string): KeyStoreError;
  /** Logs out (last session on the token), closes the session and releases the module. */
  close(): Promise<void>;
}

/**
 * Loads `pkcs11js` and the module, finds the token by label, opens a read-write session and
 * logs in as the user. Sessions on the same module share the loaded library and token login.
 *
 * @param options - module path, token label and user PIN
 * @throws KeyStoreError KEY_STORE_UNAVAILABLE when `pkcs11js` is missing, the module cannot be
 *   loaded or no token carries the label; KEY_PASSPHRASE_WRONG when the PIN is rejected
 * @example
 * ```ts
 * const token = await openPkcs11Token({ modulePath, tokenLabel: 'tb-ca', pin });
 * const has = await token.run('looking up', () => token.find(token.p.CKO_PRIVATE_KEY, 'root') !== undefined);
 * ```
 */
export async function openPkcs11Token(options: Pkcs11Options): Promise<Pkcs11Token> {
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
  return {
    p,
    lib,
    session,
    find(cls: number, id: string): Buffer | undefined {
      lib.C_FindObjectsInit(session, tpl([p.CKA_CLASS, cls], [p.CKA_TOKEN, true], [p.CKA_LABEL, id]));
      let found: Buffer[];
      try {
        found = lib.C_FindObjects(session, 2);
      } finally {
        lib.C_FindObjectsFinal(session);
      }
      if (found.length > 1) throw unavailable(`more than one PKCS#11 key is labelled "${id}"`);
      return found[0];
    },
    attr: (handle: Buffer, type: number): Buffer =>
      lib.C_GetAttributeValue(session, handle, [{ type }])[0]?.value ?? Buffer.alloc(0),
    run: <T>(what: string, fn: () => Promise<T> | T): Promise<T> =>
      serial(m, async () => {
        if (closed) throw unavailable('the PKCS#11 key store is closed');
        try {
          return await fn();
        } catch (e) {
          throw wrap(e, what);
        }
      }),
    notFound: (id: string): KeyStoreError =>
      new KeyStoreError('KEY_NOT_FOUND', `no PKCS#11 key labelled "${id}" on token "${options.tokenLabel}"`),
    async close(): Promise<void> {
      await serial(m, () => {
        if (closed) return;
        closed = true;
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
