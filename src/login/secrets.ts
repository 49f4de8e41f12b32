/**
 * Server-side secrets of the login service shared by every process of a node: the key that
 * signs the provider's cookies and derives CSRF tokens. Kept in the node store (not in memory),
 * so a restart or a second process behind the load balancer accepts the same cookies and forms.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/database.js';
import { keepLoginSecret } from './store/index.js';

/**
 * The node's login secret (32 random bytes, base64url), created on first use.
 *
 * @example
 * ```ts
 * const secret = await loginSecret(node.store);
 * ```
 */
export async function loginSecret(store: Store): Promise<string> {
  // Two processes starting together: the first insert wins, both read it back.
  return keepLoginSecret(store, randomBytes(32).toString('base64url'));
}

/**
 * CSRF tokens for the login forms (OWASP "synchronizer token", stateless): an HMAC of the
 * interaction identifier, so only a page the node rendered for that interaction carries it.
 *
 * @example
 * ```ts
 * const csrf = new CsrfTokens(secret);
 * csrf.verify(uid, csrf.token(uid)); // true
 * ```
 */
export class CsrfTokens {
  readonly #key: Buffer;

  /** @param secret - the node's login secret */
  constructor(secret: string) {
    this.#key = createHmac('sha256', secret).update('csrf').digest();
  }

  /** The token of interaction `uid`. */
  token(uid: string): string {
    return createHmac('sha256', this.#key).update(uid).digest('base64url');
  }

  /** True when `presented` is the token of `uid` (constant time). */
  verify(uid: string, presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    const a = Buffer.from(this.token(uid));
    const b = Buffer.from(presented);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
