/**
 * The one stylesheet of the pages, served by the site itself at `/portal.css` (no CDN, no web
 * font: the pages work on a closed network). Plain and official-looking: system fonts, a dark
 * blue header, a width that suits reading, and focus shown by a thick yellow and black outline
 * (as GOV.UK Frontend does) so keyboard users always see where they are. Colours meet WCAG 2.2
 * contrast (text at least 4.5:1).
 */
import { createHash } from 'node:crypto';

/** The stylesheet. */
export const PORTAL_CSS = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;font-size:1.0625rem;line-height:1.5;color:#0b0c0c;background:#f3f2f1}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem}
a{color:#1d4f91;text-decoration:underline;text-underline-offset:.15em}
a:visited{color:#4c2c92}
a:hover{color:#0b2c5a;text-decoration-thickness:.18em}
a:focus,button:focus,input:focus,summary:focus{outline:3px solid #fd0;outline-offset:0;background-color:#fd0;color:#0b0c0c;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
main:focus{outline:none;background:none;box-shadow:none}
input[type=file]:focus{background-color:#fff}
.skip-link{position:absolute;left:-9999px;top:0;padding:.5rem 1rem;background:#fd0;color:#0b0c0c}
.skip-link:focus{left:1rem;top:.5rem;z-index:10}
.site-header{background:#0b2c5a;color:#fff;border-bottom:.5rem solid #1d70b8}
.site-header .wrap{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.5rem;padding-top:.75rem;padding-bottom:.75rem}
.brand{margin:0;font-weight:700;font-size:1.35rem}
.brand a,.brand a:visited{color:#fff;text-decoration:none}
.brand a:hover{text-decoration:underline}
.context{margin:0;font-size:1rem;color:#fff}
.lang{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.lang a,.lang a:visited{color:#fff}
.lang a[aria-current]{font-weight:700;text-decoration:none}
main.wrap{display:block;padding-top:2rem;padding-bottom:3rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}
h2{font-size:1.4rem;margin:2rem 0 .75rem}
.lead{font-size:1.2rem}
.panel{background:#fff;border:1px solid #b1b4b6;padding:1rem 1.25rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;background:#fff}
caption{text-align:left;font-weight:700;padding:.5rem 0}
th,td{text-align:left;padding:.6rem .75rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
th{background:#e9ecef}
.status{display:inline-block;padding:.1rem .5rem;font-weight:700;border:2px solid currentColor}
.status-active{color:#00703c}
.status-suspended{color:#8a4b00}
.status-removed{color:#b3261e}
.links{padding-left:1.25rem}
.links li{margin:.35rem 0}
label{display:block;font-weight:700;margin-bottom:.25rem}
.hint{color:#505a5f;margin:0 0 .5rem}
input[type=file]{display:block;max-width:100%;padding:.4rem;border:2px solid #0b0c0c;background:#fff;margin-bottom:1rem}
button{font:inherit;font-weight:700;color:#fff;background:#00703c;border:0;box-shadow:0 2px 0 #002d18;padding:.6rem 1.2rem;cursor:pointer}
button:hover{background:#005a30}
button:focus{color:#0b0c0c}
.error-summary{border:5px solid #b3261e;background:#fff;padding:1rem 1.25rem}
.error-summary h1{color:#b3261e}
code{font-family:ui-monospace,"SFMono-Regular",Menlo,monospace;font-size:.95em;word-break:break-all}
.site-footer{border-top:1px solid #b1b4b6;background:#fff;color:#383f43;font-size:.95rem;padding:1rem 0}
.site-footer p{margin:.25rem 0}
@media (max-width:40rem){h1{font-size:1.6rem}th,td{padding:.5rem}table,thead,tbody,tr,th,td{font-size:.95rem}.responsive-table thead{position:absolute;left:-9999px}.responsive-table tr{display:block;border-bottom:2px solid #b1b4b6;padding:.25rem 0}.responsive-table td{display:block;border:0;padding:.25rem .5rem}.responsive-table td::before{content:attr(data-label) ": ";font-weight:700}}
@media print{.site-header,.site-footer,.skip-link{display:none}}
`;

/** A strong ETag of the stylesheet (RFC 9110 clause 8.8.3). */
export const PORTAL_CSS_ETAG = `"${createHash('sha256').update(PORTAL_CSS).digest('base64url').slice(0, 22)}"`;

/** Where the pages link the stylesheet; the query changes with its content, so it may be cached long. */
export const PORTAL_CSS_PATH = `/portal.css?v=${PORTAL_CSS_ETAG.slice(1, 9)}`;
