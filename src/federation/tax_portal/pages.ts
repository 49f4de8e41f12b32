/**
 * The tax portal's pages, rendered on the server: no script at all, the style sheet from the
 * portal itself (`/style.css`, so the CSP can be `default-src 'self'`), every value HTML-escaped,
 * a heading structure, labelled controls, visible focus and text contrast above 7:1.
 */
import { escapeHtml } from '../../login/html.js';
import type { LoggedInUser } from './sessions.js';

/** The portal's name, as the login service shows it too. */
export const TAX_PORTAL_NAME = 'VN tax portal';

/** The style sheet served at `/style.css`. */
export const TAX_PORTAL_CSS = `
body{font-family:system-ui,sans-serif;margin:0;background:#f5f7f9;color:#1a1a1a;line-height:1.5}
header{background:#7a1712;color:#fff;padding:.75rem 1.5rem}
header p{margin:0;font-weight:600}
main{max-width:46rem;margin:1.5rem auto;background:#fff;padding:1.25rem 1.5rem;border-radius:6px;border:1px solid #d0d7de}
h1{font-size:1.5rem;margin-top:0}h2{font-size:1.15rem;margin-top:1.5rem}
a{color:#0a4a8c}
button{font:inherit;font-size:1rem;padding:.55rem 1.1rem;border-radius:4px;border:2px solid #0a4a8c;background:#0a4a8c;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0a4a8c}
button:hover{background:#073766;border-color:#073766;color:#fff}
a:focus-visible,button:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{text-align:left;border-bottom:1px solid #d0d7de;padding:.4rem .5rem;vertical-align:top}
td{word-break:break-word}
.muted{color:#4a5560}
.error{border-left:4px solid #a4161a;padding-left:1rem}
code{font-family:ui-monospace,monospace;font-size:.9rem}
@media (max-width:30rem){main{margin:0;border-radius:0;border-width:0 0 1px}th,td{padding:.35rem .25rem}}
`;

/** A page: its title and the content of `<main>`. */
export interface PortalPage {
  title: string;
  body: string;
}

/**
 * The HTML document of a page.
 *
 * @example
 * ```ts
 * reply.type('text/html; charset=utf-8').send(renderPortalPage(homePage(csrf)));
 * ```
 */
export function renderPortalPage(page: PortalPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} — ${TAX_PORTAL_NAME}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><p>Viet Nam General Department of Taxation — ${TAX_PORTAL_NAME} (sample service)</p></header>
<main>
${page.body}
</main>
</body>
</html>
`;
}

function csrfField(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}

/**
 * The home page of a visitor not logged in: the "Log in with your eID" button.
 *
 * @param csrf - the session's CSRF token
 */
export function homePage(csrf: string): PortalPage {
  return {
    title: 'Home',
    body: `<h1>${TAX_PORTAL_NAME}</h1>
<p>File your tax return and see your tax account. Log in with the eID of any member country of
the federation: Viet Nam, the Philippines or Belgium.</p>
<form method="post" action="/login">${csrfField(csrf)}
<button type="submit" id="login">Log in with your eID</button>
</form>
<p class="muted">You will be sent to the VN eID login service. Citizens of another country choose
their country there and log in at their own country's service.</p>`,
  };
}

// The claims the portal shows, in order, with their labels.
const CLAIM_ROWS: readonly (readonly [string, string])[] = [
  ['sub', 'Subject'],
  ['given_name', 'Given names'],
  ['family_name', 'Family name'],
  ['birthdate', 'Date of birth'],
  ['person_identifier', 'Person identifier (eIDAS)'],
  ['issuing_country', 'Country that issued the eID'],
  ['acr', 'Level of assurance'],
  ['amr', 'Authentication methods'],
];

function claimValue(v: unknown): string {
  if (v === undefined) return '(not received)';
  return Array.isArray(v) ? v.map(String).join(', ') : String(v);
}

/**
 * The page of a logged-in citizen: welcome, the claims received and where from, which node
 * authenticated them, and the logout button.
 *
 * @param user - what the login service released
 * @param csrf - the session's CSRF token
 * @param issuer - the login service the portal is registered with
 */
export function accountPage(user: LoggedInUser, csrf: string, issuer: string): PortalPage {
  const c = user.claims;
  const name = `${claimValue(c['given_name'])} ${claimValue(c['family_name'])}`;
  const rows = CLAIM_ROWS.map(
    ([k, label]) => `<tr><th scope="row">${escapeHtml(label)} <code>${k}</code></th>
<td data-claim="${k}">${escapeHtml(claimValue(c[k]))}</td>
<td>${escapeHtml(user.sources[k] ?? '—')}</td></tr>`,
  ).join('\n');
  const country = typeof c['issuing_country'] === 'string' ? c['issuing_country'] : '';
  const via =
    country && country !== 'VN'
      ? `Your eID was checked by the <strong>${escapeHtml(country)}</strong> country node; the VN eID
login service passed its answer on (cross-border login).`
      : `Your eID was checked by the <strong>VN</strong> country node.`;
  return {
    title: 'Your tax account',
    body: `<h1 id="welcome">Welcome, ${escapeHtml(name)}</h1>
<p id="authenticated-by">${via} Login service: <code id="issuer">${escapeHtml(issuer)}</code>.</p>
<table id="claims">
<caption>What the eID login service told the portal about you</caption>
<thead><tr><th scope="col">Claim</th><th scope="col">Value</th><th scope="col">Received in</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Log out</h2>
<form method="post" action="/logout">${csrfField(csrf)}
<button type="submit" id="logout">Log out</button>
</form>
<p class="muted">You are logged out here and at the eID login service.</p>`,
  };
}

/** The page after logout at the login service. */
export function loggedOutPage(): PortalPage {
  return {
    title: 'Logged out',
    body: `<h1 id="logged-out">You are logged out</h1>
<p>You have left the ${TAX_PORTAL_NAME} and the eID login service.</p>
<p><a href="/">Back to the home page</a></p>`,
  };
}

/**
 * The page of a refused request or a login that did not complete: what happened, in words, and
 * its stable code.
 *
 * @param code - the stable code
 * @param message - what happened
 * @param title - the page's heading
 */
export function portalErrorPage(code: string, message: string, title = 'Login not completed'): PortalPage {
  return {
    title,
    body: `<div class="error" role="alert">
<h1>${escapeHtml(title)}</h1>
<p id="message">${escapeHtml(message.charAt(0).toUpperCase() + message.slice(1))}.</p>
<p class="muted">Code: <code id="code">${escapeHtml(code)}</code></p>
</div>
<p><a href="/">Back to the home page</a></p>`,
  };
}
