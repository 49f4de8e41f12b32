/**
 * Witness cosignatures (c2sp.org/tlog-cosignature@v1.0.1): a note signature of type 0x04 whose
 * 72 bytes are a big-endian u64 POSIX time and an Ed25519 signature over
 * `cosignature/v1\ntime <T>\n` followed by the checkpoint's note text.
 */
import { verify } from 'node:crypto';
import { LedgerError } from './errors.js';
import {
  SIG_COSIGNATURE,
  ed25519PublicKey,
  formatVerifierKey,
  isValidKeyName,
  keyId,
  parseVerifierKey,
} from './keys.js';
import type { Ed25519Key, NoteSigner, NoteVerifier, VerifierKey } from './keys.js';
import { formatSignatureLine } from './note.js';
import type { NoteSignature } from './note.js';

/** Bytes of a cosignature: u64 time and a 64-byte Ed25519 signature. */
export const COSIGNATURE_SIZE = 72;

/**
 * The message a cosigner signs.
 *
 * @param checkpointText - the checkpoint's note text (ending in a newline)
 * @param time - POSIX seconds
 */
export function cosignatureMessage(checkpointText: string | Uint8Array, time: number): Buffer {
  return Buffer.concat([Buffer.from(`cosignature/v1\ntime ${time}\n`), Buffer.from(checkpointText)]);
}

/** A cosigner: signs checkpoints with a timestamp. Its `sign` is a {@link NoteSigner}'s. */
export interface Cosigner extends NoteSigner {
  readonly publicKey: Buffer;
  /** The verifier key text (type 0x04), to publish. */
  readonly vkey: string;
  /** A cosignature line `— name base64(id || time || sig)\n` over a checkpoint text, at `time`. */
  cosign(checkpointText: string, time: number): Promise<string>;
}

/**
 * A cosigner over an Ed25519 key (type 0x04 key ID). `clock` gives POSIX seconds when
 * `sign` is used through {@link signNote}.
 *
 * @param name - the witness's key name
 * @param key - its Ed25519 key (key store, HSM)
 * @param clock - current POSIX seconds
 * @example
 * ```ts
 * const w = cosigner('witness.example/vn', key, () => Math.floor(Date.now() / 1000));
 * const line = await w.cosign(checkpoint.text, 1700000000);
 * ```
 */
export function cosigner(name: string, key: Ed25519Key, clock: () => number): Cosigner {
  if (!isValidKeyName(name))
    throw new LedgerError('LEDGER_KEY_MALFORMED', `invalid key name ${JSON.stringify(name)}`);
  const id = keyId(name, SIG_COSIGNATURE, key.publicKey);
  const timestamped = async (text: Uint8Array | string, time: number): Promise<Buffer> => {
    if (!Number.isSafeInteger(time) || time < 0)
      throw new LedgerError('LEDGER_COSIGNATURE_INVALID', `time ${time}`);
    const sig = await key.sign(cosignatureMessage(text, time));
    const out = Buffer.alloc(COSIGNATURE_SIZE);
    out.writeBigUInt64BE(BigInt(time), 0);
    out.set(sig, 8);
    return out;
  };
  return {
    name,
    keyId: id,
    publicKey: key.publicKey,
    vkey: formatVerifierKey(name, SIG_COSIGNATURE, key.publicKey),
    sign: (text) => timestamped(text, clock()),
    cosign: async (text, time) => formatSignatureLine(name, id, await timestamped(text, time)),
  };
}

/**
 * The time of a cosignature (POSIX seconds), or undefined if it is not 72 bytes or the time
 * is above 2^63 - 1.
 *
 * @param signature - the signature bytes after the key ID
 */
export function cosignatureTime(signature: Uint8Array): number | undefined {
  if (signature.length !== COSIGNATURE_SIZE) return undefined;
  const t = Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
  if (t > 0x7fffffffffffffffn || t > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(t);
}

/**
 * A verifier of cosignatures (for {@link openNote} alongside the log's key).
 *
 * @param vkey - the cosigner's verifier key (type 0x04), or its parsed form
 * @throws LedgerError LEDGER_KEY_MALFORMED when the key is not of type 0x04
 */
export function cosignatureVerifier(vkey: string | VerifierKey): NoteVerifier {
  const k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (k.type !== SIG_COSIGNATURE)
    throw new LedgerError('LEDGER_KEY_MALFORMED', `${k.name} is not a cosignature key (type 0x04)`);
  const pub = ed25519PublicKey(k.publicKey);
  return {
    ...k,
    verify: (text, sig) => {
      const time = cosignatureTime(sig);
      if (time === undefined) return false;
      return verify(null, cosignatureMessage(text, time), pub, Buffer.from(sig).subarray(8));
    },
  };
}

/** A verified cosignature: who and when. */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  readonly time: number;
}

/**
 * The cosignatures among a note's verified signatures (those whose key is a type-0x04 verifier).
 *
 * @param verified - the verified signatures of an opened note
 * @param verifiers - the verifiers it was opened with
 */
export function verifiedCosignatures(
  verified: readonly NoteSignature[],
  verifiers: readonly NoteVerifier[],
): VerifiedCosignature[] {
  const out: VerifiedCosignature[] = [];
  for (const s of verified) {
    const v = verifiers.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (v?.type !== SIG_COSIGNATURE) continue;
    out.push({ name: s.name, keyId: s.keyId, time: cosignatureTime(s.signature)! });
  }
  return out;
}
