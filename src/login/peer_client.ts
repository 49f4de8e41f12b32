/**
 * The proxy's OpenID Connect client towards a peer node (the citizen's home node): discovery,
 * the token request authenticated with `private_key_jwt` (RFC 7523 §2.2, OpenID Connect Core
 * §9) signed by this node's ID-token key in its key store, and ID token verification (Core
 * §3.1.3.7: ES256 only, `iss`, `aud`, `nonce`, `exp`, `iat`) with the peer's JWKS.
 */
import { createPublicKey, randomBytes, verify as cryptoVerify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { derToP1363 } from '../signature/jades/ecdsa.js';
import { LoginError } from './errors.js';
import type { LoginKey } from './keys.js';
import type { KeyStore } from '../pki/key_store.js';

/** Discovery fields the proxy uses. */
export interface PeerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

const CACHE_MS = 10 * 60_000;
const MAX_BODY = 1024 * 1024;
const SKEW_S = 60;
const discoveries = new Map<string, { at: number; doc: PeerMetadata }>();
const jwksCache = new Map<string, { at: number; keys: { kid?: string; key: KeyObject }[] }>();

function upstream(why: string, cause?: unknown): LoginError {
  return new LoginError('LOGIN_UPSTREAM_FAILED', why, cause ? { cause } : undefined);
}

async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), redirect: 'error' });
  } catch (e) {
    throw upstream(`${url}: ${(e as Error).message}`, e);
  }
  const text = await res.text();
  if (text.length > MAX_BODY) throw upstream(`${url}: answer too large`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw upstream(`${url}: ${res.status}, not JSON`);
  }
  if (typeof body !== 'object' || body === null) throw upstream(`${url}: not a JSON object`);
  const o = body as Record<string, unknown>;
  if (!res.ok)
    throw upstream(
      `${url}: ${res.status} ${String(o['error'] ?? '')} ${String(o['error_description'] ?? '')}`,
    );
  return o;
}

/**
 * The peer's discovery document (OpenID Connect Discovery §4), cached for 10 minutes; its
 * `issuer` must be the one asked for (§4.3).
 */
export async function discoverPeer(issuer: string): Promise<PeerMetadata> {
  const hit = discoveries.get(issuer);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.doc;
  const doc = await getJson(`${issuer}/.well-known/openid-configuration`);
  for (const f of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'])
    if (typeof doc[f] !== 'string') throw upstream(`${issuer}: discovery without ${f}`);
  if (doc['issuer'] !== issuer)
    throw new LoginError('LOGIN_UPSTREAM_TOKEN_INVALID', `issuer ${String(doc['issuer'])} is not ${issuer}`);
  const meta = doc as unknown as PeerMetadata;
  discoveries.set(issuer, { at: Date.now(), doc: meta });
  return meta;
}

async function peerKeys(jwksUri: string, refresh: boolean): Promise<{ kid?: string; key: KeyObject }[]> {
  const hit = jwksCache.get(jwksUri);
  if (hit && !refresh && Date.now() - hit.at < CACHE_MS) return hit.keys;
  const doc = await getJson(jwksUri);
  const list = Array.isArray(doc['keys']) ? (doc['keys'] as JsonWebKey[]) : [];
  const keys = list.flatMap((jwk) => {
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') return [];
    try {
      const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
      return [{ ...(typeof jwk['kid'] === 'string' ? { kid: jwk['kid'] } : {}), key }];
    } catch {
      return [];
    }
  });
  jwksCache.set(jwksUri, { at: Date.now(), keys });
  return keys;
}

const b64json = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A `private_key_jwt` client assertion (RFC 7523 §3) signed ES256 by `key` in `keyStore`.
 *
 * @example
 * ```ts
 * const assertion = await clientAssertion(node.serviceKeys, key, myIssuer, peer.token_endpoint);
 * ```
 */
export async function clientAssertion(
  keyStore: KeyStore,
  key: LoginKey,
  clientId: string,
  audience: string,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64json({ alg: 'ES256', kid: key.kid, typ: 'JWT' })}.${b64json({
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + 60,
  })}`;
  const sig = derToP1363(await keyStore.sign(key.keyId, Buffer.from(input), 'sha256'), 32);
  return `${input}.${sig.toString('base64url')}`;
}

/**
 * Exchanges an authorization code at the peer's token endpoint (RFC 6749 §4.1.3, PKCE RFC 7636 §4.5).
 *
 * @returns the token response
 */
export async function exchangeCode(
  peer: PeerMetadata,
  form: Record<string, string>,
): Promise<Record<string, unknown>> {
  return getJson(peer.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
}

function invalid(why: string): never {
  throw new LoginError('LOGIN_UPSTREAM_TOKEN_INVALID', why);
}

function checkClaims(
  p: Record<string, unknown>,
  expect: { issuer: string; audience: string; nonce: string },
): void {
  if (p['iss'] !== expect.issuer) invalid(`iss ${String(p['iss'])}`);
  const aud = p['aud'];
  const auds = Array.isArray(aud) ? aud : [aud];
  if (!auds.includes(expect.audience)) invalid('aud is not this node');
  if (auds.length > 1 && p['azp'] !== expect.audience) invalid('azp is not this node');
  if (p['nonce'] !== expect.nonce) invalid('nonce mismatch');
  const now = Math.floor(Date.now() / 1000);
  if (typeof p['exp'] !== 'number' || p['exp'] + SKEW_S < now) invalid('expired');
  if (typeof p['iat'] !== 'number' || p['iat'] - SKEW_S > now) invalid('issued in the future');
}

/**
 * Verifies a peer's ID token and returns its claims.
 *
 * @throws LoginError LOGIN_UPSTREAM_TOKEN_INVALID
 * @example
 * ```ts
 * const claims = await verifyIdToken(peer, tokens.id_token, { issuer: peer.issuer, audience: myIssuer, nonce });
 * ```
 */
export async function verifyIdToken(
  peer: PeerMetadata,
  token: unknown,
  expect: { issuer: string; audience: string; nonce: string },
): Promise<Record<string, unknown>> {
  if (typeof token !== 'string' || token.length > 16_384) invalid('no ID token');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((x) => /^[A-Za-z0-9_-]+$/.test(x))) invalid('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    invalid('undecodable');
  }
  if (header['alg'] !== 'ES256') invalid(`alg ${String(header['alg'])}`);
  const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  const sig = Buffer.from(s, 'base64url');
  const data = Buffer.from(`${h}.${p}`);
  const verifies = (keys: { kid?: string; key: KeyObject }[]) =>
    keys.some(
      (k) =>
        (kid === undefined || k.kid === kid) &&
        cryptoVerify('sha256', data, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig),
    );
  // A kid we do not know yet may be a rotated key: fetch the JWKS again once.
  if (!verifies(await peerKeys(peer.jwks_uri, false)) && !verifies(await peerKeys(peer.jwks_uri, true)))
    invalid('the signature does not verify with the home node keys');
  checkClaims(payload, expect);
  return payload;
}
