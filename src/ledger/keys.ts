/**
 * Signed-note keys (c2sp.org/signed-note@v1.0.0) with Ed25519 through node:crypto: key IDs
 * (`SHA-256(name || 0x0A || type || public key)[:4]`), verifier keys `name+hex8+base64(type ||
 * key)`, signer keys `PRIVATE+KEY+name+hex8+base64(type || seed)`, and the signer and verifier
 * objects notes are signed and opened with. The private key never needs to be in memory: an
 * {@link Ed25519Key} is anything that signs (the node's key store, an HSM).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LedgerError } from './errors.js';
import { decodeBase64 } from './hash.js';

/** Signature type 0x01: Ed25519 note signatures (signed-note v1.0.0). */
export const SIG_ED25519 = 0x01;
/** Signature type 0x04: timestamped Ed25519 cosignatures (tlog-cosignature v1.0.1). */
export const SIG_COSIGNATURE = 0x04;

/** An Ed25519 key that signs: its 32-byte public key and a signing function (may be an HSM's). */
export interface Ed25519Key {
  readonly publicKey: Buffer;
  sign(message: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/** Signs note texts under a key name and ID (the signature is without the 4-byte key ID). */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Promise<Uint8Array>;
}

/** Verifies signatures of one key name and ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The signature type (0x01 note signatures, 0x04 cosignatures). */
  readonly type: number;
  readonly publicKey: Buffer;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** A parsed verifier key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Buffer;
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Whether `name` is a valid key name: non-empty, no Unicode space, no `+`, no control character.
 *
 * @param name - the key name
 */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 &&
    // eslint-disable-next-line no-control-regex
    !/[\s+\u0000-\u001f\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name)
  );
}

/**
 * The signed-note key ID: the first four bytes, big-endian, of SHA-256(name || 0x0A || type ||
 * public key).
 *
 * @param name - key name
 * @param type - signature type byte
 * @param publicKey - the public key bytes
 */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}

/**
 * Parses a verifier key `name+hex8+base64(type || public key)`, checking its key ID. Types 0x01
 * and 0x04 with 32-byte Ed25519 keys are understood.
 *
 * @param vkey - the verifier key text
 * @throws LedgerError LEDGER_KEY_MALFORMED
 * @example
 * ```ts
 * parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').keyId; // 0xc74f20a3
 * ```
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const bad = (why: string): LedgerError => new LedgerError('LEDGER_KEY_MALFORMED', `verifier key: ${why}`);
  // The base64 key may itself hold '+': split at the first two only.
  const parts = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  if (!parts) throw bad('not name+id+key');
  const [, name, id, key] = parts as unknown as [string, string, string, string];
  if (!isValidKeyName(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(id)) throw bad('the key ID is not 8 lowercase hex digits');
  const raw = decodeBase64(key);
  if (raw === undefined || raw.length < 1) throw bad('the key is not base64');
  const type = raw[0]!;
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE)
    throw bad(`unsupported signature type 0x${type.toString(16)}`);
  const publicKey = raw.subarray(1);
  if (publicKey.length !== 32) throw bad('an Ed25519 key is 32 bytes');
  const computed = keyId(name, type, publicKey);
  if (computed !== Number.parseInt(id, 16)) throw bad('the key ID does not match the key');
  return { name, keyId: computed, type, publicKey: Buffer.from(publicKey) };
}

/**
 * The verifier key text of a public key.
 *
 * @param name - key name
 * @param type - signature type (0x01 or 0x04)
 * @param publicKey - 32-byte Ed25519 public key
 */
export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  if (!isValidKeyName(name))
    throw new LedgerError('LEDGER_KEY_MALFORMED', `invalid key name ${JSON.stringify(name)}`);
  return `${name}+${hex8(keyId(name, type, publicKey))}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

/**
 * An {@link Ed25519Key} over a 32-byte seed held in memory (tests, tools; a node uses its key store).
 *
 * @param seed - the RFC 8032 private key seed
 */
export function ed25519KeyFromSeed(seed: Uint8Array): Ed25519Key {
  if (seed.length !== 32) throw new LedgerError('LEDGER_KEY_MALFORMED', 'an Ed25519 seed is 32 bytes');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { publicKey: Buffer.from(spki.subarray(spki.length - 32)), sign: (m) => sign(null, m, key) };
}

/** A fresh Ed25519 seed. */
export function generateEd25519Seed(): Buffer {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(der.subarray(der.length - 32));
}

/** A parsed signer key. */
export interface SignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: number;
  readonly key: Ed25519Key;
  readonly seed: Buffer;
}

/**
 * Parses a signer key `PRIVATE+KEY+name+hex8+base64(type || seed)` (the form Go's
 * `golang.org/x/mod/sumdb/note` writes), checking the key ID against the derived public key.
 *
 * @param skey - the signer key text
 * @throws LedgerError LEDGER_KEY_MALFORMED
 */
export function parseSignerKey(skey: string): SignerKey {
  const bad = (why: string): LedgerError => new LedgerError('LEDGER_KEY_MALFORMED', `signer key: ${why}`);
  const parts = /^PRIVATE\+KEY\+([^+]*)\+([^+]*)\+(.*)$/s.exec(skey);
  if (!parts) throw bad('not PRIVATE+KEY+name+id+key');
  const [, name, id, key] = parts as unknown as [string, string, string, string];
  if (!isValidKeyName(name)) throw bad('invalid key name');
  if (!/^[0-9a-f]{8}$/.test(id)) throw bad('the key ID is not 8 lowercase hex digits');
  const raw = decodeBase64(key);
  if (raw === undefined || raw.length !== 33) throw bad('the key is not a type byte and a 32-byte seed');
  const type = raw[0]!;
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE)
    throw bad(`unsupported signature type 0x${type.toString(16)}`);
  const seed = Buffer.from(raw.subarray(1));
  const ed = ed25519KeyFromSeed(seed);
  const computed = keyId(name, type, ed.publicKey);
  if (computed !== Number.parseInt(id, 16)) throw bad('the key ID does not match the key');
  return { name, keyId: computed, type, key: ed, seed };
}

/**
 * The signer key text of a seed.
 *
 * @param name - key name
 * @param type - signature type
 * @param seed - the 32-byte seed
 */
export function formatSignerKey(name: string, type: number, seed: Uint8Array): string {
  const pub = ed25519KeyFromSeed(seed).publicKey;
  return `PRIVATE+KEY+${name}+${hex8(keyId(name, type, pub))}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}

/**
 * A note signer (type 0x01) over an Ed25519 key.
 *
 * @param name - the key name (for a log: its origin)
 * @param key - the key
 * @example
 * ```ts
 * const signer = noteSigner('trustbridge.example/ph/log', ed25519KeyFromSeed(seed));
 * ```
 */
export function noteSigner(name: string, key: Ed25519Key): NoteSigner {
  if (!isValidKeyName(name))
    throw new LedgerError('LEDGER_KEY_MALFORMED', `invalid key name ${JSON.stringify(name)}`);
  return { name, keyId: keyId(name, SIG_ED25519, key.publicKey), sign: async (text) => key.sign(text) };
}

/** A node:crypto public key object of a raw Ed25519 key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' });
}

/**
 * A note verifier (type 0x01 Ed25519) from a verifier key.
 *
 * @param vkey - the verifier key text, or its parsed form
 * @throws LedgerError LEDGER_KEY_MALFORMED when the key is not of type 0x01
 */
export function noteVerifier(vkey: string | VerifierKey): NoteVerifier {
  const k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (k.type !== SIG_ED25519)
    throw new LedgerError('LEDGER_KEY_MALFORMED', `${k.name} is not an Ed25519 note key (type 0x01)`);
  const pub = ed25519PublicKey(k.publicKey);
  return { ...k, verify: (text, sig) => sig.length === 64 && verify(null, text, pub, sig) };
}
