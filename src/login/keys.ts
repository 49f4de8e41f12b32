/**
 * The ID-token signing keys (OpenID Connect Core §10.1): ES256 keys in the node's service key
 * store (encrypted PKCS#8 files, or an HSM), listed in `login_key`. The newest key signs; keys
 * retired by a rotation stay published in the JWKS for a grace period so ID tokens signed just
 * before the rotation still verify (OpenID Connect Core §10.1.1, key rotation).
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { KeyStore } from '../pki/key_store.js';
import type { Store } from '../store/database.js';
import { enqueueLedgerEntries } from '../ledger/outbox.js';
import type { LoginKeyEntry } from '../ledger/entry.js';
import { ensureLoginSchema } from './schema.js';
import { insertKey, listPublishedKeys, retireCurrentKeys } from './store/index.js';
import { loginSecret } from './secrets.js';

/** How long a retired key stays in the JWKS (longer than any ID token or cache lives). */
export const RETIRED_KEY_GRACE_MS = 48 * 3600_000;

/** A signing key of the provider. */
export interface LoginKey {
  /** JWK `kid`: the RFC 7638 thumbprint. */
  kid: string;
  /** Identifier in the key store. */
  keyId: string;
  /** SubjectPublicKeyInfo (DER). */
  spki: Buffer;
  createdAt: string;
  retiredAt?: string;
}

/** What key management needs from a node. */
export interface LoginKeyHost {
  store: Store;
  keys: KeyStore;
  clock: () => Date;
}

/** The public JWK of an EC SubjectPublicKeyInfo. */
export function publicJwkOf(spki: Buffer): JsonWebKey {
  const jwk = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/**
 * The JWK thumbprint of an EC public key (RFC 7638 §3.2: the required members in
 * lexicographic order, no white space, SHA-256, base64url).
 *
 * @example
 * ```ts
 * const kid = jwkThumbprint(spki);
 * ```
 */
export function jwkThumbprint(spki: Buffer): string {
  const j = publicJwkOf(spki);
  const canonical = JSON.stringify({ crv: j.crv, kty: j.kty, x: j.x, y: j.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

function keyEntry(action: 'add' | 'retire', kid: string, time: string): LoginKeyEntry {
  return { v: 1, type: 'login-key', time, action, kid, alg: 'ES256' };
}

/**
 * Makes a key in the key store, then records it (after retiring the current ones, when
 * `rotate`) with its `login-key` log entries, in one transaction. A key the transaction never
 * records stays unused in the key store.
 */
async function newKey(host: LoginKeyHost, rotate = false): Promise<LoginKey> {
  const keyId = `oidc-${randomBytes(6).toString('hex')}`;
  const spki = await host.keys.generate(keyId, 'P-256');
  const now = host.clock().toISOString();
  const key: LoginKey = { kid: jwkThumbprint(spki), keyId, spki, createdAt: now };
  await host.store.transaction(async (trx) => {
    const retired = rotate ? await retireCurrentKeys(trx, now) : [];
    await insertKey(trx, {
      kid: key.kid,
      key_id: keyId,
      algorithm: 'ES256',
      spki: spki.toString('base64'),
      created_at: key.createdAt,
      retired_at: null,
    });
    await enqueueLedgerEntries(trx, [
      ...retired.map((kid) => keyEntry('retire', kid, now)),
      keyEntry('add', key.kid, now),
    ]);
  });
  return key;
}

/**
 * The keys to publish, newest (the signing key) first: the current key and those retired less
 * than {@link RETIRED_KEY_GRACE_MS} ago. Creates the first key when there is none.
 *
 * @example
 * ```ts
 * const [signing, ...older] = await loginKeys({ store: node.store, keys: node.serviceKeys, clock: node.clock });
 * ```
 */
export async function loginKeys(host: LoginKeyHost): Promise<LoginKey[]> {
  await ensureLoginSchema(host.store);
  const since = new Date(host.clock().getTime() - RETIRED_KEY_GRACE_MS).toISOString();
  const rows = await listPublishedKeys(host.store, since);
  const keys: LoginKey[] = rows.map((r) => ({
    kid: r.kid,
    keyId: r.key_id,
    spki: Buffer.from(r.spki, 'base64'),
    createdAt: r.created_at,
    ...(r.retired_at ? { retiredAt: r.retired_at } : {}),
  }));
  if (!keys.some((k) => !k.retiredAt)) keys.unshift(await newKey(host));
  // The signing key first: the provider signs with the first key of the algorithm.
  return keys.sort((a, b) => Number(a.retiredAt !== undefined) - Number(b.retiredAt !== undefined));
}

/**
 * Rotates the signing key: a new key signs from the next provider start, the previous ones are
 * retired (kept in the JWKS for the grace period).
 *
 * @returns the new key
 * @example
 * ```ts
 * const key = await rotateLoginKey({ store: node.store, keys: node.serviceKeys, clock: node.clock });
 * ```
 */
export async function rotateLoginKey(host: LoginKeyHost): Promise<LoginKey> {
  await ensureLoginSchema(host.store);
  return newKey(host, true);
}

/**
 * Creates what every server process of a node must share before any of them starts: the ID-token
 * signing key and the login secret (cookies, CSRF). `node serve --workers` calls it once in the
 * primary, so the workers never race to create two keys.
 *
 * @example
 * ```ts
 * await prepareLogin({ store: node.store, keys: node.serviceKeys, clock: node.clock });
 * ```
 */
export async function prepareLogin(host: LoginKeyHost): Promise<void> {
  await loginKeys(host);
  await loginSecret(host.store);
}
