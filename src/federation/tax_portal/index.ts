/**
 * The VN tax portal: the sample public service of the federation in a box, a relying party of the
 * VN login service built on `openid-client`.
 */
export { buildTaxPortal, startTaxPortal } from './app.js';
export type { RunningTaxPortal, TaxPortalOptions } from './app.js';
export { TAX_PORTAL_ERRORS, TAX_PORTAL_HTTP_STATUS, TaxPortalError } from './errors.js';
export type { TaxPortalErrorCode } from './errors.js';
export { TAX_PORTAL_NAME } from './pages.js';
export { RelyingParty, TAX_PORTAL_SCOPE } from './relying_party.js';
export type { TaxPortalClient } from './relying_party.js';
export { TAX_PORTAL_COUNTRY, registerTaxPortal, taxPortalClientFile } from './registration.js';
export { SESSION_COOKIE, SessionStore } from './sessions.js';
export type { LoggedInUser, PendingLogin, Session } from './sessions.js';
