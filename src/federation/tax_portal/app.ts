/**
 * The VN tax portal: a sample public service of the federation in a box, registered as a relying
 * party of the VN login service. A small Fastify application with server-rendered pages: the home
 * page's "Log in with your eID" button starts the login, `/callback` finishes it and shows the
 * claims received, the logout button logs out here and at the login service.
 *
 * | route | what |
 * |---|---|
 * | `GET /` | home (the login button), or the logged-in citizen's page |
 * | `POST /login` | starts the login (CSRF token): 303 to the provider's authorization endpoint |
 * | `GET /callback` | the redirect URI: code exchanged, ID token validated, userinfo; 303 to `/` |
 * | `POST /logout` | ends the session (CSRF token): 303 to the provider's end_session_endpoint |
 * | `GET /logged-out` | the post-logout redirect URI |
 * | `GET /style.css` | the style sheet |
 */
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LIB_ERRORS } from '../../lib/errors.js';
import { portInUse } from '../../lib/port_in_use.js';
import { TAX_PORTAL_HTTP_STATUS, TaxPortalError } from './errors.js';
import type { TaxPortalErrorCode } from './errors.js';
import {
  TAX_PORTAL_CSS,
  accountPage,
  homePage,
  loggedOutPage,
  portalErrorPage,
  renderPortalPage,
} from './pages.js';
import type { PortalPage } from './pages.js';
import { RelyingParty } from './relying_party.js';
import type { TaxPortalClient } from './relying_party.js';
import { SessionStore, csrfMatches, sessionCookie, sessionIdOf } from './sessions.js';
import type { Session } from './sessions.js';

/** What the portal needs. */
export interface TaxPortalOptions {
  /** Its registration at the login service. */
  client: TaxPortalClient;
  /** Its sessions (a fresh store by default; tests pass one with a fixed clock). */
  sessions?: SessionStore;
  /** Its client of the login service (made from `client` by default). */
  relyingParty?: RelyingParty;
}

const ERROR_TITLES: Partial<Record<TaxPortalErrorCode, string>> = {
  TAX_PORTAL_FORM_FORGED: 'Request refused',
  TAX_PORTAL_NOT_FOUND: 'Page not found',
  TAX_PORTAL_REQUEST_INVALID: 'Request refused',
};

function send(reply: FastifyReply, page: PortalPage, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(renderPortalPage(page));
}

function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  if (e instanceof TaxPortalError)
    return send(
      reply,
      portalErrorPage(e.code, e.message, ERROR_TITLES[e.code]),
      TAX_PORTAL_HTTP_STATUS[e.code],
    );
  const status = (e as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const err = new TaxPortalError('TAX_PORTAL_REQUEST_INVALID', (e as Error).message);
    return send(reply, portalErrorPage(err.code, err.message, ERROR_TITLES[err.code]), status);
  }
  process.stderr.write(`VN tax portal: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
  return send(reply, portalErrorPage('INTERNAL', LIB_ERRORS.INTERNAL.text, 'Something went wrong'), 500);
}

/**
 * Builds the portal's application (not listening yet).
 *
 * @param o - its registration and sessions
 * @example
 * ```ts
 * const app = buildTaxPortal({ client });
 * const res = await app.inject({ url: '/' });
 * ```
 */
export function buildTaxPortal(o: TaxPortalOptions): FastifyInstance {
  const rp = o.relyingParty ?? new RelyingParty(o.client);
  const sessions = o.sessions ?? new SessionStore();
  const origin = new URL(o.client.redirectUri).origin;
  const secure = origin.startsWith('https:');
  const csp =
    `default-src 'self'; base-uri 'none'; frame-ancestors 'none'; ` +
    `form-action 'self' ${new URL(o.client.issuer).origin}`;
  const app = Fastify({ logger: false, bodyLimit: 4096 });

  const current = (req: FastifyRequest): Session | undefined =>
    sessions.find(sessionIdOf(req.headers.cookie));
  const setCookie = (reply: FastifyReply, id: string | undefined): void =>
    void reply.header('set-cookie', sessionCookie(id, secure));
  // A form of this portal: same origin (when the browser says) and the session's CSRF token.
  const formSession = (req: FastifyRequest): Session => {
    const from = req.headers.origin;
    if (from !== undefined && from !== origin)
      throw new TaxPortalError('TAX_PORTAL_FORM_FORGED', `sent from ${from}`);
    const s = current(req);
    const csrf = (req.body as Record<string, unknown> | undefined)?.['csrf'];
    if (!s || !csrfMatches(s, csrf)) throw new TaxPortalError('TAX_PORTAL_FORM_FORGED');
    return s;
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', csp);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    // same-origin: the provider gets no referrer; the portal's own forms keep their Origin header.
    reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setErrorHandler((e, _req, reply) => sendError(reply, e));
  app.setNotFoundHandler((_req, reply) => sendError(reply, new TaxPortalError('TAX_PORTAL_NOT_FOUND')));

  app.get('/style.css', (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(TAX_PORTAL_CSS),
  );

  // Browsers ask for it on every site; no icon, and no 404 in their console.
  app.get('/favicon.ico', (_req, reply) => reply.status(204).send());

  app.get('/', (req, reply) => {
    let s = current(req);
    if (!s) {
      s = sessions.create();
      setCookie(reply, s.id);
    }
    return send(reply, s.user ? accountPage(s.user, s.csrf, o.client.issuer) : homePage(s.csrf));
  });

  app.post('/login', async (req, reply) => {
    const s = formSession(req);
    const { url, pending } = await rp.startLogin(sessions.now());
    s.pending = pending;
    return reply.redirect(url.href, 303);
  });

  app.get('/callback', async (req, reply) => {
    const s = current(req);
    const pending = s && sessions.takePending(s);
    if (!s || !pending) throw new TaxPortalError('TAX_PORTAL_NO_LOGIN');
    const user = await rp.finishLogin(new URL(req.url, origin), pending, sessions.now());
    const fresh = sessions.renew(s);
    fresh.user = user;
    setCookie(reply, fresh.id);
    return reply.redirect('/', 303);
  });

  app.post('/logout', async (req, reply) => {
    const s = formSession(req);
    sessions.delete(s.id);
    setCookie(reply, undefined);
    if (!s.user) return reply.redirect('/', 303);
    return reply.redirect((await rp.logoutUrl(s.user)).href, 303);
  });

  app.get('/logged-out', (_req, reply) => send(reply, loggedOutPage()));

  return app;
}

/** A listening tax portal. */
export interface RunningTaxPortal {
  url: string;
  /** Discovers the login service's metadata now (it is discovered on first use otherwise). */
  discover(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the portal and listens on `host`:`port`.
 *
 * @param o - its registration and where it listens
 * @throws UsageError PORT_IN_USE when the port is taken
 * @example
 * ```ts
 * const portal = await startTaxPortal({ client, host: '127.0.0.1', port: 8084 });
 * console.log(portal.url);
 * ```
 */
export async function startTaxPortal(
  o: TaxPortalOptions & { host: string; port: number },
): Promise<RunningTaxPortal> {
  const rp = o.relyingParty ?? new RelyingParty(o.client);
  const app = buildTaxPortal({ ...o, relyingParty: rp });
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await app.close();
    throw portInUse(e, o.host, o.port, '--port');
  }
  return {
    url: `http://${o.host}:${o.port}`,
    discover: async () => void (await rp.configuration()),
    close: () => app.close(),
  };
}
