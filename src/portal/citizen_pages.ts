/**
 * A country node's citizen page, `GET /`: what a citizen can do here today (log in to public
 * services with the eID, which starts at the service; check a signed document), and the node's
 * public information. `POST /validate` takes the page's form (multipart/form-data, one file,
 * size-limited, CSRF-checked), checks that the file is a signed document the validators read,
 * runs the node's validation and answers the readable HTML report.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UsageError } from '../lib/errors.js';
import { bufferSource } from '../lib/document_source.js';
import { multipartBoundary, parseMultipart } from '../lib/multipart.js';
import type { FormPart } from '../lib/multipart.js';
import { detectFormat } from '../validation/formats.js';
import type { ValidationReport } from '../validation/report.js';
import { renderHtml } from '../validation/report_html.js';
import { STYLE as REPORT_STYLE } from '../validation/report_html_text.js';
import { PortalError } from './errors.js';
import { markup } from './html.js';
import { renderLayout } from './layout.js';
import { countryName, message } from './messages.js';
import type { Lang, MessageKey } from './messages.js';
import { CSRF_FIELD, checkForm, csrfToken } from './security.js';
import { langOf, registerSite, sendPage } from './site.js';

/** What the citizen page of a node needs. */
export interface CitizenSite {
  /** The node's country code. */
  country: string;
  /** The node's public URL. */
  baseUrl: string;
  /** Whether the node publishes a transparency log (`/log/checkpoint`). */
  hasLog: boolean;
  /** Largest upload of the validate form (bytes of the whole form). */
  maxUploadBytes: number;
  /** The node's validation of a document (as `POST /api/v1/validate` runs it). */
  validate(document: Buffer, name: string | undefined): Promise<ValidationReport>;
  /**
   * Admits an upload of `bytes` from `client` within the node's budgets, or throws (429, 503);
   * the answer releases it.
   */
  admit?(client: string, bytes: number): { release(): void };
  /** The status of each error code. */
  httpStatus: Readonly<Record<string, number>>;
}

/**
 * The report page's own policy: nothing loaded, only the report's own style (by its hash, not
 * 'unsafe-inline'), no form, no framing.
 */
const REPORT_CSP =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(REPORT_STYLE).digest('base64')}'; ` +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function formatSize(bytes: number): string {
  return bytes >= 1 << 20 ? `${Math.floor(bytes / (1 << 20))} MB` : `${Math.floor(bytes / 1024)} kB`;
}

/**
 * Renders the citizen page of a node.
 *
 * @param lang - the page's language
 * @param site - the node
 * @param csrf - the browser's CSRF token, put in the form
 * @example
 * ```ts
 * renderCitizenHome('vi', site, token);
 * ```
 */
export function renderCitizenHome(
  lang: Lang,
  site: Pick<CitizenSite, 'country' | 'hasLog' | 'maxUploadBytes'>,
  csrf: string,
): string {
  const country = countryName(lang, site.country);
  const t = (key: MessageKey, v: Record<string, string> = {}): string =>
    message(lang, key, { country, ...v });
  const body = markup`<h1>${t('node.title')}</h1>
<p class="lead">${t('node.intro')}</p>
<h2 id="validate-heading">${t('node.validate.heading')}</h2>
<div class="panel">
<p>${t('node.validate.text')}</p>
<form method="post" action="/validate?lang=${lang}" enctype="multipart/form-data" aria-labelledby="validate-heading">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<label for="document">${t('node.validate.file')}</label>
<p class="hint" id="document-hint">${t('node.validate.hint', { size: formatSize(site.maxUploadBytes) })}</p>
<input type="file" id="document" name="document" required aria-describedby="document-hint" accept=".pdf,.p7s,.p7m,.json,.jws,.xml,.asice,.asics,.sce,.scs,application/pdf,application/pkcs7-signature,application/json,application/xml">
<button type="submit">${t('node.validate.submit')}</button>
</form>
</div>
<h2>${t('node.login.heading')}</h2>
<p>${t('node.login.text')}</p>
<h2>${t('node.public.heading')}</h2>
<ul class="links">
<li><a href="/trustlist.xml">${t('node.public.trustList')}</a></li>
<li><a href="/ca/root.pem">${t('node.public.root')}</a></li>
${site.hasLog ? markup`<li><a href="/log/checkpoint">${t('node.public.log')}</a></li>` : ''}
</ul>`;
  return renderLayout({
    lang,
    title: t('node.title'),
    context: t('node.context'),
    body,
    forms: true,
  });
}

/** The form's fields and file; the CSRF token is checked before anything else is looked at. */
function readForm(req: FastifyRequest, baseUrl: string): FormPart {
  const body = req.body;
  let parts: FormPart[] = [];
  if (Buffer.isBuffer(body)) parts = parseMultipart(body, multipartBoundary(req.headers['content-type']));
  else if (typeof body === 'string')
    parts = [...new URLSearchParams(body)].map(([name, v]) => ({ name, data: Buffer.from(v) }));
  const csrf = parts.find((p) => p.name === CSRF_FIELD)?.data.toString('utf8');
  checkForm(req, csrf, baseUrl);
  if (!Buffer.isBuffer(body)) throw new PortalError('PORTAL_UPLOAD_INVALID');
  const files = parts.filter((p) => p.name === 'document' && p.filename !== undefined);
  if (files.length !== 1) throw new PortalError('PORTAL_UPLOAD_INVALID', 'send exactly one file');
  if (files[0]!.data.length === 0) throw new UsageError('INPUT_MALFORMED', 'the file is empty');
  return files[0]!;
}

/**
 * Registers a node's pages: `GET /` (the citizen page), `POST /validate` (the form) and
 * `GET /portal.css`.
 *
 * @param app - the node's application (before `ready()`)
 * @param site - the node and its validation
 * @example
 * ```ts
 * registerCitizenPages(app, { country: 'VN', baseUrl, hasLog: true, maxUploadBytes: 10 << 20, validate, httpStatus: HTTP_STATUS });
 * ```
 */
export function registerCitizenPages(app: FastifyInstance, site: CitizenSite): void {
  const context = (lang: Lang): string =>
    message(lang, 'node.context', { country: countryName(lang, site.country) });
  registerSite(app, { baseUrl: site.baseUrl, context, httpStatus: site.httpStatus }, (pages) => {
    // Only the form's encodings, each within the limit: anything else is refused (415) unread.
    pages.removeAllContentTypeParsers();
    pages.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    pages.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );
    // Admission before the body is read: a declared size over the limit, or over the node's
    // upload budgets, is refused at once (issue 13).
    pages.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'POST') return;
      const length = req.headers['content-length'];
      const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
      if (declared !== undefined && declared > site.maxUploadBytes)
        throw new UsageError('INPUT_TOO_LARGE', `the form is over ${site.maxUploadBytes} bytes`);
      const ticket = site.admit?.(req.ip, declared ?? site.maxUploadBytes);
      if (ticket) reply.raw.once('close', () => ticket.release());
    });
    pages.get('/', (req, reply) =>
      sendPage(reply, renderCitizenHome(langOf(req), site, csrfToken(req, reply, site.baseUrl))),
    );
    pages.post('/validate', { bodyLimit: site.maxUploadBytes }, async (req, reply) => {
      const file = readForm(req, site.baseUrl);
      try {
        await detectFormat(bufferSource(file.data));
      } catch (e) {
        throw new PortalError('PORTAL_DOCUMENT_UNSUPPORTED', file.filename, { cause: e });
      }
      const report = await site.validate(file.data, file.filename || undefined);
      void reply.header('content-security-policy', REPORT_CSP);
      return sendPage(reply, renderHtml(report));
    });
  });
}
