/**
 * The frame of every page: a skip link, a header with the site's name, where it is (the hub or
 * the country) and the language switch, the main landmark, a footer. No script, no inline
 * style: the page's only resource is the site's own stylesheet.
 */
import { markup } from './html.js';
import type { SafeHtml } from './html.js';
import { LANGUAGES, message } from './messages.js';
import type { Lang } from './messages.js';
import { PORTAL_CSS_PATH } from './style.js';

/** A page to put in the frame. */
export interface LayoutPage {
  lang: Lang;
  /** The page's own title (the h1 says the same). */
  title: string;
  /** Where the site is: "Regional hub: …" or "National eID services: …". */
  context: string;
  /** The path the language switch links to, with `?lang=` (default `/`). */
  path?: string;
  /** The main content. */
  body: SafeHtml;
  /** The page has a form (the footer then tells of the cookie that protects it). */
  forms?: boolean;
}

/**
 * Renders a whole page.
 *
 * @param page - language, title, context and content
 * @example
 * ```ts
 * renderLayout({ lang: 'en', title: 'Cooperation portal', context: 'Regional hub: X', body: markup`<h1>…</h1>` });
 * ```
 */
export function renderLayout(page: LayoutPage): string {
  const t = (key: Parameters<typeof message>[1]): string => message(page.lang, key);
  const path = page.path ?? '/';
  const switcher = LANGUAGES.map(
    (l) =>
      markup`<li><a href="${path}?lang=${l.lang}" lang="${l.lang}" hreflang="${l.lang}"${
        l.lang === page.lang ? markup` aria-current="true"` : ''
      }>${l.name}</a></li>`,
  );
  return markup`<!DOCTYPE html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} – ${t('site.name')}</title>
<link rel="stylesheet" href="${PORTAL_CSS_PATH}">
</head>
<body>
<a class="skip-link" href="#main">${t('layout.skip')}</a>
<header class="site-header">
<div class="wrap">
<div>
<p class="brand"><a href="/?lang=${page.lang}">${t('site.name')}</a></p>
<p class="context">${page.context}</p>
</div>
<nav aria-label="${t('layout.language')}"><ul class="lang">${switcher}</ul></nav>
</div>
</header>
<main id="main" class="wrap" tabindex="-1">
${page.body}
</main>
<footer class="site-footer">
<div class="wrap">
<p>${t('site.tagline')}. ${t('layout.footer')}</p>
${page.forms ? markup`<p>${t('layout.footerCookie')}</p>` : ''}
</div>
</footer>
</body>
</html>
`.toString();
}
