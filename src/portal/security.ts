/**
 * The security defaults of the pages, as a Fastify plugin registered in the pages' own scope:
 * response headers (a Content-Security-Policy that allows the site's own files and nothing
 * inline, no framing, no MIME sniffing, no referrer to other sites) and the form protection
 * (a CSRF token, double-submitted in an HttpOnly SameSite=Lax cookie and a hidden field, and the
 * Origin header checked when the browser sends it).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PortalError } from './errors.js';

/**
 * The policy of every page (W3C CSP Level 3): own files only, no inline script or style, no
 * plug-ins, forms post only here, no framing (the modern X-Frame-Options).
 */
export const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The cookie holding the CSRF token (one per browser, for the session of the browser). */
export const CSRF_COOKIE = 'tb_portal_csrf';

/** The hidden field of every POST form. */
export const CSRF_FIELD = 'csrf';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Adds the security headers to every answer of the scope it is registered in; an answer that
 * sets its own Content-Security-Policy (the validation report) keeps it.
 *
 * @param app - the pages' scope
 * @example
 * ```ts
 * await app.register(async (pages) => { await pages.register(portalSecurity); pages.get('/', …) });
 * ```
 */
export async function portalSecurity(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', PORTAL_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts.
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
// Not encapsulated (what the fastify-plugin package does): the hook applies to the scope that
// registers the plugin, not to a child of it.
Object.assign(portalSecurity, { [Symbol.for('skip-override')]: true });

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether the site is served over HTTPS (its public URL, or the request itself). */
function secureRequest(req: FastifyRequest, baseUrl: string): boolean {
  return baseUrl.startsWith('https:') || req.protocol === 'https';
}

/**
 * The browser's CSRF token, made (and set as an HttpOnly, SameSite=Lax session cookie, Secure
 * over HTTPS) when it has none yet.
 *
 * @param req - a GET of a page with a form
 * @param reply - its answer
 * @param baseUrl - the site's public URL
 * @example
 * ```ts
 * const token = csrfToken(req, reply, node.config.baseUrl);
 * ```
 */
export function csrfToken(req: FastifyRequest, reply: FastifyReply, baseUrl: string): string {
  const have = cookieValue(req.headers.cookie, CSRF_COOKIE);
  if (have && TOKEN.test(have)) return have;
  const token = randomBytes(32).toString('base64url');
  const secure = secureRequest(req, baseUrl) ? '; Secure' : '';
  void reply.header('set-cookie', `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${secure}`);
  return token;
}

/**
 * Checks that a POST comes from a form of this site: the Origin header, when sent, is the site's
 * (its public URL or the host it was asked as), and the form's token equals the cookie's.
 *
 * @param req - the POST
 * @param field - the form's CSRF field
 * @param baseUrl - the site's public URL
 * @throws PortalError PORTAL_FORM_FORGED
 * @example
 * ```ts
 * checkForm(req, fields.get('csrf'), node.config.baseUrl);
 * ```
 */
export function checkForm(req: FastifyRequest, field: string | undefined, baseUrl: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const own = [new URL(baseUrl).origin, `${req.protocol}://${req.host}`];
    if (!own.includes(origin)) throw new PortalError('PORTAL_FORM_FORGED', `sent from ${origin}`);
  }
  const cookie = cookieValue(req.headers.cookie, CSRF_COOKIE);
  if (cookie === undefined || field === undefined || !TOKEN.test(cookie))
    throw new PortalError('PORTAL_FORM_FORGED', 'no CSRF token');
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new PortalError('PORTAL_FORM_FORGED', 'the CSRF token does not match');
}
