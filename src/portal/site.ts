/**
 * What the hub's and the nodes' pages share: the stylesheet route, the language of a request,
 * sending a page, and the error page every refusal is shown as.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TrustbridgeError } from '../lib/errors.js';
import { markup } from './html.js';
import { renderLayout } from './layout.js';
import { chooseLanguage, message } from './messages.js';
import type { Lang } from './messages.js';
import { portalSecurity } from './security.js';
import { PORTAL_CSS, PORTAL_CSS_ETAG } from './style.js';

/** What the pages of a site need to know of it. */
export interface SiteOptions {
  /** The site's public URL (its origin is where forms must come from). */
  baseUrl: string;
  /** The header's line saying where the site is, in a language. */
  context(lang: Lang): string;
  /** The HTTP status of each stable error code (the server's catalogue). */
  httpStatus: Readonly<Record<string, number>>;
}

/**
 * The language of a request: `?lang=`, else Accept-Language, else English.
 *
 * @example
 * ```ts
 * const lang = langOf(req);
 * ```
 */
export function langOf(req: FastifyRequest): Lang {
  return chooseLanguage(
    (req.query as Record<string, unknown> | undefined)?.['lang'],
    req.headers['accept-language'],
  );
}

/**
 * Sends a rendered page.
 *
 * @example
 * ```ts
 * return sendPage(reply, renderLayout({ … }));
 * ```
 */
export function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(page);
}

function statusOf(e: unknown, httpStatus: SiteOptions['httpStatus']): number {
  if (e instanceof TrustbridgeError) return httpStatus[e.code] ?? 500;
  const status = (e as FastifyError).statusCode;
  return status !== undefined && status >= 400 && status < 500 ? status : 500;
}

function codeOf(e: unknown, status: number): string {
  if (e instanceof TrustbridgeError) return e.code;
  if (status === 413) return 'INPUT_TOO_LARGE';
  return status >= 500 ? 'INTERNAL' : 'HTTP_BAD_REQUEST';
}

/**
 * The page of a refused request: what happened, in words, and its stable code (also in the
 * `x-error-code` header, for scripts). Details of a server error are not shown.
 */
function sendError(req: FastifyRequest, reply: FastifyReply, e: unknown, site: SiteOptions): FastifyReply {
  const lang = langOf(req);
  const status = statusOf(e, site.httpStatus);
  const code = codeOf(e, status);
  if (status >= 500) req.log.error({ err: e }, 'page failed');
  const title = message(
    lang,
    status === 404 ? 'error.notFound' : status >= 500 ? 'error.internal' : 'error.title',
  );
  const detail = status >= 500 ? '' : e instanceof Error ? e.message : '';
  const body = markup`<div class="error-summary" role="alert">
<h1>${title}</h1>
${detail ? markup`<p id="error-message">${detail}</p>` : ''}
<p>${message(lang, 'error.code')}: <code id="error-code">${code}</code></p>
</div>
<p><a href="/?lang=${lang}">${message(lang, 'error.back')}</a></p>`;
  void reply.header('x-error-code', code);
  return sendPage(reply, renderLayout({ lang, title, context: site.context(lang), body }), status);
}

/**
 * Opens the pages' scope on an application: the security plugin, HTML error pages for its
 * routes, `GET /portal.css` (cached a day, with an ETag) and an empty `GET /favicon.ico`. `routes` adds the site's pages.
 *
 * @param app - the hub's or the node's application (before `ready()`)
 * @param site - the site
 * @param routes - registers the pages in the scope
 * @example
 * ```ts
 * registerSite(app, site, (pages) => pages.get('/', …));
 * ```
 */
export function registerSite(
  app: FastifyInstance,
  site: SiteOptions,
  routes: (pages: FastifyInstance) => void,
): void {
  void app.register(async (pages) => {
    await pages.register(portalSecurity);
    pages.setErrorHandler((e, req, reply) => sendError(req, reply, e, site));
    pages.get('/portal.css', (req, reply) => {
      void reply.header('etag', PORTAL_CSS_ETAG).header('cache-control', 'public, max-age=86400');
      if (req.headers['if-none-match'] === PORTAL_CSS_ETAG) return reply.status(304).send();
      return reply.type('text/css; charset=utf-8').send(PORTAL_CSS);
    });
    // Browsers ask for it on every site; no icon, and no 404 in their console.
    pages.get('/favicon.ico', (_req, reply) => reply.status(204).send());
    routes(pages);
  });
}
