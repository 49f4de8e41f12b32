/**
 * The signed challenge a citizen's wallet returns to log in: a compact JWS (RFC 7515) signed
 * ES256 (RFC 7518 §3.4) with the eID authentication key, the certificate chain in `x5c`
 * (RFC 7515 §4.1.6: the authentication certificate first), and a payload naming the challenge,
 * the node it is meant for (`aud`) and the signing time. The same format comes from the CLI
 * (`trustbridge wallet login`) and from the browser wallet (WebCrypto ECDSA, which produces
 * r || s directly).
 */
import { X509Certificate, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Lru } from '../lib/lru.js';
import { LoginError } from './errors.js';

/** The JWS `typ` of a wallet response. */
export const WALLET_RESPONSE_TYPE = 'trustbridge-login+jwt';

/** What a wallet signs. */
export interface WalletChallenge {
  /** Challenge identifier. */
  cid: string;
  /** The random challenge (base64url). */
  challenge: string;
  /** The node the response is for: its OpenID issuer. */
  aud: string;
}

/** A parsed, signature-checked wallet response. */
export interface WalletResponse extends WalletChallenge {
  /** Signing time (seconds since the epoch). */
  iat: number;
  /** The authentication certificate (DER). */
  certificate: Buffer;
  /** The other certificates of `x5c` (DER). */
  chain: Buffer[];
}

/** Largest response accepted (characters): a few certificates and a short payload. */
export const WALLET_RESPONSE_MAX = 16 * 1024;

const B64URL = /^[A-Za-z0-9_-]+$/;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * Signs a challenge with the wallet's authentication key.
 *
 * @param challenge - the challenge the login page (or its URL) gave
 * @param key - the authentication private key (P-256)
 * @param certificate - the authentication certificate (DER)
 * @param chain - CA certificates to send along (DER)
 * @param now - signing time
 * @example
 * ```ts
 * const jws = signWalletChallenge(c, wallet.keys.authentication.privateKey, wallet.keys.authentication.certificate!, wallet.caCertificates);
 * ```
 */
export function signWalletChallenge(
  challenge: WalletChallenge,
  key: KeyObject,
  certificate: Buffer,
  chain: readonly Buffer[] = [],
  now: Date = new Date(),
): string {
  const header = {
    alg: 'ES256',
    typ: WALLET_RESPONSE_TYPE,
    x5c: [certificate, ...chain].map((c) => c.toString('base64')),
  };
  const payload = {
    cid: challenge.cid,
    challenge: challenge.challenge,
    aud: challenge.aud,
    iat: Math.floor(now.getTime() / 1000),
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

/**
 * Public keys of recently seen certificates, by their base64 DER: a citizen logs in again and
 * again with the same certificate, and parsing it is the costliest step of this check.
 */
const KEYS = new Lru<string, KeyObject>(10_000);

function publicKeyOf(certificateB64: string, certificate: Buffer): KeyObject {
  let key = KEYS.get(certificateB64);
  if (!key) {
    try {
      key = new X509Certificate(certificate).publicKey;
    } catch {
      malformed('the first x5c certificate is not an X.509 certificate');
    }
    KEYS.set(certificateB64, key);
  }
  return key;
}

function malformed(why: string): never {
  throw new LoginError('LOGIN_RESPONSE_MALFORMED', why);
}

function parseJson(part: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    malformed(`the ${what} is not base64url JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) malformed(`the ${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function certificatesOf(header: Record<string, unknown>): Buffer[] {
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 5)
    malformed('x5c must list 1 to 5 certificates');
  return x5c.map((c) => {
    if (typeof c !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(c)) malformed('x5c holds a non-base64 value');
    return Buffer.from(c, 'base64');
  });
}

function stringField(payload: Record<string, unknown>, name: string): string {
  const v = payload[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > 512)
    malformed(`payload ${name} must be a string`);
  return v;
}

/**
 * Parses a wallet response and verifies its signature with the public key of the first `x5c`
 * certificate. Trust in that certificate (path, revocation, country) is decided afterwards.
 *
 * @throws LoginError LOGIN_RESPONSE_MALFORMED | LOGIN_SIGNATURE_INVALID
 * @example
 * ```ts
 * const r = parseWalletResponse(body.response);
 * ```
 */
export function parseWalletResponse(jws: string): WalletResponse {
  if (typeof jws !== 'string' || jws.length > WALLET_RESPONSE_MAX)
    malformed('not a string of at most 16 KiB');
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) malformed('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = parseJson(h, 'header');
  // RFC 8725 §3.1: the algorithm is fixed, never taken from the token.
  if (header['alg'] !== 'ES256') malformed('alg must be ES256');
  if (header['typ'] !== WALLET_RESPONSE_TYPE) malformed(`typ must be ${WALLET_RESPONSE_TYPE}`);
  if (header['crit'] !== undefined) malformed('no critical header parameters are understood');
  const [certificate, ...chain] = certificatesOf(header) as [Buffer, ...Buffer[]];
  const key = publicKeyOf((header['x5c'] as string[])[0]!, certificate);
  if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') malformed('the key is not a P-256 key');
  const sig = Buffer.from(s, 'base64url');
  const ok =
    sig.length === 64 &&
    cryptoVerify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, sig);
  if (!ok) throw new LoginError('LOGIN_SIGNATURE_INVALID');
  const payload = parseJson(p, 'payload');
  const iat = payload['iat'];
  if (typeof iat !== 'number' || !Number.isInteger(iat)) malformed('payload iat must be an integer');
  return {
    cid: stringField(payload, 'cid'),
    challenge: stringField(payload, 'challenge'),
    aud: stringField(payload, 'aud'),
    iat,
    certificate,
    chain,
  };
}
