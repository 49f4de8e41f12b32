/**
 * The tax portal's sessions, kept on the server: the browser holds only a random identifier in
 * an HttpOnly, SameSite=Lax cookie. A session carries its CSRF token, the login in progress
 * (state, nonce and PKCE verifier, never sent to the browser) and, once logged in, what the login
 * service released. Sessions end after 30 idle minutes or 8 hours; a login in progress after 10
 * minutes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie holding the session identifier (browsers share cookies across ports of one host). */
export const SESSION_COOKIE = 'vn_tax_portal_session';

/** A login started here and not yet completed. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  startedAt: number;
}

/** Where a claim was received: in the ID token, from userinfo, or both. */
export type ClaimSource = 'ID token' | 'userinfo' | 'ID token, userinfo';

/** A logged-in citizen, as the login service released them. */
export interface LoggedInUser {
  /** Every claim received, ID token and userinfo merged. */
  claims: Record<string, unknown>;
  /** Where each claim came from. */
  sources: Record<string, ClaimSource>;
  /** The ID token, sent back as `id_token_hint` at logout. */
  idToken: string;
  loggedInAt: number;
}

/** A browser's session. */
export interface Session {
  id: string;
  csrf: string;
  createdAt: number;
  seenAt: number;
  pending?: PendingLogin;
  user?: LoggedInUser;
}

const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 8 * 3600_000;
/** How long a login may take, from the button to the callback. */
export const PENDING_MS = 10 * 60_000;

const token = (): string => randomBytes(32).toString('base64url');

/**
 * The sessions of one portal process, at most `max` (the oldest go first).
 *
 * @example
 * ```ts
 * const sessions = new SessionStore();
 * const s = sessions.create();
 * sessions.find(s.id) === s; // true
 * ```
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;
  readonly #max: number;

  /**
   * @param now - the clock (milliseconds)
   * @param max - the most sessions kept
   */
  constructor(now: () => number = Date.now, max = 10_000) {
    this.#now = now;
    this.#max = max;
  }

  /** A new, anonymous session. */
  create(): Session {
    const now = this.#now();
    const s: Session = { id: token(), csrf: token(), createdAt: now, seenAt: now };
    if (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    this.#sessions.set(s.id, s);
    return s;
  }

  /** The live session `id` names (its idle time restarts), or undefined. */
  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.#sessions.get(id);
    if (!s) return undefined;
    const now = this.#now();
    if (now - s.seenAt > IDLE_MS || now - s.createdAt > ABSOLUTE_MS) {
      this.#sessions.delete(id);
      return undefined;
    }
    s.seenAt = now;
    // Most recently used last, so the oldest is first when the store is full.
    this.#sessions.delete(id);
    this.#sessions.set(id, s);
    return s;
  }

  /**
   * The session under a new identifier and CSRF token (at login: a session identifier known
   * before the login, e.g. planted by someone else, does not carry the login).
   */
  renew(s: Session): Session {
    this.#sessions.delete(s.id);
    const fresh = this.create();
    if (s.user) fresh.user = s.user;
    return fresh;
  }

  /** Ends session `id`. */
  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** The login in progress of `s`, taken out of it (usable once), or undefined when expired. */
  takePending(s: Session): PendingLogin | undefined {
    const p = s.pending;
    delete s.pending;
    if (!p || this.#now() - p.startedAt > PENDING_MS) return undefined;
    return p;
  }

  /** The current time of the store's clock. */
  now(): number {
    return this.#now();
  }
}

/**
 * The session identifier in a `Cookie` header.
 *
 * @example
 * ```ts
 * sessionIdOf('a=1; vn_tax_portal_session=abc'); // 'abc'
 * ```
 */
export function sessionIdOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(v) ? v : undefined;
    }
  }
  return undefined;
}

/**
 * The `Set-Cookie` value for session `id` (`undefined` clears it); `secure` on https.
 *
 * @example
 * ```ts
 * reply.header('set-cookie', sessionCookie(s.id, false));
 * ```
 */
export function sessionCookie(id: string | undefined, secure: boolean): string {
  const attrs = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  return id ? `${SESSION_COOKIE}=${id}; ${attrs}` : `${SESSION_COOKIE}=; Max-Age=0; ${attrs}`;
}

/**
 * True when `presented` is the session's CSRF token (compared in constant time).
 *
 * @example
 * ```ts
 * csrfMatches(session, body.csrf);
 * ```
 */
export function csrfMatches(s: Session, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(s.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
