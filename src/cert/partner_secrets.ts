/**
 * Partner credentials: passwords hashed with scrypt (random salt) and compared in constant
 * time; bearer tokens and passwords generated from 24 random bytes; tokens kept as SHA-256 only.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/**
 * The stored form of `password`: `scrypt$N$r$p$salt$hash`.
 *
 * @example
 * ```ts
 * const stored = await hashPassword('s3cret');
 * await verifyPassword('s3cret', stored); // true
 * ```
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches the stored form `stored`. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A new random secret (password or bearer token), base64url. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** SHA-256 hex of a bearer token (what the store keeps). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
