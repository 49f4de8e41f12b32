/**
 * Server-rendered pages of the login service: no external resources (fonts, scripts, images),
 * inline styles only, every interpolated value HTML-escaped, and a Content-Security-Policy that
 * allows nothing else (scripts only by hash).
 */
import { createHash } from 'node:crypto';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"'`]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b1f23}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:6px;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.1rem}
code,textarea,input[type=text]{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}
textarea{width:100%;min-height:5rem}
.error{border-left:4px solid #b3261e;padding-left:1rem}
.muted{color:#57606a;font-size:.9rem}
button{font-size:1rem;padding:.4rem 1rem;margin:.3rem .3rem .3rem 0}
ul.claims li{margin:.2rem 0}
section{border-top:1px solid #d0d7de;margin-top:1rem;padding-top:.5rem}
`;

/** A page to render: its title, body HTML and optional inline script. */
export interface Page {
  title: string;
  body: string;
  /** Inline script (allowed by its SHA-256 in the CSP). */
  script?: string;
  lang?: string;
}

/** The rendered page and the headers it must be served with. */
export interface RenderedPage {
  html: string;
  headers: Record<string, string>;
}

/**
 * Renders a page with its security headers: CSP (W3C CSP Level 3) allowing only the page's own
 * inline style and script, no framing (RFC 7034), no referrer, no caching.
 *
 * @example
 * ```ts
 * const { html, headers } = renderPage({ title: 'Log in', body: '<p>…</p>' });
 * ```
 */
export function renderPage(page: Page): RenderedPage {
  const scriptHash = page.script
    ? `'sha256-${createHash('sha256').update(page.script).digest('base64')}'`
    : "'none'";
  const html = `<!DOCTYPE html>
<html lang="${escapeHtml(page.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${page.body}
</main>
${page.script ? `<script>${page.script}</script>` : ''}
</body>
</html>
`;
  return {
    html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src ${scriptHash}; connect-src 'self'; img-src data:; base-uri 'none'; frame-ancestors 'none'`,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts.
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    },
  };
}

/**
 * The page of a refused or failed login: what happened, in words, and its stable code.
 *
 * @example
 * ```ts
 * renderPage(errorPage('LOGIN_EID_REVOKED', 'the eID is revoked'));
 * ```
 */
export function errorPage(code: string, message: string, back?: string): Page {
  return {
    title: 'Login refused',
    body: `<div class="error" role="alert">
<h1>Login refused</h1>
<p id="message">${escapeHtml(message)}</p>
<p class="muted">Code: <code id="code">${escapeHtml(code)}</code></p>
</div>
${back ? `<p><a href="${escapeHtml(back)}">Back to the service</a></p>` : ''}`,
  };
}

/** A hidden CSRF field. */
export function csrfField(token: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(token)}">`;
}
