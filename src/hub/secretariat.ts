/**
 * The secretariat's bearer token: made at `hub init`, written once to `HUB/secretariat-token`
 * (0600) for the hub operator to hand over, and kept by the hub only as its SHA-256 hash (in
 * `hub.json`), as node officer tokens are. Tokens carry 256 random bits, so a fast hash is
 * enough. No route takes it yet: the agreements API of the cooperation portal will.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HUB_FILES, writeHubFile } from './config.js';
import type { HubConfig } from './config.js';

const TOKEN_PREFIX = 'tbs_';

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Makes the secretariat token, writes it to `HUB/secretariat-token` (0600) and returns its
 * SHA-256 hash (hex), the only thing the hub keeps.
 *
 * @param dir - the hub's directory
 * @example
 * ```ts
 * config.secretariatTokenSha256 = writeSecretariatToken(dir);
 * ```
 */
export function writeSecretariatToken(dir: string): string {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  writeHubFile(dir, HUB_FILES.secretariatToken, token + '\n', 0o600);
  return hashToken(token);
}

/**
 * Whether a bearer token is the hub's secretariat token (compared by hash, in constant time).
 *
 * @param config - the hub's configuration
 * @param token - the presented token
 * @example
 * ```ts
 * isSecretariatToken(hub.config, readFileSync('HUB/secretariat-token', 'utf8').trim()); // true
 * ```
 */
export function isSecretariatToken(config: HubConfig, token: string): boolean {
  const want = config.secretariatTokenSha256;
  if (want === undefined || !token.startsWith(TOKEN_PREFIX)) return false;
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(want, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
