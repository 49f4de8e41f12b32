/**
 * The hub's cooperation portal, `GET /`: what the region's hub is, its member countries (read
 * from the hub's state at each request, as `/healthz` does) with their status and links to their
 * trust lists and logs, the list of trusted lists and the hub's own log. Only what works is
 * shown: sign-in and agreements come later.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { HUB_FILES, readHubState } from '../hub/config.js';
import type { HubMember } from '../hub/config.js';
import type { HubContext } from '../hub/hub.js';
import { memberStatus } from '../hub/members.js';
import { markup } from './html.js';
import type { SafeHtml } from './html.js';
import { renderLayout } from './layout.js';
import { countryName, message } from './messages.js';
import type { Lang, MessageKey } from './messages.js';
import { langOf, registerSite, sendPage } from './site.js';

/** What the hub's home page shows. */
export interface HubHome {
  /** The hub's name (as in `hub.json`). */
  name: string;
  members: readonly HubMember[];
  /** Whether the hub publishes its own log (`/log/checkpoint`). */
  hasLog: boolean;
}

function memberRow(lang: Lang, m: HubMember): SafeHtml {
  const t = (key: MessageKey, v: Record<string, string> = {}): string => message(lang, key, v);
  const country = countryName(lang, m.country);
  const status = memberStatus(m);
  const logUrl = m.transparency?.logUrl;
  const safe = (url: string): boolean => /^https?:\/\//i.test(url);
  return markup`<tr>
<td data-label="${t('hub.members.country')}">${country} <span lang="en">(${m.country})</span></td>
<td data-label="${t('hub.members.status')}"><span class="status status-${status}">${t(`status.${status}`)}</span></td>
<td data-label="${t('hub.members.trustList')}">${
    safe(m.trustListUrl)
      ? markup`<a href="${m.trustListUrl}">${t('hub.members.trustListLink', { country })}</a>`
      : m.trustListUrl
  }</td>
<td data-label="${t('hub.members.log')}">${
    logUrl && safe(logUrl)
      ? markup`<a href="${logUrl.replace(/\/?$/, '/')}checkpoint">${t('hub.members.logLink', { country })}</a>`
      : t('hub.members.noLog')
  }</td>
</tr>`;
}

/**
 * Renders the cooperation portal's home page.
 *
 * @param lang - the page's language
 * @param home - the hub's name, members and log
 * @example
 * ```ts
 * renderHubHome('en', { name: 'Regional trust hub', members: readHubState(dir).members, hasLog: true });
 * ```
 */
export function renderHubHome(lang: Lang, home: HubHome): string {
  const t = (key: MessageKey, v: Record<string, string> = {}): string => message(lang, key, v);
  const members =
    home.members.length === 0
      ? markup`<p>${t('hub.members.none')}</p>`
      : markup`<table class="responsive-table">
<caption>${t('hub.members.caption')}</caption>
<thead><tr><th scope="col">${t('hub.members.country')}</th><th scope="col">${t('hub.members.status')}</th><th scope="col">${t('hub.members.trustList')}</th><th scope="col">${t('hub.members.log')}</th></tr></thead>
<tbody>
${home.members.map((m) => memberRow(lang, m))}
</tbody>
</table>`;
  const body = markup`<h1>${t('hub.title')}</h1>
<p class="lead">${t('hub.intro', { name: home.name })}</p>
<h2 id="members">${t('hub.members.heading')}</h2>
${members}
<h2>${t('hub.lotl.heading')}</h2>
<p>${t('hub.lotl.text')}</p>
<ul class="links">
<li><a href="/lotl.xml">${t('hub.lotl.link')}</a></li>
<li><a href="/lotl-signer.pem">${t('hub.lotl.signer')}</a></li>
</ul>
${
  home.hasLog
    ? markup`<h2>${t('hub.log.heading')}</h2>
<p>${t('hub.log.text')}</p>
<ul class="links"><li><a href="/log/checkpoint">${t('hub.log.link')}</a></li></ul>`
    : ''
}`;
  return renderLayout({
    lang,
    title: t('hub.title'),
    context: t('hub.context', { name: home.name }),
    body,
  });
}

/**
 * Registers the hub's pages: `GET /` (the cooperation portal) and `GET /portal.css`.
 *
 * @param app - the hub's application (before `ready()`)
 * @param hub - the open hub
 * @param httpStatus - the status of each error code
 * @example
 * ```ts
 * registerHubPages(app, hub, HTTP_STATUS);
 * ```
 */
export function registerHubPages(
  app: FastifyInstance,
  hub: Pick<HubContext, 'dir' | 'config'>,
  httpStatus: Readonly<Record<string, number>>,
): void {
  const site = {
    baseUrl: hub.config.baseUrl,
    context: (lang: Lang) => message(lang, 'hub.context', { name: hub.config.name }),
    httpStatus,
  };
  registerSite(app, site, (pages) => {
    pages.get('/', (req, reply) => {
      const home: HubHome = {
        name: hub.config.name,
        members: readHubState(hub.dir).members,
        hasLog: existsSync(join(hub.dir, HUB_FILES.public, HUB_FILES.logVkey)),
      };
      return sendPage(reply, renderHubHome(langOf(req), home));
    });
  });
}
