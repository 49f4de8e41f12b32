/** ECDSA signature encodings and the JWS algorithm of each curve (RFC 7518 §3.4). */
import type { HashAlgorithm, KeyAlgorithm } from '../../pki/key_store.js';
import { JadesError } from './errors.js';

/** The JWS ECDSA algorithms this module signs and verifies. */
export type JwsEcAlgorithm = 'ES256' | 'ES384';

/** RFC 7518 §3.4: curve, hash and the byte length of each of r and s. */
export const JWS_EC_ALGORITHMS: Record<
  JwsEcAlgorithm,
  { curve: KeyAlgorithm; hash: HashAlgorithm; size: number }
> = {
  ES256: { curve: 'P-256', hash: 'sha256', size: 32 },
  ES384: { curve: 'P-384', hash: 'sha384', size: 48 },
};

/**
 * The JWS algorithm for a signer's curve.
 *
 * @param curve - P-256 or P-384
 * @returns ES256 or ES384
 * @example
 * ```ts
 * jwsAlgorithmFor('P-256'); // 'ES256'
 * ```
 */
export function jwsAlgorithmFor(curve: KeyAlgorithm): JwsEcAlgorithm {
  return curve === 'P-384' ? 'ES384' : 'ES256';
}

function readLength(der: Buffer, at: number): { length: number; next: number } {
  const first = der[at];
  if (first === undefined) throw new JadesError('JADES_MALFORMED', 'truncated ECDSA signature');
  if (first < 0x80) return { length: first, next: at + 1 };
  if (first !== 0x81) throw new JadesError('JADES_MALFORMED', 'ECDSA signature length too long');
  return { length: der[at + 1] ?? 0, next: at + 2 };
}

function readInteger(der: Buffer, at: number, size: number): { value: Buffer; next: number } {
  if (der[at] !== 0x02) throw new JadesError('JADES_MALFORMED', 'ECDSA r or s is not an INTEGER');
  const { length, next } = readLength(der, at + 1);
  let value = der.subarray(next, next + length);
  while (value.length > size && value[0] === 0) value = value.subarray(1);
  if (value.length > size || next + length > der.length)
    throw new JadesError('JADES_MALFORMED', `ECDSA r or s is longer than ${size} bytes`);
  return { value: Buffer.concat([Buffer.alloc(size - value.length), value]), next: next + length };
}

/**
 * Converts a DER ECDSA-Sig-Value (RFC 3279 §2.2.3, what CMS signers return) to the fixed-size
 * r || s that JWS requires (RFC 7518 §3.4).
 *
 * @param der - SEQUENCE { r INTEGER, s INTEGER }
 * @param size - byte length of each of r and s (32 for P-256, 48 for P-384)
 * @returns r || s, `2 * size` bytes
 * @throws JadesError JADES_MALFORMED for anything but a well-formed ECDSA-Sig-Value
 * @example
 * ```ts
 * const jwsSignature = derToP1363(await signer.sign(signingInput), 32);
 * ```
 */
export function derToP1363(der: Buffer, size: number): Buffer {
  if (der[0] !== 0x30) throw new JadesError('JADES_MALFORMED', 'ECDSA signature is not a SEQUENCE');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length)
    throw new JadesError('JADES_MALFORMED', 'ECDSA signature has a wrong length');
  const r = readInteger(der, next, size);
  const s = readInteger(der, r.next, size);
  if (s.next !== der.length) throw new JadesError('JADES_MALFORMED', 'trailing bytes after s');
  return Buffer.concat([r.value, s.value]);
}
